package search

import (
	"context"
	"database/sql"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/blevesearch/bleve/v2"
)

// judgedQuery is one query of the judged multilingual set with its graded
// judgments (record id -> gain).
type judgedQuery struct {
	ID, Lang, Kind, Text string
	Gains                map[string]int
}

func loadJudged(t *testing.T) []judgedQuery {
	data, err := os.ReadFile(filepath.Join("testdata", "judged", "queries.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []judgedQuery
	for n, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("queries.tsv line %d: %d columns", n+1, len(f))
		}
		q := judgedQuery{ID: f[0], Lang: f[1], Kind: f[2], Text: f[3], Gains: map[string]int{}}
		for _, j := range strings.Fields(f[4]) {
			id, g, _ := strings.Cut(j, ":")
			gain, err := strconv.Atoi(g)
			if err != nil || gain < 1 || gain > 3 {
				t.Fatalf("queries.tsv line %d: judgment %q", n+1, j)
			}
			if !strings.Contains(id, "-ru-") && !strings.HasPrefix(id, "cnki-") {
				id = "jinan-2025-" + id
			}
			q.Gains[id] = gain
		}
		out = append(out, q)
	}
	return out
}

// judgedMetrics are nDCG@10 and MRR (the first result of gain 2 or more)
// averaged over queries.
type judgedMetrics struct{ NDCG10, MRR float64 }

func scoreRanking(q judgedQuery, ranked []string) (ndcg, rr float64) {
	var dcg float64
	for i := 0; i < 10 && i < len(ranked); i++ {
		if g := q.Gains[ranked[i]]; g > 0 {
			dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
		}
	}
	gains := make([]int, 0, len(q.Gains))
	for _, g := range q.Gains {
		gains = append(gains, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(gains)))
	var idcg float64
	for i := 0; i < 10 && i < len(gains); i++ {
		idcg += (math.Pow(2, float64(gains[i])) - 1) / math.Log2(float64(i+2))
	}
	for i, id := range ranked {
		if q.Gains[id] >= 2 {
			rr = 1 / float64(i+1)
			break
		}
	}
	return dcg / idcg, rr
}

func evaluateJudged(qs []judgedQuery, rank func(judgedQuery) []string) (all judgedMetrics, byKind map[string]judgedMetrics) {
	byKind = map[string]judgedMetrics{}
	count := map[string]int{}
	for _, q := range qs {
		n, rr := scoreRanking(q, rank(q))
		all.NDCG10 += n
		all.MRR += rr
		m := byKind[q.Kind]
		m.NDCG10 += n
		m.MRR += rr
		byKind[q.Kind] = m
		count[q.Kind]++
	}
	all.NDCG10 /= float64(len(qs))
	all.MRR /= float64(len(qs))
	for k, m := range byKind {
		m.NDCG10 /= float64(count[k])
		m.MRR /= float64(count[k])
		byKind[k] = m
	}
	return all, byKind
}

// plainText is what a peer indexes of a record: title, translations,
// abstract, names in every form they are given.
func plainText(r *catalog.Record) (title, abstract, names string) {
	title = r.Title
	for _, t := range r.Translations {
		title += " " + t.Title
	}
	abstract = r.Abstract
	var ns []string
	for _, c := range r.Contributors {
		ns = append(ns, c.DisplayName())
		for _, t := range c.Translations {
			ns = append(ns, strings.TrimSpace(t.Family+" "+t.Given+" "+t.Literal))
		}
	}
	return title, abstract, strings.Join(ns, "; ")
}

// TestJudgedMultilingualSet runs the 90 judged queries (testdata/judged)
// over the sample and the real multilingual records through Annals, SQLite
// FTS5 (porter unicode61, the words OR-ed, bm25) and Bleve with its
// default mapping (title, abstract and names as one document's fields,
// the query as a match query), and reports nDCG@10 and MRR of each, in
// all and by kind of query. Annals must stay ahead of both peers.
func TestJudgedMultilingualSet(t *testing.T) {
	qs := loadJudged(t)
	if len(qs) < 80 {
		t.Fatalf("%d judged queries", len(qs))
	}
	e := newEnv(t)
	e.loadSample()
	real := catalogtest.MultilingualRecords(t)
	e.load(real)
	_, sample := catalogtest.Sample(t)
	recs := append(sample, real...)
	known := map[string]bool{}
	for _, r := range recs {
		known[r.ID] = true
	}
	for _, q := range qs {
		for id := range q.Gains {
			if !known[id] {
				t.Fatalf("%s judges %s, which is not a record", q.ID, id)
			}
		}
	}
	annals := func(q judgedQuery) []string {
		res, err := e.index.Search(context.Background(), Request{Query: q.Text, Size: 20, NoFacets: true})
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	// SQLite FTS5
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "fts.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, abstract, names, tokenize = 'porter unicode61')`); err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		title, abstract, names := plainText(&recs[i])
		if _, err := db.Exec(`INSERT INTO docs VALUES (?, ?, ?, ?)`, recs[i].ID, title, abstract, names); err != nil {
			t.Fatal(err)
		}
	}
	fts := func(q judgedQuery) []string {
		words := ftsWord.FindAllString(strings.ToLower(q.Text), -1)
		for i, w := range words {
			words[i] = `"` + w + `"`
		}
		rows, err := db.Query(`SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 20`, strings.Join(words, " OR "))
		if err != nil {
			t.Fatalf("fts5 %s: %v", q.ID, err)
		}
		defer rows.Close()
		var ids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	// Bleve, default mapping
	bi, err := bleve.New(filepath.Join(t.TempDir(), "default.bleve"), bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer bi.Close()
	b := bi.NewBatch()
	for i := range recs {
		title, abstract, names := plainText(&recs[i])
		b.Index(recs[i].ID, map[string]string{"title": title, "abstract": abstract, "names": names})
	}
	if err := bi.Batch(b); err != nil {
		t.Fatal(err)
	}
	plain := func(q judgedQuery) []string {
		res, err := bi.Search(bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q.Text), 20, 0, false))
		if err != nil {
			t.Fatalf("bleve %s: %v", q.ID, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	results := map[string]judgedMetrics{}
	for _, engine := range []struct {
		name string
		rank func(judgedQuery) []string
	}{{"Annals", annals}, {"FTS5", fts}, {"Bleve default", plain}} {
		all, byKind := evaluateJudged(qs, engine.rank)
		results[engine.name] = all
		line := ""
		for _, k := range []string{"name", "topic", "typo", "question"} {
			line += " | " + k + " " + strconv.FormatFloat(byKind[k].NDCG10, 'f', 3, 64)
		}
		t.Logf("%-13s nDCG@10 %.3f  MRR %.3f%s", engine.name, all.NDCG10, all.MRR, line)
	}
	for _, peer := range []string{"FTS5", "Bleve default"} {
		if results["Annals"].NDCG10 <= results[peer].NDCG10 || results["Annals"].MRR <= results[peer].MRR {
			t.Errorf("Annals (%+v) is not ahead of %s (%+v)", results["Annals"], peer, results[peer])
		}
	}
	if os.Getenv("ANNALS_JUDGED_SHOW") != "" { // each query's first results, to read
		for _, q := range qs {
			n, _ := scoreRanking(q, annals(q))
			if n < 0.8 {
				t.Logf("%s %q nDCG %.2f: %v", q.ID, q.Text, n, first(annals(q), 5))
			}
		}
	}
}
