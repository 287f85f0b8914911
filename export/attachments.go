package export

import (
	"net/url"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csljson"
)

// withFiles is the CSL-JSON item of r with its open files linked at the
// record's page (recordURL); none without one.
func withFiles(r *catalog.Record, ev *catalog.Event, recordURL string) csljson.Item {
	item := csljson.FromRecord(r, ev)
	if recordURL == "" {
		return item
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for i := range r.Files {
		if f := &r.Files[i]; catalog.FileOpen(f, today) {
			item.Files = append(item.Files, csljson.Attachment{Name: f.Name, URL: recordURL + "/files/" + url.PathEscape(f.Name), MediaType: f.MediaType})
		}
	}
	return item
}
