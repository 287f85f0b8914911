package web

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/unicode/norm"
)

// Files attached to records: uploaded raw (PUT) or as a form (POST),
// listed, served with ranges and their SHA-256 as ETag, relabelled or
// renamed (PATCH) and removed (DELETE). The bytes go to the blob store as
// they arrive, never whole into memory; the record then lists the file, a
// change of the record like any other.

// fileParams are the query parameters of a raw upload.
var fileParams = []string{"label", "language", "access", "embargo_until"}

func (s *Server) filesAvailable() error {
	if s.cfg.Blobs == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server keeps no files.")
	}
	return nil
}

// fileName reads the file name from the address, as NFC.
func fileName(c echo.Context) (string, error) {
	raw, err := url.PathUnescape(c.Param("name"))
	if err != nil {
		return "", badParam("name", "is not a well-formed path segment")
	}
	name := norm.NFC.String(raw)
	if why := catalog.CheckFileName(name); why != "" {
		return "", &catalog.Error{Code: catalog.EINVALID, Message: "The file name is not valid.",
			Fields: []catalog.FieldError{{Field: "name", Message: why}}}
	}
	return name, nil
}

// contentDigest reads "Content-Digest: sha-256=:BASE64:" (RFC 9530) as
// hex; "" when the header is absent or names no SHA-256.
func contentDigest(c echo.Context) (string, error) {
	h := c.Request().Header.Get("Content-Digest")
	if h == "" {
		return "", nil
	}
	for _, part := range strings.Split(h, ",") {
		alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(strings.Trim(val, ":"))
		if err != nil || len(raw) != 32 || !strings.HasPrefix(val, ":") || !strings.HasSuffix(val, ":") {
			return "", &catalog.Error{Code: catalog.EMALFORMED, Message: "Content-Digest is not well-formed.",
				Fields: []catalog.FieldError{{Field: "Content-Digest", Message: "write sha-256=:BASE64 OF THE 32 BYTES:"}}}
		}
		return hex.EncodeToString(raw), nil
	}
	return "", nil
}

// putFile uploads or replaces one file: 201 new, 200 replaced.
func (s *Server) putFile(c echo.Context) error {
	if err := s.filesAvailable(); err != nil {
		return err
	}
	q, err := query(c, fileParams...)
	if err != nil {
		return err
	}
	name, err := fileName(c)
	if err != nil {
		return err
	}
	want, err := contentDigest(c)
	if err != nil {
		return err
	}
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	meta := catalog.File{Name: name, Label: q.Get("label"), Language: q.Get("language"), Access: q.Get("access"),
		EmbargoUntil: q.Get("embargo_until")}
	id := c.Param("id")
	if _, err := s.findVisibleRecord(c, id); err != nil {
		return err
	}
	f, replaced, rec, err := storeFile(c, &s.cfg, id, version, meta, q, c.Request().Body, c.Request().ContentLength, want)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	} else {
		c.Response().Header().Set("Location", fileURL(id, f.Name))
	}
	c.Response().Header().Set("ETag", etag(rec.Version))
	return c.JSON(status, f)
}

// fileURL is the API address of a file.
func fileURL(id, name string) string {
	return "/api/v1/records/" + id + "/files/" + url.PathEscape(name)
}

