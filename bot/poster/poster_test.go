package poster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font"
)

const link = "https://t.me/CoworkSeregnoBot?start=space_officina-brianza"

func sample() Poster {
	return Poster{
		Name:     "Officina Brianza",
		Comune:   "Seregno",
		Official: "Iscritto all'elenco ufficiale del Comune di Seregno",
		Scan:     "Inquadra il codice per prenotare con il bot del Comune",
		ScanAlt:  "Scan the code to book with the Comune's bot",
		LinkText: strings.TrimPrefix(link, "https://"),
		Link:     link,
	}
}

// scan reads the QR code in img as a phone's scanner would, with ZXing's
// decoder (independent of the encoder used to draw it).
func scan(t *testing.T, img image.Image) *gozxing.Result {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code read in the %v image: %v", img.Bounds().Size(), err)
	}
	return res
}

// shrink scales img down to height h by averaging the pixels each new pixel
// covers, as a camera's sensor does when the poster is a few steps away.
func shrink(img *image.Gray, h int) *image.Gray {
	b := img.Bounds()
	w := b.Dx() * h / b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		y0, y1 := y*b.Dy()/h, (y+1)*b.Dy()/h
		for x := range w {
			x0, x1 := x*b.Dx()/w, (x+1)*b.Dx()/w
			sum, n := 0, 0
			for yy := y0; yy < y1; yy++ {
				for xx := x0; xx < x1; xx++ {
					sum += int(img.GrayAt(b.Min.X+xx, b.Min.Y+yy).Y)
					n++
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}

func TestPNGDecodesToTheLink(t *testing.T) {
	for _, dpi := range []int{150, 300} {
		p := sample()
		p.DPI = dpi
		var buf bytes.Buffer
		if err := PNG(&buf, p); err != nil {
			t.Fatal(err)
		}
		file := buf.Bytes()
		decoded, err := png.Decode(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("%d dpi: not a PNG: %v", dpi, err)
		}
		img, ok := decoded.(*image.Gray)
		if !ok {
			t.Fatalf("%d dpi: got a %T, want a grey-scale image", dpi, decoded)
		}
		// A4 at this resolution, and the file says so.
		wantW, wantH := int(210/25.4*float64(dpi)+0.5), int(297/25.4*float64(dpi)+0.5)
		if got := img.Bounds().Size(); got.X != wantW || got.Y != wantH {
			t.Errorf("%d dpi: got %v pixels, want %dx%d (A4)", dpi, got, wantW, wantH)
		}
		if got := pngDPI(t, file); got != dpi {
			t.Errorf("pHYs: got %d dpi, want %d", got, dpi)
		}
		res := scan(t, img)
		if res.GetText() != link {
			t.Errorf("%d dpi: decoded %q, want %q", dpi, res.GetText(), link)
		}
		if ec := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; ec != "M" && ec != "Q" && ec != "H" {
			t.Errorf("%d dpi: error correction %v, want M or higher", dpi, ec)
		}
		// The printed code is at least 8 cm wide: measured on the image,
		// from the outer edge of one finder pattern to the other's.
		if mm := codeWidthMM(t, img, res, dpi); mm < 80 {
			t.Errorf("%d dpi: the code is %.1f mm wide printed, want at least 80", dpi, mm)
		}
	}
}

// pngDPI reads the resolution from a PNG's pHYs chunk.
func pngDPI(t *testing.T, file []byte) int {
	t.Helper()
	for at := 8; at+8 <= len(file); {
		n := int(binary.BigEndian.Uint32(file[at:]))
		if string(file[at+4:at+8]) == "pHYs" {
			if file[at+16] != 1 || n != 9 {
				t.Fatalf("pHYs not in pixels per metre")
			}
			return int(float64(binary.BigEndian.Uint32(file[at+8:]))*0.0254 + 0.5)
		}
		at += 12 + n
	}
	t.Fatal("no pHYs chunk")
	return 0
}

// codeWidthMM measures the code from the image alone: along the row through
// the top finder patterns' centres (as the decoder found them), from the
// outer edge of the left one to the outer edge of the right one.
func codeWidthMM(t *testing.T, img *image.Gray, res *gozxing.Result, dpi int) float64 {
	t.Helper()
	pts := res.GetResultPoints() // bottom-left, top-left, top-right
	if len(pts) < 3 {
		t.Fatalf("got %d result points, want the three finder patterns", len(pts))
	}
	y := int(pts[1].GetY())
	left := edge(img, int(pts[1].GetX()), y, -1)
	right := edge(img, int(pts[2].GetX()), y, +1)
	return float64(right-left) / float64(dpi) * 25.4
}

// edge walks from a finder pattern's centre in direction dx across its dark
// centre, white ring and dark ring, and returns where the dark ring ends.
func edge(img *image.Gray, x, y, dx int) int {
	dark := func(x int) bool { return img.GrayAt(x, y).Y < 128 }
	changes := 0
	for prev := dark(x); changes < 3 && x > 0 && x < img.Bounds().Dx()-1; x += dx {
		if d := dark(x + dx); d != prev {
			changes++
			prev = d
		}
	}
	return x
}

func TestDecodesAtPhoneResolution(t *testing.T) {
	img, err := Draw(sample())
	if err != nil {
		t.Fatal(err)
	}
	// The whole poster in a 720p or a 480p frame, portrait: the code is
	// then about 4 to 6 pixels per module.
	for _, h := range []int{1280, 720, 480} {
		small := shrink(img, h)
		if got := scan(t, small).GetText(); got != link {
			t.Errorf("at %d pixels high: decoded %q, want %q", h, got, link)
		}
	}
}

func TestLongTextsStayInTheirBoxes(t *testing.T) {
	long := strings.Repeat("Spazio condiviso per il lavoro agile e la formazione ", 8)
	for _, name := range []string{
		"Officina Brianza",
		"Spazio Coworking della Biblioteca Civica Ettore Pozzoli",
		strings.Repeat("Ç", 20) + " " + strings.Repeat("Coworkingsenzaspazi", 8),
		long,
		"Nido & Lavoro — l'ufficio è più vicino: àèéìòù ÀÈÉÌÒÙ «sì»",
		"W",
		"Spazio\tcon\ntabulazioni\u00a0e a capo",
	} {
		p := sample()
		p.Name, p.Comune, p.ScanAlt = name, name, name
		p.Official = long
		p.Link = link + strings.Repeat("x", 60) // a longer code, and link in clear, too
		p.LinkText = strings.TrimPrefix(p.Link, "https://")
		p.DPI = 150
		s, err := layout(p)
		if err != nil {
			t.Fatalf("%.30q: %v", name, err)
		}
		for i, b := range blocks(p) {
			box := s.boxes[i]
			n := 0
			for _, l := range s.lines {
				m := l.face.Metrics()
				r := image.Rect(l.x, l.baseline-m.Ascent.Ceil(), l.x+l.width, l.baseline+m.Descent.Ceil())
				if !r.Overlaps(box) {
					continue
				}
				n++
				if !r.In(box) {
					t.Errorf("%.30q: line %q at %v leaves its box %v", name, l.text, r, box)
				}
				if r.Overlaps(s.quietZone) {
					t.Errorf("%.30q: line %q at %v is on the code's quiet zone %v", name, l.text, r, s.quietZone)
				}
			}
			if n > b.maxLines {
				t.Errorf("%.30q: block %d has %d lines, want at most %d", name, i, n, b.maxLines)
			}
		}
		img := s.draw()
		// Nothing outside the frame, and the code still reads.
		in := px(frameIn, s.dpi)
		frame := image.Rect(in, in, s.w-in, s.h-in)
		for y := range s.h {
			for x := range s.w {
				if !image.Pt(x, y).In(frame) && img.GrayAt(x, y).Y != 255 {
					t.Fatalf("%.30q: ink at (%d, %d), outside the frame", name, x, y)
				}
			}
		}
		if got := scan(t, img).GetText(); got != p.Link {
			t.Errorf("%.30q: decoded %q, want %q", name, got, p.Link)
		}
	}
}

func TestQuietZoneIsWhite(t *testing.T) {
	s, err := layout(sample())
	if err != nil {
		t.Fatal(err)
	}
	img := s.draw()
	symbol := image.Rectangle{Min: s.codeAt, Max: s.codeAt.Add(image.Pt(s.module*s.code.Size(), s.module*s.code.Size()))}
	if s.quietZone.Min.X > symbol.Min.X-quietModules*s.module || s.quietZone.Min.Y > symbol.Min.Y-quietModules*s.module {
		t.Fatalf("quiet zone %v is narrower than %d modules around %v", s.quietZone, quietModules, symbol)
	}
	for y := s.quietZone.Min.Y; y < s.quietZone.Max.Y; y++ {
		for x := s.quietZone.Min.X; x < s.quietZone.Max.X; x++ {
			if !image.Pt(x, y).In(symbol) && img.GrayAt(x, y).Y != 255 {
				t.Fatalf("ink at (%d, %d), in the quiet zone", x, y)
			}
		}
	}
}

func TestItalianLettersRender(t *testing.T) {
	fs, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	const italian = "àèéìòùÀÈÉÌÒÙ'’«»…—"
	for name, f := range fs {
		if err := checkGlyphs(f, italian); err != nil {
			t.Errorf("font %s: %v", name, err)
		}
	}
	// Each character draws something, and each accented letter is its
	// base letter with an accent above: not an empty or a missing-glyph box.
	s, err := layout(sample())
	if err != nil {
		t.Fatal(err)
	}
	face := s.lines[0].face
	for _, r := range italian {
		if b, adv := font.BoundString(face, string(r)); b.Max.X <= b.Min.X || b.Max.Y <= b.Min.Y || adv <= 0 {
			t.Errorf("%q draws nothing", r)
		}
	}
	for _, pair := range []string{"àa", "èe", "ée", "ìı", "òo", "ùu", "ÀA", "ÈE", "ÉE", "ÌI", "ÒO", "ÙU"} {
		accented, base := []rune(pair)[0], []rune(pair)[1]
		ab, _ := font.BoundString(face, string(accented))
		bb, _ := font.BoundString(face, string(base))
		if ab.Min.Y >= bb.Min.Y {
			t.Errorf("%q reaches %v, no higher than %q (%v): no accent drawn", accented, ab.Min.Y, base, bb.Min.Y)
		}
	}
	// A character the fonts lack is refused, rather than printed as a box.
	p := sample()
	p.Name = "Coworking 東京"
	var ge *GlyphError
	if _, err := Draw(p); !errors.As(err, &ge) || ge.Char != '東' {
		t.Errorf("got %v, want a GlyphError for 東", err)
	}
}

func TestRefusals(t *testing.T) {
	p := sample()
	p.Link = ""
	if _, err := Draw(p); !errors.Is(err, ErrNoLink) {
		t.Errorf("no link: got %v, want ErrNoLink", err)
	}
	for _, dpi := range []int{72, 149, 301, 600} {
		p := sample()
		p.DPI = dpi
		if _, err := Draw(p); err == nil {
			t.Errorf("%d dpi: got no error, want 150 to 300 only", dpi)
		}
	}
	p = sample()
	p.Link = strings.Repeat("x", 3000) // more than a QR code holds
	if err := PNG(&bytes.Buffer{}, p); err == nil {
		t.Error("a 3000-byte link: got no error")
	}
}

func BenchmarkPNG(b *testing.B) {
	p := sample()
	for b.Loop() {
		if err := PNG(&bytes.Buffer{}, p); err != nil {
			b.Fatal(err)
		}
	}
}
