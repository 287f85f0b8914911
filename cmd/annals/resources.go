package main

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/typeset"
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

// openFonts is the font set PDFs are drawn with, from the embedded files.
func openFonts() (*typeset.Set, error) {
	var faces []*typeset.Face
	for _, f := range []struct{ name, path string }{
		{"sans", assets.FontRegular}, {"sans-bold", assets.FontBold}, {"sans-italic", assets.FontItalic}, {"cjk", assets.FontCJK},
	} {
		data, err := fs.ReadFile(assets.FS(), f.path)
		if err != nil {
			return nil, err
		}
		face, err := typeset.NewFace(f.name, data)
		if err != nil {
			return nil, err
		}
		faces = append(faces, face)
	}
	return typeset.NewSet(faces[0], faces[1], faces[2], faces[3]), nil
}
