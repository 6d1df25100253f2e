// Package telegramtest provides a fake Telegram Bot API server for tests,
// in the manner of net/http/httptest.
//
// A test starts NewServer(token), points the bot at URL(), plays users and
// reads what the bot did. The server speaks the Bot API wire format as
// github.com/go-telegram-bot-api/telegram-bot-api/v5 sends and parses it:
// requests are POSTs (or GETs) to <URL>/bot<token>/<method> with
// form-encoded, multipart (file uploads) or JSON parameters, and answers are
// {"ok":true,"result":…} or {"ok":false,"error_code":N,"description":…}
// with the matching HTTP status. getUpdates does real long polling with
// offsets and allowed_updates, so a bot's production polling loop can run
// against it unchanged. Every method is safe for concurrent use.
//
// # As strict as Telegram
//
// The fake refuses what Telegram refuses, with Telegram's descriptions,
// taken from the sources of the Bot API server (tdlib/telegram-bot-api) and
// of tdlib, or from the MTProto errors the server passes on; where no real
// description could be found the code says so. HTML is parsed as tdlib's
// parse_html does (a bare "&" is a literal ampersand, as in Telegram), texts
// are trimmed and measured as Telegram does (4,096 characters for texts,
// 1,024 for captions), keyboards are checked row by row and button by
// button (callback data of 1-64 bytes, button URLs, at most 100 inline
// buttons), and a user who blocked the bot or a group the bot left answers
// 403. The fake is stricter than Telegram in three places, to catch layout
// bugs Telegram would hide: an empty keyboard row, a button with empty text
// and a reply keyboard without buttons are refused, where Telegram drops
// them.
//
// # Methods
//
// getMe, getUpdates, sendMessage, sendPhoto, sendDocument, copyMessage,
// sendLocation, sendVenue, sendChatAction, editMessageText,
// editMessageReplyMarkup, answerCallbackQuery, answerInlineQuery
// (InlineQueryResultArticle), setMyCommands, getMyCommands,
// deleteMyCommands, setMyDescription, getMyDescription,
// setMyShortDescription, getMyShortDescription, setWebhook, deleteWebhook
// and getWebhookInfo. Any other method answers 404 "Not Found", as
// Telegram answers an unknown method.
//
// # Playing users
//
// SendText, SendFormatted (a text with entities; ParseHTML computes them),
// SendPhoto, SendDocument, SendLocation and SendMessage (any of them, in
// any chat) enqueue messages; Press, PressLabel and PressLabelIn press
// inline buttons; SendInlineQuery types an inline query and
// ChooseInlineResult picks one of the bot's results, posting it in a chat.
// AddToGroup, RemoveFromGroup and SendGroupText play groups, with the bot's
// privacy mode (SetGroupPrivacy); BlockBot and UnblockBot play a user
// blocking and restarting the bot, with the my_chat_member updates Telegram
// sends. SendUpdateJSON enqueues anything else.
//
// # Reading what the bot did
//
// Messages, MessageCount and WaitMessages return the bot's messages in a
// chat as it shows them now (text as sent and as read, entities, keyboards
// and their options, link preview options, photos and documents with their
// bytes, captions, copies); Answered and Unanswered the callback answers;
// InlineAnswered and WaitInlineAnswer the inline answers; ChatActions the
// chat actions; Commands, CommandsFor, CommandsSeenBy and
// GroupCommandsSeenBy the command menus, by scope or as a user sees them;
// Description, ShortDescription and DescriptionSeenBy the profile texts;
// File a file by its file_id; Calls, CallsTo and WaitCalls every request.
// Pending, WaitIdle and WaitPolling follow the update queue.
//
// # Faults
//
// FailNext fails the next calls to a method; FailFor and FailUntil fail
// every call in a time window (a 429 then tells the seconds left as
// retry_after); DelayNext answers late after performing the call, so a
// client that times out and retries does it twice; DropNext closes the
// connection without an answer, before or after performing the call. Inject
// takes a Fault with all of these, for one method or AllMethods. LimitRate
// switches on Telegram's rate limits (TelegramRateLimit: 30 messages a
// second, 1 a second per chat, 20 a minute per group), answering 429 with
// retry_after; Duplicates, MessageCounts and CallsPerSecond count what
// happened. Block and Unblock make a user's chat answer 403 without an
// update. Time windows, rate limits and call times use the server's clock,
// Now, which a test may replace so that it never sleeps.
//
// The hot paths (sending a message, long polling, reading one chat) take
// constant time per call, so tests can play thousands of users:
// BenchmarkSendMessage measures 10,000 messages to 10,000 chats.
package telegramtest
