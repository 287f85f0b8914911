package catalog

import (
	"bytes"
	"net/http"
	"path"
	"strings"
)

// SniffMediaType says what a file is from its first bytes (512 are
// enough); the name only tells apart formats that share a container (DOCX,
// PPTX, ODT, ODP are ZIP files; Markdown and CSV are text). What a client
// says a file is is never trusted.
func SniffMediaType(head []byte, name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if t, ok := zipTypes[ext]; ok {
			return t
		}
		return "application/zip"
	}
	detected := http.DetectContentType(head)
	if strings.HasPrefix(detected, "text/plain") {
		switch ext {
		case ".md", ".markdown":
			return "text/markdown; charset=utf-8"
		case ".csv":
			return "text/csv; charset=utf-8"
		}
	}
	return detected
}

// zipTypes are the office formats that are ZIP files, by extension.
var zipTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt":  "application/vnd.oasis.opendocument.text",
	".odp":  "application/vnd.oasis.opendocument.presentation",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".epub": "application/epub+zip",
}

// ShortMediaType names a media type the way people do: PDF, DOCX, MARKDOWN.
func ShortMediaType(mediaType string) string {
	base, _, _ := strings.Cut(mediaType, ";")
	switch {
	case base == "application/pdf":
		return "PDF"
	case strings.HasPrefix(base, "image/"):
		return strings.ToUpper(strings.TrimPrefix(base, "image/"))
	case strings.HasPrefix(base, "text/"):
		return strings.ToUpper(strings.TrimPrefix(base, "text/"))
	}
	for ext, t := range zipTypes {
		if t == base {
			return strings.ToUpper(strings.TrimPrefix(ext, "."))
		}
	}
	return base
}
