package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// readBody reads the whole request body, refusing more than limit bytes.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if err := copyBody(c, &buf, limit); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// copyBody copies the request's body to w, as readBody reads it.
func copyBody(c echo.Context, w io.Writer, limit int64) error {
	r := http.MaxBytesReader(c.Response(), c.Request().Body, limit)
	_, err := io.Copy(w, r)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return catalog.Errorf(catalog.ETOOLARGE, "The body is larger than the %s this endpoint accepts.", humanBytes(limit))
	}
	if errors.Is(err, errTooSlow) {
		return err // 408, from problemFor
	}
	if err != nil {
		return catalog.Errorf(catalog.EMALFORMED, "The body could not be read: %v.", err)
	}
	return nil
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readJSONBody reads a JSON request body; the Content-Type must be JSON
// (or absent).
func (s *Server) readJSONBody(c echo.Context) ([]byte, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, catalog.Errorf(catalog.EUNSUPPORTED, "Send the body as JSON with \"Content-Type: application/json\", not %q.", ct)
		}
	}
	return readBody(c, s.cfg.MaxBodyBytes)
}

// etag is the entity tag of a version.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch reads the If-Match header: the version it names, 0 for "*" or
// no header. present says whether there was one.
func ifMatch(c echo.Context) (version int, present bool, err error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" {
		return 0, false, nil
	}
	if h == "*" {
		return 0, true, nil
	}
	var versions []int
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		version, _, _ := strings.Cut(strings.Trim(tag, `"`), ".") // "3.ab12": version 3, with what its files' analyses added
		v, err := strconv.Atoi(version)
		if err != nil || !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || v < 1 {
			return 0, true, catalog.Errorf(catalog.EMALFORMED, "If-Match must be the ETag of the version you read, such as \"3\" (with the quotes); got %s.", h)
		}
		versions = append(versions, v)
	}
	if len(versions) > 1 {
		return 0, true, catalog.Errorf(catalog.EMALFORMED, "Send one ETag in If-Match, the one of the version you read.")
	}
	return versions[0], true, nil
}

// requireIfMatch is ifMatch for writes that must name the version they
// replace: without the header they get 428 Precondition Required.
func requireIfMatch(c echo.Context, what string) (int, error) {
	v, present, err := ifMatch(c)
	if err != nil {
		return 0, err
	}
	if !present {
		return 0, newProblem(http.StatusPreconditionRequired, fmt.Sprintf(
			"Send If-Match with the ETag of the %s you read (GET it first) so that nobody's change is overwritten unseen.", what))
	}
	return v, nil
}

// query checks that a request uses only the query parameters allowed and
// each at most once, so that a typo ("knd=report") is an error rather than
// a silently ignored filter.
func query(c echo.Context, allowed ...string) (url.Values, error) {
	q := c.QueryParams()
	var fields []catalog.FieldError
	for k, vs := range q {
		switch {
		case !utf8.ValidString(k) || !utf8.ValidString(strings.Join(vs, "")):
			fields = append(fields, catalog.FieldError{Field: strings.ToValidUTF8(k, "\uFFFD"), Message: "is not valid UTF-8 (percent-encode UTF-8 bytes)"})
		case !slices.Contains(allowed, k):
			fields = append(fields, catalog.FieldError{Field: k, Message: "is not a parameter here; use " + strings.Join(allowed, ", ")})
		case len(vs) > 1:
			fields = append(fields, catalog.FieldError{Field: k, Message: "is given more than once"})
		}
	}
	if len(fields) > 0 {
		slices.SortFunc(fields, func(a, b catalog.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The query string has unknown or repeated parameters.", Fields: fields}
	}
	return q, nil
}

// boolParam reads a true/false query parameter.
func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, &catalog.Error{Code: catalog.EMALFORMED, Message: "A parameter has a bad value.",
			Fields: []catalog.FieldError{{Field: name, Message: fmt.Sprintf("must be true or false, not %q", v)}}}
	}
	return b, nil
}

// sizeParam reads a page size: 1 to MaxPageSize, default DefaultPageSize.
func sizeParam(q url.Values) (int, error) {
	v := q.Get("size")
	if v == "" {
		return catalog.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > catalog.MaxPageSize {
		return 0, &catalog.Error{Code: catalog.EMALFORMED, Message: "A parameter has a bad value.",
			Fields: []catalog.FieldError{{Field: "size", Message: fmt.Sprintf("must be a whole number from 1 to %d, not %q", catalog.MaxPageSize, v)}}}
	}
	return n, nil
}

// decodeBody is the start of every handler that takes a JSON document: no
// query parameters, a JSON body within the size limit, decoded strictly.
func decodeBody[T any](s *Server, c echo.Context, decode func([]byte) (T, error)) (T, error) {
	var zero T
	if _, err := query(c); err != nil {
		return zero, err
	}
	body, err := s.readJSONBody(c)
	if err != nil {
		return zero, err
	}
	return decode(body)
}

// pathID returns the id in the address, refusing a body that names another.
func pathID(c echo.Context, bodyID, noun string) (string, error) {
	id := c.Param("id")
	if bodyID != "" && bodyID != id {
		return "", &catalog.Error{Code: catalog.EINVALID, Message: "1 field is invalid",
			Fields: []catalog.FieldError{{Field: "id", Message: fmt.Sprintf("%q differs from the %s in the address, %q; ids cannot be changed", bodyID, noun, id)}}}
	}
	return id, nil
}
