package export

import (
	"bufio"
	"encoding/json"
	"io"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/csljson"
)

// jsonFormat is Annals' own record, as the API reads and writes it.
func jsonFormat() Format {
	return Format{Name: "json", Label: "JSON", MediaType: "application/json", Ext: "json",
		writeOne: func(w io.Writer, r *catalog.Record, _ *catalog.Event, _ string) error {
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			return enc.Encode(r)
		}, Import: jsonOrCSLJSON()}
}

// jsonOrCSLJSON reads a .json file as Annals' own records, or as CSL-JSON
// when its items have a CSL type and no kind (what Zotero and Citation.js
// export).
func jsonOrCSLJSON() *recordio.Format {
	f := *importFormat("json")
	own := f.Read
	f.Read = func(data []byte) ([]catalog.ImportItem, error) {
		if csljson.Looks(data) {
			return csljson.Read(data)
		}
		return own(data)
	}
	return &f
}

// ndjsonFormat is Annals' own records, one per line: what annals export
// writes, annals import reads back.
func ndjsonFormat() Format {
	return Format{Name: "ndjson", Label: "NDJSON", MediaType: "application/x-ndjson", Ext: "ndjson",
		newEncoder: func() encoder { return ndjsonEncoder{} }, Import: importFormat("ndjson")}
}

type ndjsonEncoder struct{}

func (ndjsonEncoder) begin(*bufio.Writer, recordio.Widths) error { return nil }

func (ndjsonEncoder) write(w *bufio.Writer, r *catalog.Record, _ *catalog.Event, _ int, _ FileLinker) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func (ndjsonEncoder) end(*bufio.Writer) error { return nil }
