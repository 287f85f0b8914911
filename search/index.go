// Package search is the full-text index of the catalogue, on Bleve v2. It
// is derived from the store: it follows the change log, keeps its cursor
// inside the index in the same batch as the changes it applies, and can
// always be thrown away and rebuilt. Text is indexed per language family
// (English, Russian, CJK, other) with that family's analyzer, and queries
// name the fields they search; the _all field is never used.
package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
)

// Keys of the values the index keeps about itself.
var (
	keyVersion = []byte("annals.mapping_version")
	keyCursor  = []byte("annals.cursor")
)

// Options tune an Index. The zero value is right for production.
type Options struct {
	Logger *slog.Logger
	// RetryInterval is how long the follower waits after failing to read
	// or apply changes before it tries again (default 1 s); it doubles
	// while the failures go on, up to 30 s.
	RetryInterval time.Duration
	// RebuildRetry is how long a failed rebuild waits before it is tried
	// again (default 10 s).
	RebuildRetry time.Duration
	// BatchSize is how many changes one index batch applies (default 1000).
	BatchSize int
	// Timeout is how long one search may run, waiting for a slot included
	// (default DefaultSearchTimeout); MaxConcurrent how many run at once
	// (default: one fewer than the cores, at least one).
	Timeout       time.Duration
	MaxConcurrent int
	// OnRebuild, when set, is called as a rebuild starts, and the function
	// it returns as the rebuild ends. A rebuild allocates fast and leaves
	// much garbage; the process that owns the runtime's settings
	// (cmd/annals) uses it to tune the garbage collector, which is
	// process-wide and so not this package's to touch.
	OnRebuild func() (done func())
	// Pages, when set, is the index of files' text: searches find records
	// by their files too, and hits carry the pages that matched.
	Pages *Pages
}

// Index is the search index of one store.
type Index struct {
	dir     string
	changes catalog.ChangeLog
	records RecordSource
	src     Source
	opts    Options
	log     *slog.Logger
	rebuild chan struct{}

	mu     sync.RWMutex // guards bi, cursor and status
	bi     bleve.Index  // nil until an index can be searched
	cursor int64        // revision of the last change applied to bi
	status Status

	tables snapshotCache // facet values and title keys of the newest snapshot searched

	slots        chan struct{} // one per search running (searchSlots)
	lastVerified time.Time     // when the segments' checksums were last checked after an error (guarded by mu)
}

// Status says what the index is doing, for /healthz and the logs.
type Status struct {
	// State is "starting", "ready", "rebuilding", or "degraded": changes
	// cannot be applied (a full or read-only disk) or a rebuild failed;
	// searches answer from what the index has, or not at all while it is
	// rebuilt, and the follower retries until the fault clears.
	State    string `json:"state"`
	Reason   string `json:"reason,omitempty"` // why it is rebuilding
	Done     int64  `json:"done,omitempty"`   // rebuilding: records indexed
	Total    int64  `json:"total,omitempty"`  // rebuilding: records to index
	Revision int64  `json:"revision"`         // last change applied
}

// Source is what the index reads from the store: the change log it
// follows, records (for query feedback), and which files have had their
// text read (for the fulltext and label facets).
type Source interface {
	catalog.ChangeLog
	RecordSource
	FindFileAnalyses(ctx context.Context, sha256s []string) (map[string]catalog.FileAnalysis, error)
	FindRecordsNamingFile(ctx context.Context, sha256 string) ([]catalog.Record, error)
}

