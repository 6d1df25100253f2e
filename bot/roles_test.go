package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/comune-seregno/coworkbot/registry"
)

// TestEveryEntryChecksItsRole walks the routing table: every command and
// every kind of button meant for providers or staff is refused to a
// citizen (and a provider's to the provider of another space, a staff one
// to a provider), in their language, and allowed to the person it is for.
func TestEveryEntryChecksItsRole(t *testing.T) {
	db := mustDemoDB(t)
	ctx := context.Background()
	const (
		clerk    = 10
		keeper   = 20 // officina-brianza
		stranger = 30 // il-cortile
		citizen  = 40
	)
	if err := db.AddStaff(ctx, registry.CommandLine, clerk, "Carla"); err != nil {
		t.Fatal(err)
	}
	for id, space := range map[int64]string{keeper: "officina-brianza", stranger: "il-cortile"} {
		if err := db.AddProvider(ctx, registry.CommandLine, space, id); err != nil {
			t.Fatal(err)
		}
	}
	b, err := New(Config{DB: db, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	refusedIT := []string{b.texts.For("it").T("role.provider_only"), b.texts.For("it").T("role.staff_only")}
	refusedEN := []string{b.texts.For("en").T("role.provider_only"), b.texts.For("en").T("role.staff_only")}
	refused := func(resp Response, lang string) bool {
		want := refusedIT
		if lang == "en" {
			want = refusedEN
		}
		all := resp.Notice
		for _, r := range resp.Replies {
			all += "\n" + r.Text
		}
		for _, w := range want {
			if strings.Contains(all, stripHTML(w)) || strings.Contains(all, w) {
				return true
			}
		}
		return false
	}
	send := func(user int64, lang string, in Incoming) Response {
		in.UserID, in.ClientLang = user, lang
		return b.Handle(ctx, in)
	}
	checked := 0
	for _, c := range commands {
		if c.who == anyone {
			continue
		}
		checked++
		for _, lang := range []string{"it", "en"} {
			name := c.it
			if lang == "en" {
				name = c.en
			}
			if resp := send(citizen, lang, Incoming{Text: "/" + name}); !refused(resp, lang) {
				t.Errorf("/%s for a citizen (%s): got %+v, want it refused", name, lang, resp)
			}
		}
		allowed := []int64{clerk}
		if c.who == provider {
			allowed = append(allowed, keeper)
		} else if resp := send(keeper, "it", Incoming{Text: "/" + c.it}); !refused(resp, "it") {
			t.Errorf("/%s for a provider: got %+v, want it refused", c.it, resp)
		}
		for _, u := range allowed {
			if resp := send(u, "it", Incoming{Text: "/" + c.it}); refused(resp, "it") {
				t.Errorf("/%s for user %d: got %+v, want it allowed", c.it, u, resp)
			}
		}
	}
	for k, r := range buttons {
		if r.who == anyone {
			continue
		}
		checked++
		args := make([]string, len(r.args))
		for i, a := range r.args {
			switch a.name {
			case aSpace.name:
				args[i] = "officina-brianza"
			case aInt.name, aSmall.name:
				args[i] = "1"
			case aRoom.name:
				args[i] = "volta"
			default:
				args[i] = "x"
			}
		}
		press := Incoming{Callback: data(k, args...)}
		if resp := send(citizen, "en", press); !refused(resp, "en") {
			t.Errorf("button %s for a citizen: got %+v, want it refused", k, resp)
		}
		if r.who == staff || r.space >= 0 {
			if resp := send(stranger, "it", press); !refused(resp, "it") {
				t.Errorf("button %s for the provider of another space: got %+v, want it refused", k, resp)
			}
		}
		allowed := []int64{clerk}
		if r.who == provider {
			allowed = append(allowed, keeper)
		}
		for _, u := range allowed {
			if resp := send(u, "it", press); refused(resp, "it") {
				t.Errorf("button %s for user %d: got %+v, want it allowed", k, u, resp)
			}
		}
	}
	if checked < 25 {
		t.Errorf("checked %d entries: is the table filled?", checked)
	}
	// Nothing a refused person pressed changed the list.
	if sp, _ := db.Space(ctx, "officina-brianza"); sp.Status != registry.Approved {
		t.Errorf("officina-brianza is %s after the refused presses", sp.Status)
	}
}