// storeFile streams body into the blob store and attaches it to record id
// under meta.Name, replacing a file of that name. Fields meta leaves empty
// (label, language, access) keep the replaced file's values, where given
// in set (the query) they change.
func storeFile(c echo.Context, cfg *Config, id string, version int, meta catalog.File, set url.Values,
	body io.Reader, length int64, want string) (catalog.File, bool, *catalog.Record, error) {
	var zero catalog.File
	probe := meta
	catalog.NormalizeFile(&probe)
	probe.SHA256 = strings.Repeat("0", 64)
	if err := catalog.ValidateFile(&probe, ""); err != nil { // before any byte is stored
		return zero, false, nil, err
	}
	if length > cfg.MaxFileBytes {
		return zero, false, nil, catalog.Errorf(catalog.ETOOLARGE, "The file is %s; this server takes files of at most %s.",
			humanBytes(length), humanBytes(cfg.MaxFileBytes))
	}
	ctx := c.Request().Context()
	// The first bytes say what the file is; a refusal on them stores nothing.
	br := bufio.NewReaderSize(body, 4096)
	head, err := br.Peek(sniffLen)
	if len(head) == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return zero, false, nil, err
		}
		return zero, false, nil, &catalog.Error{Code: catalog.EINVALID, Message: "The file is empty.",
			Fields: []catalog.FieldError{{Field: "body", Message: "has no bytes; send the file's content"}}}
	}
	mediaType := sniffMediaType(head, meta.Name)
	if claimsPDF(c, meta.Name) && mediaType != "application/pdf" {
		return zero, false, nil, &catalog.Error{Code: catalog.EINVALID, Message: "The file is not a PDF.",
			Fields: []catalog.FieldError{{Field: "body", Message: fmt.Sprintf("is said to be a PDF (by its name or Content-Type) but its bytes are %s", mediaType)}}}
	}
	blob, err := cfg.Blobs.Put(ctx, br, cfg.MaxFileBytes, want)
	if err != nil {
		return zero, false, nil, err
	}
	pages := 0 // counted when its text is extracted
	var stored catalog.File
	replaced := false
	rec, err := cfg.Store.SetRecordFiles(ctx, id, version, func(files []catalog.File) ([]catalog.File, error) {
		f := meta
		f.SHA256, f.Size, f.MediaType, f.Pages, f.Created = blob.SHA256, blob.Size, mediaType, pages, time.Now().UTC().Truncate(time.Second)
		f.Text = &catalog.FileText{State: "pending"}
		if old, i := findFile(files, f.Name); old != nil {
			replaced = true
			keep(&f.Label, old.Label, set, "label")
			keep(&f.Language, old.Language, set, "language")
			keep(&f.Access, old.Access, set, "access")
			keep(&f.EmbargoUntil, old.EmbargoUntil, set, "embargo_until")
			files[i] = f
		} else {
			files = append(files, f)
		}
		stored = f
		return files, nil
	})
	if err != nil {
		return zero, false, nil, err
	}
	if f, _ := rec.FindFile(stored.Name); f != nil {
		stored = *f
	}
	return stored, replaced, rec, nil
}

// keep leaves a field as it was on the replaced file unless the request
// set it.
func keep(field *string, old string, set url.Values, name string) {
	if !set.Has(name) {
		*field = old
	}
}

func findFile(files []catalog.File, name string) (*catalog.File, int) {
	for i := range files {
		if files[i].Name == name {
			return &files[i], i
		}
	}
	return nil, -1
}

// visibleFiles are the files of r a requester may know of: all for a
// librarian; without a token, none of a record they may not see and no
// restricted ones.
func visibleFiles(c echo.Context, r *catalog.Record) []catalog.File {
	if canSeeUnpublished(c) {
		return r.Files
	}
	out := []catalog.File{}
	for _, f := range r.Files {
		if f.Access != catalog.AccessRestricted {
			out = append(out, f)
		}
	}
	return out
}

// listFiles answers the files of a record.
func (s *Server) listFiles(c echo.Context) error {
	if _, err := query(c); err != nil {
		return err
	}
	r, err := s.findVisibleRecord(c, c.Param("id"))
	if err != nil {
		return err
	}
	r, learned, err := withAnalyses(c.Request().Context(), s.cfg.Store, r)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etagWith(r.Version, learned))
	files := visibleFiles(c, r)
	if files == nil {
		files = []catalog.File{}
	}
	return c.JSON(http.StatusOK, map[string]any{"record": r.ID, "files": files})
}

// findVisibleFile returns a file the requester may read: restricted files
// are not found without a token, embargoed ones are forbidden until their
// day (saying which).
func (s *Server) findVisibleFile(c echo.Context) (*catalog.Record, *catalog.File, error) {
	r, err := s.findVisibleRecord(c, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	name, err := fileName(c)
	if err != nil {
		return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "There is no such file.")
	}
	f, _ := r.FindFile(name)
	if f == nil || (f.Access == catalog.AccessRestricted && !canSeeUnpublished(c)) {
		return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no file %q.", r.ID, name)
	}
	if !canSeeUnpublished(c) && !catalog.FileOpen(f, time.Now().UTC().Format(time.DateOnly)) {
		return nil, nil, catalog.Errorf(catalog.EFORBIDDEN, "The file %q is under embargo until %s.", f.Name, f.EmbargoUntil)
	}
	return r, f, nil
}

