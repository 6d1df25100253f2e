// Command echobot is a bare echo bot on go-telegram-bot-api, the Go
// yardstick of cmd/tgbench: it echoes texts and locations and answers button
// presses, one update after another, as the library's own example does.
//
//	TELEGRAM_BOT_TOKEN=… echobot -api-endpoint http://127.0.0.1:8081
package main

import (
	"flag"
	"log"
	"os"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func main() {
	endpoint := flag.String("api-endpoint", "https://api.telegram.org", "Bot API server; /bot<token>/<method> is appended")
	flag.Parse()
	bot, err := tgbotapi.NewBotAPIWithAPIEndpoint(os.Getenv("TELEGRAM_BOT_TOKEN"), *endpoint+"/bot%s/%s")
	if err != nil {
		log.Fatal(err)
	}
	u := tgbotapi.NewUpdate(0)
	u.Timeout = 30
	for update := range bot.GetUpdatesChan(u) {
		var err error
		switch m := update.Message; {
		case update.CallbackQuery != nil:
			_, err = bot.Request(tgbotapi.NewCallback(update.CallbackQuery.ID, update.CallbackQuery.Data))
		case m == nil:
			continue
		case m.Location != nil:
			_, err = bot.Send(tgbotapi.NewLocation(m.Chat.ID, m.Location.Latitude, m.Location.Longitude))
		default:
			msg := tgbotapi.NewMessage(m.Chat.ID, m.Text)
			msg.ReplyToMessageID = m.MessageID
			_, err = bot.Send(msg)
		}
		if err != nil {
			log.Print(err)
		}
	}
}
