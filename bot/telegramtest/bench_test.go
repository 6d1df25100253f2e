package telegramtest_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
)

// benchClient is a library client whose transport keeps enough connections
// open for the senders, as a real bot's would.
func benchClient(b *testing.B, s *telegramtest.Server, conns int) *tgbotapi.BotAPI {
	b.Helper()
	transport := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns}
	b.Cleanup(transport.CloseIdleConnections)
	bot, err := tgbotapi.NewBotAPIWithClient(token, s.URL()+"/bot%s/%s", &http.Client{Transport: transport, Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	return bot
}

// BenchmarkSendMessage sends one message to each of n chats with 8
// concurrent senders through the library and real HTTP, as a broadcast
// does, then reads every chat back. ns/send staying flat from 1,000 to
// 10,000 chats shows the hot path is not quadratic.
func BenchmarkSendMessage(b *testing.B) {
	for _, chats := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("chats=%d", chats), func(b *testing.B) {
			const senders = 8
			for b.Loop() {
				b.StopTimer()
				s := telegramtest.NewServer(token)
				bot := benchClient(b, s, senders)
				b.StartTimer()

				var wg sync.WaitGroup
				errs := make(chan error, senders)
				for w := range senders {
					wg.Go(func() {
						for chat := w; chat < chats; chat += senders {
							msg := tgbotapi.NewMessage(int64(1000+chat), "<b>Avviso</b>: la sala studio chiude alle 18")
							msg.ParseMode = tgbotapi.ModeHTML
							if _, err := bot.Send(msg); err != nil {
								errs <- err
								return
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
				for chat := range chats {
					if got := s.Messages(int64(1000 + chat)); len(got) != 1 {
						b.Fatalf("chat %d: got %d messages, want 1", chat, len(got))
					}
				}

				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*chats), "ns/send")
		})
	}
}

// BenchmarkGetUpdates drains n updates from distinct users by long polling
// in batches of 100, as a bot does after a burst.
func BenchmarkGetUpdates(b *testing.B) {
	for _, users := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := telegramtest.NewServer(token)
				bot := benchClient(b, s, 1)
				for u := range users {
					s.SendText(telegramtest.User{ID: int64(1000 + u), FirstName: "U"}, "/start")
				}
				b.StartTimer()

				offset, got := 0, 0
				for got < users {
					updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, AllowedUpdates: []string{"message", "callback_query"}})
					if err != nil {
						b.Fatal(err)
					}
					got += len(updates)
					offset = updates[len(updates)-1].UpdateID + 1
				}
				if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, AllowedUpdates: []string{"message", "callback_query"}}); err != nil {
					b.Fatal(err)
				}
				if err := s.WaitIdle(context.Background()); err != nil {
					b.Fatal(err)
				}

				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*users), "ns/update")
		})
	}
}

// BenchmarkWaitMessages has one test goroutine waiting in WaitMessages for
// each of n chats while the bot sends one message to each, as a broadcast
// test waits for every subscriber. Each message wakes only the waiter of
// its chat.
func BenchmarkWaitMessages(b *testing.B) {
	for _, chats := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("chats=%d", chats), func(b *testing.B) {
			const senders = 8
			for b.Loop() {
				b.StopTimer()
				s := telegramtest.NewServer(token)
				bot := benchClient(b, s, senders)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				var waiters sync.WaitGroup
				errs := make(chan error, chats+senders)
				for chat := range chats {
					waiters.Go(func() {
						if _, err := s.WaitMessages(ctx, int64(1000+chat), 1); err != nil {
							errs <- err
						}
					})
				}
				b.StartTimer()

				var wg sync.WaitGroup
				for w := range senders {
					wg.Go(func() {
						for chat := w; chat < chats; chat += senders {
							if _, err := bot.Send(tgbotapi.NewMessage(int64(1000+chat), "avviso")); err != nil {
								errs <- err
								return
							}
						}
					})
				}
				wg.Wait()
				waiters.Wait()

				b.StopTimer()
				cancel()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*chats), "ns/send")
		})
	}
}
