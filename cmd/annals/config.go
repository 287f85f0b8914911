package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/blobs/s3"
	"github.com/annals/annals/catalog/postgres"
	"github.com/annals/annals/catalog/sqlite"
)

// Config is everything the commands read from flags and the environment.
type Config struct {
	DataDir string // --data, $ANNALS_DATA, ./annals-data
	// Store is --store, $ANNALS_STORE: empty for the SQLite file in the
	// data directory, or a postgres:// URL for a PostgreSQL database that
	// several nodes share (each keeps its own index in its data directory).
	Store string
	// Blobs is --blobs, $ANNALS_BLOBS: empty for the files directory of the
	// data directory, or an s3:// URL for S3-compatible object storage
	// that several nodes share.
	Blobs string
	// SessionKey is $ANNALS_SESSION_KEY, the secret that signs session
	// cookies; every node of a shared catalogue needs the same one.
	SessionKey string
	Addr       string // --addr, $ANNALS_ADDR, 127.0.0.1:8080
	LogFormat  string // $ANNALS_LOG_FORMAT: text (default) or json
	// OAI-PMH: $ANNALS_OAI_ID (the repository identifier, default
	// annals.local), $ANNALS_ADMIN_EMAIL, $ANNALS_OAI_PAGE_SIZE (default 100).
	OAIRepositoryID string
	AdminEmail      string
	OAIPageSize     int
	// Exports: $ANNALS_EXPORT_WORKERS, how many proceedings or bundles are
	// made at once (default 1); $ANNALS_EXPORT_KEEP, how long finished
	// files are kept (a Go duration such as 24h, the default).
	ExportWorkers int
	ExportKeep    time.Duration
	// BaseURL is $ANNALS_BASE_URL, the address the site is reached at from
	// outside (https://annals.example.org); every absolute link is made
	// from it. Without it, serve uses http:// and --addr.
	BaseURL string
	// SearchTimeout is $ANNALS_SEARCH_TIMEOUT, how long one search may run
	// (a Go duration; 5s by default).
	SearchTimeout time.Duration
	// TrustedProxies is $ANNALS_TRUSTED_PROXIES: networks (CIDR, comma
	// separated) of reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies string
	// SearchConcurrency is $ANNALS_SEARCH_CONCURRENCY, how many searches run
	// at once (default: one fewer than the cores, at least one).
	SearchConcurrency int
	// MaxFileSize is $ANNALS_MAX_FILE_SIZE, the largest file that may be
	// attached, in bytes (default 1 GiB).
	MaxFileSize int64
	// FileGrace is $ANNALS_FILE_GRACE, how long stored bytes that no
	// version of any record names are kept before they are removed (a Go
	// duration; 7 days by default, 168h).
	FileGrace time.Duration
	// ExtractTimeout is $ANNALS_EXTRACT_TIMEOUT, how long reading one file
	// (its pages, its first page's image) may take (default 120s).
	ExtractTimeout time.Duration
	// ExtractWorkers is $ANNALS_EXTRACT_WORKERS, how many files are read at
	// once in the background (default 1).
	ExtractWorkers int
}

// FilesDir is where attached files' bytes are kept.
func (c Config) FilesDir() string { return filepath.Join(c.DataDir, "files") }

// PDFiumCacheDir keeps PDFium compiled, so that a start after the first
// is quick.
func (c Config) PDFiumCacheDir() string { return filepath.Join(c.DataDir, "cache", "pdfium") }

// StampedDir keeps the citation-ready copies of PDF files.
func (c Config) StampedDir() string { return filepath.Join(c.DataDir, "cache", "stamped") }

