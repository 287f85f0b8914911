package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/typeset"
)

// sampleFilesPerLanguage is how many presentations of each of English,
// Russian and Chinese get a PDF in the sample.
const sampleFilesPerLanguage = 4

// sampleFileMakers are what attachSampleFiles makes the sample's PDFs with.
type sampleFileMakers struct {
	fonts *typeset.Set
	words *i18n.Words
	style *csl.Processor // for the "Cite as" box; nil for none
	blobs catalog.Blobs
}

// attachSampleFiles gives the sample's think-tank report and twelve of its
// presentations (four each in English, Russian and Chinese) a PDF made from
// the record's own text with the embedded fonts, so that a new catalogue
// has files to open (and, once text is extracted, to search). The records
// are the sample's, just loaded.
func attachSampleFiles(ctx context.Context, s catalog.Store, m sampleFileMakers) (int, error) {
	ctx = catalog.NewContextWithActor(ctx, catalog.Actor{Name: "sample", Role: catalog.RoleAdmin})
	var chosen []catalog.Record
	perLang := map[string]int{}
	f := catalog.RecordFilter{Size: catalog.MaxPageSize}
	for {
		page, err := s.FindRecords(ctx, f)
		if err != nil {
			return 0, err
		}
		for _, r := range page.Records {
			switch {
			case r.Kind == catalog.KindReport:
				chosen = append(chosen, r)
			case r.Kind == catalog.KindPresentation && perLang[r.Language] < sampleFilesPerLanguage &&
				(r.Language == "en" || r.Language == "ru" || r.Language == "zh"):
				perLang[r.Language]++
				chosen = append(chosen, r)
			}
		}
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	for _, r := range chosen {
		if err := attachOffprint(ctx, s, m, r); err != nil {
			return 0, fmt.Errorf("sample file of %s: %w", r.ID, err)
		}
	}
	return len(chosen), nil
}

// attachOffprint renders one record as a PDF and attaches it.
func attachOffprint(ctx context.Context, s catalog.Store, m sampleFileMakers, r catalog.Record) error {
	var ev *catalog.Event
	section := proceedings.Section{Key: r.Session, Records: []catalog.Record{r}}
	if r.Event != "" {
		e, err := s.FindEventByID(ctx, r.Event)
		if err != nil {
			return err
		}
		ev = e
		if sess, ok := e.FindSession(r.Session); ok {
			section.Title = sess.Title
		}
	}
	d := &proceedings.Document{Title: r.Title, Event: ev, Sections: []proceedings.Section{section}, Style: m.style,
		Generated: time.Date(2025, 6, 6, 0, 0, 0, 0, time.UTC), Language: r.Language}
	var buf bytes.Buffer
	if _, err := proceedings.RenderOffprint(ctx, &buf, d, proceedings.Options{Fonts: m.fonts, Words: m.words}); err != nil {
		return err
	}
	blob, err := m.blobs.Put(ctx, &buf, int64(buf.Len()), "")
	if err != nil {
		return err
	}
	label := catalog.LabelSlides
	if r.Kind == catalog.KindReport {
		label = catalog.LabelFulltext
	}
	file := catalog.File{Name: offprintName(r.Title), MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256,
		Language: r.Language, Label: label, Access: catalog.AccessOpen, Created: time.Now().UTC().Truncate(time.Second),
		Text: &catalog.FileText{State: "pending"}}
	_, err = s.SetRecordFiles(ctx, r.ID, 0, func(files []catalog.File) ([]catalog.File, error) {
		return append(files, file), nil
	})
	return err
}

// offprintName is a file name from a title: its first words, without the
// characters names may not have, and .pdf.
func offprintName(title string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return ' '
		}
		return r
	}, title)
	name = strings.Join(strings.Fields(name), " ")
	if runes := []rune(name); len(runes) > 80 {
		name = strings.TrimSpace(string(runes[:80]))
	}
	return strings.TrimRight(name, ". ") + ".pdf"
}

// sampleFiles attaches the sample's files with the embedded fonts,
// messages and APA style.
func sampleFiles(ctx context.Context, cfg Config, s catalog.Store) (int, error) {
	fonts, err := openFonts()
	if err != nil {
		return 0, err
	}
	words, err := i18n.Load(assets.FS())
	if err != nil {
		return 0, err
	}
	styles, err := openStyles(cfg)
	if err != nil {
		return 0, err
	}
	style, err := styles.Processor("apa", "")
	if err != nil {
		return 0, err
	}
	store, err := openBlobs(ctx, cfg)
	if err != nil {
		return 0, err
	}
	return attachSampleFiles(ctx, s, sampleFileMakers{fonts: fonts, words: words, style: style, blobs: store})
}
