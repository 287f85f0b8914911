package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/annals/annals/export/proceedings"
)

// Published proceedings: what any reader may download from an event's
// page — the published records of the event (or of one session), in a
// style and locale — made once and kept until something in them changes:
// a record, the event, the style or the locale gives another file name
// (a digest of them all), and older files of the same proceedings are
// removed when a new one is made.

// PublishedProceedings returns the path of the PDF of an event's published
// proceedings (a session's when session is set), making it when it is not
// made yet or is out of date. ENOTFOUND for an unknown event or session.
func (r *Runner) PublishedProceedings(ctx context.Context, event, session, style, locale string) (string, error) {
	req := Request{Kind: KindProceedings, Event: event, Session: session, Style: style, Locale: locale}
	if err := r.check(ctx, &req); err != nil {
		return "", err
	}
	proc, err := r.cfg.Styles.Processor(req.Style, req.Locale)
	if err != nil {
		return "", err
	}
	sel := proceedings.Selection{Event: event, Session: session}
	doc, err := proceedings.Build(ctx, r.cfg.Catalog, sel, proc, r.cfg.Now())
	if err != nil {
		return "", err
	}
	dir := filepath.Join(r.cfg.Dir, "published")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	prefix := safeName(event + "-" + session + "-" + req.Style + "-" + proc.Locale())
	path := filepath.Join(dir, prefix+"-"+digest(doc, req.Style, proc.Locale())+".pdf")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	r.publicMu.Lock() // one at a time: two readers asking for the same file wait for one rendering
	defer r.publicMu.Unlock()
	if _, err := os.Stat(path); err == nil { // made while this one waited
		return path, nil
	}
	tmp, err := os.CreateTemp(dir, ".proceedings-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := proceedings.Render(ctx, tmp, doc, proceedings.Options{Fonts: r.cfg.Fonts, Words: r.cfg.Words}); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, prefix+"-*.pdf"))
	for _, o := range old {
		if o != path {
			if err := os.Remove(o); err != nil && !errors.Is(err, os.ErrNotExist) {
				r.cfg.Logger.Error("removing old proceedings", "file", o, "error", err)
			}
		}
	}
	return path, nil
}

// digest names what a document's PDF depends on: the event and each
// record as stored (their versions), the style and the locale.
func digest(doc *proceedings.Document, style, locale string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", style, locale, doc.Title)
	if ev := doc.Event; ev != nil {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", ev.ID, ev.Version, ev.Updated.UTC())
	}
	for _, s := range doc.Sections {
		for _, rec := range s.Records {
			fmt.Fprintf(h, "%s\x00%d\x00%s\x00", rec.ID, rec.Version, rec.Updated.UTC())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// safeName keeps letters, digits, dots and hyphens of s for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, s)
}
