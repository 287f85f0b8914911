package web

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// Request bodies are read under three bounds, so that clients sending
// slowly (a byte every few seconds, to hold connections) cannot tie the
// server up: a pause between reads (BodyIdleTimeout), an average rate once
// the body has had time to start (BodyMinRate after BodyGrace), and how many
// bodies are read at once (MaxBodies). A request refused before its body
// is read has the rest of it read for a moment only (closeUnreadBody).

// bodyLimits are the bounds on reading request bodies.
type bodyLimits struct {
	idle    time.Duration // the longest pause between two reads
	minRate float64       // bytes per second, on average, after grace
	grace   time.Duration
	slots   chan struct{} // one per body being read
}

// guardBodies wraps the body of every request that has one with the limits,
// and refuses a body at once (503, Retry-After) when MaxBodies are being
// read already.
func (s *Server) guardBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Body == nil || req.Body == http.NoBody || (req.ContentLength == 0 && len(req.TransferEncoding) == 0) {
			return next(c)
		}
		select {
		case s.bodies.slots <- struct{}{}:
			defer func() { <-s.bodies.slots }()
		default:
			c.Response().Header().Set("Retry-After", "5")
			return catalog.Errorf(catalog.EUNAVAILABLE, "The server is receiving %d requests already; send this one again in a few seconds.", cap(s.bodies.slots))
		}
		rc := http.NewResponseController(c.Response().Writer)
		req.Body = &guardedBody{r: req.Body, rc: rc, limits: &s.bodies, start: time.Now()}
		return next(c)
	}
}

// guardedBody enforces bodyLimits on one request body.
type guardedBody struct {
	r      io.ReadCloser
	rc     *http.ResponseController
	limits *bodyLimits
	start  time.Time
	n      int64
}

// errTooSlow is what a read of a body sent too slowly returns.
var errTooSlow = errors.New("request body sent too slowly")

func (b *guardedBody) Read(p []byte) (int, error) {
	elapsed := time.Since(b.start)
	if elapsed > b.limits.grace && float64(b.n)/elapsed.Seconds() < b.limits.minRate {
		return 0, errTooSlow
	}
	// A deadline on the connection: a client that pauses longer than idle
	// makes the read fail (the recorder of tests has none: no error).
	if err := b.rc.SetReadDeadline(time.Now().Add(b.limits.idle)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return 0, err
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		err = errTooSlow
	}
	return n, err
}

func (b *guardedBody) Close() error {
	b.rc.SetReadDeadline(time.Time{})
	return b.r.Close()
}

// unreadBodyGrace is how long the server goes on reading (and
// discarding) a body it refused before reading, so that a client still
// sending it gets the answer rather than a reset connection.
const unreadBodyGrace = 2 * time.Second

// closeUnreadBody bounds how long the server reads what is left of a body
// after an error answer (a refusal: no token, too large, too many at once;
// or a body that failed): for at most unreadBodyGrace, instead of for as
// long as a slow client keeps sending; then the connection is closed.
func closeUnreadBody(c echo.Context) {
	req := c.Request()
	if req.ContentLength == 0 && len(req.TransferEncoding) == 0 {
		return
	}
	http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(unreadBodyGrace))
}
