package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// statusOf maps every domain error code to its HTTP status. It is the one
// place where that decision is made.
var statusOf = map[string]int{
	catalog.EMALFORMED:    http.StatusBadRequest,
	catalog.EUNAUTHORIZED: http.StatusUnauthorized,
	catalog.EFORBIDDEN:    http.StatusForbidden,
	catalog.ENOTFOUND:     http.StatusNotFound,
	catalog.ECONFLICT:     http.StatusConflict,
	catalog.EGONE:         http.StatusGone,
	catalog.EPRECONDITION: http.StatusPreconditionFailed,
	catalog.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	catalog.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	catalog.EINVALID:      http.StatusUnprocessableEntity,
	catalog.EUNAVAILABLE:  http.StatusServiceUnavailable,
	catalog.ENOSPACE:      http.StatusInsufficientStorage,
	catalog.ETOOMANY:      http.StatusTooManyRequests,
	catalog.EINTERNAL:     http.StatusInternalServerError,
}

// statusClientClosed is logged for a request whose client went away before
// the answer (nginx's 499; no client ever sees it).
const statusClientClosed = 499

// Problem is an RFC 9457 problem detail, the body of every API error.
type Problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	Errors    []catalog.FieldError `json:"errors,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
	// Report is the per-item report of an import that was refused as a
	// whole (an atomic import with failed items).
	Report *catalog.ImportReport `json:"report,omitempty"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// newProblem makes a problem for a status that has no domain error code
// (428 Precondition Required, 406 Not Acceptable).
func newProblem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

// nounKey is the echo.Context key under which a handler names what it
// works on, so that a 422 reads "Invalid record" or "Invalid event".
const nounKey = "annals.noun"

func titleFor(status int, noun string) string {
	switch status {
	case http.StatusBadRequest:
		return "Malformed request"
	case http.StatusUnprocessableEntity:
		if noun == "" {
			noun = "input"
		}
		return "Invalid " + noun
	case http.StatusRequestEntityTooLarge:
		return "Body too large"
	}
	return http.StatusText(status)
}

// handleError is Echo's error handler: every error a handler or middleware
// returns becomes a problem+json response. Internal errors are logged with
// the request id and shown only as "Internal error.".
func (s *Server) handleError(err error, c echo.Context) {
	if s.site != nil && wantsPage(c) && !c.Response().Committed {
		// a person following a mistyped link (/event/jinan-2025) gets a
		// page, not problem+json; the API and machine paths keep JSON
		if ferr := s.site.fail(c, err); ferr == nil {
			return
		}
	}
	writeProblem(s.log, err, c)
}

// wantsPage reports whether the request is a browser's for a page: a GET
// outside the API and the machine paths that prefers HTML.
func wantsPage(c echo.Context) bool {
	path := c.Request().URL.Path
	for _, machine := range []string{"/api/", "/oai", "/feeds/", "/healthz", "/static/"} {
		if strings.HasPrefix(path, machine) {
			return false
		}
	}
	if c.Request().Method != http.MethodGet {
		return false
	}
	accept := c.Request().Header.Get("Accept")
	return strings.Contains(accept, "text/html")
}

// writeProblem answers err as a problem+json, logging internal errors.
func writeProblem(log *slog.Logger, err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away (closed the tab, timed out): nobody reads
		// the answer, and it is no fault of the server's.
		log.LogAttrs(c.Request().Context(), slog.LevelInfo, "client closed the request",
			slog.String("path", c.Request().URL.Path), slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)))
		c.NoContent(statusClientClosed)
		return
	}
	closeUnreadBody(c)
	p := problemFor(err, c)
	p.Instance = c.Request().URL.Path
	p.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	if p.Status >= 500 {
		log.LogAttrs(c.Request().Context(), slog.LevelError, "internal error",
			slog.String("request_id", p.RequestID), slog.String("path", p.Instance), slog.String("error", err.Error()))
	}
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="annals"`)
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		c.NoContent(p.Status)
		return
	}
	c.JSON(p.Status, p)
}

func problemFor(err error, c echo.Context) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	if errors.Is(err, errTooSlow) {
		return &Problem{Type: "about:blank", Title: "Request Timeout", Status: http.StatusRequestTimeout,
			Detail: "The request body came too slowly, so the server stopped reading it. Send it again in one go."}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		detail := http.StatusText(he.Code)
		switch he.Code {
		case http.StatusNotFound:
			detail = "There is nothing at this address. The API is under /api/v1 (GET /api/v1/openapi.json describes it)."
		case http.StatusMethodNotAllowed:
			detail = fmt.Sprintf("%s is not allowed here; the Allow header lists what is.", c.Request().Method)
		case http.StatusRequestEntityTooLarge:
			detail = "The body is larger than this endpoint accepts."
		default:
			if m, ok := he.Message.(string); ok {
				detail = m
			}
		}
		return &Problem{Type: "about:blank", Title: titleFor(he.Code, ""), Status: he.Code, Detail: detail}
	}
	code := catalog.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	noun, _ := c.Get(nounKey).(string)
	return &Problem{Type: "about:blank", Title: titleFor(status, noun), Status: status,
		Detail: catalog.ErrorMessage(err), Errors: catalog.ErrorFields(err)}
}

// handleErrorJSON answers an error as a problem, whatever the route.
func handleErrorJSON(log *slog.Logger, c echo.Context, err error) error {
	writeProblem(log, err, c)
	return nil
}
