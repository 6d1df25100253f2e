package poster

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pdfObjects checks a PDF's frame (header, cross-reference table, trailer,
// end marker) and returns its objects by number, each as the bytes between
// "N 0 obj" and "endobj".
func pdfObjects(t *testing.T, file []byte) map[int][]byte {
	t.Helper()
	if !bytes.HasPrefix(file, []byte("%PDF-1.")) {
		t.Fatalf("starts with %q, want a PDF header", file[:min(len(file), 8)])
	}
	if !bytes.HasSuffix(file, []byte("%%EOF\n")) {
		t.Fatal("no end-of-file marker at the end")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(file)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref >= len(file) || !bytes.HasPrefix(file[xref:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	table := regexp.MustCompile(`^xref\n0 (\d+)\n0000000000 65535 f \n((?:\d{10} 00000 n \n)*)trailer\n<< /Size (\d+) /Root (\d+) 0 R`).FindSubmatch(file[xref:])
	if table == nil {
		t.Fatalf("malformed xref table or trailer:\n%s", file[xref:])
	}
	size, _ := strconv.Atoi(string(table[1]))
	if trailerSize, _ := strconv.Atoi(string(table[3])); trailerSize != size {
		t.Errorf("xref has %d entries, trailer /Size %d", size, trailerSize)
	}
	entries := strings.Split(strings.TrimSuffix(string(table[2]), "\n"), "\n")
	if len(entries) != size-1 {
		t.Fatalf("xref lists %d objects, says %d", len(entries), size-1)
	}
	objs := map[int][]byte{}
	for i, e := range entries {
		off, _ := strconv.Atoi(e[:10])
		head := fmt.Sprintf("%d 0 obj\n", i+1)
		if !bytes.HasPrefix(file[off:], []byte(head)) {
			t.Fatalf("xref entry %d points at %q, want %q", i+1, file[off:min(len(file), off+12)], head)
		}
		end := bytes.Index(file[off:], []byte("\nendobj\n"))
		if end < 0 {
			t.Fatalf("object %d has no endobj", i+1)
		}
		objs[i+1] = file[off+len(head) : off+end]
	}
	root, _ := strconv.Atoi(string(table[4]))
	if !bytes.Contains(objs[root], []byte("/Type /Catalog")) {
		t.Errorf("root object %d is not a catalog: %s", root, objs[root])
	}
	return objs
}

func TestPDFIsOneA4PageWithTheImage(t *testing.T) {
	p := sample()
	p.DPI = 150
	var buf bytes.Buffer
	if err := PDF(&buf, p); err != nil {
		t.Fatal(err)
	}
	objs := pdfObjects(t, buf.Bytes())
	var pages, images [][]byte
	for _, o := range objs {
		switch {
		case regexp.MustCompile(`/Type /Page[ >]`).Match(o):
			pages = append(pages, o)
		case bytes.Contains(o, []byte("/Subtype /Image")):
			images = append(images, o)
		}
	}
	if len(pages) != 1 || len(images) != 1 {
		t.Fatalf("got %d pages and %d images, want one of each", len(pages), len(images))
	}
	box := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`).FindSubmatch(pages[0])
	if box == nil {
		t.Fatalf("page has no MediaBox: %s", pages[0])
	}
	w, _ := strconv.ParseFloat(string(box[1]), 64)
	h, _ := strconv.ParseFloat(string(box[2]), 64)
	if math.Round(w) != 595 || math.Round(h) != 842 {
		t.Errorf("MediaBox %g×%g pt, want A4, 595×842", w, h)
	}
	// The page draws the image over the whole of itself…
	content := regexp.MustCompile(`/Contents (\d+) 0 R`).FindSubmatch(pages[0])
	if content == nil {
		t.Fatal("page has no contents")
	}
	n, _ := strconv.Atoi(string(content[1]))
	if want := fmt.Sprintf("%s 0 0 %s 0 0 cm /Im0 Do", box[1], box[2]); !bytes.Contains(objs[n], []byte(want)) {
		t.Errorf("contents %q, want %q", objs[n], want)
	}
	// …and the image is the poster: the QR code in it reads as the link.
	img := pdfImage(t, images[0])
	if got := img.Bounds().Size(); got != image.Pt(px(210, 150), px(297, 150)) {
		t.Errorf("image is %v pixels, want A4 at 150 dpi", got)
	}
	if got := scan(t, img).GetText(); got != link {
		t.Errorf("decoded %q from the PDF's image, want %q", got, link)
	}
	if !bytes.Contains(buf.Bytes(), []byte("/Title "+pdfText("Officina Brianza"))) {
		t.Error("no title")
	}
}

// pdfImage decodes an 8-bit grey, Flate-compressed image object.
func pdfImage(t *testing.T, obj []byte) *image.Gray {
	t.Helper()
	m := regexp.MustCompile(`^<< /Type /XObject /Subtype /Image /Width (\d+) /Height (\d+) /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length (\d+) >>\nstream\n`).FindSubmatch(obj)
	if m == nil {
		t.Fatalf("unexpected image dictionary: %.200s", obj)
	}
	w, _ := strconv.Atoi(string(m[1]))
	h, _ := strconv.Atoi(string(m[2]))
	n, _ := strconv.Atoi(string(m[3]))
	data := obj[len(m[0]):]
	if len(data) != n+len("\nendstream") || !bytes.HasSuffix(data, []byte("\nendstream")) {
		t.Fatalf("stream is %d bytes before endstream, /Length says %d", len(data)-len("\nendstream"), n)
	}
	zr, err := zlib.NewReader(bytes.NewReader(data[:n]))
	if err != nil {
		t.Fatal(err)
	}
	pix, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(pix) != w*h {
		t.Fatalf("image holds %d pixels, want %d×%d", len(pix), w, h)
	}
	return &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
}

func TestPDFText(t *testing.T) {
	if got, want := pdfText("Caffè (1)"), "<FEFF004300610066006600E80020002800310029>"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
