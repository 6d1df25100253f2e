// Package poster draws the printable poster of a space: an A4 sheet with the
// space's name and comune, the line saying it is in the comune's official
// list, a large QR code of the bot's deep link, a line of instructions in two
// languages and the link in clear. It only draws: the texts come already in
// words, and it knows nothing of Telegram or of the registry.
package poster

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"
	"unicode"

	qr "github.com/piglig/go-qr"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Poster is what a poster says, already in words.
type Poster struct {
	Name     string // the space's name, the largest text
	Comune   string // the comune the space is in
	Official string // e.g. "Iscritto all'elenco ufficiale del Comune di Seregno"
	Scan     string // the instructions in the first language (Italian)
	ScanAlt  string // the same instructions in the second language (English)
	LinkText string // the link as printed in clear under the code
	Link     string // what the QR code holds: the bot's deep link
	DPI      int    // resolution of the drawing, 150 to 300; 0 means 300
}

// DefaultDPI is the resolution used when Poster.DPI is 0.
const DefaultDPI = 300

// The page, in millimetres: A4 portrait.
const (
	pageW, pageH = 210.0, 297.0
	mmPerInch    = 25.4
	quietModules = 4  // the white margin the QR standard asks for, in modules
	minQRmm      = 80 // the printed code is never smaller than this
)

// ErrNoLink is returned for a poster without a link to encode.
var ErrNoLink = errors.New("poster: no link to encode")

// GlyphError says that a text holds a character the poster's fonts cannot
// draw (it would be printed as an empty box).
type GlyphError struct {
	Text string
	Char rune
}

func (e *GlyphError) Error() string {
	return fmt.Sprintf("poster: the fonts have no %q (U+%04X) for %q", e.Char, e.Char, e.Text)
}

// fonts are Go's own TrueType fonts (BSD licence), parsed once.
var fonts = sync.OnceValues(func() (map[string]*opentype.Font, error) {
	out := map[string]*opentype.Font{}
	for name, ttf := range map[string][]byte{"bold": gobold.TTF, "regular": goregular.TTF, "italic": goitalic.TTF, "mono": gomono.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return nil, fmt.Errorf("poster: font %s: %w", name, err)
		}
		out[name] = f
	}
	return out, nil
})

// block is one text of the poster and the box it must stay inside, in mm.
type block struct {
	text         string
	font         string
	top, height  float64 // the box; it spans the page between the margins
	maxPt, minPt float64 // the largest and smallest type sizes
	maxLines     int
}

// The layout, top to bottom. The sizes are large enough to read from a few
// steps away; each text shrinks, then wraps, to stay in its box.
const (
	margin   = 16.0  // left and right, from the page's edge to the text
	frameIn  = 9.0   // the frame's distance from the page's edge
	frameW   = 0.9   // the frame's line width
	ruleAt   = 40.0  // the rule under the official line
	ruleW    = 0.5   // its width
	qrTop    = 112.0 // the box the QR code (with its quiet zone) is centred in
	qrHeight = 126.0
)

func blocks(p Poster) []block {
	return []block{
		// text, font, box top and height (mm), largest and smallest size (pt), lines at most
		{p.Official, "bold", 17, 19, 20, 11, 2},
		{p.Name, "bold", 45, 46, 56, 20, 3},
		{p.Comune, "regular", 94, 14, 28, 14, 1},
		{p.Scan, "bold", 240, 16, 22, 12, 2},
		{p.ScanAlt, "italic", 256, 12, 18, 10, 2},
		{p.LinkText, "mono", 270, 10, 14, 7, 2},
	}
}

// line is one laid-out line of text, in pixels.
type line struct {
	text     string
	face     font.Face
	x        int // left edge
	baseline int
	width    int
}

// sheet is a poster laid out at a resolution: where each line and the code go.
type sheet struct {
	dpi       int
	w, h      int // the page, in pixels
	lines     []line
	boxes     []image.Rectangle // each block's box, for the tests
	code      *qr.QrCode
	module    int         // a QR module's side, in pixels
	codeAt    image.Point // the top-left corner of the code's first module
	quietZone image.Rectangle
}

func px(mm float64, dpi int) int { return int(mm/mmPerInch*float64(dpi) + 0.5) }

// layout places every text and the code, or says why it cannot.
func layout(p Poster) (*sheet, error) {
	if p.Link == "" {
		return nil, ErrNoLink
	}
	dpi := p.DPI
	if dpi == 0 {
		dpi = DefaultDPI
	}
	if dpi < 150 || dpi > 300 {
		return nil, fmt.Errorf("poster: %d dpi: want 150 to 300", dpi)
	}
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	s := &sheet{dpi: dpi, w: px(pageW, dpi), h: px(pageH, dpi)}
	for _, b := range blocks(p) {
		if err := s.place(fs[b.font], b); err != nil {
			return nil, err
		}
	}
	// The code: medium error correction at least (the library raises it
	// when the link still fits the same size), as large as its box allows
	// in whole pixels per module, so that every module is sharp.
	s.code, err = qr.EncodeText(p.Link, qr.Medium)
	if err != nil {
		return nil, fmt.Errorf("poster: QR code of %q: %w", p.Link, err)
	}
	n := s.code.Size() + 2*quietModules
	s.module = px(qrHeight, dpi) / n
	side := s.module * n
	left, top := (s.w-side)/2, px(qrTop, dpi)+(px(qrHeight, dpi)-side)/2
	s.quietZone = image.Rect(left, top, left+side, top+side)
	s.codeAt = image.Pt(left+quietModules*s.module, top+quietModules*s.module)
	if mm := float64(s.module*s.code.Size()) / float64(dpi) * mmPerInch; mm < minQRmm {
		return nil, fmt.Errorf("poster: the link %q needs a %d-module code, %.0f mm printed: too small to scan", p.Link, s.code.Size(), mm)
	}
	return s, nil
}