// Open opens the index in dir for the store src.
// A missing, corrupt or outdated index is not an error: Run rebuilds it
// (an outdated one keeps answering searches meanwhile). An index held by
// another process is an error.
func Open(ctx context.Context, dir string, src Source, opts Options) (*Index, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.RetryInterval == 0 {
		opts.RetryInterval = time.Second
	}
	if opts.RebuildRetry == 0 {
		opts.RebuildRetry = 10 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultSearchTimeout
	}
	if opts.BatchSize == 0 {
		opts.BatchSize = 1000
	}
	ix := &Index{dir: dir, changes: src, records: src, src: src, opts: opts, log: opts.Logger,
		rebuild: make(chan struct{}, 1), status: Status{State: "starting"}, slots: searchSlots(opts.MaxConcurrent)}
	var bi bleve.Index
	err := guard("opening", func() (err error) { bi, err = openBleve(dir); return err })
	if err == nil {
		if err = verifySegments(bi); err != nil {
			guard("closing", bi.Close)
		}
	}
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		ix.requestRebuild("the index does not exist yet")
		return ix, nil
	case errors.Is(err, errLocked):
		return nil, fmt.Errorf("search index %s is in use by another process (is the server running?)", dir)
	case err != nil:
		ix.requestRebuild("the index cannot be opened: " + firstLines(err.Error(), 1))
		return ix, nil
	}
	var version, cursorText []byte
	var verr, cerr error
	if err := guard("reading", func() error {
		version, verr = bi.GetInternal(keyVersion)
		cursorText, cerr = bi.GetInternal(keyCursor)
		_, err := bi.DocCount()
		return err
	}); err != nil {
		guard("closing", bi.Close)
		ix.requestRebuild("the index cannot be read: " + firstLines(err.Error(), 1))
		return ix, nil
	}
	cursor, perr := strconv.ParseInt(string(cursorText), 10, 64)
	switch {
	case verr != nil || cerr != nil:
		guard("closing", bi.Close)
		ix.requestRebuild("the index cannot be read")
		return ix, nil
	case string(version) != MappingVersion:
		ix.requestRebuild(fmt.Sprintf("the index has mapping version %q; this program uses %q", version, MappingVersion))
	case perr != nil:
		guard("closing", bi.Close)
		ix.requestRebuild("the index has no cursor into the change log")
		return ix, nil
	}
	ix.bi, ix.cursor = bi, cursor
	ix.status = Status{State: "ready", Revision: cursor}
	if ix.needsRebuild() {
		ix.status.State, ix.status.Reason = "rebuilding", "outdated mapping; the old index answers until the new one is ready"
	}
	return ix, nil
}

var errLocked = errors.New("index locked")

func openBleve(dir string) (bleve.Index, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, bleve.ErrorIndexPathDoesNotExist
	}
	bi, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": "2s"})
	if err != nil && err.Error() == "timeout" {
		return nil, errLocked
	}
	return bi, err
}

func (ix *Index) requestRebuild(reason string) {
	ix.mu.Lock()
	ix.status = Status{State: "rebuilding", Reason: reason, Revision: ix.cursor}
	ix.mu.Unlock()
	ix.log.Warn("search index will be rebuilt from the store", "reason", reason, "dir", ix.dir)
	select {
	case ix.rebuild <- struct{}{}:
	default:
	}
}

func (ix *Index) needsRebuild() bool { return len(ix.rebuild) > 0 }

// RequestRebuild asks Run to rebuild the index from the store; searches go
// on against the current index until the new one replaces it.
func (ix *Index) RequestRebuild() { ix.requestRebuild("a rebuild was requested") }

// Status reports what the index is doing.
func (ix *Index) Status() Status {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.status
}

// Run keeps the index up to date until ctx is done: it rebuilds when asked
// to (or when Open found no usable index) and otherwise applies new
// changes as the change log announces them (ChangeLog.WaitForChanges), so
// that nothing that writes to the store has to wake the index.
func (ix *Index) Run(ctx context.Context) error {
	retry := ix.opts.RetryInterval
	for {
		select {
		case <-ix.rebuild:
			if err := ix.Rebuild(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				ix.degrade("the rebuild failed; retrying in "+ix.opts.RebuildRetry.String(), err)
				time.AfterFunc(ix.opts.RebuildRetry, func() { ix.requestRebuild("retry after: " + firstLines(err.Error(), 1)) })
			}
			continue
		default:
		}
		if err := ix.CatchUp(ctx); err != nil && ctx.Err() == nil {
			if isDamage(err) || !ix.filesPresent() || ix.verifyAfterError() != nil {
				ix.dropDamaged(err)
				continue
			}
			ix.degrade("changes cannot be applied; retrying in "+retry.String(), err)
			if !sleep(ctx, retry) {
				return nil
			}
			retry = min(2*retry, 30*time.Second)
			continue
		}
		retry = ix.opts.RetryInterval
		ix.recovered()
		if !ix.waitForWork(ctx) {
			return nil
		}
	}
}

