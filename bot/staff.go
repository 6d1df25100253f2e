package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/comune-seregno/coworkbot/locales"
	"github.com/comune-seregno/coworkbot/registry"
)

// The comune's staff manage the list by chat: /comune opens their panel —
// applications and changes waiting for them, the list with each space's
// status, the audit log, a few figures and the staff itself — and short
// commands do the same for those who prefer typing. The registry checks
// the role again inside each write.

// The sections of the staff panel.
const (
	panelApplications = "apps"
	panelChanges      = "changes"
	panelList         = "list"
	panelAudit        = "audit"
	panelFigures      = "figures"
	panelPeople       = "people"
	panelHome         = "home"
)

// staffPanel is /comune: what waits for the staff, and the ways in.
func (b *Bot) staffPanel(s *session, _ string) error { return b.showPanel(s, false) }

func (b *Bot) panelButton(s *session, args []string) error {
	edit := s.in.Callback != ""
	switch args[0] {
	case panelHome:
		return b.showPanel(s, edit)
	case panelApplications:
		return b.showApplications(s)
	case panelChanges:
		return b.showChanges(s)
	case panelList:
		return b.showList(s, 0, edit)
	case panelAudit:
		return b.showAudit(s, edit)
	case panelFigures:
		return b.showFigures(s, edit)
	case panelPeople:
		return b.showPeople(s, edit)
	}
	s.resp.Notice = s.T("error.old_button")
	return nil
}

func (b *Bot) showPanel(s *session, edit bool) error {
	apps, err := b.db.Applications(s.ctx, registry.AppPending)
	if err != nil {
		return err
	}
	changes, err := b.db.PendingChanges(s.ctx, "")
	if err != nil {
		return err
	}
	all, err := b.db.Spaces(s.ctx)
	if err != nil {
		return err
	}
	count := map[registry.Status]int{}
	for _, sp := range all {
		count[sp.Status]++
	}
	text := s.T("staff.panel", "Approved", count[registry.Approved], "Suspended", count[registry.Suspended],
		"Applications", len(apps), "Changes", len(changes))
	go_ := func(label, section string) Button { return button(label, kPanel, section) }
	rs := [][]Button{
		{go_(s.T("staff.applications", "N", len(apps)), panelApplications), go_(s.T("staff.changes", "N", len(changes)), panelChanges)},
		{go_(s.T("staff.list"), panelList), go_(s.T("staff.audit"), panelAudit)},
		{go_(s.T("staff.figures"), panelFigures), go_(s.T("staff.people"), panelPeople)},
	}
	s.reply(Reply{Text: text, Buttons: rs, Edit: edit})
	return nil
}

func (b *Bot) panelBack(s *session) []Button {
	return []Button{button(s.T("staff.back"), kPanel, panelHome)}
}

// showApplications sends each pending application as a card with Approve
// and Reject.
func (b *Bot) showApplications(s *session) error {
	apps, err := b.db.Applications(s.ctx, registry.AppPending)
	if err != nil {
		return err
	}
	if len(apps) == 0 {
		s.reply(Reply{Text: s.T("staff.no_applications"), Buttons: [][]Button{b.panelBack(s)}})
		return nil
	}
	for _, a := range apps {
		s.reply(b.applicationCard(s, a))
	}
	return nil
}

// applicationCard is an application as the staff review it.
func (b *Bot) applicationCard(s *session, a registry.Application) Reply {
	text := s.T("staff.application", "ID", a.Space.ID, "Day", dateName(s.l, a.Created)) + "\n\n" + b.detailsText(s, &a.Space)
	return Reply{Text: text, Buttons: [][]Button{{button(s.T("staff.approve"), kAppApprove, idArg(a.ID)), button(s.T("staff.reject"), kAppReject, idArg(a.ID))}}}
}

// showChanges lists the changes waiting for review, each with Approve and
// Reject.
func (b *Bot) showChanges(s *session) error {
	cs, err := b.db.PendingChanges(s.ctx, "")
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		s.reply(Reply{Text: s.T("staff.no_changes"), Buttons: [][]Button{b.panelBack(s)}})
		return nil
	}
	for _, c := range cs {
		name := c.SpaceID
		if sp, err := b.db.Space(s.ctx, c.SpaceID); err == nil {
			name = sp.Name
		}
		s.reply(Reply{Text: s.T("staff.change", "Name", name, "Change", locales.HTML(b.changeText(s, c)), "Day", dateName(s.l, c.Created)),
			Buttons: [][]Button{{button(s.T("staff.approve"), kChangeApprove, idArg(c.ID)), button(s.T("staff.reject"), kChangeReject, idArg(c.ID))}}})
	}
	return nil
}

