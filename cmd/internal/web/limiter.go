package web

import (
	"context"
	"log/slog"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// failureLimiter counts failed credentials (wrong bearer tokens, failed
// sign-ins) per client address, so that guessing tokens is slow: each
// address may fail burst times, then once every refill; past that its
// attempts are refused (429, Retry-After) without being checked. A
// success costs nothing. With a shared counter (a store several nodes
// share) the counts are every node's; should it fail, this process counts
// on its own meanwhile.
type failureLimiter struct {
	burst  float64
	refill time.Duration
	now    func() time.Time
	shared catalog.FailureCounter
	log    *slog.Logger

	mu      sync.Mutex
	clients map[string]*bucket
}

type bucket struct {
	left float64
	at   time.Time
}

// newFailureLimiter counts in memory, or in shared when it is not nil.
func newFailureLimiter(burst int, refill time.Duration, shared catalog.FailureCounter, log *slog.Logger) *failureLimiter {
	return &failureLimiter{burst: float64(burst), refill: refill, now: time.Now, shared: shared, log: log, clients: map[string]*bucket{}}
}

// maxClients bounds the memory the limiter uses; past it, full buckets
// (clients that have not failed lately) are forgotten.
const maxClients = 100_000

// bucketOf returns the client's bucket refilled to now; mu must be held.
func (l *failureLimiter) bucketOf(client string) *bucket {
	now := l.now()
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= maxClients {
			l.forgetFull(now)
		}
		b = &bucket{left: l.burst, at: now}
		l.clients[client] = b
	}
	b.left = math.Min(l.burst, b.left+now.Sub(b.at).Seconds()/l.refill.Seconds())
	b.at = now
	return b
}

func (l *failureLimiter) forgetFull(now time.Time) {
	for k, b := range l.clients {
		if b.left+now.Sub(b.at).Seconds()/l.refill.Seconds() >= l.burst {
			delete(l.clients, k)
		}
	}
}

// wait is how long the client must wait before its next attempt is
// checked; zero if it may try now.
func (l *failureLimiter) wait(ctx context.Context, client string) time.Duration {
	var left float64
	if credit, ok := l.sharedCredit(ctx, client); ok {
		left = credit
	} else {
		l.mu.Lock()
		left = l.bucketOf(client).left
		l.mu.Unlock()
	}
	if left >= 1 {
		return 0
	}
	return time.Duration((1 - left) * float64(l.refill))
}

// sharedCredit is client's credit in the shared counter; false when there
// is none or it failed.
func (l *failureLimiter) sharedCredit(ctx context.Context, client string) (float64, bool) {
	if l.shared == nil {
		return 0, false
	}
	credit, err := l.shared.FailureCredit(ctx, client, int(l.burst), l.refill)
	if err != nil {
		l.log.Warn("shared failure counts unavailable; counting on this node", "error", err)
		return 0, false
	}
	return credit, true
}

// check refuses a client whose credentials failed too often lately (429,
// Retry-After), before its new ones are checked.
func (l *failureLimiter) check(c echo.Context, client string) error {
	wait := l.wait(c.Request().Context(), client)
	if wait <= 0 {
		return nil
	}
	secs := int(wait.Seconds()) + 1
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return catalog.Errorf(catalog.ETOOMANY, "Too many wrong tokens from your address; try again in %d seconds.", secs)
}

// failed records a failed attempt.
func (l *failureLimiter) failed(ctx context.Context, client string) {
	if l.shared != nil {
		err := l.shared.RecordFailure(ctx, client, int(l.burst), l.refill)
		if err == nil {
			return
		}
		l.log.Warn("shared failure counts unavailable; counting on this node", "error", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucketOf(client)
	b.left = math.Max(0, b.left-1)
}

// clientAddress is who the limiter counts: the connection's address, or
// with TrustedProxies, the address a trusted proxy says it forwards for.
func clientAddress(c echo.Context) string {
	ip := c.RealIP()
	if parsed := net.ParseIP(ip); parsed != nil && parsed.To4() == nil {
		// an IPv6 client may have a whole /64: count the network
		return parsed.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip
}
