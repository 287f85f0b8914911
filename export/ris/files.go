package ris

import (
	"net/url"
	"strings"

	"github.com/annals/annals/catalog"
)

// entryFiles reads the files a reference links to in its L1 tags, as
// Zotero, Mendeley and EndNote write them: a path, a file:// URL, or
// EndNote's internal-pdf://FOLDER/NAME (a path inside the library's
// .Data/PDF folder, which is what to give as the import's files). Each
// becomes a linked import file: ResolveImportFiles finds it among the
// import's files, or warns.
func entryFiles(e *risEntry) []catalog.ImportFile {
	var out []catalog.ImportFile
	seen := map[string]bool{}
	for _, v := range e.all("L1") {
		p := filePath(strings.TrimSpace(v))
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, catalog.ImportFile{Path: p, Linked: true})
		}
	}
	catalog.LabelFirstPDFFulltext(out)
	return out
}

// filePath turns an L1 value into a path (or leaves a web link as it is).
func filePath(v string) string {
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "internal-pdf://"):
		return v[len("internal-pdf://"):]
	case strings.HasPrefix(lower, "file://"):
		u, err := url.Parse(v)
		if err != nil || u.Path == "" {
			return v[len("file://"):]
		}
		p := u.Path
		if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // /C:/Users/...
			p = p[1:]
		}
		return p
	}
	return v
}
