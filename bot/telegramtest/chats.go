package telegramtest

import (
	"fmt"
	"strings"
	"unicode"
)

// Group is a group or supergroup chat played by a test.
type Group struct {
	// ID is negative, as for every group: -100… for supergroups by
	// convention.
	ID         int64
	Title      string
	Supergroup bool
	Username   string
}

// groupState is a group and the bot's status in it: member,
// administrator, left or kicked.
type groupState struct {
	Group
	status string
}

func (g *groupState) wire() wireChat {
	typ := "group"
	if g.Supergroup {
		typ = "supergroup"
	}
	return wireChat{ID: g.ID, Type: typ, Title: g.Title, Username: g.Username}
}

// SetGroupPrivacy switches the bot's privacy mode, on by default as with
// BotFather. With privacy on, the bot receives in groups only commands
// (/cerca and /cerca@<bot username>, not /cerca@otherbot) and service
// messages; with it off, every message. getMe reports it as
// can_read_all_group_messages.
func (s *Server) SetGroupPrivacy(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privacy = on
}

// AddToGroup plays user from adding the bot to g, which the fake then
// knows: the bot receives a my_chat_member update (left → member) and a
// message in the group with new_chat_members, as from Telegram. It returns
// the two update_ids; the bot can then write in the group.
func (s *Server) AddToGroup(from User, g Group) (memberUpdate, messageUpdate int) {
	if g.ID >= 0 {
		panic(fmt.Sprintf("telegramtest: AddToGroup: group ID %d is not negative", g.ID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberLocked(from)
	state := s.groups[g.ID]
	old := "left"
	if state == nil {
		state = &groupState{Group: g}
		s.groups[g.ID] = state
	} else {
		old = state.status
		state.Group = g
	}
	state.status = "member"
	memberUpdate = s.enqueueLocked(wireUpdate{MyChatMember: s.memberChangeLocked(from, g.ID, old, "member")})

	msg := s.userMessageLocked(from, g.ID)
	me := s.me
	msg.NewChatMembers = []wireUser{me}
	msg.NewChatMember = &me
	msg.NewParticipant = &me
	messageUpdate = s.enqueueLocked(wireUpdate{Message: msg})
	return memberUpdate, messageUpdate
}

// RemoveFromGroup plays user from removing the bot from g: the bot receives
// a my_chat_member update (→ kicked) and from then on writing in the group
// fails with 403 "Forbidden: bot was kicked from the group chat". It
// returns the update_id.
func (s *Server) RemoveFromGroup(from User, groupID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	state := s.groups[groupID]
	if state == nil {
		panic(fmt.Sprintf("telegramtest: RemoveFromGroup: chat %d is not a group added with AddToGroup", groupID))
	}
	s.rememberLocked(from)
	old := state.status
	state.status = "kicked"
	return s.enqueueLocked(wireUpdate{MyChatMember: s.memberChangeLocked(from, groupID, old, "kicked")})
}

// SendGroupText enqueues a text from u in a group added with AddToGroup,
// with a bot_command entity when it starts with a command ("/cerca@<bot
// username>"). With privacy mode on, a text the bot would not see sends no
// update and returns 0.
func (s *Server) SendGroupText(u User, groupID int64, text string) int {
	id, _ := s.SendMessage(u, Incoming{Chat: groupID, Text: text})
	return id
}

// BlockBot plays u blocking the bot: the bot receives a my_chat_member
// update in u's private chat (member → kicked), and from then on every
// message to u fails with 403 "Forbidden: bot was blocked by the user", as
// with Block. It returns the update_id.
func (s *Server) BlockBot(u User) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberLocked(u)
	s.blocked[u.ID] = true
	return s.enqueueLocked(wireUpdate{MyChatMember: s.memberChangeLocked(u, u.ID, "member", "kicked")})
}

// UnblockBot plays u unblocking (restarting) the bot: a my_chat_member
// update (kicked → member), and the bot can write to u again. It returns
// the update_id; a real client then usually sends /start, which tests send
// with SendText.
func (s *Server) UnblockBot(u User) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberLocked(u)
	delete(s.blocked, u.ID)
	return s.enqueueLocked(wireUpdate{MyChatMember: s.memberChangeLocked(u, u.ID, "kicked", "member")})
}

// memberChangeLocked is the ChatMemberUpdated of the bot's status in a chat
// changing from old to new, by from.
func (s *Server) memberChangeLocked(from User, chatID int64, old, new string) *wireChatMemberUpdated {
	member := func(status string) wireChatMember {
		m := wireChatMember{User: s.me, Status: status}
		if status == "kicked" {
			zero := int64(0)
			m.UntilDate = &zero
		}
		return m
	}
	return &wireChatMemberUpdated{
		Chat:          s.chatWireLocked(chatID),
		From:          userWire(from),
		Date:          s.now().Unix(),
		OldChatMember: member(old),
		NewChatMember: member(new),
	}
}

// botSeesLocked reports whether the bot receives a text sent in a group:
// not when it is not a member, and with privacy mode on only a command
// meant for it.
func (s *Server) botSeesLocked(groupID int64, text string) bool {
	g := s.groups[groupID]
	if g == nil || (g.status != "member" && g.status != "administrator") {
		return false
	}
	if !s.privacy {
		return true
	}
	cmd := text
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		cmd = text[:i]
	}
	if len(cmd) < 2 || cmd[0] != '/' {
		return false
	}
	_, to, addressed := strings.Cut(cmd, "@")
	return !addressed || strings.EqualFold(to, s.me.Username)
}