// place fits one block in its box: the largest size at which the text, word
// wrapped, fits; below the smallest size, long words are broken and what
// still does not fit ends with an ellipsis. The text never leaves its box.
func (s *sheet) place(f *opentype.Font, b block) error {
	if err := checkGlyphs(f, b.text); err != nil {
		return err
	}
	box := image.Rect(px(margin, s.dpi), px(b.top, s.dpi), s.w-px(margin, s.dpi), px(b.top+b.height, s.dpi))
	s.boxes = append(s.boxes, box)
	if b.text == "" {
		return nil
	}
	var face font.Face
	var texts []string
	var lh int
	fitted := false
	// One line is best, if the type need not shrink much for it; then as
	// few lines as fit, the words spread evenly over them.
	for _, oneLine := range []bool{true, false} {
		for pt := b.maxPt; pt >= b.minPt && !fitted; pt -= 0.5 {
			if oneLine && pt < 0.8*b.maxPt {
				break
			}
			var err error
			if face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: float64(s.dpi), Hinting: font.HintingFull}); err != nil {
				return err
			}
			lh = int(pt * 1.15 / 72 * float64(s.dpi))
			texts, fitted = wrap(face, b.text, box.Dx(), false)
			most := b.maxLines
			if oneLine {
				most = 1
			}
			fitted = fitted && len(texts) <= most && len(texts)*lh <= box.Dy()
		}
	}
	if fitted {
		texts = balance(face, b.text, texts, box.Dx())
	}
	if !fitted { // at the smallest size
		texts, _ = wrap(face, b.text, box.Dx(), true)
		texts = truncate(face, texts, max(1, min(b.maxLines, box.Dy()/lh)), box.Dx())
	}
	m := face.Metrics()
	asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
	top := box.Min.Y + (box.Dy()-len(texts)*lh)/2
	for i, t := range texts {
		w := font.MeasureString(face, t).Ceil()
		s.lines = append(s.lines, line{
			text: t, face: face, width: w,
			x:        box.Min.X + (box.Dx()-w)/2,
			baseline: top + i*lh + (lh+asc-desc)/2,
		})
	}
	return nil
}

func checkGlyphs(f *opentype.Font, text string) error {
	var buf sfnt.Buffer
	for _, r := range text {
		if unicode.IsSpace(r) { // spaces only separate words
			continue
		}
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			return &GlyphError{Text: text, Char: r}
		}
	}
	return nil
}

// draw paints the sheet black on white.
func (s *sheet) draw() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, s.w, s.h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	black := image.NewUniform(color.Gray{})
	fill := func(r image.Rectangle) { draw.Draw(img, r, black, image.Point{}, draw.Src) }
	// The frame and the rule under the official line.
	in, lw := px(frameIn, s.dpi), max(1, px(frameW, s.dpi))
	outer := image.Rect(in, in, s.w-in, s.h-in)
	fill(image.Rect(outer.Min.X, outer.Min.Y, outer.Max.X, outer.Min.Y+lw))
	fill(image.Rect(outer.Min.X, outer.Max.Y-lw, outer.Max.X, outer.Max.Y))
	fill(image.Rect(outer.Min.X, outer.Min.Y, outer.Min.X+lw, outer.Max.Y))
	fill(image.Rect(outer.Max.X-lw, outer.Min.Y, outer.Max.X, outer.Max.Y))
	rule := px(ruleAt, s.dpi)
	fill(image.Rect(px(margin, s.dpi), rule, s.w-px(margin, s.dpi), rule+max(1, px(ruleW, s.dpi))))
	for _, l := range s.lines {
		d := font.Drawer{Dst: img, Src: black, Face: l.face, Dot: fixed.P(l.x, l.baseline)}
		d.DrawString(l.text)
	}
	size := s.code.Size()
	for y := range size {
		for x := range size {
			if s.code.Module(x, y) {
				at := s.codeAt.Add(image.Pt(x*s.module, y*s.module))
				fill(image.Rectangle{Min: at, Max: at.Add(image.Pt(s.module, s.module))})
			}
		}
	}
	return img
}

// Draw returns the poster as a grey-scale image of an A4 page at p.DPI.
func Draw(p Poster) (*image.Gray, error) {
	s, err := layout(p)
	if err != nil {
		return nil, err
	}
	return s.draw(), nil
}
