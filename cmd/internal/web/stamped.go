package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/stamp"
	"github.com/labstack/echo/v4"
)

// getStampedFile serves a citation-ready copy of a PDF file: a cover page
// with the citation in the style and locale asked for, then the original
// pages, each with the citation below it. Copies are made on the first
// request and kept (ETag: what they show).
func (s *Server) getStampedFile(c echo.Context, styleID, locale string) error {
	if s.cfg.Stamper == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server makes no citation-ready copies.")
	}
	styleID, proc, err := s.citationStyle(styleID, locale)
	if err != nil {
		return err
	}
	r, f, err := s.findVisibleFile(c)
	if err != nil {
		return err
	}
	if f.MediaType != "application/pdf" {
		return catalog.Errorf(catalog.EINVALID, "%q is not a PDF: only PDFs have citation-ready copies; download it as it is.", f.Name)
	}
	ctx := c.Request().Context()
	if withPages, _, err := withAnalyses(ctx, s.cfg.Store, r); err == nil {
		if g, _ := withPages.FindFile(f.Name); g != nil {
			f = g
		}
	}
	lang, _, _ := strings.Cut(proc.Locale(), "-")
	copied, err := s.cfg.Stamper.Open(ctx, stamp.Request{Record: r, Event: export.CachedEvents(s.cfg.Store)(ctx, r.Event), File: *f,
		Style: proc, StyleID: styleID, Language: lang, URL: s.cfg.BaseURL + "/records/" + r.ID})
	switch {
	case errors.Is(err, pdfdoc.ErrPassword):
		return catalog.Errorf(catalog.EINVALID, "%q is protected by a password, so no citation-ready copy can be made; download the original.", f.Name)
	case errors.Is(err, pdfdoc.ErrDamaged):
		return catalog.Errorf(catalog.EINVALID, "%q cannot be read as a PDF, so no citation-ready copy can be made; download the original. (%v)", f.Name, err)
	case errors.Is(err, pdfdoc.ErrTimeout):
		return catalog.Errorf(catalog.EUNAVAILABLE, "Making the citation-ready copy of %q took too long; download the original.", f.Name)
	case err != nil:
		return err
	}
	defer copied.Close()
	st, err := copied.Stat()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition("inline", strings.TrimSuffix(f.Name, ".pdf")+" (citation-ready).pdf"))
	h.Set("Content-Language", proc.Locale())
	// the copy's name in the cache is the hash of everything it shows
	h.Set("ETag", `"stamped-`+strings.TrimSuffix(st.Name(), ".pdf")+`"`)
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	http.ServeContent(c.Response(), c.Request(), "", st.ModTime(), copied)
	return nil
}