// listPage is how many spaces a page of the staff's list shows.
const listPage = 8

// showList pages through the list with each space's status and number of
// providers.
func (b *Bot) showList(s *session, offset int, edit bool) error {
	all, err := b.db.Spaces(s.ctx)
	if err != nil {
		return err
	}
	offset = max(0, min(offset, len(all)))
	page := all[offset:min(len(all), offset+listPage)]
	var t strings.Builder
	t.WriteString(s.l.N("staff.list_header", len(all)))
	var cards []Button
	for i, sp := range page {
		ps, err := b.db.Providers(s.ctx, sp.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(&t, "\n%d. %s", offset+i+1, s.T("staff.list_line", "Name", sp.Name, "Comune", sp.Comune,
			"Status", s.T("status."+string(sp.Status)), "Providers", s.l.N("staff.providers", len(ps))))
		cards = append(cards, button(fmt.Sprintf("%d · %s", offset+i+1, sp.Name), kStaffSpace, sp.ID))
	}
	var nav []Button
	if offset > 0 {
		nav = append(nav, button(s.T("results.prev"), kStaffList, strconv.Itoa(max(0, offset-listPage))))
	}
	if offset+listPage < len(all) {
		nav = append(nav, button(s.T("results.more"), kStaffList, strconv.Itoa(offset+listPage)))
	}
	s.reply(Reply{Text: t.String(), Buttons: rows(append(chunk(cards, 2), nav, b.panelBack(s))...), Edit: edit})
	return nil
}

func (b *Bot) staffListButton(s *session, args []string) error {
	return b.showList(s, atoi(args[0]), true)
}

// staffSpace is a space as the staff manage it: its status and providers,
// with Suspend or Reinstate and Invite.
func (b *Bot) staffSpace(s *session, args []string) error {
	sp, err := b.db.Space(s.ctx, args[0])
	if err != nil {
		return b.fail(s, err)
	}
	ps, err := b.db.Providers(s.ctx, sp.ID)
	if err != nil {
		return err
	}
	text := s.T("staff.space", "Name", sp.Name, "ID", sp.ID, "Status", s.T("status."+string(sp.Status)),
		"Providers", s.l.N("staff.providers", len(ps))) + "\n\n" + b.detailsText(s, &sp)
	status := button(s.T("staff.suspend"), kSuspend, sp.ID)
	if sp.Status == registry.Suspended {
		status = button(s.T("staff.reinstate"), kReinstate, sp.ID)
	}
	s.reply(Reply{Text: text, Buttons: [][]Button{{status, button(s.T("staff.invite"), kInvite, sp.ID)}, {button(s.T("staff.back_list"), kStaffList, "0")}}})
	return nil
}

// showAudit shows the latest entries of the audit log.
func (b *Bot) showAudit(s *session, edit bool) error {
	entries, err := b.db.Audit(s.ctx, time.Time{}, 15)
	if err != nil {
		return err
	}
	var t strings.Builder
	t.WriteString(s.T("staff.audit_header"))
	for _, e := range entries {
		who := s.T("role.operator")
		if !e.Actor.Operator {
			who = b.personName(s, e.Actor.UserID)
		}
		space := ""
		if e.SpaceID != "" {
			space = " · " + e.SpaceID
		}
		fmt.Fprintf(&t, "\n%s — %s%s (%s, %s)", e.At.Format("02/01 15:04"), esc(s.T("action."+e.Action)), esc(space), esc(who), esc(s.T("role."+string(e.Role))))
	}
	t.WriteString("\n\n" + s.T("staff.audit_export"))
	s.reply(Reply{Text: t.String(), Buttons: [][]Button{b.panelBack(s)}, Edit: edit})
	return nil
}

// personName is how the staff see a person in the audit log: their first
// name if the bot knows it, with their id.
func (b *Bot) personName(s *session, id int64) string {
	if id == 0 { // what erasure leaves of a person (see registry.Erase)
		return s.T("people.erased")
	}
	if u, err := b.db.User(s.ctx, id); err == nil && u.FirstName != "" {
		return fmt.Sprintf("%s %d", u.FirstName, id)
	}
	return strconv.FormatInt(id, 10)
}

// showFigures shows each space's bookings this month and last month, with
// no one's name.
func (b *Bot) showFigures(s *session, edit bool) error {
	this, err := b.db.Figures(s.ctx, registry.Person(s.user.ID), s.now)
	if err != nil {
		return b.fail(s, err)
	}
	last, err := b.db.Figures(s.ctx, registry.Person(s.user.ID), time.Date(s.now.Year(), s.now.Month()-1, 1, 12, 0, 0, 0, registry.Rome))
	if err != nil {
		return b.fail(s, err)
	}
	prev := map[string]int{}
	for _, f := range last {
		prev[f.SpaceID] = f.Bookings
	}
	months := strings.Split(s.T("months.long"), ",")
	var t strings.Builder
	t.WriteString(s.T("staff.figures_header", "This", months[s.now.Month()-1], "Last", months[(s.now.Month()+10)%12]))
	total, totalPrev := 0, 0
	for _, f := range this {
		total += f.Bookings
		totalPrev += prev[f.SpaceID]
		if f.Bookings == 0 && prev[f.SpaceID] == 0 {
			continue
		}
		fmt.Fprintf(&t, "\n%s", s.T("staff.figures_line", "Name", f.Name, "This", f.Bookings, "Last", prev[f.SpaceID]))
	}
	fmt.Fprintf(&t, "\n\n%s", s.T("staff.figures_total", "This", total, "Last", totalPrev))
	s.reply(Reply{Text: t.String(), Buttons: [][]Button{b.panelBack(s)}, Edit: edit})
	return nil
}

// showPeople lists the staff, each with Remove, and how to add someone.
func (b *Bot) showPeople(s *session, edit bool) error {
	staff, err := b.db.Staff(s.ctx)
	if err != nil {
		return err
	}
	var t strings.Builder
	t.WriteString(s.T("staff.people_header"))
	var rm []Button
	for _, m := range staff {
		fmt.Fprintf(&t, "\n• %s (%d)", esc(orDefault(m.Name, "—")), m.UserID)
		if m.UserID != s.user.ID {
			rm = append(rm, button(s.T("staff.remove_person", "Name", orDefault(m.Name, strconv.FormatInt(m.UserID, 10))), kStaffRemove, idArg(m.UserID)))
		}
	}
	t.WriteString("\n\n" + s.T("staff.people_how"))
	s.reply(Reply{Text: t.String(), Buttons: append(chunk(rm, 1), b.panelBack(s)), Edit: edit})
	return nil
}

// addStaffCommand is /aggiungistaff ID Nome.
func (b *Bot) addStaffCommand(s *session, args string) error {
	idText, name, _ := strings.Cut(strings.TrimSpace(args), " ")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		s.say(s.T("staff.people_how"))
		return nil
	}
	if err := b.db.AddStaff(s.ctx, registry.Person(s.user.ID), id, strings.TrimSpace(name)); err != nil {
		return b.fail(s, err)
	}
	if name = strings.TrimSpace(name); name == "" {
		s.say(s.T("staff.person_added_id", "ID", id))
	} else {
		s.say(s.T("staff.person_added", "ID", id, "Name", name))
	}
	return nil
}

