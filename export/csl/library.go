package csl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// StyleInfo describes a style a library offers.
type StyleInfo struct {
	ID            string `json:"id"`    // the file name without .csl
	Title         string `json:"title"` // from the style's info
	Class         string `json:"class"` // in-text or note
	Format        string `json:"format,omitempty"`
	DefaultLocale string `json:"default_locale,omitempty"`
	Source        string `json:"source"` // "built-in" or "data"
}

// StyleProblem is a file in the data directory that is not offered, and
// why.
type StyleProblem struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// ErrNoStyle is returned for a style ID the library does not have.
var ErrNoStyle = errors.New("no such style")

// styleIDRe is what a style's file name may be.
var styleIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,127}$`)

// Library holds the styles Annals offers: the built-in ones and the .csl
// files a librarian puts in the data directory, which appear (and
// change) without a restart. Styles are parsed once and processors are
// kept per style and language. It is safe for concurrent use.
type Library struct {
	builtin fs.FS  // *.csl at its root
	dataDir string // "" for none
	load    LocaleLoader

	mu         sync.Mutex
	styles     map[string]*entry
	problems   []StyleProblem
	scanned    time.Time
	dirMod     time.Time             // the data directory's modification time at the last scan
	processors map[string]*Processor // by style ID and language
}

type entry struct {
	info    StyleInfo
	style   *Style
	modTime time.Time
	size    int64
}

// rescanEvery is how often the data directory is looked at again.
const rescanEvery = 2 * time.Second

// NewLibrary reads the built-in styles (*.csl at the root of builtin) and
// those in dataDir ("" for none). A built-in style that does not parse is
// an error; a librarian's is reported by Problems and left out.
func NewLibrary(builtin fs.FS, dataDir string, load LocaleLoader) (*Library, error) {
	l := &Library{builtin: builtin, dataDir: dataDir, load: load, styles: map[string]*entry{}, processors: map[string]*Processor{}}
	names, err := fs.Glob(builtin, "*.csl")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(builtin, name)
		if err != nil {
			return nil, err
		}
		e, err := newEntry(name, data, "built-in")
		if err != nil {
			return nil, fmt.Errorf("built-in style %s: %w", name, err)
		}
		l.styles[e.info.ID] = e
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scanLocked(time.Now())
	return l, nil
}

func newEntry(name string, data []byte, source string) (*entry, error) {
	id := strings.TrimSuffix(filepath.Base(name), ".csl")
	if !styleIDRe.MatchString(id) {
		return nil, fmt.Errorf("the file name %q is not a style ID: use lower-case letters, digits, '.', '-' and '_'", name)
	}
	s, err := ParseStyle(data)
	if err != nil {
		return nil, err
	}
	if s.bibliography == nil {
		return nil, errors.New("the style has no <bibliography>: Annals formats references with it")
	}
	title := s.Title
	if title == "" {
		title = id
	}
	return &entry{style: s, info: StyleInfo{ID: id, Title: title, Class: s.Class, Format: s.Format,
		DefaultLocale: s.DefaultLocale, Source: source}}, nil
}

// scanLocked reads the data directory again if it is time: new and
// changed files are parsed, removed ones dropped.
func (l *Library) scanLocked(now time.Time) {
	if l.dataDir == "" {
		return
	}
	var dirMod time.Time
	if st, err := os.Stat(l.dataDir); err == nil {
		dirMod = st.ModTime()
	}
	// a file added or removed changes the directory at once; one edited
	// in place is seen within rescanEvery
	if !l.scanned.IsZero() && dirMod.Equal(l.dirMod) && now.Sub(l.scanned) < rescanEvery {
		return
	}
	l.scanned, l.dirMod = now, dirMod
	l.problems = nil
	files, err := os.ReadDir(l.dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		l.problems = append(l.problems, StyleProblem{File: l.dataDir, Error: err.Error()})
	}
	seen := map[string]bool{}
	for _, f := range files {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".csl") {
			continue
		}
		info, err := f.Info()
		if err != nil {
			continue
		}
		id := strings.TrimSuffix(f.Name(), ".csl")
		seen[id] = true
		if old := l.styles[id]; old != nil && old.info.Source == "data" && old.modTime.Equal(info.ModTime()) && old.size == info.Size() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(l.dataDir, f.Name()))
		if err == nil && len(data) > 4<<20 {
			err = errors.New("the file is larger than 4 MiB")
		}
		var e *entry
		if err == nil {
			e, err = newEntry(f.Name(), data, "data")
		}
		if err != nil {
			l.problems = append(l.problems, StyleProblem{File: f.Name(), Error: err.Error()})
			continue
		}
		e.modTime, e.size = info.ModTime(), info.Size()
		l.styles[e.info.ID] = e
		l.dropProcessorsLocked(e.info.ID)
	}
	for id, e := range l.styles {
		if e.info.Source == "data" && !seen[id] {
			delete(l.styles, id)
			l.dropProcessorsLocked(id)
		}
	}
	l.restoreBuiltinLocked()
}

// restoreBuiltinLocked brings back a built-in style whose data-directory
// replacement was removed.
func (l *Library) restoreBuiltinLocked() {
	names, _ := fs.Glob(l.builtin, "*.csl")
	for _, name := range names {
		id := strings.TrimSuffix(name, ".csl")
		if l.styles[id] != nil {
			continue
		}
		if data, err := fs.ReadFile(l.builtin, name); err == nil {
			if e, err := newEntry(name, data, "built-in"); err == nil {
				l.styles[id] = e
			}
		}
	}
}

func (l *Library) dropProcessorsLocked(id string) {
	for k := range l.processors {
		if strings.HasPrefix(k, id+"\x00") {
			delete(l.processors, k)
		}
	}
}

// Styles lists the styles offered, by ID.
func (l *Library) Styles() []StyleInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scanLocked(time.Now())
	out := make([]StyleInfo, 0, len(l.styles))
	for _, e := range l.styles {
		out = append(out, e.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Problems lists the data-directory files that are not offered.
func (l *Library) Problems() []StyleProblem {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scanLocked(time.Now())
	return append([]StyleProblem(nil), l.problems...)
}

// Processor returns the processor of a style for a language ("" for the
// style's default locale). Unknown styles give ErrNoStyle.
func (l *Library) Processor(id, lang string) (*Processor, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scanLocked(time.Now())
	e := l.styles[id]
	if e == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoStyle, id)
	}
	key := id + "\x00" + lang
	if p := l.processors[key]; p != nil {
		return p, nil
	}
	p, err := NewProcessor(e.style, lang, l.load)
	if err != nil {
		return nil, err
	}
	l.processors[key] = p
	return p, nil
}
