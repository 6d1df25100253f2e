/*
 * libicalcheck reads an iCalendar file with libical (the library behind
 * Evolution and KDE's calendars) and reports what libical makes of it, for
 * libical_test.go:
 *
 *   ERROR <hex>               each X-LIC-ERROR: a parse error, or a breach of
 *                             RFC 5546's restrictions for the file's METHOD
 *   EVENT <hex uid>           then, for that event:
 *   PROP <name> <hex value>   its text properties, as libical decodes them
 *                             (one CATEGORY line per category)
 *   SPAN <start> <end>        each meeting, in Unix seconds, expanded by
 *                             libical from DTSTART, DTEND, RRULE, RDATE and
 *                             EXDATE, with the file's own VTIMEZONE
 *   OFFSET <unix> <seconds>   for each Unix time read from standard input,
 *                             the UTC offset the file's VTIMEZONE gives
 *
 * Usage: libicalcheck FILE.ics < instants
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const char *s)
{
	if (s == NULL || *s == '\0') {
		fputs("-", stdout);
		return;
	}
	for (; *s; s++)
		printf("%02x", (unsigned char)*s);
}

static void errors(icalcomponent *c)
{
	icalproperty *p;
	icalcomponent *sub;

	for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		fputs("ERROR ", stdout);
		hex(icalproperty_get_xlicerror(p));
		fputs("\n", stdout);
	}
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
	     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		errors(sub);
}

static void span(icalcomponent *comp, struct icaltime_span *s, void *data)
{
	(void)comp;
	(void)data;
	printf("SPAN %lld %lld\n", (long long)s->start, (long long)s->end);
}

static void prop(const char *name, const char *value)
{
	if (value == NULL)
		return;
	printf("PROP %s ", name);
	hex(value);
	fputs("\n", stdout);
}

int main(int argc, char **argv)
{
	FILE *f;
	long n;
	char *text;
	icalcomponent *cal, *ev, *vtz;
	icalproperty *p;
	icaltimezone *zone;
	struct icaltimetype from, to;
	long long t;

	if (argc != 2) {
		fprintf(stderr, "usage: libicalcheck FILE.ics < instants\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		perror(argv[1]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc(n + 1);
	if (text == NULL || fread(text, 1, n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	text[n] = '\0';
	fclose(f);

	cal = icalparser_parse_string(text);
	if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		printf("ERROR ");
		hex("not a VCALENDAR");
		printf("\n");
		return 0;
	}
	icalrestriction_check(cal); /* adds an X-LIC-ERROR per breach */
	errors(cal);

	from = icaltime_from_timet_with_zone(0, 0, icaltimezone_get_utc_timezone());
	to = icaltime_from_timet_with_zone(4102444800LL /* 2100 */, 0, icaltimezone_get_utc_timezone());
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		fputs("EVENT ", stdout);
		hex(icalcomponent_get_uid(ev));
		fputs("\n", stdout);
		prop("SUMMARY", icalcomponent_get_summary(ev));
		prop("DESCRIPTION", icalcomponent_get_description(ev));
		prop("LOCATION", icalcomponent_get_location(ev));
		for (p = icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY); p;
		     p = icalcomponent_get_next_property(ev, ICAL_CATEGORIES_PROPERTY))
			prop("CATEGORY", icalproperty_get_categories(p));
		p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
		if (p) {
			icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
			prop("ORGANIZER", icalproperty_get_organizer(p));
			if (cn)
				prop("CN", icalparameter_get_cn(cn));
		}
		icalcomponent_foreach_recurrence(ev, from, to, span, NULL);
	}

	vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	if (vtz == NULL)
		return 0;
	zone = icaltimezone_new();
	if (!icaltimezone_set_component(zone, icalcomponent_new_clone(vtz))) {
		printf("ERROR ");
		hex("VTIMEZONE not usable");
		printf("\n");
		return 0;
	}
	while (scanf("%lld", &t) == 1) {
		struct icaltimetype tt = icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
		int dst = 0;
		int off = icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dst);
		printf("OFFSET %lld %d\n", t, off);
	}
	return 0;
}
