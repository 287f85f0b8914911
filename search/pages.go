package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// PagesMappingVersion names the shape of the pages index; an index of
// another version is rebuilt.
const PagesMappingVersion = "annals-pages-1"

// Fields of a page document.
const (
	pRecord  = "record"
	pFile    = "file"
	pSHA     = "sha"
	pLabel   = "label"
	pAccess  = "access"
	pEmbargo = "embargo" // the day an embargoed file opens (YYYY-MM-DD)
	pStatus  = "status"  // the record's
	pText    = "page"    // page_en, page_ru...: the page's text in its family
)

// PageSource is what the pages index reads: the change log it follows,
// the records, and the text read from their files.
type PageSource interface {
	catalog.ChangeLog
	FindFileAnalyses(ctx context.Context, sha256s []string) (map[string]catalog.FileAnalysis, error)
	EachFilePage(ctx context.Context, sha256 string, fn func(page int, text string) error) error
	FindRecordsNamingFile(ctx context.Context, sha256 string) ([]catalog.Record, error)
}

// Pages is the index of the text of files: one document per page of each
// file of each live record. It is kept beside the index of records, not in
// it, so that the records' ranking statistics, facets and sort tables are
// untouched by pages. It follows the same change log: a record's change
// reindexes its pages when its files or status changed, and a file's
// analysis (EntityFile) indexes its pages in every record that has it.
// Whether a reader may see a page — the record's status, the file's access
// and embargo — is decided when searching, so an embargo opens on its day
// without reindexing. Like the records index it can always be thrown away
// and rebuilt from the store.
type Pages struct {
	dir string
	src PageSource
	log *slog.Logger

	mu     sync.RWMutex
	bi     bleve.Index // nil until built
	cursor int64
}

// OpenPages opens the pages index in dir; Run builds it when it is missing
// or of another version.
func OpenPages(dir string, src PageSource, log *slog.Logger) (*Pages, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pages{dir: dir, src: src, log: log}
	bi, err := openBleve(dir)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return p, nil
	case errors.Is(err, errLocked):
		return nil, fmt.Errorf("pages index %s is in use by another process (is the server running?)", dir)
	case err != nil:
		log.Warn("the pages index cannot be opened; it will be rebuilt", "error", err)
		return p, nil
	}
	version, _ := bi.GetInternal(keyVersion)
	cursorText, _ := bi.GetInternal(keyCursor)
	cursor, cerr := strconv.ParseInt(string(cursorText), 10, 64)
	if string(version) != PagesMappingVersion || cerr != nil {
		bi.Close()
		return p, nil
	}
	p.bi, p.cursor = bi, cursor
	return p, nil
}

// Ready says whether the pages index can be searched.
func (p *Pages) Ready() bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.bi != nil
}

// Close closes the index.
func (p *Pages) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bi == nil {
		return nil
	}
	err := p.bi.Close()
	p.bi = nil
	return err
}

// Run builds the index if it has to, then follows the change log until
// ctx is done.
func (p *Pages) Run(ctx context.Context) error {
	for !p.Ready() {
		if err := p.Build(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			p.log.Error("building the pages index failed; retrying in a minute", "error", err)
			if !sleep(ctx, time.Minute) {
				return nil
			}
		}
	}
	retry := time.Second
	for {
		err := p.CatchUp(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.log.Error("the pages index cannot follow the change log; retrying", "error", err, "in", retry)
			if !sleep(ctx, retry) {
				return nil
			}
			retry = min(2*retry, 30*time.Second)
			continue
		}
		retry = time.Second
		p.mu.RLock()
		cursor := p.cursor
		p.mu.RUnlock()
		if err := p.src.WaitForChanges(ctx, cursor); err != nil && ctx.Err() != nil {
			return nil
		}
	}
}

