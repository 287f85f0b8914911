package export

import (
	"bufio"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

func csvFormat() Format {
	return Format{Name: "csv", Label: "CSV", MediaType: "text/csv", Ext: "csv",
		newEncoder: func() encoder { return &csvEncoder{} }, Import: importFormat("csv")}
}

// csvEncoder writes a table with a column per field path, as CSV import
// reads it.
type csvEncoder struct{ csv *recordio.CSVWriter }

func (e *csvEncoder) begin(w *bufio.Writer, widths recordio.Widths) error {
	var err error
	e.csv, err = recordio.NewCSVWriter(w, widths)
	return err
}

func (e *csvEncoder) write(_ *bufio.Writer, r *catalog.Record, _ *catalog.Event, _ int, _ FileLinker) error {
	return e.csv.Write(r)
}

func (e *csvEncoder) end(*bufio.Writer) error { return e.csv.Flush() }
