package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // photos may be GIF, JPEG or PNG
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"path"
	"strings"
)

// File is a photo or a document, as the bot sent it or a user did.
type File struct {
	// FileID names the file in later calls (sendPhoto with a file_id);
	// FileUniqueID is the same for every copy of it.
	FileID       string
	FileUniqueID string
	// FileName and MimeType are those of a document; photos have neither.
	FileName string
	MimeType string
	Size     int
	// Width and Height are those of a photo.
	Width  int
	Height int
	// Bytes is the content, for tests to inspect.
	Bytes []byte

	kind  string // photo or document
	sizes []wirePhotoSize
}

// photoThumbs are the sides of the smaller copies Telegram makes of a
// photo (its s, m, x, y and w sizes); the largest is at most 2560 pixels.
var photoThumbs = []int{90, 320, 800, 1280, 2560}

// newPhoto reads an image, as Telegram does with a photo it receives.
func newPhoto(data []byte) (*File, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not an image: %w", err)
	}
	return &File{Width: cfg.Width, Height: cfg.Height, Size: len(data), Bytes: data, kind: "photo"}, nil
}

// newDocument makes a document of an upload; its MIME type comes from its
// name when the upload has none, as Telegram detects it.
func newDocument(u Upload) *File {
	typ := u.MimeType
	if typ == "" || typ == "application/octet-stream" {
		if byName := mime.TypeByExtension(path.Ext(u.Name)); byName != "" {
			typ = byName
		}
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	if t, _, err := mime.ParseMediaType(typ); err == nil {
		typ = t
	}
	return &File{FileName: u.Name, MimeType: typ, Size: len(u.Bytes), Bytes: u.Bytes, kind: "document"}
}

// registerFileLocked gives f its identifiers and keeps it for later file_id
// uses. A photo gets one identifier per size, all naming the same file.
func (s *Server) registerFileLocked(f *File, kind string) *File {
	s.nextFile++
	n := s.nextFile
	prefix, uniquePrefix := "BQACAgQAAxkDAA", "AgAD"
	if kind == "photo" {
		prefix, uniquePrefix = "AgACAgQAAxkDAA", "AQAD"
	}
	f.kind = kind
	f.FileUniqueID = fmt.Sprintf("%s%08d", uniquePrefix, n)
	f.FileID = fmt.Sprintf("%s%08d", prefix, n)
	if kind == "photo" {
		side := max(f.Width, f.Height)
		for i, t := range photoThumbs {
			last := i == len(photoThumbs)-1 || t >= side
			w, h := f.Width, f.Height
			if side > t {
				w, h = max(1, f.Width*t/side), max(1, f.Height*t/side)
			}
			id := f.FileID
			if !last {
				id = fmt.Sprintf("%s%08d_%d", prefix, n, i)
			}
			size := 0
			if last {
				size = f.Size
			}
			f.sizes = append(f.sizes, wirePhotoSize{
				FileID: id, FileUniqueID: fmt.Sprintf("%s%08d_%d", uniquePrefix, n, i), Width: w, Height: h, FileSize: size,
			})
			s.files[id] = f
			if last {
				break
			}
		}
		f.Width, f.Height = f.sizes[len(f.sizes)-1].Width, f.sizes[len(f.sizes)-1].Height
	}
	s.files[f.FileID] = f
	return f
}

// photoSizes renders a photo as the array of its sizes, smallest first.
func photoSizes(f *File) []wirePhotoSize {
	return append([]wirePhotoSize(nil), f.sizes...)
}

func documentWire(f *File) *wireDocument {
	return &wireDocument{FileID: f.FileID, FileUniqueID: f.FileUniqueID, FileName: f.FileName, MimeType: f.MimeType, FileSize: f.Size}
}

// fileTypes are the names tdlib gives the kinds of files in "Can't use file
// of type Document as Photo".
var fileTypes = map[string]string{"photo": "Photo", "document": "Document"}

// inputFile reads the file a send method names in field: an upload in the
// multipart body (directly or as attach://name) or the file_id of a file
// the fake knows.
func (s *Server) inputFile(r *request, field, kind string) (*File, *apiError) {
	value := r.params.Get(field)
	name := field
	if rest, ok := strings.CutPrefix(value, "attach://"); ok {
		name, value = rest, ""
	}
	if value == "" {
		up, ok := r.files[name]
		if !ok {
			return nil, badRequest("there is no %s in the request", kind)
		}
		if len(up.data) == 0 {
			// The description reported for empty uploads by Bot API users.
			return nil, badRequest("file must be non-empty")
		}
		if kind == "photo" {
			f, err := newPhoto(up.data)
			if err != nil {
				return nil, badRequest("IMAGE_PROCESS_FAILED")
			}
			if f.Width+f.Height > 10000 || f.Width > 20*f.Height || f.Height > 20*f.Width {
				// The Bot API's limits on photos (core.telegram.org/bots/api#sendphoto).
				return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
			}
			return f, nil
		}
		return newDocument(Upload{Name: up.name, MimeType: up.contentType, Bytes: up.data}), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[value]
	if f == nil {
		// Also for an HTTP URL: the fake downloads nothing.
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	if f.kind != kind {
		return nil, badRequest("can't use file of type %s as %s", fileTypes[f.kind], fileTypes[kind])
	}
	return f, nil
}

func (s *Server) sendPhoto(r *request) (any, *apiError) {
	return s.sendFile(r, "photo")
}

func (s *Server) sendDocument(r *request) (any, *apiError) {
	return s.sendFile(r, "document")
}

// sendFile serves sendPhoto and sendDocument.
func (s *Server) sendFile(r *request, kind string) (any, *apiError) {
	p := r.params
	chatID, aerr := chatIDParam(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	f, aerr := s.inputFile(r, kind, kind)
	if aerr != nil {
		return nil, aerr
	}
	caption, aerr := captionText(p.Get("caption"), p.Get("parse_mode"), p.Get("caption_entities"))
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	msg := Message{
		ParseMode:       p.Get("parse_mode"),
		Caption:         p.Get("caption"),
		CaptionPlain:    caption.plain,
		CaptionEntities: caption.entities,
	}
	m.applyTo(&msg)
	s.mu.Lock()
	if f.FileID == "" {
		s.registerFileLocked(f, kind) // a new upload
	}
	s.mu.Unlock()
	if f.kind == "photo" {
		msg.Photo = f
	} else {
		msg.Document = f
	}
	return s.store(chatID, msg)
}

func (s *Server) copyMessage(r *request) (any, *apiError) {
	p := r.params
	chatID, aerr := chatIDParam(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	if strings.TrimSpace(p.Get("from_chat_id")) == "" {
		return nil, badRequest("parameter \"from_chat_id\" is required")
	}
	fromChat, aerr := chatIDParam(p, "from_chat_id")
	if aerr != nil {
		return nil, aerr
	}
	id, aerr := intParam(p, "message_id", 0)
	if aerr != nil {
		return nil, aerr
	}
	m, aerr := parseMarkup(p.Get("reply_markup"), false)
	if aerr != nil {
		return nil, aerr
	}
	var caption formatted
	replace := p.Has("caption")
	if replace {
		if caption, aerr = captionText(p.Get("caption"), p.Get("parse_mode"), p.Get("caption_entities")); aerr != nil {
			return nil, aerr
		}
	}

	s.mu.Lock()
	msg, ok := s.originalLocked(fromChat, int(id))
	s.mu.Unlock()
	if !ok {
		return nil, badRequest("message to copy not found")
	}
	if replace && (msg.Photo != nil || msg.Document != nil) {
		// A new caption replaces a media message's; a text has none, and
		// Telegram leaves it as it is.
		msg.Caption, msg.CaptionPlain, msg.CaptionEntities = p.Get("caption"), caption.plain, caption.entities
		msg.ParseMode = p.Get("parse_mode")
	}
	m.applyTo(&msg)
	msg.CopiedFrom = &MessageRef{ChatID: fromChat, MessageID: int(id)}
	w, aerr := s.storeWire(chatID, msg)
	if aerr != nil {
		return nil, aerr
	}
	return wireMessageID{MessageID: w.MessageID}, nil
}

// originalLocked finds a message to copy: one a user sent, or one of the
// bot's, as a new Message with its content and nothing else.
func (s *Server) originalLocked(chatID int64, id int) (Message, bool) {
	c := s.chats[chatID]
	if c == nil || id <= 0 {
		return Message{}, false
	}
	if w := c.users[id]; w != nil {
		if len(w.NewChatMembers) > 0 {
			return Message{}, false // a service message cannot be copied
		}
		msg := Message{
			Text:            w.Text,
			Plain:           w.Text,
			Entities:        fromWire(w.Entities),
			Caption:         w.Caption,
			CaptionPlain:    w.Caption,
			CaptionEntities: fromWire(w.CaptionEntities),
		}
		if w.Location != nil {
			msg.Location = &Location{Latitude: w.Location.Latitude, Longitude: w.Location.Longitude}
		}
		if len(w.Photo) > 0 {
			msg.Photo = s.files[w.Photo[len(w.Photo)-1].FileID]
		}
		if w.Document != nil {
			msg.Document = s.files[w.Document.FileID]
		}
		return msg, true
	}
	if m := c.find(id); m != nil {
		return Message{
			Text: m.Plain, Plain: m.Plain, Entities: m.Entities,
			Location: m.Location, Venue: m.Venue, Photo: m.Photo, Document: m.Document,
			Caption: m.CaptionPlain, CaptionPlain: m.CaptionPlain, CaptionEntities: m.CaptionEntities,
		}, true
	}
	return Message{}, false
}

// chatActions are the actions sendChatAction accepts, with the older names
// the Bot API server still takes.
var chatActions = map[string]bool{
	"cancel": true, "typing": true, "record_video": true, "upload_video": true, "record_audio": true,
	"record_voice": true, "upload_audio": true, "upload_voice": true, "upload_photo": true,
	"upload_document": true, "choose_sticker": true, "pick_up_location": true, "find_location": true,
	"record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(r *request) (any, *apiError) {
	p := r.params
	action := strings.ToLower(p.Get("action"))
	if !chatActions[action] {
		return nil, badRequest("wrong parameter action in request")
	}
	chatID, aerr := chatIDParam(p, "chat_id")
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.canWriteLocked(chatID); aerr != nil {
		return nil, aerr
	}
	c := s.chatLocked(chatID)
	c.actions = append(c.actions, action)
	s.notifyLocked()
	return true, nil
}

// ChatActions returns the actions (typing, upload_photo…) the bot showed in
// a chat with sendChatAction, in order.
func (s *Server) ChatActions(chatID int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chats[chatID]; c != nil {
		return append([]string{}, c.actions...)
	}
	return []string{}
}

// File returns a file the fake knows by any of its file_ids.
func (s *Server) File(fileID string) (*File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileID]
	return f, ok
}
