module github.com/comune-seregno/coworkbot

go 1.26.8

require (
	github.com/arran4/golang-ical v0.3.4
	github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1
	github.com/makiuchi-d/gozxing v0.1.1
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/nicksnyder/go-i18n/v2 v2.7.0
	github.com/paulmach/orb v0.14.0
	github.com/piglig/go-qr v1.1.0
	github.com/teambition/rrule-go v1.8.2
	golang.org/x/image v0.47.0
	golang.org/x/text v0.43.0
)

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
)
