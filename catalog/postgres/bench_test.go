package postgres

import (
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// BenchmarkStore is the benchmark every store runs (beside SQLite's:
// catalog/sqlite). For figures comparable with SQLite's (which syncs every
// commit), run it with ANNALS_TEST_POSTGRES_DURABLE=1: the test server then
// syncs its commits too.
func BenchmarkStore(b *testing.B) {
	catalogtest.RunStoreBenchmarks(b, func(tb testing.TB) catalog.Store { return mustOpen(tb) })
}
