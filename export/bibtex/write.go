// Package bibtex writes and reads BibTeX (in its BibLaTeX dialect, which
// has dates, events and languages). Text is written as UTF-8: Cyrillic and
// Chinese stay as they are, never transliterated or dropped.
package bibtex

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export/csljson"
)

// entryTypes maps CSL types to BibLaTeX entry types. BibLaTeX has no
// speech or treaty: they are @misc.
var entryTypes = map[string]string{
	"report": "report", "book": "book", "chapter": "incollection", "article-journal": "article",
	"dataset": "dataset", "paper-conference": "inproceedings",
}

// EntryType returns the BibLaTeX entry type of a CSL type.
func EntryType(cslType string) string {
	if t, ok := entryTypes[cslType]; ok {
		return t
	}
	return "misc"
}

// escaper protects the characters BibTeX gives a meaning to.
var escaper = strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\{`, "}", `\}`, "%", `\%`, "&", `\&`, "#", `\#`,
	"$", `\$`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)

// Escape makes one line of text safe inside a braced BibTeX value: special
// characters are escaped and runs of hyphens are kept from becoming TeX's
// en and em dashes ("--" is written "-{}-").
func Escape(s string) string {
	s = escaper.Replace(strings.Join(strings.Fields(s), " "))
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-{}-")
	}
	return s
}

// latexStyles are the commands a title's styles are written with.
var latexStyles = map[markup.Style]string{markup.Italic: `\textit{`, markup.Bold: `\textbf{`, markup.SmallCaps: `\textsc{`,
	markup.Superscript: `\textsuperscript{`, markup.Subscript: `\textsubscript{`, markup.NoCase: "{", markup.NoDecor: "{"}

