package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

func TestQueryLimits(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	ctx := context.Background()
	_, err := e.index.Search(ctx, Request{Query: strings.Repeat("a", MaxQueryLength+1)})
	if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(catalog.ErrorFields(err)[0].Message, "at most 4000") {
		t.Errorf("a query over the length limit: %v", err)
	}
	var words []string
	for i := range MaxClauses + 1 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	_, err = e.index.Search(ctx, Request{Query: strings.Join(words, " ")})
	if catalog.ErrorCode(err) != catalog.EMALFORMED || catalog.ErrorFields(err)[0].Field != "q" {
		t.Errorf("a query with too many words: %v", err)
	}
	// A word repeated a thousand times is one word, counted at most maxRepeats times.
	clauses, _ := ParseQuery(strings.Repeat("energy ", 1000))
	if got, err := checkQuery("energy", clauses); err != nil || len(got) != maxRepeats {
		t.Errorf("energy ×1000: %d clauses, %v", len(got), err)
	}
	if _, err := e.index.Search(ctx, Request{Query: strings.TrimSpace(strings.Repeat("energy ", 500))}); err != nil {
		t.Errorf("energy ×500: %v", err)
	}
	if got := distinctBigrams(strings.Repeat("能源", 500)); got != "能源 源能" {
		t.Errorf("distinctBigrams of a repeating run: %q", got)
	}
	if got := distinctBigrams("人工智能大模型"); got != "人工智能大模型" {
		t.Errorf("distinctBigrams of a run without repeats: %q", got)
	}
	if res, err := e.index.Search(ctx, Request{Query: strings.Repeat("能源", 1000)}); err != nil || res.Total == 0 {
		t.Errorf("能源 ×1000: %v", err)
	}
}

func TestSearchBudget(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	ix := e.index

	// Every slot taken: a search waits its budget out and says the server is busy.
	ix.opts.Timeout = 50 * time.Millisecond
	for range cap(ix.slots) {
		ix.slots <- struct{}{}
	}
	_, err := ix.Search(context.Background(), Request{Query: "energy"})
	if catalog.ErrorCode(err) != catalog.EUNAVAILABLE || !strings.Contains(err.Error(), "busy") {
		t.Errorf("with every slot taken: %v", err)
	}
	for range cap(ix.slots) {
		<-ix.slots
	}

	// A budget too short for the search stops it with a message saying so.
	ix.opts.Timeout = time.Microsecond
	stopped := false
	for range 50 {
		_, err := ix.Search(context.Background(), Request{Query: "energy technology"})
		if catalog.ErrorCode(err) == catalog.EUNAVAILABLE && strings.Contains(err.Error(), "took longer") {
			stopped = true
			break
		}
	}
	if !stopped {
		t.Error("no search was stopped by a budget of 1µs")
	}

	// A client that went away: context.Canceled, not a domain error.
	ix.opts.Timeout = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Request{Query: "energy"}); !errors.Is(err, context.Canceled) {
		t.Errorf("a search whose client went away: %v", err)
	}
	if len(ix.slots) != 0 {
		t.Errorf("%d slots still taken", len(ix.slots))
	}
}