// Build makes the index from every live record's files, replacing what is
// in dir.
func (p *Pages) Build(ctx context.Context) error {
	start := time.Now()
	p.mu.Lock()
	if p.bi != nil {
		p.bi.Close()
		p.bi = nil
	}
	p.mu.Unlock()
	if err := os.RemoveAll(p.dir); err != nil {
		return err
	}
	m, err := newPagesMapping()
	if err != nil {
		return err
	}
	bi, err := bleve.New(p.dir, m)
	if err != nil {
		return err
	}
	cursor, err := p.src.LatestRevision(ctx)
	if err != nil {
		bi.Close()
		return err
	}
	w := &pageWriter{bi: bi, b: bi.NewBatch()}
	var position int64
	records := 0
	for {
		current, next, err := p.src.FindCurrentRecords(ctx, position, 500)
		if err != nil {
			bi.Close()
			return err
		}
		if len(current) == 0 {
			break
		}
		for _, ch := range current {
			var r catalog.Record
			if err := json.Unmarshal(ch.After, &r); err != nil {
				bi.Close()
				return fmt.Errorf("record %s: %w", ch.EntityID, err)
			}
			if err := p.addRecordPages(ctx, w, &r, ""); err != nil {
				bi.Close()
				return err
			}
			records++
		}
		position = next
	}
	if err := w.flush(); err != nil {
		bi.Close()
		return err
	}
	if err := setCursor(bi, PagesMappingVersion, cursor); err != nil {
		bi.Close()
		return err
	}
	p.mu.Lock()
	p.bi, p.cursor = bi, cursor
	p.mu.Unlock()
	p.log.Info("pages index built", "records", records, "pages", w.added, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func setCursor(bi bleve.Index, version string, cursor int64) error {
	if err := bi.SetInternal(keyVersion, []byte(version)); err != nil {
		return err
	}
	return bi.SetInternal(keyCursor, []byte(strconv.FormatInt(cursor, 10)))
}

// CatchUp applies every change after the index's cursor.
func (p *Pages) CatchUp(ctx context.Context) error {
	p.mu.RLock()
	bi, cursor := p.bi, p.cursor
	p.mu.RUnlock()
	if bi == nil {
		return nil
	}
	for {
		changes, err := p.src.FindChanges(ctx, cursor, 200)
		if err != nil || len(changes) == 0 {
			return err
		}
		w := &pageWriter{bi: bi, b: bi.NewBatch()}
		for _, ch := range changes {
			if err := p.apply(ctx, w, ch); err != nil {
				return fmt.Errorf("change %d: %w", ch.Revision, err)
			}
		}
		if err := w.flush(); err != nil {
			return err
		}
		cursor = changes[len(changes)-1].Revision
		if err := bi.SetInternal(keyCursor, []byte(strconv.FormatInt(cursor, 10))); err != nil {
			return err
		}
		p.mu.Lock()
		p.cursor = cursor
		p.mu.Unlock()
	}
}

// apply reindexes the pages a change may have changed. Applying a change
// twice does no harm: a record's pages are deleted before they are added.
func (p *Pages) apply(ctx context.Context, w *pageWriter, ch catalog.Change) error {
	switch {
	case ch.Entity == catalog.EntityFile && ch.Op == catalog.OpAnalyzed:
		records, err := p.src.FindRecordsNamingFile(ctx, ch.EntityID)
		if err != nil {
			return err
		}
		for i := range records {
			if err := p.deletePages(w, records[i].ID, ch.EntityID); err != nil {
				return err
			}
			if err := p.addRecordPages(ctx, w, &records[i], ch.EntityID); err != nil {
				return err
			}
		}
		return nil
	case ch.Entity != catalog.EntityRecord:
		return nil
	case ch.Op == catalog.OpDelete:
		return p.deletePages(w, ch.EntityID, "")
	}
	var before, after catalog.Record
	if err := json.Unmarshal(ch.After, &after); err != nil {
		return err
	}
	if len(ch.Before) > 0 {
		if err := json.Unmarshal(ch.Before, &before); err != nil {
			return err
		}
		if !pagesDiffer(&before, &after) {
			return nil
		}
	}
	if err := p.deletePages(w, after.ID, ""); err != nil {
		return err
	}
	return p.addRecordPages(ctx, w, &after, "")
}

// pagesDiffer says whether two versions of a record index their pages
// differently: other files, other access, another status.
func pagesDiffer(a, b *catalog.Record) bool {
	if a.Status != b.Status || a.Language != b.Language || len(a.Files) != len(b.Files) {
		return true
	}
	for i := range a.Files {
		x, y := a.Files[i], b.Files[i]
		if x.Name != y.Name || x.SHA256 != y.SHA256 || x.Access != y.Access || x.EmbargoUntil != y.EmbargoUntil ||
			x.Label != y.Label || x.Language != y.Language {
			return true
		}
	}
	return false
}

// deletePages deletes the page documents of a record (only those of the
// bytes sha, when given).
func (p *Pages) deletePages(w *pageWriter, record, sha string) error {
	if err := w.flush(); err != nil { // what this run added must be seen to be deleted
		return err
	}
	q := query.Query(termQuery(pRecord, record))
	if sha != "" {
		q = bleve.NewConjunctionQuery(q, termQuery(pSHA, sha))
	}
	for {
		req := bleve.NewSearchRequestOptions(q, 10000, 0, false)
		req.Fields = nil
		res, err := w.bi.Search(req)
		if err != nil {
			return err
		}
		fresh := 0
		for _, h := range res.Hits {
			if !w.deleted[h.ID] {
				w.delete(h.ID)
				fresh++
			}
		}
		if err := w.maybeFlush(); err != nil {
			return err
		}
		if fresh == 0 || len(res.Hits) < 10000 {
			return w.flush()
		}
	}
}

// addRecordPages indexes the pages of the record's files whose text has
// been read (only the files of the bytes sha, when given), a batch at a
// time, so that a long document is never in memory whole.
func (p *Pages) addRecordPages(ctx context.Context, w *pageWriter, r *catalog.Record, sha string) error {
	var shas []string
	for _, f := range r.Files {
		if sha == "" || f.SHA256 == sha {
			shas = append(shas, f.SHA256)
		}
	}
	if len(shas) == 0 {
		return nil
	}
	found, err := p.src.FindFileAnalyses(ctx, shas)
	if err != nil {
		return err
	}
	for _, f := range r.Files {
		a, ok := found[f.SHA256]
		if !ok || a.TextState != catalog.FileDone || (sha != "" && f.SHA256 != sha) {
			continue
		}
		// The file's language as given, else as detected, else the record's.
		lang := cmpOr(f.Language, cmpOr(a.Language, r.Language))
		err := p.src.EachFilePage(ctx, f.SHA256, func(page int, text string) error {
			if strings.TrimSpace(text) == "" {
				return nil
			}
			doc := map[string]any{pRecord: r.ID, pFile: f.Name, pSHA: f.SHA256, pLabel: f.Label, pAccess: f.Access,
				pStatus: string(r.Status), textField(pText, familyOf(pageLanguage(lang, text), text)): text}
			if f.EmbargoUntil != "" {
				doc[pEmbargo] = f.EmbargoUntil
			}
			return w.index(pageDocID(r.ID, f.Name, page), doc)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// pageLanguage is the language a page is analysed in: the file's (or its
// record's) when its text is mostly in that language's script, otherwise
// none, so that the page's own script decides (a Russian record's English
// appendix is analysed as English).
func pageLanguage(lang, text string) string {
	if lang == "" || familyOf(lang, "") == familyByScript(text) || familyOf(lang, "") == famOther {
		return lang
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pageDocID is a page document's id: record, file name and page number,
// separated by U+001F (which no record id or file name holds).
func pageDocID(record, file string, page int) string {
	return record + "\x1f" + file + "\x1f" + strconv.Itoa(page)
}

// parsePageDocID reads a page document's id.
func parsePageDocID(id string) (record, file string, page int, ok bool) {
	parts := strings.Split(id, "\x1f")
	if len(parts) != 3 {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(parts[2])
	return parts[0], parts[1], n, err == nil
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}

// pageWriter batches page documents, flushing every few hundred.
type pageWriter struct {
	bi      bleve.Index
	b       *bleve.Batch
	n       int
	added   int
	deleted map[string]bool // deleted in this run, so a search that still sees them does not loop
}

const pagesPerBatch = 200

func (w *pageWriter) index(id string, doc map[string]any) error {
	if err := w.b.Index(id, doc); err != nil {
		return err
	}
	w.n++
	w.added++
	return w.maybeFlush()
}

func (w *pageWriter) delete(id string) {
	if w.deleted == nil {
		w.deleted = map[string]bool{}
	}
	w.deleted[id] = true
	w.b.Delete(id)
	w.n++
}

func (w *pageWriter) maybeFlush() error {
	if w.n < pagesPerBatch {
		return nil
	}
	return w.flush()
}

func (w *pageWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	err := w.bi.Batch(w.b)
	w.b, w.n = w.bi.NewBatch(), 0
	return err
}

// newPagesMapping is the mapping of page documents.
func newPagesMapping() (*mapping.IndexMappingImpl, error) {
	m, err := newMappingWithAnalyzers()
	if err != nil {
		return nil, err
	}
	doc := mapping.NewDocumentStaticMapping()
	for _, fam := range families {
		text := mapping.NewTextFieldMapping()
		text.Analyzer = analyzerOf[fam]
		text.Store, text.DocValues, text.IncludeInAll = false, false, false
		text.IncludeTermVectors = true // positions, for phrases
		doc.AddFieldMappingsAt(textField(pText, fam), text)
	}
	for _, name := range []string{pRecord, pFile, pSHA, pLabel, pAccess, pEmbargo, pStatus} {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, false, false, false
		doc.AddFieldMappingsAt(name, f)
	}
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.DefaultAnalyzer = anOther
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}

// PageHit is a page whose text matched a search.
type PageHit struct {
	Record, File string
	Page         int
	Score        float64
}

// PageVisibility is what a reader may see of pages: the statuses of
// records (none: published only), and whether restricted and embargoed
// files too (librarians).
type PageVisibility struct {
	Statuses []catalog.Status
	AllFiles bool
	Today    string // YYYY-MM-DD: embargoes up to this day are over
}

// pageExclusion is the query of the pages a reader may not see: those of
// records in other statuses (none: published only), of restricted files,
// and of files still under embargo (unless the reader sees every file);
// nil when the reader may see them all. Hidden pages are few, so leaving
// them out costs far less than requiring every visible page to match a
// filter (half the time of a page search went to that: BENCHMARKS.md).
func pageExclusion(v PageVisibility) query.Query {
	allowed := v.Statuses
	if len(allowed) == 0 {
		allowed = []catalog.Status{catalog.StatusPublished}
	}
	var hidden []query.Query
	for _, s := range []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn} {
		if !slices.Contains(allowed, s) {
			hidden = append(hidden, termQuery(pStatus, string(s)))
		}
	}
	if !v.AllFiles {
		// only embargoed files have an embargo day (catalog.File's rule),
		// so the day alone says which are still closed
		closed := bleve.NewTermRangeQuery(v.Today+"\uffff", "") // embargoes that end after today
		closed.SetField(pEmbargo)
		hidden = append(hidden, termQuery(pAccess, catalog.AccessRestricted), closed)
	}
	if len(hidden) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(hidden...)
}

// pageTextQuery is the query of pages for the clauses that search text:
// every meaningful word and every phrase in any family's field (a stop
// word such as "for" is left out: no analyzer of its script keeps it);
// nil when no clause searches text.
func pageTextQuery(clauses []Clause, isContent wordFilter) query.Query {
	var must, mustNot []query.Query
	for _, c := range clauses {
		if c.Field != "" && c.Field != "text" {
			continue
		}
		if !c.Phrase && !c.Fuzzy && !isContent(c.Text) {
			continue
		}
		var forms []query.Query
		for _, fam := range families {
			field := textField(pText, fam)
			if c.Phrase {
				q := bleve.NewMatchPhraseQuery(c.Text)
				q.SetField(field)
				forms = append(forms, q)
				continue
			}
			q := bleve.NewMatchQuery(c.Text)
			q.SetField(field)
			q.SetOperator(query.MatchQueryOperatorAnd)
			if c.Fuzzy {
				q.SetFuzziness(fuzziness(c.Text))
			}
			forms = append(forms, q)
		}
		q := bleve.NewDisjunctionQuery(forms...)
		if c.Exclude {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	if len(must) == 0 {
		return nil
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddMustNot(mustNot...)
	return b
}

// Search finds the pages that match the clauses' words and phrases, among
// those the reader may see: at most limit, best first. Nil without an
// error when no clause searches text or the index is not built yet.
func (p *Pages) Search(ctx context.Context, clauses []Clause, v PageVisibility, limit int) ([]PageHit, error) {
	p.mu.RLock()
	bi := p.bi
	p.mu.RUnlock()
	if bi == nil {
		return nil, nil
	}
	text := pageTextQuery(clauses, contentWords(bi))
	if text == nil {
		return nil, nil
	}
	q := bleve.NewBooleanQuery()
	q.AddMust(text)
	if hidden := pageExclusion(v); hidden != nil {
		q.AddMustNot(hidden)
	}
	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	var res *bleve.SearchResult
	err := guard("searching pages", func() (err error) { res, err = bi.SearchInContext(ctx, req); return err })
	if err != nil {
		return nil, err
	}
	hits := make([]PageHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if record, file, page, ok := parsePageDocID(h.ID); ok {
			hits = append(hits, PageHit{Record: record, File: file, Page: page, Score: h.Score})
		}
	}
	return hits, nil
}

// SearchFile finds the pages of one file of one record that match the
// clauses' words and phrases, in page order (at most limit). The caller
// has checked that the reader may read the file.
func (p *Pages) SearchFile(ctx context.Context, clauses []Clause, record, file string, limit int) ([]PageHit, error) {
	p.mu.RLock()
	bi := p.bi
	p.mu.RUnlock()
	if bi == nil {
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "The index of files' text is being built; try again shortly.")
	}
	text := pageTextQuery(clauses, contentWords(bi))
	if text == nil {
		return nil, nil
	}
	q := bleve.NewConjunctionQuery(text, termQuery(pRecord, record), termQuery(pFile, file))
	req := bleve.NewSearchRequestOptions(q, limit, 0, false)
	var res *bleve.SearchResult
	if err := guard("searching a file", func() (err error) { res, err = bi.SearchInContext(ctx, req); return err }); err != nil {
		return nil, err
	}
	hits := make([]PageHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if r, f, page, ok := parsePageDocID(h.ID); ok {
			hits = append(hits, PageHit{Record: r, File: f, Page: page, Score: h.Score})
		}
	}
	slices.SortFunc(hits, func(a, b PageHit) int { return a.Page - b.Page })
	return hits, nil
}

// PagesOf groups page hits by record, each record's pages best first.
func PagesOf(hits []PageHit) map[string][]PageHit {
	out := map[string][]PageHit{}
	for _, h := range hits {
		out[h.Record] = append(out[h.Record], h)
	}
	for _, pages := range out {
		slices.SortStableFunc(pages, func(a, b PageHit) int {
			switch {
			case a.Score > b.Score:
				return -1
			case a.Score < b.Score:
				return 1
			}
			return 0
		})
	}
	return out
}
