// Package proceedingstest gives tests and benchmarks the embedded fonts,
// styles and the sample catalogue as proceedings.
package proceedingstest

import (
	"github.com/annals/annals/catalog/i18n"
	"io/fs"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/typeset"
)

// Fonts is the embedded font set.
func Fonts(t testing.TB) *typeset.Set {
	t.Helper()
	set, err := typeset.LoadSet(assets.FS(), typeset.FaceFiles{Regular: assets.FontRegular, Bold: assets.FontBold,
		Italic: assets.FontItalic, BoldItalic: assets.FontBoldItalic, CJK: []string{assets.FontCJK, assets.FontCJKFallback, assets.FontHangul}})
	if err != nil {
		t.Fatal(err)
	}
	hyphenation, err := typeset.LoadHyphenation(assets.FS(), assets.HyphenationDir)
	if err != nil {
		t.Fatal(err)
	}
	return set.WithHyphenation(hyphenation)
}

// Words are the embedded messages, the PDF's own words.
func Words(t testing.TB) *i18n.Words {
	t.Helper()
	w, err := i18n.Load(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Style is a built-in style's processor in its default locale.
func Style(t testing.TB, id string) *csl.Processor {
	t.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.StylesDir+"/"+id+".csl")
	if err != nil {
		t.Fatal(err)
	}
	s, err := csl.ParseStyle(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := csl.NewProcessor(s, "", func(tag string) ([]byte, error) {
		return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// SampleDocument is the Jinan 2025 sample catalogue as proceedings in APA.
func SampleDocument(t testing.TB) *proceedings.Document {
	t.Helper()
	events, records := catalogtest.Sample(t)
	ev := &events[0]
	return &proceedings.Document{Event: ev, Sections: proceedings.Arrange(ev, records, "Other outputs"), Style: Style(t, "apa"),
		Generated: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
}
