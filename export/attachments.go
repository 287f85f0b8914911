package export

import (
	"net/url"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csljson"
)

// FileLinker says where a record's file is to be found: a URL, or a path
// beside the export (a bundle's files/ID/NAME).
type FileLinker func(r *catalog.Record, f *catalog.File) string

// AtRecordPages links files at their record's page under base
// (https://annals.example.org/records/ID/files/NAME).
func AtRecordPages(base string) FileLinker {
	return func(r *catalog.Record, f *catalog.File) string {
		return base + "/records/" + r.ID + "/files/" + url.PathEscape(f.Name)
	}
}

// withFiles is the CSL-JSON item of r with its open files linked where
// link says; none when link is nil.
func withFiles(r *catalog.Record, ev *catalog.Event, link FileLinker) csljson.Item {
	item := csljson.FromRecord(r, ev)
	if link == nil {
		return item
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for i := range r.Files {
		if f := &r.Files[i]; catalog.FileOpen(f, today) {
			item.Files = append(item.Files, csljson.Attachment{Name: f.Name, URL: link(r, f), MediaType: f.MediaType})
		}
	}
	return item
}