// removeStaffCommand is /rimuovistaff ID.
func (b *Bot) removeStaffCommand(s *session, args string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(args), 10, 64)
	if err != nil || id <= 0 {
		s.say(s.T("staff.people_how"))
		return nil
	}
	return b.removeStaff(s, id)
}

func (b *Bot) staffRemoveButton(s *session, args []string) error {
	return b.removeStaff(s, int64(atoi(args[0])))
}

func (b *Bot) removeStaff(s *session, id int64) error {
	if err := b.db.RemoveStaff(s.ctx, registry.Person(s.user.ID), id); err != nil {
		return b.fail(s, err)
	}
	s.say(s.T("staff.person_removed", "ID", id))
	return nil
}

// The decisions of the staff, from buttons and from commands.

func (b *Bot) appApproveButton(s *session, args []string) error {
	return b.decideApplication(s, int64(atoi(args[0])), true, "")
}

func (b *Bot) appRejectButton(s *session, args []string) error {
	s.st.Await = &await{Kind: answerRejectApplication, ID: int64(atoi(args[0]))}
	s.say(s.T("staff.ask_reason"))
	return nil
}

func (b *Bot) typedRejectApplication(s *session, text string) (bool, error) {
	if longReason(s, text) {
		return true, nil
	}
	id := s.st.Await.ID
	s.st.Await = nil
	return true, b.decideApplication(s, id, false, strings.TrimSpace(text))
}