// waitForWork returns when the change log holds changes past the cursor
// or a rebuild is asked for; false when ctx is done.
func (ix *Index) waitForWork(ctx context.Context) bool {
	ix.mu.RLock()
	cursor := ix.cursor
	ix.mu.RUnlock()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changed := make(chan error, 1)
	go func() { changed <- ix.changes.WaitForChanges(wctx, cursor) }()
	select {
	case <-ctx.Done():
		return false
	case err := <-changed:
		if err != nil && ctx.Err() == nil {
			ix.log.Error("search index: waiting for changes; retrying", "error", err)
			return sleep(ctx, ix.opts.RetryInterval)
		}
		return ctx.Err() == nil
	case <-ix.rebuild:
		ix.rebuild <- struct{}{} // handled at the top of Run's loop
		return true
	}
}

// sleep waits for d, false if ctx is done first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// filesPresent reports whether the index's files are still on disk (an
// operator may have removed the directory under a running server).
func (ix *Index) filesPresent() bool {
	_, err := os.Stat(filepath.Join(ix.dir, "index_meta.json"))
	return err == nil
}

// degrade marks the index degraded, saying why, and logs the error.
func (ix *Index) degrade(why string, err error) {
	ix.mu.Lock()
	ix.status.State, ix.status.Reason = "degraded", why+": "+firstLines(err.Error(), 1)
	ix.mu.Unlock()
	ix.log.Error("search index degraded", "why", why, "error", err)
}

// recovered marks a degraded index ready again once changes apply.
func (ix *Index) recovered() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.status.State == "degraded" && ix.bi != nil {
		ix.status = Status{State: "ready", Revision: ix.cursor}
		ix.log.Info("search index ready again", "revision", ix.cursor)
	}
}

// dropDamaged stops using a damaged index (searches answer 503 until the
// rebuild) and asks for a rebuild from the store.
func (ix *Index) dropDamaged(err error) {
	ix.log.Error("search index damaged; rebuilding it from the store", "error", err)
	ix.mu.Lock()
	if ix.bi != nil {
		bi := ix.bi
		guard("closing", bi.Close)
		ix.bi = nil
	}
	ix.mu.Unlock()
	ix.requestRebuild("damaged: " + firstLines(err.Error(), 1))
}

// CatchUp applies every change after the index's cursor.
func (ix *Index) CatchUp(ctx context.Context) error {
	ix.mu.RLock()
	bi, cursor := ix.bi, ix.cursor
	ix.mu.RUnlock()
	if bi == nil {
		return nil
	}
	docs := newDocumenter()
	for {
		changes, err := ix.changes.FindChanges(ctx, cursor, ix.opts.BatchSize)
		if err != nil || len(changes) == 0 {
			return err
		}
		if err := guard("applying changes", func() error { return ix.applyChanges(ctx, bi, docs, changes) }); err != nil {
			return err
		}
		cursor = changes[len(changes)-1].Revision
		ix.mu.Lock()
		if ix.bi == bi { // not swapped by a rebuild meanwhile
			ix.cursor = cursor
			ix.status.Revision = cursor
		}
		ix.mu.Unlock()
		if len(changes) < ix.opts.BatchSize {
			return nil
		}
	}
}

