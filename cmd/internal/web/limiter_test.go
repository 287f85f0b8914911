package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

func TestFailureLimiterRefills(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newFailureLimiter(3, 10*time.Second, nil, nil)
	l.now = func() time.Time { return now }
	for range 3 {
		if l.wait(t.Context(), "a") != 0 {
			t.Fatal("refused within the burst")
		}
		l.failed(t.Context(), "a")
	}
	if w := l.wait(t.Context(), "a"); w != 10*time.Second {
		t.Errorf("after the burst: wait %v, want 10s", w)
	}
	if l.wait(t.Context(), "b") != 0 {
		t.Error("another client is refused")
	}
	now = now.Add(10 * time.Second)
	if l.wait(t.Context(), "a") != 0 {
		t.Error("still refused after a refill")
	}
	l.failed(t.Context(), "a")
	if l.wait(t.Context(), "a") == 0 {
		t.Error("one refill allows one failure, not more")
	}
}

// TestWrongTokensAreRateLimited: after the burst of wrong tokens from one
// address, its requests with credentials get 429 and Retry-After, without
// being checked; failed sign-ins count the same.
func TestWrongTokensAreRateLimited(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.AuthFailureBurst, c.AuthFailureRefill = 3, time.Minute })
	for i := range 3 {
		if r := e.do("GET", "/api/v1/records", "annals_WRONG", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i, r.status)
		}
	}
	r := e.do("GET", "/api/v1/records", "annals_WRONG", nil)
	secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
	if r.status != http.StatusTooManyRequests || secs < 1 || secs > 61 {
		t.Errorf("after 3 wrong tokens: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if r := e.do("GET", "/api/v1/records", e.librarian, nil); r.status != http.StatusTooManyRequests {
		t.Errorf("a right token while refused: %d (the address must wait)", r.status)
	}
	if r := e.do("GET", "/api/v1/records", "", nil); r.status != http.StatusOK {
		t.Errorf("an anonymous read while refused: %d", r.status)
	}
}

func TestFailedSignInsAreRateLimited(t *testing.T) {
	e := newPagesEnv(t)
	e.server.failures.burst = 2
	c := browserClient(t)
	for i := range 3 {
		resp, err := c.PostForm(e.url+"/sign-in", url.Values{"csrf": {formToken(t, c, e.url+"/sign-in")}, "token": {"annals_GUESS"}, "next": {"/librarian/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusUnauthorized
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want || (want == 429 && resp.Header.Get("Retry-After") == "") {
			t.Errorf("sign-in %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
}