// escapeRich is Escape for a title that may carry markup: its styles are
// written as \textit{}, \textbf{}..., nested as they were, and read back as
// the same markup.
func escapeRich(s string) string {
	if !markup.Has(s) {
		return Escape(s)
	}
	var b strings.Builder
	var opened []int // where each open style's text starts
	for _, t := range markup.Tokens(s) {
		switch t.Kind {
		case markup.Open:
			b.WriteString(latexStyles[t.Style])
			opened = append(opened, b.Len())
		case markup.Close:
			start := opened[len(opened)-1]
			opened = opened[:len(opened)-1]
			if t.Style == markup.NoCase && strings.HasPrefix(b.String()[start:], `\`) {
				// "{\textit{x}}" would read back as a command's group: a
				// second pair of braces keeps the case ("{{\textit{x}}}")
				text := b.String()
				b.Reset()
				b.WriteString(text[:start] + "{" + text[start:] + "}")
			}
			b.WriteString("}")
		default:
			if r, _ := utf8.DecodeRuneInString(t.Text); unicode.IsSpace(r) {
				b.WriteString(" ")
			}
			b.WriteString(Escape(t.Text))
			if r, _ := utf8.DecodeLastRuneInString(t.Text); unicode.IsSpace(r) && strings.TrimSpace(t.Text) != "" {
				b.WriteString(" ")
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// escapeParagraphs is Escape for text in paragraphs (abstracts): the blank
// lines between paragraphs are kept.
func escapeParagraphs(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = Escape(p); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// namePart escapes part of a name; braces keep a part with spaces, commas
// or quotes whole, so that BibTeX's name rules do not split it into
// particles or names.
func namePart(s string) string {
	e := strings.ReplaceAll(Escape(s), `"`, `{"}`)
	if strings.ContainsAny(s, " ,\"") {
		return "{" + e + "}"
	}
	return e
}

func names(ns []csljson.Name) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		switch {
		case n.Literal != "":
			parts[i] = "{" + strings.ReplaceAll(Escape(n.Literal), `"`, `{"}`) + "}" // one name, not "Family, Given"
		case n.Given != "":
			parts[i] = namePart(n.Family) + ", " + strings.ReplaceAll(Escape(n.Given), `"`, `{"}`)
		default:
			parts[i] = namePart(n.Family)
		}
	}
	return strings.Join(parts, " and ")
}

func date(d *csljson.Date) string {
	if d == nil {
		return ""
	}
	var ends []string
	for _, parts := range d.DateParts {
		var s []string
		for i, p := range parts {
			if i == 0 {
				s = append(s, strconv.Itoa(p))
			} else {
				s = append(s, fmt.Sprintf("%02d", p))
			}
		}
		ends = append(ends, strings.Join(s, "-"))
	}
	return strings.Join(ends, "/")
}

// field is one "name = {value}" line.
type field struct{ name, value string }

// Entry writes one item as a BibLaTeX entry keyed by its citation key
// (the key it was imported with) or else its id.
func Entry(it csljson.Item) string { return entry(it, Key(it)) }

func entry(it csljson.Item, key string) string {
	fs := []field{
		{"author", names(it.Author)}, {"editor", names(it.Editor)}, {"translator", names(it.Translator)},
		{"title", escapeRich(it.Title)}, {"date", date(it.Issued)}, {"origdate", date(it.OriginalDate)},
		{"eventtitle", Escape(it.EventTitle)}, {"venue", Escape(it.EventPlace)}, {"eventdate", date(it.EventDate)},
	}
	fs = append(fs, containerFields(it)...)
	if it.Type == "report" {
		fs = append(fs, field{"institution", Escape(it.Publisher)})
	} else {
		fs = append(fs, field{"publisher", Escape(it.Publisher)})
	}
	fs = append(fs, field{"location", Escape(it.PublisherPlace)}, field{"series", escapeRich(it.CollectionTitle)},
		field{"edition", Escape(it.Edition)}, field{"chapter", Escape(it.ChapterNumber)},
		field{"pages", strings.ReplaceAll(Escape(it.Page), "-", "--")}, field{"pagetotal", Escape(it.NumberOfPages)},
		field{"type", Escape(it.Genre)}, field{"howpublished", Escape(it.Medium)},
		field{"doi", Escape(it.DOI)}, field{"isbn", Escape(strings.Join(append([]string{it.ISBN}, it.OtherISBNs...), ", "))},
		field{"issn", Escape(strings.Join(append([]string{it.ISSN}, it.OtherISSNs...), ", "))},
		field{"pmid", Escape(it.PMID)}, field{"pmcid", Escape(it.PMCID)}, field{"handle", Escape(it.Handle)})
	if it.ArXiv != "" {
		fs = append(fs, field{"eprinttype", "arxiv"}, field{"eprint", Escape(it.ArXiv)})
	}
	fs = append(fs, field{"url", it.URL}, field{"language", Escape(it.Language)}, field{"keywords", keywordsField(it)},
		field{"abstract", escapeParagraphs(it.Abstract)}, field{"file", fileField(it.Files)}, field{"annals", it.Custom["annals"]})
	var b strings.Builder
	fmt.Fprintf(&b, "@%s{%s,\n", EntryType(it.Type), key)
	for _, f := range fs {
		if f.value != "" && f.value != ", " {
			fmt.Fprintf(&b, "  %s = {%s},\n", f.name, f.value)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// containerFields are where an item was published: an article's journal
// (its issue is BibLaTeX's number, its article number eid), a chapter's or
// a paper's book.
func containerFields(it csljson.Item) []field {
	if it.Type == "article-journal" {
		return []field{{"journaltitle", escapeRich(it.ContainerTitle)}, {"volume", Escape(it.Volume)},
			{"number", Escape(it.Issue)}, {"eid", Escape(it.Number)}}
	}
	return []field{{"booktitle", escapeRich(it.ContainerTitle)}, {"volume", Escape(it.Volume)},
		{"issue", Escape(it.Issue)}, {"number", Escape(it.Number)}}
}

// Key is the key an item is written with: the key it was imported with
// when BibTeX can read it back as one (no spaces, commas or braces), its id
// otherwise.
func Key(it csljson.Item) string {
	if k := it.CitationKey; k != "" && !strings.ContainsAny(k, " \t\r\n,{}()\"#%'=\\~") && utf8.ValidString(k) {
		return k
	}
	return it.ID
}

// fileField writes files as JabRef and Zotero do:
// "Description:Link:Type;…", with the three separators escaped inside.
func fileField(files []csljson.Attachment) string {
	esc := strings.NewReplacer(`\`, `\\`, ":", `\:`, ";", `\;`, "{", `\{`, "}", `\}`)
	var parts []string
	for _, f := range files {
		mt, _, _ := strings.Cut(f.MediaType, ";")
		parts = append(parts, esc.Replace(f.Name)+":"+esc.Replace(f.URL)+":"+esc.Replace(mt))
	}
	return strings.Join(parts, ";")
}

// Write writes items as a BibLaTeX file, one entry after another; two
// items with the same citation key are told apart by the second's id.
func Write(w io.Writer, items []csljson.Item) error {
	used := map[string]bool{}
	for i, it := range items {
		key := Key(it)
		if used[strings.ToLower(key)] {
			key = it.ID
		}
		used[strings.ToLower(key)] = true
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, entry(it, key)); err != nil {
			return err
		}
	}
	return nil
}

// keywordsField lists the keywords with commas, a keyword that holds a
// comma or a semicolon in braces ({Demand and Supply, Prices}).
func keywordsField(it csljson.Item) string {
	kw := it.Keywords
	if len(kw) == 0 {
		kw = csljson.SplitKeywords(it.Keyword)
	}
	out := make([]string, len(kw))
	for i, k := range kw {
		out[i] = Escape(k)
		if strings.ContainsAny(k, ",;") {
			out[i] = "{" + out[i] + "}"
		}
	}
	return strings.Join(out, ", ")
}
