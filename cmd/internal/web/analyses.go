package web

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"sort"
	"strconv"

	"github.com/annals/annals/catalog"
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
