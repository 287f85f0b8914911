package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/i18n"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/stamp"
	"github.com/annals/annals/export/typeset"
)

// runProceedings renders the proceedings of an event (or one session) to
// a PDF file, with a progress bar on stderr when it is a terminal. It
// reads the store only, so it works while a server runs.
func runProceedings(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("proceedings", &cfg, stderr)
	event := flags.String("event", "", "the event (required)")
	session := flags.String("session", "", "only this session of the event")
	style := flags.String("style", "apa", "the citation style of the \"Cite as\" lines (GET /api/v1/styles lists them)")
	locale := flags.String("locale", "", "the language of the citations (default: the style's)")
	title := flags.String("title", "", "the proceedings' title (default: from the event)")
	drafts := flags.Bool("include-drafts", false, "include drafts and withdrawn records")
	onePerPage := flags.Bool("one-per-page", false, "start every entry on a page of its own (default: entries flow, several to a page)")
	fullPapers := flags.Bool("full-papers", false, "put each record's full paper (its open PDF) after its entry")
	out := flags.String("o", "", "the PDF file to write (required)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	switch {
	case flags.NArg() > 0:
		return usagef("proceedings takes no arguments, got %q", flags.Args())
	case *event == "":
		return usagef("--event is required")
	case *out == "":
		return usagef("-o FILE.pdf is required")
	}
	styles, err := openStyles(cfg)
	if err != nil {
		return err
	}
	proc, err := styles.Processor(*style, *locale)
	if errors.Is(err, csl.ErrNoStyle) {
		var ids []string
		for _, s := range styles.Styles() {
			ids = append(ids, s.ID)
		}
		return usagef("--style: %q is not a style; use one of %s", *style, strings.Join(ids, ", "))
	}
	if err != nil {
		return err
	}
	fonts, err := openFonts()
	if err != nil {
		return err
	}
	words, err := i18n.Load(assets.FS())
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	doc, err := proceedings.Build(ctx, store, proceedings.Selection{Event: *event, Session: *session, Title: *title,
		IncludeDrafts: *drafts}, proc, time.Now())
	if err != nil {
		return err
	}
	doc.OnePerPage = *onePerPage
	// written beside the target and renamed when complete
	file, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(file.Name())
	bar := newProgressBar(stderr)
	var st proceedings.Stats
	if *fullPapers {
		var unplaced []stamp.Unplaced
		st, unplaced, err = renderWithPapers(ctx, cfg, file, doc, fonts, words, bar.update)
		for _, u := range unplaced {
			fmt.Fprintf(stderr, "warning: %s: the paper %q is not in the book: %s\n", u.Record, u.File, u.Reason)
		}
	} else {
		st, err = proceedings.Render(ctx, file, doc, proceedings.Options{Fonts: fonts, Words: words, Progress: bar.update})
	}
	bar.done()
	if err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return err
	}
	if err := os.Rename(file.Name(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Wrote %s: %d entries, %d pages\n", *out, st.Entries, st.Pages)
	return nil
}

// progressBar draws "Rendering [=====     ] 45/88" on a terminal, and
// nothing elsewhere.
type progressBar struct {
	w  io.Writer
	on bool
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok {
		return &progressBar{w: w}
	}
	st, err := f.Stat()
	return &progressBar{w: w, on: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (b *progressBar) update(done, total int) {
	if !b.on || total == 0 {
		return
	}
	const width = 30
	n := done * width / total
	fmt.Fprintf(b.w, "\rRendering [%s%s] %d/%d", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total)
}

func (b *progressBar) done() {
	if b.on {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

// renderWithPapers writes the proceedings with the records' full papers,
// read from the data directory's files through PDFium.
func renderWithPapers(ctx context.Context, cfg Config, out io.Writer, doc *proceedings.Document, fonts *typeset.Set, words *i18n.Words,
	progress func(done, total int)) (proceedings.Stats, []stamp.Unplaced, error) {
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return proceedings.Stats{}, nil, err
	}
	stamper := stamp.New(stamp.Config{Blobs: files, CacheDir: cfg.StampedDir(), Catalogue: "Annals",
		Render: proceedings.Options{Fonts: fonts, Words: words},
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{Timeout: 10 * time.Minute, CacheDir: cfg.PDFiumCacheDir()})
		}})
	defer stamper.Close()
	return stamper.RenderWithPapers(ctx, out, doc, progress)
}
