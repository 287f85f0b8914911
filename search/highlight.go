package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
)

// fragmentBytes is about how long an abstract fragment is.
const fragmentBytes = 240

// Highlighter marks the words of one query in the titles and abstracts of
// records, as the index's analyzers see them: "технология" marks
// "технологии", 人工智能 marks the run in 中俄人工智能联合实验室. Everything
// around the marks is HTML-escaped.
type Highlighter struct {
	m     mapping.IndexMapping
	terms map[string]map[string]bool // family -> analysed query terms
}

// Highlighter prepares the highlighting of a request's query. It returns
// nil when there is nothing to mark or no index yet.
func (ix *Index) Highlighter(r Request) *Highlighter {
	clauses, err := ParseQuery(r.Query)
	if r.PlainText {
		clauses, err = PlainClauses(r.Query), nil
	}
	ix.mu.RLock()
	bi := ix.bi
	ix.mu.RUnlock()
	if err != nil || bi == nil {
		return nil
	}
	h := &Highlighter{m: bi.Mapping(), terms: map[string]map[string]bool{}}
	any := false
	for _, c := range clauses {
		if c.Exclude || (c.Field != "" && c.Field != "title" && c.Field != "abstract" && c.Field != "keyword") {
			continue
		}
		for _, fam := range families {
			for _, tok := range h.analyze(fam, c.Text) {
				if h.terms[fam] == nil {
					h.terms[fam] = map[string]bool{}
				}
				h.terms[fam][tok.term] = true
				any = true
			}
		}
	}
	if !any {
		return nil
	}
	return h
}

// span is a run of analysed text: its byte range and its term.
type span struct {
	start, end int
	term       string
}

// analyze returns the tokens of text with byte offsets into text itself.
// The "other" family folds accents before tokenising, which moves offsets,
// so its text is analysed word by word.
func (h *Highlighter) analyze(fam, text string) []span {
	an := h.m.AnalyzerNamed(analyzerOf[fam])
	if an == nil {
		return nil
	}
	if fam != famOther {
		return spans(an.Analyze([]byte(text)), 0)
	}
	var out []span
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, spans(an.Analyze([]byte(text[start:end])), start)...)
			start = -1
		}
	}
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else {
			flush(i)
		}
	}
	flush(len(text))
	return out
}

func isWordRune(r rune) bool {
	return r == 'ʻ' || r == '\'' || r == '’' || !strings.ContainsRune(" \t\n\r.,;:!?()[]{}\"«»“”„—–/\\|", r)
}

func spans(toks analysis.TokenStream, base int) []span {
	out := make([]span, len(toks))
	for i, t := range toks {
		out[i] = span{start: base + t.Start, end: base + t.End, term: string(t.Term)}
	}
	return out
}

// marks returns the merged byte ranges of text that match the query.
func (h *Highlighter) marks(lang, text string) [][2]int {
	fam := familyOf(lang, text)
	terms := h.terms[fam]
	if len(terms) == 0 {
		return nil
	}
	var ranges [][2]int
	for _, s := range h.analyze(fam, text) {
		if terms[s.term] {
			ranges = append(ranges, [2]int{s.start, s.end})
		}
	}
	sort.Slice(ranges, func(i, j int) bool { return ranges[i][0] < ranges[j][0] })
	var merged [][2]int
	for _, r := range ranges { // overlapping (CJK bigrams) or touching ranges become one
		if n := len(merged); n > 0 && r[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], r[1])
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// render writes text[from:to] with the ranges marked, escaping the rest.
func render(text string, ranges [][2]int, from, to int) string {
	var b strings.Builder
	pos := from
	for _, r := range ranges {
		if r[1] <= from || r[0] >= to {
			continue
		}
		start, end := max(r[0], from), min(r[1], to)
		b.WriteString(html.EscapeString(text[pos:start]))
		b.WriteString("<mark>" + html.EscapeString(text[start:end]) + "</mark>")
		pos = end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	return b.String()
}

// Highlight returns the record's titles (its own and translated) that
// contain the query's words, marked, and a fragment of each abstract around
// its first match.
func (h *Highlighter) Highlight(r *catalog.Record) map[string][]string {
	if h == nil {
		return nil
	}
	out := map[string][]string{}
	title := func(lang, text string) {
		if m := h.marks(lang, text); len(m) > 0 {
			out["title"] = append(out["title"], render(text, m, 0, len(text)))
		}
	}
	abstract := func(lang, text string) {
		if m := h.marks(lang, text); len(m) > 0 {
			out["abstract"] = append(out["abstract"], fragment(text, m))
		}
	}
	title(r.Language, r.Title)
	abstract(r.Language, r.Abstract)
	for _, t := range r.Translations {
		title(t.Language, t.Title)
		abstract(t.Language, t.Abstract)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// fragment cuts about fragmentBytes of text around its first mark, at word
// (or, in text without spaces, character) boundaries, with ellipses where
// it was cut.
func fragment(text string, m [][2]int) string {
	if len(text) <= fragmentBytes {
		return render(text, m, 0, len(text))
	}
	from := max(0, m[0][0]-fragmentBytes/3)
	to := min(len(text), from+fragmentBytes)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	if from > 0 {
		if i := strings.IndexByte(text[from:m[0][0]], ' '); i >= 0 {
			from += i + 1
		}
	}
	if to < len(text) {
		if i := strings.LastIndexByte(text[m[0][1]:to], ' '); i >= 0 {
			to = m[0][1] + i
		}
	}
	s := render(text, m, from, to)
	if from > 0 {
		s = "…" + s
	}
	if to < len(text) {
		s += "…"
	}
	return s
}