// activeTypes are media types a browser would run or render as a page of
// this site: they are only ever downloaded, in a sandbox.
var activeTypes = []string{"text/html", "image/svg+xml", "text/xml", "application/xml", "application/xhtml+xml", "text/javascript", "application/javascript"}

// getFile serves a file's bytes: ETag the SHA-256, ranges, and a
// Content-Disposition with its name (inline for PDFs, images and plain
// text; attachment for anything else).
func (s *Server) getFile(c echo.Context) error {
	if err := s.filesAvailable(); err != nil {
		return err
	}
	q, err := query(c, "stamped", "style", "locale")
	if err != nil {
		return err
	}
	switch q.Get("stamped") {
	case "true", "1":
		return s.getStampedFile(c, q.Get("style"), q.Get("locale"))
	case "", "false", "0":
		if q.Get("style") != "" || q.Get("locale") != "" {
			return badParam("style", "style and locale are for a citation-ready copy: add stamped=true")
		}
	default:
		return badParam("stamped", fmt.Sprintf("%q is not true or false", q.Get("stamped")))
	}
	_, f, err := s.findVisibleFile(c)
	if err != nil {
		return err
	}
	blob, err := s.cfg.Blobs.Open(c.Request().Context(), f.SHA256)
	if err != nil {
		return err
	}
	defer blob.Close()
	h := c.Response().Header()
	base, _, _ := strings.Cut(f.MediaType, ";")
	disposition := "attachment"
	switch {
	case slicesContain(activeTypes, base):
		h.Set("Content-Security-Policy", "sandbox")
	case base == "application/pdf" || strings.HasPrefix(base, "image/") || base == "text/plain":
		disposition = "inline"
	}
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", contentDisposition(disposition, f.Name))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	http.ServeContent(c.Response(), c.Request(), "", f.Created, blob)
	return nil
}

func slicesContain(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// contentDisposition writes an RFC 6266 header: an ASCII fallback name and
// the real one as filename*=UTF-8”….
func contentDisposition(kind, name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, fallback, url.PathEscape(name))
}

// filePatch is the body of PATCH: the fields to change.
type filePatch struct {
	Name         *string `json:"name"`
	Label        *string `json:"label"`
	Language     *string `json:"language"`
	Access       *string `json:"access"`
	EmbargoUntil *string `json:"embargo_until"`
	// Position moves the file to this place in the record's list (0-based).
	Position *int `json:"position"`
}

// patchFile changes a file's label, language, access, embargo or name.
func (s *Server) patchFile(c echo.Context) error {
	if err := s.filesAvailable(); err != nil {
		return err
	}
	c.Set(nounKey, "file")
	name, err := fileName(c)
	if err != nil {
		return err
	}
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := decodeBody(s, c, func(b []byte) (p filePatch, err error) {
		return p, recordio.DecodeObject(b, &p, "file")
	})
	if err != nil {
		return err
	}
	var out catalog.File
	rec, err := s.cfg.Store.SetRecordFiles(c.Request().Context(), c.Param("id"), version, func(files []catalog.File) ([]catalog.File, error) {
		f, _ := findFile(files, name)
		if f == nil {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no file %q.", c.Param("id"), name)
		}
		if p.Name != nil {
			f.Name = norm.NFC.String(*p.Name)
		}
		for _, set := range []struct {
			to   *string
			from *string
		}{{&f.Label, p.Label}, {&f.Language, p.Language}, {&f.Access, p.Access}, {&f.EmbargoUntil, p.EmbargoUntil}} {
			if set.from != nil {
				*set.to = *set.from
			}
		}
		if f.Access != catalog.AccessEmbargoed && p.EmbargoUntil == nil {
			f.EmbargoUntil = ""
		}
		out = *f
		if p.Position != nil {
			if *p.Position < 0 || *p.Position >= len(files) {
				return nil, &catalog.Error{Code: catalog.EINVALID, Message: "The file cannot go there.",
					Fields: []catalog.FieldError{{Field: "position", Message: fmt.Sprintf("must be from 0 to %d (the record has %d files)", len(files)-1, len(files))}}}
			}
			_, i := findFile(files, out.Name)
			catalog.MoveFile(files, i, *p.Position)
		}
		return files, nil
	})
	if err != nil {
		return err
	}
	if f, _ := rec.FindFile(out.Name); f != nil {
		out = *f
	}
	c.Response().Header().Set("ETag", etag(rec.Version))
	return c.JSON(http.StatusOK, out)
}

