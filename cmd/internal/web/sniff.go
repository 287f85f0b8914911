package web

import (
	"mime"
	"path"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// sniffLen is how many first bytes decide a file's media type.
const sniffLen = 512

func sniffMediaType(head []byte, name string) string { return catalog.SniffMediaType(head, name) }

// claimsPDF reports whether the upload says it is a PDF, by its name or
// Content-Type.
func claimsPDF(c echo.Context, name string) bool {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	return mt == "application/pdf" || strings.EqualFold(path.Ext(name), ".pdf")
}
