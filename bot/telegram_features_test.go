package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/comune-seregno/coworkbot/bot/telegramtest"
	"github.com/comune-seregno/coworkbot/registry"
)

// TestDeepLinksOpenTheCard: /start space_<id>, as t.me/<bot>?start=…
// sends it, opens the space's card with Book; another payload greets.
func TestDeepLinksOpenTheCard(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 60, FirstName: "Ada", LanguageCode: "it"}
	h.srv.SendText(u, "/start "+SpacePayload("officina-brianza"))
	h.idle(t)
	msgs := h.srv.Messages(u.ID)
	if len(msgs) != 2 || !strings.HasPrefix(msgs[0].Plain, "Officina Brianza") || msgs[1].Venue == nil {
		t.Fatalf("got %d messages (%q…), want the card and its map pin", len(msgs), msgs[0].Plain)
	}
	if kb := msgs[0].Keyboard; len(kb) == 0 || !strings.Contains(kb[0][0].Text, "Prenota") {
		t.Errorf("got buttons %+v, want Book", kb)
	}
	h.srv.SendText(u, "/start nonsense_payload")
	h.idle(t)
	if got := h.srv.Messages(u.ID)[2].Plain; !strings.Contains(got, "Ciao Ada") {
		t.Errorf("got %q for an unknown payload, want the greeting", got)
	}
}

// TestInlineQueriesOfferSpaces: "@bot fibra Desio" offers the spaces with
// fibre near Desio as articles; choosing one posts its card with a button
// that opens the space in the private chat.
func TestInlineQueriesOfferSpaces(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 61, FirstName: "Bice", LanguageCode: "it"}
	q := h.srv.SendInlineQuery(u, "fibra Desio")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ans, err := h.srv.WaitInlineAnswer(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Results) == 0 {
		t.Fatal("got no results, want spaces with fibre near Desio")
	}
	first := ans.Results[0]
	if !strings.Contains(first.Description, "Desio") || !strings.Contains(first.Description, "Fibra") {
		t.Errorf("got the first result %q (%q), want one in Desio with fibre", first.Title, first.Description)
	}
	sp, err := h.db.Space(ctx, first.ID)
	if err != nil || !sp.Services.Has(registry.SetOf(registry.Fiber)) {
		t.Errorf("got result %s (%v), want a space with fibre", first.ID, err)
	}
	link := "https://t.me/" + h.srv.Me().Username + "?start=space_" + first.ID
	if len(first.Keyboard) != 1 || first.Keyboard[0][0].URL != link || first.Keyboard[0][0].CallbackData != "" {
		t.Errorf("got the result's buttons %+v, want one opening %s", first.Keyboard, link)
	}
	if first.ParseMode != "HTML" || !strings.HasPrefix(first.Plain, first.Title) || first.LinkPreview == nil || !first.LinkPreview.IsDisabled {
		t.Errorf("got the result's message %q (%s, preview %+v), want the card in HTML without a preview", first.Plain, first.ParseMode, first.LinkPreview)
	}
	g := telegramtest.Group{ID: -1001, Title: "Coworker di Seregno", Supergroup: true}
	h.srv.AddToGroup(u, g)
	h.idle(t)
	posted, err := h.srv.ChooseInlineResult(u, q, first.ID, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !posted.ViaBot || posted.Keyboard[0][0].URL != link {
		t.Errorf("got the posted message %+v, want the card via the bot with its link", posted)
	}

	// An English client, and an empty query: the spaces nearest Seregno.
	en := telegramtest.User{ID: 62, FirstName: "Cy", LanguageCode: "en"}
	ans, err = h.srv.WaitInlineAnswer(ctx, h.srv.SendInlineQuery(en, ""))
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("got %+v, %v; want the spaces nearest Seregno", ans, err)
	}
	if !strings.Contains(ans.Results[0].Keyboard[0][0].Text, "Open") {
		t.Errorf("got the button %q, want it in English", ans.Results[0].Keyboard[0][0].Text)
	}
}

