// Package bundle writes a citation-ready ZIP: the proceedings PDF, the
// same records as BibLaTeX, RIS and CSL-JSON for reference managers, and a
// manifest with each file's size and SHA-256.
package bundle

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/annals/annals/catalog/i18n"
	"io"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/typeset"
)

// Contents are what a bundle is made of.
type Contents struct {
	Document *proceedings.Document
	Fonts    *typeset.Set
	Words    *i18n.Words // the PDF's own words
	// Selection, Style and Locale are recorded in the manifest.
	Selection any
	Style     string
	Locale    string
	// Progress is told of the PDF's progress.
	Progress func(done, total int)
}

// Manifest describes a bundle; it is the bundle's manifest.json.
type Manifest struct {
	Generated time.Time `json:"generated"`
	Selection any       `json:"selection,omitempty"`
	Style     string    `json:"style,omitempty"`
	Locale    string    `json:"locale,omitempty"`
	Records   int       `json:"records"`
	Pages     int       `json:"pages"`
	Files     []File    `json:"files"`
}

// File is one file of the bundle.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Names of the files in a bundle.
const (
	PDFName      = "proceedings.pdf"
	BibTeXName   = "references.bib"
	RISName      = "references.ris"
	CSLJSONName  = "references.json"
	ManifestName = "manifest.json"
)

// Write writes the bundle to out.
func Write(ctx context.Context, out io.Writer, c Contents) (Manifest, error) {
	d := c.Document
	m := Manifest{Generated: d.Generated.UTC(), Selection: c.Selection, Style: c.Style, Locale: c.Locale, Records: d.Entries()}
	z := zip.NewWriter(out)
	add := func(name string, write func(io.Writer) error) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: d.Generated})
		if err != nil {
			return err
		}
		h := sha256.New()
		n := &counter{}
		if err := write(io.MultiWriter(w, h, n)); err != nil {
			return err
		}
		m.Files = append(m.Files, File{Name: name, Size: n.n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	err := add(PDFName, func(w io.Writer) error {
		st, err := proceedings.Render(ctx, w, d, proceedings.Options{Fonts: c.Fonts, Words: c.Words, Progress: c.Progress})
		m.Pages = st.Pages
		return err
	})
	if err != nil {
		return Manifest{}, err
	}
	for _, f := range []struct{ name, format string }{{BibTeXName, "bibtex"}, {RISName, "ris"}, {CSLJSONName, "csl-json"}} {
		if err := add(f.name, func(w io.Writer) error { return writeRecords(ctx, w, f.format, d) }); err != nil {
			return Manifest{}, err
		}
	}
	if err := add(ManifestName, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		e.SetEscapeHTML(false)
		return e.Encode(m)
	}); err != nil {
		return Manifest{}, err
	}
	m.Files = m.Files[:len(m.Files)-1] // the manifest does not list itself
	return m, z.Close()
}

// writeRecords writes the document's records, in its order, in a format.
func writeRecords(ctx context.Context, w io.Writer, format string, d *proceedings.Document) error {
	events := func(_ context.Context, id string) *catalog.Event {
		if d.Event != nil && d.Event.ID == id {
			return d.Event
		}
		return nil
	}
	x, err := export.NewWriter(format, w, events)
	if err != nil {
		return err
	}
	if err := x.Begin(recordio.Widths{}); err != nil { // widths matter to CSV only
		return err
	}
	for _, s := range d.Sections {
		for i := range s.Records {
			if err := x.Write(ctx, &s.Records[i]); err != nil {
				return err
			}
		}
	}
	return x.End()
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
