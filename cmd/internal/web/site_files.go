package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// The record page lists a record's files; librarians upload files there
// (a form that works without JavaScript, streamed to the blob store) and
// remove them.

// uploadRoute is the librarians' upload form's address (its CSRF token is
// read from the form as it streams, not by the session middleware).
const uploadRoute = "/librarian/records/:id/files"

// pageFile is a file as the record page lists it.
type pageFile struct {
	Name, URL, Label, Type, Size, Language, Note string
	Pages                                        int
	Readable                                     bool           // the reader may open it
	Thumbnail                                    string         // the first page's image, once the PDF has been read
	Problem                                      string         // why its bytes could not be read (for librarians)
	TextURL                                      string         // the text read from it, once read
	StampedURL                                   string         // its citation-ready copy (PDFs), in the page's style
	Query                                        string         // words looked for inside it (the record page's box)
	Matches                                      []pageFulltext // the pages where they are
	Searched                                     bool           // the box was used on this file
	MoveUp, MoveDown                             string         // the places a librarian may move it to ("" none)
}

// pageFiles lists the files of r the page's reader may know of.
func (st *site) pageFiles(c echo.Context, v *view, r *catalog.Record) []pageFile {
	today := time.Now().UTC().Format(time.DateOnly)
	var out []pageFile
	visible := visibleFiles(c, r)
	for i, f := range visible {
		pf := pageFile{Name: f.Name, URL: "/records/" + r.ID + "/files/" + url.PathEscape(f.Name),
			Label: v.T("file.label." + f.Label), Type: catalog.ShortMediaType(f.MediaType), Size: v.Size(f.Size), Pages: f.Pages,
			Readable: v.Actor != nil || catalog.FileOpen(&f, today)}
		switch {
		case f.Language != "":
			pf.Language = v.LanguageName(f.Language)
		case f.Text != nil && f.Text.Language != "": // as detected from its text
			pf.Language = v.LanguageName(f.Text.Language)
		}
		if pf.Readable && f.Pages > 0 && f.MediaType == "application/pdf" {
			pf.Thumbnail = pf.URL + "/thumbnail"
		}
		if pf.Readable && f.MediaType == "application/pdf" && st.cfg.Stamper != nil {
			pf.StampedURL = pf.URL + "?stamped=true&style=" + url.QueryEscape(cmp.Or(c.QueryParam("style"), "apa"))
		}
		switch {
		case f.Text == nil:
		case f.Text.State == catalog.FileFailed && v.Actor != nil:
			pf.Problem = v.T("file.unreadable", f.Text.Reason)
		case f.Text.State == catalog.FileNoText && v.Actor != nil:
			pf.Problem = v.T("file.notext")
		case f.Text.State == catalog.FileDone && pf.Readable:
			pf.TextURL = "/api/v1/records/" + r.ID + "/files/" + url.PathEscape(f.Name) + "/text"
		}
		if v.Actor != nil && i > 0 {
			pf.MoveUp = strconv.Itoa(i - 1)
		}
		if v.Actor != nil && i < len(visible)-1 {
			pf.MoveDown = strconv.Itoa(i + 1)
		}
		switch f.Access {
		case catalog.AccessEmbargoed:
			pf.Note = v.T("file.embargoed", v.Date(f.EmbargoUntil))
		case catalog.AccessRestricted:
			pf.Note = v.T("file.restricted")
		}
		out = append(out, pf)
	}
	return out
}

// uploadFiles stores the files of the record page's form and goes back to
// the page.
func (st *site) uploadFiles(c echo.Context) error {
	if st.cfg.Blobs == nil {
		return st.fail(c, catalog.Errorf(catalog.EUNAVAILABLE, "This server keeps no files."))
	}
	s, _ := st.currentSession(c)
	id := c.Param("id")
	if _, err := st.cfg.Store.FindRecordByID(c.Request().Context(), id); err != nil {
		return st.fail(c, err)
	}
	token := ""
	_, _, err := storeFormFiles(c, st.cfg, id,
		func(name, value string) error {
			if name != "csrf" {
				return badParam(name, "is not a field of this form")
			}
			token = value
			return nil
		},
		func() error { return st.checkCSRFValue(s, token) })
	if err != nil {
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/records/"+id+"?saved=1#files")
}

// removeFile removes one file of a record and goes back to its page.
func (st *site) removeFile(c echo.Context) error {
	id, name := c.Param("id"), c.FormValue("name")
	_, err := st.cfg.Store.SetRecordFiles(c.Request().Context(), id, 0, func(files []catalog.File) ([]catalog.File, error) {
		_, i := findFile(files, name)
		if i < 0 {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no file %q.", id, name)
		}
		return append(files[:i], files[i+1:]...), nil
	})
	if err != nil {
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/records/"+id+"?saved=1#files")
}

// moveFile moves a file up or down the record's list (the record page's
// arrows).
func (st *site) moveFile(c echo.Context) error {
	id, name := c.Param("id"), c.FormValue("name")
	to, err := strconv.Atoi(c.FormValue("to"))
	if err != nil {
		return st.fail(c, badParam("to", "is not a place in the list"))
	}
	_, err = st.cfg.Store.SetRecordFiles(c.Request().Context(), id, 0, func(files []catalog.File) ([]catalog.File, error) {
		_, i := findFile(files, name)
		if i < 0 {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no file %q.", id, name)
		}
		if to < 0 || to >= len(files) {
			return nil, badParam("to", "is not a place in the list")
		}
		catalog.MoveFile(files, i, to)
		return files, nil
	})
	if err != nil {
		return st.fail(c, err)
	}
	return c.Redirect(http.StatusSeeOther, "/records/"+id+"?saved=1#files")
}

// Size writes a size in bytes the way people read it: 1.2 MB, 340 KB.
func (v *view) Size(n int64) string {
	units := []string{v.T("size.b"), v.T("size.kb"), v.T("size.mb"), v.T("size.gb")}
	f, i := float64(n), 0
	for f >= 1000 && i < len(units)-1 {
		f, i = f/1000, i+1
	}
	num := fmt.Sprintf("%.0f", f)
	if i > 0 && f < 10 {
		num = fmt.Sprintf("%.1f", f)
		if v.Lang == "ru" {
			num = strings.Replace(num, ".", ",", 1)
		}
	}
	return num + "\u00a0" + units[i]
}