// applyChanges indexes a run of changes and moves the cursor past them in
// the same batch, so that after a crash the index and its cursor agree.
func (ix *Index) applyChanges(ctx context.Context, bi bleve.Index, docs *documenter, changes []catalog.Change) error {
	b, err := ix.changeBatch(ctx, bi, docs, changes)
	if err != nil {
		return err
	}
	b.SetInternal(keyCursor, []byte(strconv.FormatInt(changes[len(changes)-1].Revision, 10)))
	return bi.Batch(b)
}

// changeBatch makes the index batch for a run of changes. A file's text
// being read (EntityFile) reindexes the records that have the file, whose
// facets say whether they have text.
func (ix *Index) changeBatch(ctx context.Context, bi bleve.Index, docs *documenter, changes []catalog.Change) (*bleve.Batch, error) {
	b := bi.NewBatch()
	var records []catalog.Record
	for _, ch := range changes {
		switch {
		case ch.Entity == catalog.EntityFile && ch.Op == catalog.OpAnalyzed:
			naming, err := ix.src.FindRecordsNamingFile(ctx, ch.EntityID)
			if err != nil {
				return nil, fmt.Errorf("change %d: %w", ch.Revision, err)
			}
			records = append(records, naming...)
		case ch.Entity != catalog.EntityRecord:
		case ch.Op == catalog.OpDelete:
			b.Delete(ch.EntityID)
			records = slices.DeleteFunc(records, func(r catalog.Record) bool { return r.ID == ch.EntityID })
		default:
			var r catalog.Record
			if err := json.Unmarshal(ch.After, &r); err != nil {
				return nil, fmt.Errorf("change %d: %w", ch.Revision, err)
			}
			records = append(records, r)
		}
	}
	texts, err := ix.textsOf(ctx, records)
	if err != nil {
		return nil, err
	}
	for i := range records {
		if err := b.Index(records[i].ID, docs.document(&records[i], texts)); err != nil {
			return nil, fmt.Errorf("record %s: %w", records[i].ID, err)
		}
	}
	return b, nil
}

// textsOf says which of the records' files have had their text read.
func (ix *Index) textsOf(ctx context.Context, records []catalog.Record) (map[string]bool, error) {
	var shas []string
	for i := range records {
		for _, f := range records[i].Files {
			shas = append(shas, f.SHA256)
		}
	}
	if len(shas) == 0 {
		return nil, nil
	}
	found, err := ix.src.FindFileAnalyses(ctx, shas)
	if err != nil {
		return nil, err
	}
	texts := map[string]bool{}
	for sha, a := range found {
		texts[sha] = a.TextState == catalog.FileDone
	}
	return texts, nil
}

// Rebuild builds a new index from every live record beside the current
// one, then puts it in its place. Searches use the current index (if any)
// until the swap.
func (ix *Index) Rebuild(ctx context.Context) error {
	return guard("rebuilding", func() error { return ix.buildAndSwap(ctx) })
}

