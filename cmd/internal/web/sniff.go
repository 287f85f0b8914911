package web

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// sniffLen is how many first bytes decide a file's media type.
const sniffLen = 512

// sniffMediaType says what a file is from its first bytes; the name only
// tells apart the formats that share a container (DOCX, PPTX, ODT, ODP are
// ZIP files; Markdown, CSV are text). A client's Content-Type is never
// trusted.
func sniffMediaType(head []byte, name string) string {
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

// claimsPDF reports whether the upload says it is a PDF, by its name or
// Content-Type.
func claimsPDF(c echo.Context, name string) bool {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	return mt == "application/pdf" || strings.EqualFold(path.Ext(name), ".pdf")
}
