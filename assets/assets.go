// Package assets holds the files Annals ships inside its binary: the
// OpenAPI description and the sample catalogue (and, as they arrive,
// templates, static files, fonts and CSL styles). Only cmd/annals opens it;
// it hands the file system down to the packages that need it, so that
// their tests can use fstest.MapFS instead.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed openapi.json sample
var files embed.FS

// FS returns the embedded files.
func FS() fs.FS { return files }

// Paths of the embedded files.
const (
	OpenAPIPath = "openapi.json"
	SamplePath  = "sample/jinan-2025.json"
)
