package poster

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"
	"unicode/utf16"
)

// PNG writes the poster as a grey-scale PNG of an A4 page at p.DPI, with the
// resolution recorded in the file, so that it prints at A4 size.
func PNG(w io.Writer, p Poster) error {
	img, err := Draw(p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	dpi := p.DPI
	if dpi == 0 {
		dpi = DefaultDPI
	}
	return writeWithDPI(w, buf.Bytes(), dpi)
}

// writeWithDPI writes a PNG file with a pHYs chunk (pixels per metre) after
// its header chunk; Go's encoder writes none.
func writeWithDPI(w io.Writer, file []byte, dpi int) error {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, then IHDR's length, type, data and CRC
	if len(file) < ihdrEnd || string(file[12:16]) != "IHDR" {
		return fmt.Errorf("poster: PNG encoder wrote no header chunk")
	}
	ppm := uint32(float64(dpi)/0.0254 + 0.5)
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk, 9)
	copy(chunk[4:], "pHYs")
	binary.BigEndian.PutUint32(chunk[8:], ppm)
	binary.BigEndian.PutUint32(chunk[12:], ppm)
	chunk[16] = 1 // the unit is the metre
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	for _, part := range [][]byte{file[:ihdrEnd], chunk, file[ihdrEnd:]} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}

// A4 in PDF points (1/72 inch).
const pdfW, pdfH = "595.28", "841.89"

// PDF writes the poster as a one-page A4 PDF: the drawing at p.DPI as one
// image covering the page, so it prints exactly as the PNG looks.
//
// The file is written here rather than with a PDF library: a page holding
// one image is five objects, and the one served library (fpdf) is no longer
// maintained.
func PDF(w io.Writer, p Poster) error {
	img, err := Draw(p)
	if err != nil {
		return err
	}
	var pixels bytes.Buffer
	zw := zlib.NewWriter(&pixels)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		off := img.PixOffset(b.Min.X, y)
		if _, err := zw.Write(img.Pix[off : off+b.Dx()]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	content := "q " + pdfW + " 0 0 " + pdfH + " 0 0 cm /Im0 Do Q\n"
	pw := &pdfWriter{w: bufio.NewWriter(w)}
	pw.raw("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	pw.object("<< /Type /Catalog /Pages 2 0 R >>")
	pw.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	pw.object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + pdfW + " " + pdfH + "] " +
		"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>")
	pw.stream(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "+
		"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>", b.Dx(), b.Dy(), pixels.Len()), pixels.Bytes())
	pw.stream(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	pw.object("<< /Title " + pdfText(p.Name) + " /Subject " + pdfText(p.Link) + " /Creator (coworkbot) >>")
	pw.finish(1, 6)
	return pw.err
}

// pdfWriter writes numbered objects and remembers their offsets for the
// cross-reference table; the first error sticks.
type pdfWriter struct {
	w       *bufio.Writer
	n       int   // bytes written
	offsets []int // of objects 1, 2, …
	err     error
}

func (pw *pdfWriter) raw(s string) {
	if pw.err != nil {
		return
	}
	k, err := pw.w.WriteString(s)
	pw.n += k
	pw.err = err
}

func (pw *pdfWriter) object(dict string) {
	pw.offsets = append(pw.offsets, pw.n)
	pw.raw(fmt.Sprintf("%d 0 obj\n%s\nendobj\n", len(pw.offsets), dict))
}

func (pw *pdfWriter) stream(dict string, data []byte) {
	pw.offsets = append(pw.offsets, pw.n)
	pw.raw(fmt.Sprintf("%d 0 obj\n%s\nstream\n", len(pw.offsets), dict))
	pw.raw(string(data))
	pw.raw("\nendstream\nendobj\n")
}

func (pw *pdfWriter) finish(root, info int) {
	xref := pw.n
	pw.raw(fmt.Sprintf("xref\n0 %d\n0000000000 65535 f \n", len(pw.offsets)+1))
	for _, off := range pw.offsets {
		pw.raw(fmt.Sprintf("%010d 00000 n \n", off))
	}
	pw.raw(fmt.Sprintf("trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(pw.offsets)+1, root, info, xref))
	if pw.err == nil {
		pw.err = pw.w.Flush()
	}
}

// pdfText is a PDF text string in UTF-16 (big-endian, with its byte order
// mark), written in hex, so any name is safe.
func pdfText(s string) string {
	out := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		out = fmt.Appendf(out, "%04X", u)
	}
	return string(append(out, '>'))
}
