package search

import (
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
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
	return newHighlighter(bi.Mapping(), clauses)
}

// newHighlighter prepares the highlighting of query clauses with the
// analyzers of mapping m; nil when there is nothing to mark.
func newHighlighter(m mapping.IndexMapping, clauses []Clause) *Highlighter {
	h := &Highlighter{m: m, terms: map[string]map[string]bool{}}
	any := false
	for _, c := range clauses {
		if c.Exclude || (c.Field != "" && c.Field != "title" && c.Field != "abstract" && c.Field != "keyword" && c.Field != "text") {
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
	return h.marksIn(fam, h.terms[fam], text, 0, len(text))
}

// marksIn returns the merged byte ranges of text[from:to] that match terms,
// as offsets into text; from and to must be word boundaries.
func (h *Highlighter) marksIn(fam string, terms map[string]bool, text string, from, to int) [][2]int {
	if len(terms) == 0 {
		return nil
	}
	var ranges [][2]int
	for _, s := range h.analyze(fam, text[from:to]) {
		if terms[s.term] {
			ranges = append(ranges, [2]int{from + s.start, from + s.end})
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

// chunkBytes is how much of an abstract is analysed at a time while
// looking for its first match: most of a long abstract after it is never
// shown, and need not be analysed.
const chunkBytes = 512

// firstMark returns the first range of text that matches terms.
func (h *Highlighter) firstMark(fam string, terms map[string]bool, text string) ([2]int, bool) {
	for from := 0; from < len(text); {
		to := wordEnd(text, min(len(text), from+chunkBytes))
		if m := h.marksIn(fam, terms, text, from, to); len(m) > 0 {
			return m[0], true
		}
		from = to
	}
	return [2]int{}, false
}

// isBreak reports whether a word cannot run across r: spaces, and the
// punctuation that separates runs of Han characters.
func isBreak(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("。，、；：！？（）《》「」", r)
}

// wordEnd returns the first word boundary at or after i.
func wordEnd(text string, i int) int {
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isBreak(r) {
			return i
		}
		i += size
	}
	return len(text)
}

// wordStart returns the last word boundary at or before i.
func wordStart(text string, i int) int {
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if isBreak(r) {
			return i
		}
		i -= size
	}
	return 0
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

// WithCorrections is r whose query also holds the words its typos were
// corrected to (res.DidYouMean), for highlighting what was found.
func WithCorrections(r Request, res *Result) Request {
	if res != nil && res.DidYouMean != "" {
		r.Query += " " + res.DidYouMean
	}
	return r
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
		if f := h.fragment(lang, text); f != "" {
			out["abstract"] = append(out["abstract"], f)
		}
	}
	title(r.Language, markup.Plain(r.Title)) // marks in the words, not in the tags of the styles
	abstract(r.Language, r.Abstract)
	for _, t := range r.Translations {
		title(t.Language, markup.Plain(t.Title))
		abstract(t.Language, t.Abstract)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Snippet is a fragment of a page's text around its first match, marked
// and HTML-escaped like Highlight's, its lines run together; "" when no
// word of the query is in it. lang is the file's (or record's) language.
func (h *Highlighter) Snippet(lang, text string) string {
	if h == nil {
		return ""
	}
	text = strings.Join(strings.Fields(text), " ")
	return h.fragment(pageLanguage(lang, text), text)
}

// fragment returns about fragmentBytes of an abstract around its first
// match, marked, at word (or, in text without spaces, character)
// boundaries, with ellipses where it was cut; "" if nothing matches. Only
// the text up to the end of the fragment is analysed.
func (h *Highlighter) fragment(lang, text string) string {
	fam := familyOf(lang, text)
	terms := h.terms[fam]
	if len(terms) == 0 {
		return ""
	}
	if len(text) <= fragmentBytes {
		if m := h.marksIn(fam, terms, text, 0, len(text)); len(m) > 0 {
			return render(text, m, 0, len(text))
		}
		return ""
	}
	first, ok := h.firstMark(fam, terms, text)
	if !ok {
		return ""
	}
	from := max(0, first[0]-fragmentBytes/3)
	to := min(len(text), from+fragmentBytes)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	if from > 0 {
		if i := strings.IndexByte(text[from:first[0]], ' '); i >= 0 {
			from += i + 1
		}
	}
	if to < len(text) {
		if i := strings.LastIndexByte(text[first[1]:to], ' '); i >= 0 {
			to = first[1] + i
		}
	}
	s := render(text, h.marksIn(fam, terms, text, wordStart(text, from), wordEnd(text, to)), from, to)
	if from > 0 {
		s = "…" + s
	}
	if to < len(text) {
		s += "…"
	}
	return s
}