// decideApplication admits or rejects an application; its applicant is
// told, and subscribers of new spaces hear of an admitted one.
func (b *Bot) decideApplication(s *session, id int64, approve bool, reason string) error {
	a, err := b.db.ReviewApplication(s.ctx, registry.Person(s.user.ID), id, approve, reason)
	if err != nil {
		return b.fail(s, err)
	}
	name := a.Space.Name
	if approve {
		b.announceSpace(s, a.Space.ID)
		s.say(s.T("staff.app_approved", "Name", name))
	} else {
		s.say(s.T("staff.app_rejected", "Name", name))
	}
	b.tellAll(s, []int64{a.UserID}, func(o *session) Reply {
		if approve {
			return Reply{Text: o.T("apply.approved", "Name", name), Buttons: [][]Button{{button(o.T("invite.open"), kMine, a.Space.ID)}}}
		}
		return Reply{Text: o.T("apply.rejected", "Name", name, "Reason", orDefault(reason, o.T("apply.no_reason")))}
	})
	return nil
}

// byApplication finds the pending application of a space id, for
// /approva and /rifiuta.
func (b *Bot) byApplication(s *session, spaceID string) (int64, bool) {
	a, err := b.db.PendingApplicationFor(s.ctx, spaceID)
	if err != nil {
		s.say(s.T("staff.no_such_application", "ID", spaceID))
		return 0, false
	}
	return a.ID, true
}

// approveCommand is /approva SPACE_ID.
func (b *Bot) approveCommand(s *session, args string) error {
	id, ok := b.byApplication(s, strings.TrimSpace(args))
	if !ok {
		return nil
	}
	return b.decideApplication(s, id, true, "")
}

// rejectCommand is /rifiuta SPACE_ID motivo.
func (b *Bot) rejectCommand(s *session, args string) error {
	space, reason, _ := strings.Cut(strings.TrimSpace(args), " ")
	id, ok := b.byApplication(s, space)
	if !ok {
		return nil
	}
	return b.decideApplication(s, id, false, strings.TrimSpace(reason))
}

func (b *Bot) changeApproveButton(s *session, args []string) error {
	return b.decideChange(s, int64(atoi(args[0])), true, "")
}

func (b *Bot) changeRejectButton(s *session, args []string) error {
	s.st.Await = &await{Kind: answerRejectChange, ID: int64(atoi(args[0]))}
	s.say(s.T("staff.ask_reason"))
	return nil
}

func (b *Bot) typedRejectChange(s *session, text string) (bool, error) {
	if longReason(s, text) {
		return true, nil
	}
	id := s.st.Await.ID
	s.st.Await = nil
	return true, b.decideChange(s, id, false, strings.TrimSpace(text))
}

// decideChange approves or rejects a provider's change; the provider is
// told.
func (b *Bot) decideChange(s *session, id int64, approve bool, reason string) error {
	c, err := b.db.ReviewChange(s.ctx, registry.Person(s.user.ID), id, approve, reason)
	if err != nil {
		return b.fail(s, err)
	}
	name := c.SpaceID
	if sp, err := b.db.Space(s.ctx, c.SpaceID); err == nil {
		name = sp.Name
	}
	key := "staff.change_approved"
	if !approve {
		key = "staff.change_rejected"
	}
	s.say(s.T(key, "Name", name, "Change", locales.HTML(b.changeText(s, c))))
	b.tellAll(s, []int64{c.UserID}, func(o *session) Reply {
		if approve {
			return Reply{Text: o.T("mine.change_approved", "Name", name, "Change", locales.HTML(b.changeText(o, c)))}
		}
		return Reply{Text: o.T("mine.change_rejected", "Name", name, "Change", locales.HTML(b.changeText(o, c)),
			"Reason", orDefault(reason, o.T("apply.no_reason")))}
	})
	return nil
}

