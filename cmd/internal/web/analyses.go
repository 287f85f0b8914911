package web

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
)

// withAnalyses returns r with what the analyses of its files learned (a
// PDF's pages; why its bytes could not be read) and a short tag of that
// for ETags ("" when nothing was learned). r itself is not changed.
func withAnalyses(ctx context.Context, analyses catalog.FileAnalyses, r *catalog.Record) (*catalog.Record, string, error) {
	if len(r.Files) == 0 {
		return r, "", nil
	}
	shas := make([]string, len(r.Files))
	for i, f := range r.Files {
		shas[i] = f.SHA256
	}
	found, err := analyses.FindFileAnalyses(ctx, shas)
	if err != nil || len(found) == 0 {
		return r, "", err
	}
	v := *r
	v.Files = append([]catalog.File(nil), r.Files...)
	catalog.ApplyFileAnalyses(&v, found)
	sort.Strings(shas)
	h := fnv.New32a()
	for _, sha := range shas {
		if a, ok := found[sha]; ok {
			fmt.Fprintf(h, "%s %s %d\n", sha, a.State, a.Pages)
		}
	}
	return &v, strconv.FormatUint(uint64(h.Sum32()), 36), nil
}

// etagWith is the entity tag of a version as its files' analyses showed it:
// "3", or "3.k2x9a" once something was learned (If-Match reads the version).
func etagWith(version int, learned string) string {
	if learned == "" {
		return etag(version)
	}
	return `"` + strconv.Itoa(version) + "." + learned + `"`
}

// getThumbnail serves the image of a PDF's first page, to whoever may read
// the file; 404 until the file has been read.
func (s *Server) getThumbnail(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	_, f, err := s.findVisibleFile(c)
	if err != nil {
		return err
	}
	tag := `"` + f.SHA256 + `.png"`
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	if c.Request().Header.Get("If-None-Match") == tag {
		return c.NoContent(http.StatusNotModified)
	}
	png, err := s.cfg.Store.FindFileThumbnail(c.Request().Context(), f.SHA256)
	if err != nil {
		return err
	}
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "image/png", png)
}

// getFileText serves the text read from a file, page by page: text/plain
// with a form feed between pages (as pdftotext writes it), or with
// ?format=json (or Accept: application/json) {"pages": [{"page", "text"}]}.
// Streamed one page at a time; the same access as the file's bytes.
func (s *Server) getFileText(c echo.Context) error {
	q, err := query(c, "format")
	if err != nil {
		return err
	}
	asJSON := false
	switch q.Get("format") {
	case "json":
		asJSON = true
	case "", "text":
		asJSON = q.Get("format") == "" && strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	default:
		return badParam("format", fmt.Sprintf("%q is not a format of a file's text; use text or json", q.Get("format")))
	}
	r, f, err := s.findVisibleFile(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	found, err := s.cfg.Store.FindFileAnalyses(ctx, []string{f.SHA256})
	if err != nil {
		return err
	}
	a, ok := found[f.SHA256]
	switch {
	case !ok:
		return catalog.Errorf(catalog.ENOTFOUND, "The text of %q has not been read yet; it is read in the background, soon after an upload.", f.Name)
	case a.TextState == catalog.FileNoText:
		return catalog.Errorf(catalog.ENOTFOUND, "%q has no text to read (%s).", f.Name, a.Reason)
	case a.TextState != catalog.FileDone:
		return catalog.Errorf(catalog.ENOTFOUND, "The text of %q could not be read: %s.", f.Name, a.Reason)
	}
	w := c.Response()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("ETag", `"`+f.SHA256+`.text"`)
	if asJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(http.StatusOK)
	if asJSON {
		head, _ := json.Marshal(map[string]any{"record": r.ID, "file": f.Name, "pages_total": a.Pages})
		fmt.Fprintf(w, "%s,\"pages\":[", head[:len(head)-1])
	}
	err = s.cfg.Store.EachFilePage(ctx, f.SHA256, func(page int, text string) error {
		var err error
		switch {
		case asJSON:
			b, _ := json.Marshal(struct {
				Page int    `json:"page"`
				Text string `json:"text"`
			}{page, text})
			if page > 1 {
				w.Write([]byte(","))
			}
			_, err = w.Write(b)
		case page > 1:
			_, err = io.WriteString(w, "\f"+text)
		default:
			_, err = io.WriteString(w, text)
		}
		return err
	})
	if asJSON && err == nil {
		_, err = io.WriteString(w, "]}\n")
	}
	if err != nil {
		s.log.Warn("file text cut short", "record", r.ID, "file", f.Name, "error", err)
	}
	return nil
}

// searchFile answers the pages of one file that match a query, in page
// order, each with a snippet and a link that opens the file at the page.
func (s *Server) searchFile(c echo.Context) error {
	q, err := query(c, "q")
	if err != nil {
		return err
	}
	words := strings.TrimSpace(q.Get("q"))
	if words == "" {
		return badParam("q", "give the words to look for in the file")
	}
	if s.cfg.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index.")
	}
	r, f, err := s.findVisibleFile(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	hits, err := s.cfg.Search.SearchFile(ctx, words, r.ID, f.Name, maxFilePages)
	if err != nil {
		return err
	}
	h := s.cfg.Search.Highlighter(search.Request{Query: words})
	pages := fulltextHits(ctx, s.cfg.Store, h, r, hits)
	if pages == nil {
		pages = []fulltextHit{}
	}
	return c.JSON(http.StatusOK, map[string]any{"record": r.ID, "file": f.Name, "q": words, "pages": pages})
}

// maxFilePages bounds the pages a search inside one file returns.
const maxFilePages = 1000