// TestProfileTextsAndMenus: the description and the short description in
// Italian (the default) and English, set only when they differ; the
// citizens' commands in private chats, the group's in groups, and the
// extra commands of staff and providers in their own chats only, updated
// when a role is given or taken away.
func TestProfileTextsAndMenus(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	const clerk, host = 70, 71
	if err := db.AddStaff(ctx, registry.CommandLine, clerk, "Clerk"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddProvider(ctx, registry.CommandLine, "officina-brianza", host); err != nil {
		t.Fatal(err)
	}
	srv := telegramtest.NewServer(testToken)
	defer srv.Close()
	h := startTelegramWith(t, db, srv, TelegramConfig{})
	h.idle(t)
	waitFor(t, func() bool { return len(srv.CallsTo("setMyCommands")) >= 11 }, "the role menus")

	it := telegramtest.User{ID: 72, FirstName: "Dino", LanguageCode: "it"}
	en := telegramtest.User{ID: 73, FirstName: "Eve", LanguageCode: "en"}
	if d, short := srv.DescriptionSeenBy(it); !strings.Contains(d, "Comune di Seregno") || !strings.Contains(short, "Comune di Seregno") || !strings.Contains(d, "prenota") {
		t.Errorf("got the Italian profile %q / %q", d, short)
	}
	if d, short := srv.DescriptionSeenBy(en); !strings.Contains(d, "official bot") || !strings.Contains(short, "coworking") {
		t.Errorf("got the English profile %q / %q", d, short)
	}
	names := func(cmds []telegramtest.Command) []string {
		var out []string
		for _, c := range cmds {
			out = append(out, c.Command)
		}
		return out
	}
	citizen := names(srv.CommandsSeenBy(it))
	if !slices.Contains(citizen, "cerca") || slices.Contains(citizen, "comune") || slices.Contains(citizen, "miospazio") {
		t.Errorf("got the citizen's menu %v, want cerca and no staff or provider commands", citizen)
	}
	if got := names(srv.CommandsSeenBy(en)); !slices.Contains(got, "search") {
		t.Errorf("got the English menu %v, want search", got)
	}
	staffMenu := names(srv.CommandsSeenBy(telegramtest.User{ID: clerk, LanguageCode: "it"}))
	if !slices.Contains(staffMenu, "comune") || !slices.Contains(staffMenu, "cerca") {
		t.Errorf("got the staff's menu %v, want comune beside cerca", staffMenu)
	}
	hostMenu := names(srv.CommandsSeenBy(telegramtest.User{ID: host, LanguageCode: "it"}))
	if !slices.Contains(hostMenu, "miospazio") || slices.Contains(hostMenu, "comune") {
		t.Errorf("got the provider's menu %v, want miospazio and not comune", hostMenu)
	}
	g := telegramtest.Group{ID: -1002, Title: "Gruppo"}
	if got := names(srv.GroupCommandsSeenBy(it, g.ID, false)); !slices.Equal(got, []string{"cerca", "aiuto"}) {
		t.Errorf("got the group's menu %v, want cerca and aiuto only", got)
	}

	// The clerk makes Dino staff in the chat, then takes it back.
	clerkU := telegramtest.User{ID: clerk, FirstName: "Clerk", LanguageCode: "it"}
	srv.SendText(clerkU, "/aggiungistaff 72 Dino")
	h.idle(t)
	waitFor(t, func() bool { return slices.Contains(names(srv.CommandsSeenBy(it)), "comune") }, "Dino's staff menu")
	srv.SendText(clerkU, "/rimuovistaff 72")
	h.idle(t)
	waitFor(t, func() bool { return !slices.Contains(names(srv.CommandsSeenBy(it)), "comune") }, "Dino's menu without staff commands")

	// A restart sets no profile text again: they are as they should be.
	sets := len(srv.CallsTo("setMyDescription")) + len(srv.CallsTo("setMyShortDescription"))
	h.stop()
	h2 := startTelegramWith(t, db, srv, TelegramConfig{})
	h2.idle(t)
	if got := len(srv.CallsTo("setMyDescription")) + len(srv.CallsTo("setMyShortDescription")); got != sets {
		t.Errorf("got %d more profile texts set after a restart, want none", got-sets)
	}
}

// waitFor polls cond for a few seconds.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestGroups: added to a group, the bot says once what it can do there; it
// answers the commands addressed to it, with links to the private chat and
// no buttons anyone could press for someone else; anything personal is a
// pointer to the private chat; a person who blocks or restarts the bot is
// marked.
func TestGroups(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 80, FirstName: "Fabio", LanguageCode: "it"}
	g := telegramtest.Group{ID: -1003, Title: "Coworker", Supergroup: true}
	h.srv.AddToGroup(u, g)
	h.idle(t)
	msgs := h.srv.Messages(g.ID)
	me := h.srv.Me().Username
	if len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "/cerca@"+me) || !strings.Contains(msgs[0].Plain, "@"+me) {
		t.Fatalf("got %d messages in the group (%v), want one saying what the bot does there", len(msgs), msgs)
	}

	h.srv.SendGroupText(u, g.ID, "/cerca@"+me+" coworking con cobaby")
	h.idle(t)
	msgs = h.srv.Messages(g.ID)
	list := msgs[len(msgs)-1]
	if !strings.Contains(list.Plain, "Officina Brianza") {
		t.Errorf("got %q, want the Cobaby spaces", list.Plain)
	}
	for _, row := range list.Keyboard {
		for _, b := range row {
			if b.CallbackData != "" || !strings.HasPrefix(b.URL, "https://t.me/"+me+"?start=space_") {
				t.Errorf("got a button %+v in the group, want only links to the private chat", b)
			}
		}
	}
	n := len(msgs)
	h.srv.SendGroupText(u, g.ID, "/cerca coworking") // a group's command without the name
	h.srv.SendGroupText(u, g.ID, "/prenotazioni@"+me)
	h.srv.SendGroupText(u, g.ID, "/vicino@"+me)
	h.idle(t)
	msgs = h.srv.Messages(g.ID)
	if len(msgs) != n+3 {
		t.Fatalf("got %d new messages in the group, want 3", len(msgs)-n)
	}
	for _, m := range msgs[n+1:] {
		if !strings.Contains(m.Plain, "in privato") || len(m.ReplyKeyboard) > 0 || m.Keyboard[0][0].URL != "https://t.me/"+me {
			t.Errorf("got %q (%+v), want a pointer to the private chat", m.Plain, m.Keyboard)
		}
	}
	for _, m := range msgs {
		if regexp.MustCompile(`Codice prenotazione|📍 Grazie`).MatchString(m.Plain) {
			t.Errorf("got %q in the group, want nothing personal", m.Plain)
		}
	}
	if got := h.srv.MessageCount(u.ID); got != 0 {
		t.Errorf("got %d messages in Fabio's private chat, want none: he wrote in the group", got)
	}

	h.srv.SendText(u, "/start") // now in private
	h.idle(t)
	h.srv.BlockBot(u)
	h.idle(t)
	if usr, _ := h.db.User(context.Background(), u.ID); !usr.Blocked {
		t.Error("got Fabio not marked after he blocked the bot")
	}
	h.srv.UnblockBot(u)
	h.idle(t)
	if usr, _ := h.db.User(context.Background(), u.ID); usr.Blocked {
		t.Error("got Fabio still marked after he restarted the bot")
	}
}

