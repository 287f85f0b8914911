package search

import (
	"context"
	"math"
	"sort"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Pseudo-relevance feedback: a verbose query (a question, a pasted
// abstract) is run once, and the words that characterise its best results
// are added to it with a lower weight. It finds records that say the same
// thing in other words. Short queries (a name, a title, two or three
// words) are left alone: expanding them makes them drift.
const (
	feedbackMinWords = 5   // meaningful words that make a query verbose
	feedbackDocs     = 10  // results the expansion is drawn from
	feedbackTerms    = 20  // words added
	feedbackWeight   = 0.5 // weight of the added words against the query's
)

// RecordSource loads the records of hits (for display and for the
// feedback), and counts them for a rebuild's progress.
type RecordSource interface {
	FindRecordsByIDs(ctx context.Context, ids []string) ([]catalog.Record, error)
	CountRecords(ctx context.Context) (int, error)
}

// weightedTerm is a candidate expansion term of one family.
type weightedTerm struct {
	fam, term string
	weight    float64
}

// feedback returns the expansion of a verbose query, or nil.
func (ix *Index) feedback(ctx context.Context, bi bleve.Index, clauses []Clause, filters filterSet, isContent wordFilter) (query.Query, error) {
	free := 0
	for _, c := range clauses {
		if c.Field == "" && !c.Phrase && !c.Exclude && isContent(c.Text) {
			free++
		}
	}
	if free < feedbackMinWords || ix.records == nil {
		return nil, nil
	}
	first := bleve.NewSearchRequestOptions(buildQuery(clauses, filters, isContent, nil, nil), feedbackDocs, 0, false)
	res, err := bi.SearchInContext(ctx, first)
	if err != nil || len(res.Hits) == 0 {
		return nil, err
	}
	an := func(fam string) func(string) []span {
		h := &Highlighter{m: bi.Mapping()}
		return func(text string) []span { return h.analyze(fam, text) }
	}
	inQuery := map[string]bool{}
	for _, c := range clauses {
		for _, fam := range families {
			for _, s := range an(fam)(c.Text) {
				inQuery[fam+"\x00"+s.term] = true
			}
		}
	}
	hits := make([]Hit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = Hit{ID: h.ID, Score: h.Score}
	}
	found, err := ix.LoadHits(ctx, filters.from, hits)
	if err != nil {
		return nil, err
	}
	weights := map[string]*weightedTerm{}
	top := res.Hits[0].Score
	for _, h := range found { // records deleted or hidden since give no feedback
		r := h.Record
		counts, length := map[string]*weightedTerm{}, 0
		for _, piece := range recordTexts(r) {
			fam := familyOf(piece.lang, piece.text)
			for _, s := range an(fam)(piece.text) {
				length++
				key := fam + "\x00" + s.term
				if inQuery[key] || (fam != famCJK && utf8.RuneCountInString(s.term) < 3) {
					continue
				}
				if counts[key] == nil {
					counts[key] = &weightedTerm{fam: fam, term: s.term}
				}
				counts[key].weight++
			}
		}
		for key, c := range counts {
			if weights[key] == nil {
				weights[key] = &weightedTerm{fam: c.fam, term: c.term}
			}
			weights[key].weight += c.weight / float64(length) * h.Score / top
		}
	}
	terms, err := withIDF(ctx, bi, weights)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	var qs []query.Query
	for _, t := range terms {
		q := bleve.NewTermQuery(t.term)
		q.SetField(textField(fText, t.fam))
		q.SetBoost(feedbackWeight * t.weight / terms[0].weight)
		qs = append(qs, q)
	}
	return bleve.NewDisjunctionQuery(qs...), nil
}

// withIDF multiplies each candidate's weight by its inverse document
// frequency in the index and returns the best feedbackTerms.
func withIDF(ctx context.Context, bi bleve.Index, weights map[string]*weightedTerm) ([]weightedTerm, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	reader, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	n, err := reader.DocCount()
	if err != nil {
		return nil, err
	}
	out := make([]weightedTerm, 0, len(weights))
	for _, w := range weights {
		tfr, err := reader.TermFieldReader(ctx, []byte(w.term), textField(fText, w.fam), false, false, false)
		if err != nil {
			return nil, err
		}
		df := tfr.Count()
		tfr.Close()
		if df == 0 {
			continue
		}
		out = append(out, weightedTerm{fam: w.fam, term: w.term, weight: w.weight * math.Log(float64(n)/float64(df))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].term < out[j].term
	})
	if len(out) > feedbackTerms {
		out = out[:feedbackTerms]
	}
	if len(out) > 0 && out[0].weight <= 0 {
		return nil, nil
	}
	return out, nil
}

// textPiece is one text of a record with its language.
type textPiece struct{ lang, text string }

// recordTexts lists the texts of a record that feedback reads.
func recordTexts(rec *catalog.Record) []textPiece {
	plain := rec.WithPlainTitles()
	r := &plain
	out := []textPiece{{r.Language, r.Title}, {r.Language, r.Abstract}}
	for _, t := range r.Translations {
		out = append(out, textPiece{t.Language, t.Title}, textPiece{t.Language, t.Abstract})
	}
	for _, k := range r.Keywords {
		out = append(out, textPiece{"", k})
	}
	return out
}