// suspendButton asks the reason of a suspension.
func (b *Bot) suspendButton(s *session, args []string) error {
	s.st.Await = &await{Kind: answerSuspend, Space: args[0]}
	s.say(s.T("staff.ask_suspend_reason"))
	return nil
}

func (b *Bot) typedSuspend(s *session, text string) (bool, error) {
	if longReason(s, text) {
		return true, nil
	}
	space := s.st.Await.Space
	s.st.Await = nil
	return true, b.suspend(s, space, strings.TrimSpace(text))
}

// suspendCommand is /sospendi SPACE_ID motivo.
func (b *Bot) suspendCommand(s *session, args string) error {
	space, reason, _ := strings.Cut(strings.TrimSpace(args), " ")
	if space == "" {
		s.say(s.T("staff.usage_suspend"))
		return nil
	}
	return b.suspend(s, space, strings.TrimSpace(reason))
}

// suspend takes a space out of the list: its upcoming bookings are
// cancelled, their people and the space's providers told.
func (b *Bot) suspend(s *session, id, reason string) error {
	sus, err := b.db.Suspend(s.ctx, registry.Person(s.user.ID), id, reason)
	if err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return err
	}
	if !sus.Changed {
		s.say(s.T("staff.already_suspended", "Name", sp.Name))
		return nil
	}
	s.say(s.T("staff.suspended", "Name", sp.Name) + suspensionCounts(s, sus))
	b.tellCancelled(s, &sp, sus.Bookings, "suspension", reason)
	for _, sg := range sus.Signups {
		sg := sg
		b.tellAll(s, []int64{sg.UserID}, func(o *session) Reply {
			return Reply{Text: o.T("events.suspended_notice", "Name", sp.Name, "Title", sg.Event.Title, "When", dateName(o.l, sg.Event.Day))}
		})
	}
	ps, err := b.db.Providers(s.ctx, id)
	if err != nil {
		return err
	}
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.UserID)
	}
	b.tellAll(s, ids, func(o *session) Reply {
		return Reply{Text: o.T("mine.suspended", "Name", sp.Name, "Reason", orDefault(reason, o.T("apply.no_reason"))) + suspensionCounts(o, sus)}
	})
	return nil
}

// suspensionCounts says how many bookings and sign-ups a suspension
// cancelled, on lines of their own; nothing when it cancelled none.
func suspensionCounts(s *session, sus registry.Suspension) string {
	var t string
	if n := len(sus.Bookings); n > 0 {
		t += "\n" + s.l.N("staff.suspension_bookings", n)
	}
	if n := len(sus.Signups); n > 0 {
		t += "\n" + s.l.N("staff.suspension_signups", n)
	}
	return t
}

func (b *Bot) reinstateButton(s *session, args []string) error { return b.reinstate(s, args[0]) }

// reinstateCommand is /riattiva SPACE_ID.
func (b *Bot) reinstateCommand(s *session, args string) error {
	if strings.TrimSpace(args) == "" {
		s.say(s.T("staff.usage_reinstate"))
		return nil
	}
	return b.reinstate(s, strings.TrimSpace(args))
}

func (b *Bot) reinstate(s *session, id string) error {
	if err := b.db.Reinstate(s.ctx, registry.Person(s.user.ID), id, ""); err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return err
	}
	s.say(s.T("staff.reinstated", "Name", sp.Name))
	return nil
}

func (b *Bot) inviteButton(s *session, args []string) error { return b.invite(s, args[0]) }

// inviteCommand is /invita SPACE_ID.
func (b *Bot) inviteCommand(s *session, args string) error {
	if strings.TrimSpace(args) == "" {
		s.say(s.T("staff.usage_invite"))
		return nil
	}
	return b.invite(s, strings.TrimSpace(args))
}

// invite makes a one-time link that makes whoever opens it the space's
// provider: a t.me link on Telegram, the line to type in the console.
func (b *Bot) invite(s *session, id string) error {
	token, err := b.db.Invite(s.ctx, registry.Person(s.user.ID), id)
	if err != nil {
		return b.fail(s, err)
	}
	sp, err := b.db.Space(s.ctx, id)
	if err != nil {
		return err
	}
	link := "/start " + InvitePayload(token)
	if b.username != "" {
		link = InviteLink(b.username, token)
	}
	s.say(s.T("staff.invited", "Name", sp.Name, "Link", link, "Days", int(registry.InvitationFor/(24*time.Hour))))
	return nil
}
