package export

import (
	"bufio"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/bibtex"
)

func bibtexFormat() Format {
	imp := bibtex.ImportFormat()
	return Format{Name: "bibtex", Label: "BibTeX", MediaType: "application/x-bibtex", Ext: "bib",
		newEncoder: func() encoder { return bibtexEncoder{} }, Import: &imp}
}

// bibtexEncoder writes BibLaTeX entries separated by blank lines.
type bibtexEncoder struct{}

func (bibtexEncoder) begin(*bufio.Writer, recordio.Widths) error { return nil }

func (bibtexEncoder) write(w *bufio.Writer, r *catalog.Record, ev *catalog.Event, n int, link FileLinker) error {
	if n > 0 {
		w.WriteByte('\n')
	}
	_, err := w.WriteString(bibtex.Entry(withFiles(r, ev, link)))
	return err
}

func (bibtexEncoder) end(*bufio.Writer) error { return nil }
