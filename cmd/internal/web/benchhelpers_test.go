package web

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// benchStore opens a store in dir holding n generated records (seed), all
// published so that anonymous requests see them.
func benchStore(b *testing.B, dir string, n int, seed uint64) *sqlite.Store {
	b.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	catalogtest.MustCreateEvent(b, store)
	recs := catalogtest.NewGenerator(seed).Records(n)
	for i := range recs {
		recs[i].Status = catalog.StatusPublished
	}
	if _, err := store.ImportRecords(context.Background(), itemsOf(recs), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
		b.Fatal(err)
	}
	return store
}

// serveBench serves cfg on a loopback port until the benchmark ends and
// returns the base URL.
func serveBench(b *testing.B, cfg Config) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	go New(cfg).Serve(ctx, ln)
	return "http://" + ln.Addr().String()
}
