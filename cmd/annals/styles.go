package main

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/export/csl"
)

// openStyles is the library of citation styles: the built-in ones and
// those in DATA/styles.
func openStyles(cfg Config) (*csl.Library, error) {
	builtin, err := fs.Sub(assets.FS(), assets.StylesDir)
	if err != nil {
		return nil, err
	}
	return csl.NewLibrary(builtin, cfg.StylesDir(), loadLocale)
}

// loadLocale reads a built-in CSL locale file ("ru-RU").
func loadLocale(tag string) ([]byte, error) {
	if tag == "" || strings.ContainsAny(tag, "/\\.") {
		return nil, fmt.Errorf("%q is not a locale", tag)
	}
	return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
}
