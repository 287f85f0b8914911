package export

import (
	"bufio"
	"encoding/json"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/csljson"
)

func csljsonFormat() Format {
	return Format{Name: "csl-json", Label: "CSL-JSON", MediaType: "application/vnd.citationstyles.csl+json", Ext: "json",
		newEncoder: func() encoder { return csljsonEncoder{} },
		Import:     &recordio.Format{Name: "csl-json", MediaTypes: []string{"application/vnd.citationstyles.csl+json"}, Read: csljson.Read}}
}

// csljsonEncoder writes a JSON array of CSL-JSON items, one per line.
type csljsonEncoder struct{}

func (csljsonEncoder) begin(w *bufio.Writer, _ recordio.Widths) error {
	_, err := w.WriteString("[\n")
	return err
}

func (csljsonEncoder) write(w *bufio.Writer, r *catalog.Record, ev *catalog.Event, n int, link FileLinker) error {
	if n > 0 {
		w.WriteString(",\n")
	}
	data, err := json.Marshal(withFiles(r, ev, link)) // with its address, in custom
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func (csljsonEncoder) end(w *bufio.Writer) error {
	_, err := w.WriteString("\n]\n")
	return err
}
