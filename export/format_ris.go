package export

import (
	"bufio"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/ris"
)

func risFormat() Format {
	imp := ris.ImportFormat()
	return Format{Name: "ris", Label: "RIS", MediaType: "application/x-research-info-systems", Ext: "ris",
		newEncoder: func() encoder { return risEncoder{} }, Import: &imp}
}

// risEncoder writes RIS records, each ending with ER.
type risEncoder struct{}

func (risEncoder) begin(*bufio.Writer, recordio.Widths) error { return nil }

func (risEncoder) write(w *bufio.Writer, r *catalog.Record, ev *catalog.Event, _ int, link FileLinker) error {
	_, err := w.WriteString(ris.Record(withFiles(r, ev, link)) + "\n")
	return err
}

func (risEncoder) end(*bufio.Writer) error { return nil }
