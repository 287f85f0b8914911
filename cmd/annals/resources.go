package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/typeset"
	"github.com/annals/annals/search"
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

// openFonts is the font set PDFs are drawn with, from the embedded files,
// with the embedded hyphenation patterns.
func openFonts() (*typeset.Set, error) {
	set, err := typeset.LoadSet(assets.FS(), typeset.FaceFiles{Regular: assets.FontRegular, Bold: assets.FontBold,
		Italic: assets.FontItalic, BoldItalic: assets.FontBoldItalic, CJK: []string{assets.FontCJK, assets.FontCJKFallback, assets.FontHangul}})
	if err != nil {
		return nil, err
	}
	hyphenation, err := typeset.LoadHyphenation(assets.FS(), assets.HyphenationDir)
	if err != nil {
		return nil, err
	}
	return set.WithHyphenation(hyphenation), nil
}

// nodeName names this node among those sharing a catalogue (export jobs
// say which node runs them): the host's name and a random suffix, kept in
// DATA/node-name so that a node restarted on its data directory takes its
// interrupted jobs back at once.
func nodeName(cfg Config) (string, error) {
	path := filepath.Join(cfg.DataDir, "node-name")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	host, _ := os.Hostname()
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%x", host, suffix)
	return name, os.WriteFile(path, []byte(name+"\n"), 0o600)
}

// sessionKey is the key that signs librarians' session cookies:
// $ANNALS_SESSION_KEY when set (every node of a catalogue shared on
// PostgreSQL is given the same, so that a session made on one opens on
// the others), else DATA/session.key, made (32 random bytes, readable by
// the owner only) the first time.
func sessionKey(cfg Config) ([]byte, error) {
	if cfg.SessionKey != "" {
		if len(cfg.SessionKey) < 32 {
			return nil, usagef("ANNALS_SESSION_KEY has %d characters; give at least 32 random ones (openssl rand -hex 32)", len(cfg.SessionKey))
		}
		return []byte(cfg.SessionKey), nil
	}
	path := filepath.Join(cfg.DataDir, "session.key")
	key, err := os.ReadFile(path)
	if err == nil && len(key) >= 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, key, 0o600)
}

// rebuildGCPercent is the garbage collector's target while the search
// index is rebuilt: at 100,000 records it makes a rebuild about 18% faster
// for about 0.4 GB more memory at its peak (BENCHMARKS.md).
const rebuildGCPercent = 200

// searchOptions are the search index's options for this process: a
// rebuild relaxes the garbage collector (unless GOGC says otherwise) and
// hands its garbage back to the system when it ends.
func searchOptions(cfg Config, log *slog.Logger) search.Options {
	_, gogcSet := os.LookupEnv("GOGC")
	return search.Options{Logger: log, Timeout: cfg.SearchTimeout, MaxConcurrent: cfg.SearchConcurrency, OnRebuild: func() func() {
		restore := func() {}
		if !gogcSet {
			restore = collectLessOften(rebuildGCPercent)
		}
		return func() {
			restore()
			// A rebuild leaves several hundred megabytes of garbage at
			// 100,000 records; give it back now rather than over minutes.
			debug.FreeOSMemory()
		}
	}}
}

// collectLessOften raises the garbage collector's target to percent, if
// that is higher than the current one, and returns what puts it back.
func collectLessOften(percent int) (restore func()) {
	previous := debug.SetGCPercent(percent)
	if previous < 0 || previous >= percent { // off, or already as lax
		debug.SetGCPercent(previous)
		return func() {}
	}
	return func() { debug.SetGCPercent(previous) }
}