// TestTheLocationKeyboard: the keyboard that shares a location is one-time,
// with a placeholder, and goes once the location is shared or the person
// types instead; links show no preview.
func TestTheLocationKeyboard(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 90, FirstName: "Gina", LanguageCode: "it"}
	h.srv.SendText(u, "/start")
	h.idle(t)
	hello := h.srv.Messages(u.ID)[0]
	if len(hello.ReplyKeyboard) == 0 || !hello.OneTimeKeyboard || hello.InputFieldPlaceholder == "" || !hello.ResizeKeyboard {
		t.Errorf("got the keyboard %+v (one-time %v, placeholder %q), want a one-time one with a placeholder",
			hello.ReplyKeyboard, hello.OneTimeKeyboard, hello.InputFieldPlaceholder)
	}
	h.srv.SendLocation(u, 45.6469, 9.2101)
	h.idle(t)
	msgs := h.srv.Messages(u.ID)
	if thanks := msgs[2]; !thanks.RemoveKeyboard || !strings.Contains(thanks.Plain, "Grazie") {
		t.Errorf("got %q (remove %v) after the location, want the keyboard taken away", thanks.Plain, thanks.RemoveKeyboard)
	}
	for _, m := range msgs {
		if m.Text != "" && (m.LinkPreview == nil || !m.LinkPreview.IsDisabled) {
			t.Errorf("got %q with link preview %+v, want none", m.Plain, m.LinkPreview)
		}
	}
	h.srv.SendText(u, "/vicino")
	h.srv.SendText(u, "grazie mille")
	h.idle(t)
	msgs = h.srv.Messages(u.ID)
	if last := msgs[len(msgs)-1]; !last.RemoveKeyboard {
		t.Errorf("got %q (remove %v) after typing instead, want the keyboard taken away", last.Plain, last.RemoveKeyboard)
	}
}

// TestTypingOnlyWhenSlow: a quick answer needs no sign; one that has not
// gone out after 0.7 s shows that the bot is typing, once.
func TestTypingOnlyWhenSlow(t *testing.T) {
	h := startTelegram(t, nil)
	u := telegramtest.User{ID: 91, FirstName: "Ivo", LanguageCode: "it"}
	h.srv.SendText(u, "/aiuto")
	h.idle(t)
	if a := h.srv.ChatActions(u.ID); len(a) != 0 {
		t.Errorf("got chat actions %v for a quick answer, want none", a)
	}
	h.srv.DelayNext("answerCallbackQuery", 1, 1500*time.Millisecond)
	h.press(t, u, "Cerca per servizio")
	if a := h.srv.ChatActions(u.ID); !slices.Equal(a, []string{"typing"}) {
		t.Errorf("got chat actions %v for a slow answer, want typing once", a)
	}
}
