package proceedings

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
)

// subsetMark starts the family name each face is registered under, so that
// gofpdf's font name ("utf8" + family) can be turned into a subset's name
// of the same length ("utf8SS+Name" → "ABCDEF+Name"): gofpdf embeds only
// the glyphs used but names the font as if whole, and readers (pdffonts)
// tell a subset by its six-letter tag.
const subsetMark = "SS+"

// familyName is the name a face is registered under with gofpdf.
func familyName(face string) string { return subsetMark + face }

// subsetTag is six capital letters made from the face's name.
func subsetTag(face string) string {
	h := fnv.New32a()
	h.Write([]byte(face))
	n := h.Sum32()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = byte('A' + n%26)
		n /= 26
	}
	return string(tag)
}

var (
	gofpdfFontName = regexp.MustCompile(`/utf8(?i:` + regexp.QuoteMeta(subsetMark) + `)([A-Za-z0-9_.-]+)`) // gofpdf lowercases it
	metadataObject = regexp.MustCompile(`(?s)\n(\d+) 0 obj\n<< /Type /Metadata /Subtype /XML `)
	startXref      = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
)

// finishPDF mends what gofpdf (v1.16.2) leaves undone in its output: it
// names the embedded font subsets with their tags and their faces' names
// as written (gofpdf lowercases them), links the XMP metadata
// stream, which gofpdf writes but never names in the catalogue, from the
// catalogue, and gives the pages their labels (front pages i, ii, iii...,
// the body 1, 2, 3... as the folios print them; none when front is 0).
// The edits keep the offsets of every object: names keep their length, and
// the catalogue is the last object, so only the cross-reference table's
// own offset moves.
func finishPDF(pdf []byte, front int, faces []string) ([]byte, error) {
	written := map[string]string{}
	for _, f := range faces {
		if lower := strings.ToLower(f); len(lower) == len(f) {
			written[lower] = f
		}
	}
	out := gofpdfFontName.ReplaceAllFunc(pdf, func(m []byte) []byte {
		face := string(gofpdfFontName.FindSubmatch(m)[1])
		if f, ok := written[face]; ok {
			face = f
		}
		return []byte("/" + subsetTag(face) + "+" + face)
	})
	var entries []byte
	if meta := metadataObject.FindSubmatch(out); meta != nil {
		entries = fmt.Appendf(entries, "\n/Metadata %s 0 R", meta[1])
	}
	if front > 0 {
		entries = fmt.Appendf(entries, "\n/PageLabels << /Nums [0 << /S /r >> %d << /S /D >>] >>", front)
	}
	if len(entries) == 0 {
		return out, nil
	}
	at := bytes.LastIndex(out, []byte("/Type /Catalog"))
	xref := startXref.FindSubmatchIndex(out)
	if at < 0 || xref == nil || at > xref[0] {
		return nil, fmt.Errorf("proceedings: gofpdf's output has no catalogue where expected")
	}
	offset, err := strconv.Atoi(string(out[xref[2]:xref[3]]))
	if err != nil {
		return nil, err
	}
	end := at + len("/Type /Catalog")
	var b bytes.Buffer
	b.Grow(len(out) + len(entries) + 4)
	b.Write(out[:end])
	b.Write(entries)
	b.Write(out[end:xref[2]])
	b.WriteString(strconv.Itoa(offset + len(entries)))
	b.Write(out[xref[3]:])
	return b.Bytes(), nil
}
