package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
)

// What one search may cost. A pasted abstract, to find records like it,
// fits (the longest CISI query has 2,023 characters and 184 different
// words); a query made to exhaust the server does not: repeats count once,
// and the time budget stops the rest.
const (
	// MaxQueryLength is the longest query, in characters.
	MaxQueryLength = 4000
	// MaxClauses is the most distinct words, phrases and field:value
	// clauses a query may have (repeats count once).
	MaxClauses = 256
	// maxRepeats is how many times one clause counts: a word repeated in
	// a pasted abstract weighs more (the CISI queries repeat content words
	// up to 12 times, and ranking uses it), a word repeated a thousand
	// times costs no more than this.
	maxRepeats = 16
	// maxHanPhrase is the longest run of Han characters also searched as a
	// phrase (a pasted title is shorter; a longer run is searched by its
	// distinct bigrams only).
	maxHanPhrase = 64
)

// distinctBigrams writes a run of Han text as its distinct two-character
// pieces, spaced apart, so that a run that repeats itself ("能源能源…")
// asks for each bigram once; text with no repeats is returned as it is.
func distinctBigrams(text string) string {
	rs := []rune(text)
	if len(rs) < 4 {
		return text
	}
	seen := map[[2]rune]bool{}
	var out []string
	for i := 0; i+1 < len(rs); i++ {
		if !isHan(rs[i]) || !isHan(rs[i+1]) {
			continue
		}
		bg := [2]rune{rs[i], rs[i+1]}
		if !seen[bg] {
			seen[bg] = true
			out = append(out, string(bg[:]))
		}
	}
	if len(out) == 0 || len(out) >= len(rs)-1 { // no repeats (or not a Han run)
		return text
	}
	return strings.Join(out, " ")
}

// DefaultSearchTimeout is how long a search may run when Options.Timeout
// is zero.
const DefaultSearchTimeout = 5 * time.Second

// checkQuery refuses a query longer than MaxQueryLength, and returns its
// clauses with each repeated at most maxRepeats times, refusing more than
// MaxClauses distinct ones.
func checkQuery(q string, clauses []Clause) ([]Clause, error) {
	if n := utf8.RuneCountInString(q); n > MaxQueryLength {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The query is too long.",
			Fields: []catalog.FieldError{{Field: "q", Message: fmt.Sprintf("has %d characters; a query may have at most %d", n, MaxQueryLength)}}}
	}
	seen := make(map[Clause]int, len(clauses))
	out := clauses[:0:0]
	for _, c := range clauses {
		if seen[c]++; seen[c] <= maxRepeats {
			out = append(out, c)
		}
	}
	if len(seen) > MaxClauses {
		return nil, &catalog.Error{Code: catalog.EMALFORMED, Message: "The query has too many words.",
			Fields: []catalog.FieldError{{Field: "q", Message: fmt.Sprintf("has %d different words, phrases and fields; a query may have at most %d", len(seen), MaxClauses)}}}
	}
	return out, nil
}

// searchSlots bounds how many searches run at once, so that a burst of
// costly ones cannot take every core from record reads: one fewer than the
// cores (at least one) unless Options.MaxConcurrent says otherwise.
func searchSlots(n int) chan struct{} {
	if n <= 0 {
		n = max(1, runtime.GOMAXPROCS(0)-1)
	}
	return make(chan struct{}, n)
}

// withBudget runs fn with a slot and within the time budget. A search
// still waiting for a slot, or still running, when the budget is spent
// answers EUNAVAILABLE (and frees its slot); one whose client went away
// returns ctx's error, context.Canceled, for the caller to log as such.
func (ix *Index) withBudget(ctx context.Context, fn func(context.Context) error) error {
	bctx, cancel := context.WithTimeout(ctx, ix.opts.Timeout)
	defer cancel()
	select {
	case ix.slots <- struct{}{}:
		defer func() { <-ix.slots }()
	case <-bctx.Done():
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return catalog.Errorf(catalog.EUNAVAILABLE, "The server is busy with other searches; try again in a moment.")
	}
	err := fn(bctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case bctx.Err() != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
		return catalog.Errorf(catalog.EUNAVAILABLE, "The search took longer than %s and was stopped; make it narrower (fewer or more specific words, a filter).", ix.opts.Timeout)
	}
	return err
}
