package export

import (
	"net/url"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csljson"
)

// FileLinker says where a record's file is to be found: a URL, or a path
// beside the export (a bundle's files/ID/NAME). Asked with no file, it
// gives the record's own address ("" when it has none).
type FileLinker func(r *catalog.Record, f *catalog.File) string

// AtRecordPages links files at their record's page under base
// (https://annals.example.org/records/ID/files/NAME), and the record at
// its page.
func AtRecordPages(base string) FileLinker {
	return func(r *catalog.Record, f *catalog.File) string {
		if f == nil {
			return base + "/records/" + r.ID
		}
		return base + "/records/" + r.ID + "/files/" + url.PathEscape(f.Name)
	}
}

// withFiles is the CSL-JSON item of r with its open files linked where
// link says, and its address in the catalogue when base is known; none
// when link is nil.
func withFiles(r *catalog.Record, ev *catalog.Event, link FileLinker) csljson.Item {
	item := csljson.FromRecord(r, ev)
	if link == nil {
		return item
	}
	if page := link(r, nil); page != "" {
		if item.Custom == nil {
			item.Custom = map[string]string{}
		}
		item.Custom["annals"] = page
	}
	today := time.Now().UTC().Format(time.DateOnly)
	for i := range r.Files {
		if f := &r.Files[i]; catalog.FileOpen(f, today) {
			item.Files = append(item.Files, csljson.Attachment{Name: f.Name, URL: link(r, f), MediaType: f.MediaType})
		}
	}
	return item
}
