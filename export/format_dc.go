package export

import (
	"io"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/dc"
)

func dcFormat() Format {
	return Format{Name: "dc", Label: "Dublin Core", MediaType: "application/xml", Ext: "xml",
		writeOne: func(w io.Writer, r *catalog.Record, ev *catalog.Event, recordURL string) error {
			return dc.Write(w, dc.FromRecord(r, ev, recordURL))
		}}
}
