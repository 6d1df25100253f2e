// Package registry is the Comune di Seregno's official list of coworking
// spaces: the domain types and their SQLite store. It knows nothing about
// Telegram or about languages; callers turn its error kinds into words.
package registry

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/comune-seregno/coworkbot/registry/hours"
)

// Error kinds. Every error the registry returns wraps one of these, so a
// caller picks its message with errors.Is.
var (
	ErrNotFound  = errors.New("not found")
	ErrInvalid   = errors.New("invalid")
	ErrFull      = errors.New("full")
	ErrClosed    = errors.New("closed")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
)

// Service is the canonical code of something a space offers.
type Service string

// The services a space can offer. The list is closed: an unknown code is an
// error, never silently dropped.
const (
	Cobaby         Service = "cobaby"
	Fiber          Service = "fiber"
	Wifi           Service = "wifi"
	MeetingRoom    Service = "meeting_room"
	ConferenceRoom Service = "conference_room"
	Printer        Service = "printer"
	Reception      Service = "reception"
	Cleaning       Service = "cleaning"
	Secretary      Service = "secretary"
	Parking        Service = "parking"
	Accessible     Service = "accessible"
	Kitchen        Service = "kitchen"
	H24            Service = "h24"
	Lockers        Service = "lockers"
	Events         Service = "events"
)

// Services lists every service in display order.
var Services = []Service{Cobaby, Fiber, Wifi, MeetingRoom, ConferenceRoom, Printer, Reception,
	Cleaning, Secretary, Parking, Accessible, Kitchen, H24, Lockers, Events}

// serviceBit gives each service its bit in a ServiceSet.
var serviceBit = func() map[Service]ServiceSet {
	m := make(map[Service]ServiceSet, len(Services))
	for i, s := range Services {
		m[s] = 1 << i
	}
	return m
}()

// ParseService returns the service with the given canonical code.
func ParseService(code string) (Service, error) {
	s := Service(strings.TrimSpace(strings.ToLower(code)))
	if _, ok := serviceBit[s]; !ok {
		return "", fmt.Errorf("unknown service %q: %w", code, ErrInvalid)
	}
	return s, nil
}

// ServiceSet is a set of services as a bit mask.
type ServiceSet uint32

// SetOf returns the set holding the given services.
func SetOf(ss ...Service) ServiceSet {
	var set ServiceSet
	for _, s := range ss {
		set |= serviceBit[s]
	}
	return set
}

// Has reports whether every service of sub is in set.
func (set ServiceSet) Has(sub ServiceSet) bool { return set&sub == sub }

// List returns the services of the set in display order.
func (set ServiceSet) List() []Service {
	var out []Service
	for _, s := range Services {
		if set&serviceBit[s] != 0 {
			out = append(out, s)
		}
	}
	return out
}

// Status is where a space stands in the official list.
type Status string

// The statuses of a space. Citizens only ever see approved spaces.
const (
	Pending   Status = "pending"
	Approved  Status = "approved"
	Suspended Status = "suspended"
)

// Room is a named meeting or conference room that can be booked by the hour.
type Room struct {
	ID             string
	Name           string
	Seats          int
	PriceHourCents int // 0 when not given
}

// Space is one coworking space of the list.
type Space struct {
	ID       string
	Name     string
	Comune   string
	Address  string
	Location orb.Point // [lon, lat]
	Services ServiceSet
	Desks    int
	Rooms    []Room
	Hours    hours.Schedule

	PriceDayCents     int // 0 when not given
	PriceHalfDayCents int // 0 when not given

	Phone, Email, Website string
	Description           map[string]string // language code → text

	Status           Status
	Created, Updated time.Time
}

// DescriptionIn returns the description in lang, falling back to Italian
// and then to any language.
func (s *Space) DescriptionIn(lang string) string {
	if d := s.Description[lang]; d != "" {
		return d
	}
	if d := s.Description["it"]; d != "" {
		return d
	}
	langs := make([]string, 0, len(s.Description))
	for l := range s.Description {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		if s.Description[l] != "" {
			return s.Description[l]
		}
	}
	return ""
}

// Room returns the room with the given id.
func (s *Space) Room(id string) (Room, bool) {
	for _, r := range s.Rooms {
		if r.ID == id {
			return r, true
		}
	}
	return Room{}, false
}
