// Package assets holds the files Annals ships inside its binary: the
// OpenAPI description, the sample catalogue and the CSL styles and locales
// (and, as they arrive, templates, static files and fonts). Only cmd/annals opens it;
// it hands the file system down to the packages that need it, so that
// their tests can use fstest.MapFS instead.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed openapi.json sample csl/styles/*.csl csl/locales/*.xml fonts/*.ttf hyphenation/*.dic templates/*.html static/* i18n/*.json
var files embed.FS

// FS returns the embedded files.
func FS() fs.FS { return files }

// Paths of the embedded files.
const (
	OpenAPIPath = "openapi.json"
	SamplePath  = "sample/jinan-2025.json"
	// StylesDir and LocalesDir hold the CSL styles (CC BY-SA 3.0, see
	// csl/SOURCE.md) and locales.
	StylesDir  = "csl/styles"
	LocalesDir = "csl/locales"
	// Fonts for PDFs (see fonts/SOURCE.md for their licences): DejaVu Serif
	// for Latin and Cyrillic, AR PL SungtiL GB (a Song face, the serif of
	// Chinese) for simplified Chinese, Droid Sans Fallback for the Han
	// characters it lacks (traditional Chinese, Japanese shinjitai), and
	// NanumMyeongjo (a serif face) for Hangul.
	FontRegular     = "fonts/DejaVuSerif.ttf"
	FontBold        = "fonts/DejaVuSerif-Bold.ttf"
	FontItalic      = "fonts/DejaVuSerif-Italic.ttf"
	FontBoldItalic  = "fonts/DejaVuSerif-BoldItalic.ttf"
	FontCJK         = "fonts/gbsn00lp.ttf"
	FontCJKFallback = "fonts/DroidSansFallbackFull.ttf"
	FontHangul      = "fonts/NanumMyeongjo.ttf"
	// HyphenationDir holds hyphenation patterns, hyph_LL_CC.dic (see
	// hyphenation/SOURCE.md for their licences): English and Russian.
	HyphenationDir = "hyphenation"
)
