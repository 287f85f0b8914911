// Package textdoc reads the text of documents that are not PDFs, with the
// standard library (and x/net/html): plain text, Markdown, HTML (visible
// text only), and the zipped XML office formats — DOCX, PPTX, ODT, ODP.
// The text comes as pages: a slide of a presentation is a page, a page
// break of a word-processing file starts one, other documents are one
// page. Every read is bounded, so that a ZIP bomb or a gigabyte of text
// costs at most MaxText.
package textdoc

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxText bounds the text read from one document, and the bytes read from
// one part of a ZIP.
const MaxText = 64 << 20

// ErrTooLarge: the document holds more text than MaxText.
var ErrTooLarge = errors.New("the document holds more text than Annals reads")

// Media types read.
const (
	typePlain    = "text/plain"
	typeMarkdown = "text/markdown"
	typeHTML     = "text/html"
	typeDOCX     = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typePPTX     = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	typeODT      = "application/vnd.oasis.opendocument.text"
	typeODP      = "application/vnd.oasis.opendocument.presentation"
)

// Reads says whether Pages reads documents of the media type.
func Reads(mediaType string) bool {
	switch baseType(mediaType) {
	case typePlain, typeMarkdown, typeHTML, typeDOCX, typePPTX, typeODT, typeODP:
		return true
	}
	return false
}

func baseType(mediaType string) string {
	base, _, _ := strings.Cut(mediaType, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// Pages reads the text of a document of the media type, size bytes at r.
func Pages(r io.ReaderAt, size int64, mediaType string) ([]string, error) {
	switch t := baseType(mediaType); t {
	case typePlain, typeMarkdown, typeHTML:
		data, err := io.ReadAll(io.LimitReader(io.NewSectionReader(r, 0, size), MaxText+1))
		if err != nil {
			return nil, err
		}
		if len(data) > MaxText {
			return nil, ErrTooLarge
		}
		text := decodeText(data)
		switch t {
		case typeMarkdown:
			text = markdownText(text)
		case typeHTML:
			text = htmlText(text)
		}
		return splitFormFeeds(text), nil
	case typeDOCX, typePPTX, typeODT, typeODP:
		z, err := zip.NewReader(r, size)
		if err != nil {
			return nil, fmt.Errorf("not a ZIP as %s files are: %w", shortName(t), err)
		}
		switch t {
		case typeDOCX:
			return docxPages(z)
		case typePPTX:
			return pptxPages(z)
		case typeODT:
			return odfPages(z, false)
		default:
			return odfPages(z, true)
		}
	}
	return nil, fmt.Errorf("annals does not read the text of %s files", mediaType)
}

func shortName(t string) string {
	switch t {
	case typeDOCX:
		return "DOCX"
	case typePPTX:
		return "PPTX"
	case typeODT:
		return "ODT"
	}
	return "ODP"
}

// decodeText makes bytes UTF-8 text: a BOM (UTF-8 or UTF-16) is honoured;
// bytes that are not UTF-8 become U+FFFD.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], data[0] == 0xFE)
	}
	if utf8.Valid(data) {
		return string(data)
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

func decodeUTF16(data []byte, bigEndian bool) string {
	var b strings.Builder
	for i := 0; i+1 < len(data); i += 2 {
		u := rune(data[i]) | rune(data[i+1])<<8
		if bigEndian {
			u = rune(data[i])<<8 | rune(data[i+1])
		}
		if u >= 0xD800 && u < 0xDC00 && i+3 < len(data) { // a surrogate pair
			l := rune(data[i+2]) | rune(data[i+3])<<8
			if bigEndian {
				l = rune(data[i+2])<<8 | rune(data[i+3])
			}
			if l >= 0xDC00 && l < 0xE000 {
				b.WriteRune(0x10000 + (u-0xD800)<<10 + (l - 0xDC00))
				i += 2
				continue
			}
		}
		b.WriteRune(u)
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// splitFormFeeds makes a page of each part of text between form feeds (as
// pdftotext writes pages).
func splitFormFeeds(text string) []string {
	return strings.Split(text, "\f")
}

// readPart reads one part of a ZIP, bounded by MaxText.
func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxText+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if len(data) > MaxText {
		return nil, ErrTooLarge
	}
	return data, nil
}

func findPart(z *zip.Reader, name string) *zip.File {
	for _, f := range z.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}