// trustedProxies parses TrustedProxies.
func (c Config) trustedProxies() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range strings.Split(c.TrustedProxies, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			if ip := net.ParseIP(s); ip != nil && ip.To4() != nil {
				s += "/32"
			} else {
				s += "/128"
			}
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, usagef("ANNALS_TRUSTED_PROXIES: %q is not an address or network such as 10.0.0.0/8", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// baseURL checks the configured base URL, or makes one from the listening
// address (a wildcard host becomes localhost).
func (c Config) baseURL(listening string) (string, error) {
	if c.BaseURL == "" {
		host, port, err := net.SplitHostPort(listening)
		if err != nil {
			return "", err
		}
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", usagef("ANNALS_BASE_URL=%q: give the site's address, such as https://annals.example.org", c.BaseURL)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// ExportsDir is where finished proceedings and bundles are kept.
func (c Config) ExportsDir() string { return filepath.Join(c.DataDir, "exports") }

// DatabasePath is the SQLite file inside the data directory.
func (c Config) DatabasePath() string { return filepath.Join(c.DataDir, "annals.db") }

// IndexPath is the search index directory inside the data directory.
func (c Config) IndexPath() string { return filepath.Join(c.DataDir, "index") }

// PagesIndexPath is the index of files' text, beside the search index.
func (c Config) PagesIndexPath() string { return filepath.Join(c.DataDir, "pages") }

// StylesDir is where a librarian puts CSL styles of their own.
func (c Config) StylesDir() string { return filepath.Join(c.DataDir, "styles") }

// defaultConfig reads the environment.
func defaultConfig(getenv func(string) string) Config {
	c := Config{DataDir: getenv("ANNALS_DATA"), Store: getenv("ANNALS_STORE"), SessionKey: getenv("ANNALS_SESSION_KEY"), Blobs: getenv("ANNALS_BLOBS"), Addr: getenv("ANNALS_ADDR"), LogFormat: getenv("ANNALS_LOG_FORMAT"),
		OAIRepositoryID: getenv("ANNALS_OAI_ID"), AdminEmail: getenv("ANNALS_ADMIN_EMAIL"), BaseURL: getenv("ANNALS_BASE_URL"), TrustedProxies: getenv("ANNALS_TRUSTED_PROXIES")}
	c.OAIPageSize, _ = strconv.Atoi(getenv("ANNALS_OAI_PAGE_SIZE"))
	c.ExportWorkers, _ = strconv.Atoi(getenv("ANNALS_EXPORT_WORKERS"))
	c.ExportKeep, _ = time.ParseDuration(getenv("ANNALS_EXPORT_KEEP"))
	c.SearchTimeout, _ = time.ParseDuration(getenv("ANNALS_SEARCH_TIMEOUT"))
	c.SearchConcurrency, _ = strconv.Atoi(getenv("ANNALS_SEARCH_CONCURRENCY"))
	c.MaxFileSize, _ = strconv.ParseInt(getenv("ANNALS_MAX_FILE_SIZE"), 10, 64)
	c.FileGrace, _ = time.ParseDuration(getenv("ANNALS_FILE_GRACE"))
	c.ExtractTimeout, _ = time.ParseDuration(getenv("ANNALS_EXTRACT_TIMEOUT"))
	c.ExtractWorkers, _ = strconv.Atoi(getenv("ANNALS_EXTRACT_WORKERS"))
	if c.DataDir == "" {
		c.DataDir = "annals-data"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	return c
}

// errHelp is returned when -h was asked for; the flag package has printed
// the help already.
var errHelp = errors.New("help shown")

// newFlags makes a flag set for a command with the --data flag every
// command shares.
func newFlags(name string, cfg *Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("annals "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (database, index, styles)")
	fs.StringVar(&cfg.Blobs, "blobs", cfg.Blobs, "where files' bytes are kept: empty for DATA/files, or s3://ACCESS:SECRET@host:port/bucket")
	fs.StringVar(&cfg.Store, "store", cfg.Store, "the catalogue's database: empty for SQLite in the data directory, or postgres://user@host/db")
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usagef("flag error: %v", err)
	}
	return nil
}

// catalogStore is what the commands need of a store: the catalogue, its
// export jobs and the references to files' bytes. The SQLite and the
// PostgreSQL stores both are.
type catalogStore interface {
	catalog.Store
	catalog.ExportJobStore
	catalog.FileReferences
}

// openStore opens the catalogue: PostgreSQL when cfg.Store is a
// postgres:// URL, else the SQLite file in the data directory, creating
// both if needed. The data directory is made either way (the index lives
// there).
func openStore(ctx context.Context, cfg Config) (catalogStore, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	switch {
	case cfg.Store == "":
		return sqlite.Open(ctx, cfg.DatabasePath(), sqlite.Options{})
	case strings.HasPrefix(cfg.Store, "postgres://"), strings.HasPrefix(cfg.Store, "postgresql://"):
		return postgres.Open(ctx, cfg.Store, postgres.Options{})
	}
	return nil, usagef("--store %q: give a postgres:// URL (postgres://user:password@host:5432/annals), or nothing for SQLite in the data directory", redactStore(cfg.Store))
}

// redactStore hides a password in a store URL before it is printed.
func redactStore(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return s
}

// openBlobs opens where files' bytes are kept: the files directory of the
// data directory, or the S3 bucket cfg.Blobs names.
func openBlobs(ctx context.Context, cfg Config) (catalog.Blobs, error) {
	if cfg.Blobs == "" {
		return blobs.OpenDisk(cfg.FilesDir())
	}
	c, err := s3.ParseURL(cfg.Blobs)
	if err != nil {
		return nil, usagef("--blobs %q: %v", redactStore(cfg.Blobs), err)
	}
	return s3.Open(ctx, c)
}

// usesSQLite says whether the catalogue is the SQLite file of the data
// directory (backups and restores copy it).
func (c Config) usesSQLite() bool { return c.Store == "" }

// newLogger makes the structured logger the service writes to stderr.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