func (ix *Index) buildAndSwap(ctx context.Context) error {
	start := time.Now()
	tmp := ix.dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	m, err := newMapping()
	if err != nil {
		return err
	}
	fresh, err := bleve.New(tmp, m)
	if err != nil {
		return err
	}
	if err := fresh.SetInternal(keyVersion, []byte(MappingVersion)); err != nil {
		fresh.Close()
		return err
	}
	// The index is built from each live record's current document; the
	// changes after cursor, made while it is built, are caught up after
	// the swap (applying a change twice does no harm).
	cursor, err := ix.changes.LatestRevision(ctx)
	if err != nil {
		fresh.Close()
		return err
	}
	total, err := ix.records.CountRecords(ctx)
	if err != nil {
		fresh.Close()
		return err
	}
	ix.mu.Lock()
	ix.status.State, ix.status.Done, ix.status.Total = "rebuilding", 0, int64(total)
	ix.mu.Unlock()
	ix.log.Info("search index rebuild started", "records", total, "revision", cursor)
	if ix.opts.OnRebuild != nil {
		defer ix.opts.OnRebuild()()
	}
	docs := newDocumenter()
	batches := &batchPipeline{bi: fresh}
	var position, done int64
	for {
		current, next, err := ix.changes.FindCurrentRecords(ctx, position, ix.opts.BatchSize)
		if err != nil {
			batches.wait()
			fresh.Close()
			return err
		}
		if len(current) == 0 {
			break
		}
		b, err := ix.changeBatch(ctx, fresh, docs, current)
		if err == nil {
			err = batches.add(b)
		}
		if err != nil {
			batches.wait()
			fresh.Close()
			return err
		}
		position, done = next, done+int64(len(current))
		ix.mu.Lock()
		ix.status.Done = min(done, int64(total))
		ix.mu.Unlock()
	}
	if err := batches.wait(); err != nil {
		fresh.Close()
		return err
	}
	if err := fresh.SetInternal(keyCursor, []byte(strconv.FormatInt(cursor, 10))); err != nil {
		fresh.Close()
		return err
	}
	if err := fresh.Close(); err != nil {
		return err
	}
	if err := ix.swap(tmp, cursor); err != nil {
		return err
	}
	ix.log.Info("search index rebuilt", "records", done, "revision", cursor, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// swap replaces the current index with the one built in tmp.
func (ix *Index) swap(tmp string, cursor int64) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi != nil {
		ix.bi.Close()
		ix.bi = nil
	}
	if err := os.RemoveAll(ix.dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		return err
	}
	bi, err := openBleve(ix.dir)
	if err != nil {
		return err
	}
	ix.bi, ix.cursor = bi, cursor
	ix.status = Status{State: "ready", Revision: cursor}
	return nil
}

// SearchFile finds the pages of one file of a record that match a query,
// in page order (at most limit); nil when the index has no pages index.
// EMALFORMED for an unknown query field.
func (ix *Index) SearchFile(ctx context.Context, q, record, file string, limit int) ([]PageHit, error) {
	clauses, err := ParseQuery(q)
	if err != nil {
		return nil, err
	}
	if clauses, err = checkQuery(q, clauses); err != nil {
		return nil, err
	}
	if ix.opts.Pages == nil {
		return nil, nil
	}
	var hits []PageHit
	err = ix.withBudget(ctx, func(ctx context.Context) error {
		hits, err = ix.opts.Pages.SearchFile(ctx, clauses, record, file, limit)
		return err
	})
	return hits, err
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	err := ix.bi.Close()
	ix.bi = nil
	return err
}

// DocCount returns how many records the index holds.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return 0, catalog.Errorf(catalog.EUNAVAILABLE, "The search index is being built.")
	}
	var n uint64
	err := guard("counting", func() (err error) { n, err = ix.bi.DocCount(); return err })
	return n, err
}

// batchesInFlight is how many batches a rebuild applies at once: while
// Bleve turns one into a segment (one core), it analyses the next.
const batchesInFlight = 2

// batchPipeline applies a rebuild's batches with up to batchesInFlight at
// once. The batches must touch distinct records (a rebuild's do: each holds
// other records' current documents), since they may apply in any order.
type batchPipeline struct {
	bi      bleve.Index
	running []chan error
}

// add starts applying b, once fewer than batchesInFlight are running.
func (p *batchPipeline) add(b *bleve.Batch) error {
	var first error
	for len(p.running) >= batchesInFlight {
		first = cmp.Or(first, <-p.running[0])
		p.running = p.running[1:]
	}
	if first != nil {
		return first
	}
	done := make(chan error, 1)
	go func() { done <- guard("applying a batch", func() error { return p.bi.Batch(b) }) }()
	p.running = append(p.running, done)
	return nil
}

// wait waits for every running batch and returns the first error.
func (p *batchPipeline) wait() error {
	var first error
	for _, done := range p.running {
		first = cmp.Or(first, <-done)
	}
	p.running = nil
	return first
}