// deleteFile removes a file from its record (its bytes stay while older
// versions of the record name them).
func (s *Server) deleteFile(c echo.Context) error {
	if err := s.filesAvailable(); err != nil {
		return err
	}
	if _, err := query(c); err != nil {
		return err
	}
	name, err := fileName(c)
	if err != nil {
		return err
	}
	version, _, err := ifMatch(c)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Store.SetRecordFiles(c.Request().Context(), c.Param("id"), version, func(files []catalog.File) ([]catalog.File, error) {
		_, i := findFile(files, name)
		if i < 0 {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "Record %q has no file %q.", c.Param("id"), name)
		}
		return append(files[:i], files[i+1:]...), nil
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(rec.Version))
	return c.NoContent(http.StatusNoContent)
}

// isFileUpload reports whether a request uploads files (they are bounded
// by MaxFileBytes, not the body limit of records and imports).
func isFileUpload(c echo.Context) bool {
	m := c.Request().Method
	p := c.Request().URL.Path
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type")); m == http.MethodPost && p == "/api/v1/import" && mt == "application/zip" {
		return true // an import with its files
	}
	return (m == http.MethodPut || m == http.MethodPost) && (strings.HasSuffix(p, "/files") || strings.Contains(p, "/files/"))
}

// postFiles uploads one or more files from a multipart form: 201 with
// the files.
func (s *Server) postFiles(c echo.Context) error {
	if err := s.filesAvailable(); err != nil {
		return err
	}
	if _, err := query(c); err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := s.findVisibleRecord(c, id); err != nil {
		return err
	}
	out, rec, err := storeFormFiles(c, &s.cfg, id, nil, nil)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(rec.Version))
	return c.JSON(http.StatusCreated, map[string]any{"record": id, "files": out})
}

// storeFormFiles stores the files of a multipart form as files of record
// id: the form's label, language, access and embargo_until fields apply to
// the files after them; field (when not nil) is given the form's other
// fields (a page's CSRF token) and may refuse them, and ready (when not
// nil) is asked before each file is stored (a page's form must have
// proved itself by then).
func storeFormFiles(c echo.Context, cfg *Config, id string, field func(name, value string) error, ready func() error) ([]catalog.File, *catalog.Record, error) {
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, nil, catalog.Errorf(catalog.EUNSUPPORTED, "Send the files as multipart/form-data (or PUT one file's bytes to %s).", fileURL(id, "NAME"))
	}
	set := url.Values{}
	var out []catalog.File
	var rec *catalog.Record
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, catalog.Errorf(catalog.EMALFORMED, "The form could not be read: %v.", err)
		}
		name := part.FormName()
		if part.FileName() == "" { // a field: it applies to the files after it
			v, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return nil, nil, err
			}
			switch {
			case slicesContain(fileParams, name):
				if string(v) != "" {
					set.Set(name, string(v))
				}
			case field != nil:
				if err := field(name, string(v)); err != nil {
					return nil, nil, err
				}
			default:
				return nil, nil, badParam(name, "is not a field here; use "+strings.Join(fileParams, ", ")+" and files")
			}
			continue
		}
		if ready != nil {
			if err := ready(); err != nil {
				return nil, nil, err
			}
		}
		meta := catalog.File{Name: norm.NFC.String(part.FileName()), Label: set.Get("label"), Language: set.Get("language"),
			Access: set.Get("access"), EmbargoUntil: set.Get("embargo_until")}
		f, _, r, err := storeFile(c, cfg, id, 0, meta, set, part, -1, "")
		if err != nil {
			return nil, nil, err
		}
		out, rec = append(out, f), r
	}
	if len(out) == 0 {
		return nil, nil, badParam("file", "the form has no file; add one or more file fields")
	}
	return out, rec, nil
}
