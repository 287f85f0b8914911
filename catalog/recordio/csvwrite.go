package recordio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

// Widths is how many list entries the columns of a CSV export hold; a
// file's widths fit its widest record (see Fit).
type Widths struct {
	Translations     int
	Contributors     int
	NameTranslations int // per contributor
}

// Fit widens w to hold r.
func (w *Widths) Fit(r *catalog.Record) {
	w.Translations = max(w.Translations, len(r.Translations))
	w.Contributors = max(w.Contributors, len(r.Contributors))
	for _, c := range r.Contributors {
		w.NameTranslations = max(w.NameTranslations, len(c.Translations))
	}
}

// csvColumn is a column of a CSV export and how to read its value.
type csvColumn struct {
	name  string
	value func(r *catalog.Record) string
}

func list(values []string) string { return strings.Join(values, ListSeparator) }

// csvColumns lists the columns for widths, in the order ReadCSV documents.
func csvColumns(w Widths) []csvColumn {
	cols := []csvColumn{
		{"id", func(r *catalog.Record) string { return r.ID }},
		{"kind", func(r *catalog.Record) string { return string(r.Kind) }},
		{"status", func(r *catalog.Record) string { return string(r.Status) }},
		{"title", func(r *catalog.Record) string { return r.Title }},
		{"language", func(r *catalog.Record) string { return r.Language }},
		{"abstract", func(r *catalog.Record) string { return r.Abstract }},
		{"event", func(r *catalog.Record) string { return r.Event }},
		{"session", func(r *catalog.Record) string { return r.Session }},
		{"date", func(r *catalog.Record) string { return r.Date }},
		{"topics", func(r *catalog.Record) string { return list(r.Topics) }},
		{"keywords", func(r *catalog.Record) string { return list(r.Keywords) }},
		{"publisher", func(r *catalog.Record) string { return r.Publisher }},
		{"place", func(r *catalog.Record) string { return r.Place }},
		{"series", func(r *catalog.Record) string { return r.Series }},
		{"number", func(r *catalog.Record) string { return r.Number }},
		{"pages", func(r *catalog.Record) string { return r.Pages }},
		{"container_title", func(r *catalog.Record) string { return r.ContainerTitle }},
		{"volume", func(r *catalog.Record) string { return r.Volume }},
		{"issue", func(r *catalog.Record) string { return r.Issue }},
		{"edition", func(r *catalog.Record) string { return r.Edition }},
		{"chapter", func(r *catalog.Record) string { return r.Chapter }},
		{"number_of_pages", func(r *catalog.Record) string { return r.NumberOfPages }},
		{"original_date", func(r *catalog.Record) string { return r.OriginalDate }},
		{"genre", func(r *catalog.Record) string { return r.Genre }},
		{"medium", func(r *catalog.Record) string { return r.Medium }},
		{"event_name", func(r *catalog.Record) string { return r.EventName }},
		{"citation_key", func(r *catalog.Record) string { return r.CitationKey }},
		{"identifiers.doi", func(r *catalog.Record) string { return r.Identifiers.DOI }},
		{"identifiers.isbn", func(r *catalog.Record) string { return r.Identifiers.ISBN }},
		{"identifiers.other_isbns", func(r *catalog.Record) string { return list(r.Identifiers.OtherISBNs) }},
		{"identifiers.issn", func(r *catalog.Record) string { return r.Identifiers.ISSN }},
		{"identifiers.other_issns", func(r *catalog.Record) string { return list(r.Identifiers.OtherISSNs) }},
		{"identifiers.pmid", func(r *catalog.Record) string { return r.Identifiers.PMID }},
		{"identifiers.pmcid", func(r *catalog.Record) string { return r.Identifiers.PMCID }},
		{"identifiers.arxiv", func(r *catalog.Record) string { return r.Identifiers.ArXiv }},
		{"identifiers.handle", func(r *catalog.Record) string { return r.Identifiers.Handle }},
		{"identifiers.url", func(r *catalog.Record) string { return r.Identifiers.URL }},
		{"license", func(r *catalog.Record) string { return r.License }},
		{"note", func(r *catalog.Record) string { return r.Note }},
	}
	for i := range w.Translations {
		t := func(r *catalog.Record) *catalog.Translation {
			if i < len(r.Translations) {
				return &r.Translations[i]
			}
			return &catalog.Translation{}
		}
		p := fmt.Sprintf("translations[%d].", i)
		cols = append(cols,
			csvColumn{p + "language", func(r *catalog.Record) string { return t(r).Language }},
			csvColumn{p + "title", func(r *catalog.Record) string { return t(r).Title }},
			csvColumn{p + "abstract", func(r *catalog.Record) string { return t(r).Abstract }})
	}
	for i := range w.Contributors {
		c := func(r *catalog.Record) *catalog.Contributor {
			if i < len(r.Contributors) {
				return &r.Contributors[i]
			}
			return &catalog.Contributor{}
		}
		p := fmt.Sprintf("contributors[%d].", i)
		cols = append(cols,
			csvColumn{p + "family", func(r *catalog.Record) string { return c(r).Family }},
			csvColumn{p + "given", func(r *catalog.Record) string { return c(r).Given }},
			csvColumn{p + "literal", func(r *catalog.Record) string { return c(r).Literal }},
			csvColumn{p + "role", func(r *catalog.Record) string { return c(r).Role }},
			csvColumn{p + "affiliation", func(r *catalog.Record) string { return c(r).Affiliation }},
			csvColumn{p + "country", func(r *catalog.Record) string { return c(r).Country }},
			csvColumn{p + "orcid", func(r *catalog.Record) string { return c(r).ORCID }})
		for j := range w.NameTranslations {
			n := func(r *catalog.Record) *catalog.NameTranslation {
				if ts := c(r).Translations; j < len(ts) {
					return &ts[j]
				}
				return &catalog.NameTranslation{}
			}
			q := fmt.Sprintf("%stranslations[%d].", p, j)
			cols = append(cols,
				csvColumn{q + "language", func(r *catalog.Record) string { return n(r).Language }},
				csvColumn{q + "family", func(r *catalog.Record) string { return n(r).Family }},
				csvColumn{q + "given", func(r *catalog.Record) string { return n(r).Given }},
				csvColumn{q + "literal", func(r *catalog.Record) string { return n(r).Literal }})
		}
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return append(cols,
		csvColumn{"created", func(r *catalog.Record) string { return stamp(r.Created) }},
		csvColumn{"updated", func(r *catalog.Record) string { return stamp(r.Updated) }},
		csvColumn{"version", func(r *catalog.Record) string {
			if r.Version == 0 {
				return ""
			}
			return fmt.Sprint(r.Version)
		}})
}

// CSVWriter writes records as CSV that ReadCSV reads back: a header of
// field paths, then one row per record.
type CSVWriter struct {
	w    *csv.Writer
	cols []csvColumn
}

// NewCSVWriter writes the header for widths and returns the writer.
func NewCSVWriter(out io.Writer, w Widths) (*CSVWriter, error) {
	cw := &CSVWriter{w: csv.NewWriter(out), cols: csvColumns(w)}
	header := make([]string, len(cw.cols))
	for i, c := range cw.cols {
		header[i] = c.name
	}
	return cw, cw.w.Write(header)
}

// Write writes one record. Its lists must fit the widths given.
func (cw *CSVWriter) Write(r *catalog.Record) error {
	row := make([]string, len(cw.cols))
	for i, c := range cw.cols {
		row[i] = c.value(r)
	}
	return cw.w.Write(row)
}

// Flush writes buffered rows and reports any error.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}
