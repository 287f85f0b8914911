package web

import (
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
// success costs nothing. The counts are this process's (a node of several
// counts its own).
type failureLimiter struct {
	burst  float64
	refill time.Duration
	now    func() time.Time

	mu      sync.Mutex
	clients map[string]*bucket
}

type bucket struct {
	left float64
	at   time.Time
}

func newFailureLimiter(burst int, refill time.Duration) *failureLimiter {
	return &failureLimiter{burst: float64(burst), refill: refill, now: time.Now, clients: map[string]*bucket{}}
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
func (l *failureLimiter) wait(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucketOf(client)
	if b.left >= 1 {
		return 0
	}
	return time.Duration((1 - b.left) * float64(l.refill))
}

// check refuses a client whose credentials failed too often lately (429,
// Retry-After), before its new ones are checked.
func (l *failureLimiter) check(c echo.Context, client string) error {
	wait := l.wait(client)
	if wait <= 0 {
		return nil
	}
	secs := int(wait.Seconds()) + 1
	c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	return catalog.Errorf(catalog.ETOOMANY, "Too many wrong tokens from your address; try again in %d seconds.", secs)
}

// failed records a failed attempt.
func (l *failureLimiter) failed(client string) {
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
