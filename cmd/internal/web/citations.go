package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
	"github.com/labstack/echo/v4"
)

// stylesResponse is GET /api/v1/styles.
type stylesResponse struct {
	Styles []csl.StyleInfo `json:"styles"`
	// Problems are .csl files in the data directory that are not offered.
	Problems []csl.StyleProblem `json:"problems,omitempty"`
}

func (s *Server) listStyles(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	if s.cfg.Styles == nil {
		return &catalog.Error{Code: catalog.EUNAVAILABLE, Message: "No citation styles are configured."}
	}
	return c.JSON(http.StatusOK, stylesResponse{Styles: s.cfg.Styles.Styles(), Problems: s.cfg.Styles.Problems()})
}

// localeRe is a language tag the citation endpoint accepts: en, en-US,
// zh-CN, sr-Latn-RS...
var localeRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

// citationText is the JSON form of GET /records/{id}/citation.
type citationText struct {
	Style        string `json:"style"`
	Locale       string `json:"locale"`
	Format       string `json:"format"`
	Bibliography string `json:"bibliography"`
	Citation     string `json:"citation"`
	Narrative    string `json:"narrative"` // the citation in a sentence: Алдошин (2025)
}

// citationStyle is the processor of the style and locale a request names
// (APA and the style's own locale by default), or a 400 naming what is
// wrong.
func (s *Server) citationStyle(styleID, locale string) (string, *csl.Processor, error) {
	if s.cfg.Styles == nil {
		return "", nil, &catalog.Error{Code: catalog.EUNAVAILABLE, Message: "No citation styles are configured."}
	}
	if styleID == "" {
		styleID = "apa"
	}
	if locale != "" && !localeRe.MatchString(locale) {
		return "", nil, badParam("locale", fmt.Sprintf("%q is not a language tag such as en-US, ru-RU or zh-CN", locale))
	}
	p, err := s.cfg.Styles.Processor(styleID, locale)
	if errors.Is(err, csl.ErrNoStyle) {
		return "", nil, badParam("style", fmt.Sprintf("%q is not a style here; GET /api/v1/styles lists them (apa, chicago-author-date, ieee...)", styleID))
	}
	if err != nil {
		return "", nil, err
	}
	return styleID, p, nil
}

// recordCitation formats one record in a CSL style: the bibliography entry
// (mode=bibliography, the default) or the in-text citation
// (mode=citation), as text or HTML, or both in JSON (Accept:
// application/json).
func (s *Server) recordCitation(c echo.Context) error {
	q, err := query(c, "style", "locale", "format", "mode", "locator", "label")
	if err != nil {
		return err
	}
	locator, label, err := citationLocator(q.Get("locator"), q.Get("label"))
	if err != nil {
		return err
	}
	styleID, p, err := s.citationStyle(q.Get("style"), q.Get("locale"))
	if err != nil {
		return err
	}
	format := q.Get("format")
	switch format {
	case "":
		format = "text"
	case "text", "html":
	default:
		return badParam("format", fmt.Sprintf("%q is not a citation format; use text or html", format))
	}
	mode := q.Get("mode")
	switch mode {
	case "":
		mode = "bibliography"
	case "bibliography", "citation", "narrative":
	default:
		return badParam("mode", fmt.Sprintf("%q is not a mode; use bibliography (the reference), citation (the in-text form) or narrative (the in-text form in a sentence)", mode))
	}
	r, err := s.findVisibleRecord(c, c.Param("id"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ev := export.CachedEvents(s.cfg.Store)(ctx, r.Event)
	h := c.Response().Header()
	h.Set("Content-Language", p.Locale())
	h.Set("Vary", "Accept")
	parts := []string{styleID, p.Locale(), format, mode, locator, label}
	if acceptsJSON(c) {
		parts = append(parts, "json") // the same citation, another representation
	}
	tag := exportTag(r, ev, strings.Join(parts, "-"))
	h.Set("ETag", tag)
	setLastModified(h, r, ev)
	if c.Request().Header.Get("If-None-Match") == tag {
		return c.NoContent(http.StatusNotModified)
	}
	item, err := csljson.ProcessorItem(r, ev)
	if err != nil {
		return err
	}
	ref := citationText{Style: styleID, Locale: p.Locale(), Format: format}
	if entries := p.Bibliography([]*csl.Item{item}, format); len(entries) > 0 {
		ref.Bibliography = entries[0]
	}
	item.SetLocator(locator, label) // the in-text citation's page (the reference has none)
	ref.Citation = p.Citation([]*csl.Item{item}, format)
	ref.Narrative = p.NarrativeCitation(item, format)
	if acceptsJSON(c) {
		return c.JSON(http.StatusOK, ref)
	}
	body := ref.Bibliography
	switch mode {
	case "citation":
		body = ref.Citation
	case "narrative":
		body = ref.Narrative
	}
	if format == "html" {
		return c.HTML(http.StatusOK, body)
	}
	return c.String(http.StatusOK, body)
}

// citationLocator checks where an in-text citation points: a locator
// ("12", "12-14", "iv") of up to 64 characters without control characters,
// and its kind, one of CSL's locator labels (page when there is a locator
// and no label).
func citationLocator(locator, label string) (string, string, error) {
	locator = strings.TrimSpace(locator)
	switch {
	case utf8.RuneCountInString(locator) > 64:
		return "", "", badParam("locator", "is longer than 64 characters; give the page or place cited, such as 12 or 12-14")
	case strings.ContainsFunc(locator, unicode.IsControl):
		return "", "", badParam("locator", "contains a control character")
	case label != "" && !slices.Contains(csl.LocatorLabels(), label):
		return "", "", badParam("label", fmt.Sprintf("%q is not a locator label; use one of %s", label, strings.Join(csl.LocatorLabels(), ", ")))
	case label != "" && locator == "":
		return "", "", badParam("label", "needs a locator: the page or place cited")
	}
	return locator, label, nil
}

// acceptsJSON reports whether the request's Accept header names JSON.
func acceptsJSON(c echo.Context) bool {
	for _, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}
