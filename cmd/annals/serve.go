package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/cmd/internal/web"
	"github.com/annals/annals/export/jobs"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/stamp"
	"github.com/annals/annals/search"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("serve", &cfg, stderr)
	flags.StringVar(&cfg.Addr, "addr", cfg.Addr, "address to listen on")
	sample := flags.Bool("sample", false, "load the sample catalogue (Jinan 2025) into an empty store")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", flags.Args())
	}
	if _, err := cfg.baseURL(cfg.Addr); err != nil {
		return err
	}
	proxies, err := cfg.trustedProxies()
	if err != nil {
		return err
	}
	if v := getenv("ANNALS_FILE_GRACE"); v != "" && cfg.FileGrace <= 0 {
		return usagef("ANNALS_FILE_GRACE=%q: give a duration such as 168h", v)
	}
	if cfg.FileGrace <= 0 {
		cfg.FileGrace = 7 * 24 * time.Hour
	}
	if v := getenv("ANNALS_EXTRACT_TIMEOUT"); v != "" && cfg.ExtractTimeout <= 0 {
		return usagef("ANNALS_EXTRACT_TIMEOUT=%q: give a duration such as 120s", v)
	}
	if v := getenv("ANNALS_EXTRACT_WORKERS"); v != "" && cfg.ExtractWorkers < 1 {
		return usagef("ANNALS_EXTRACT_WORKERS=%q: give a number of 1 or more", v)
	}
	if v := getenv("ANNALS_MAX_FILE_SIZE"); v != "" && cfg.MaxFileSize < 1 {
		return usagef("ANNALS_MAX_FILE_SIZE=%q: give a number of bytes, such as 1073741824", v)
	}
	if v := getenv("ANNALS_SEARCH_CONCURRENCY"); v != "" && cfg.SearchConcurrency < 1 {
		return usagef("ANNALS_SEARCH_CONCURRENCY=%q: give a number of 1 or more", v)
	}
	if v := getenv("ANNALS_SEARCH_TIMEOUT"); v != "" && cfg.SearchTimeout <= 0 {
		return usagef("ANNALS_SEARCH_TIMEOUT=%q: give a duration such as 5s or 1500ms", v)
	}
	if v := getenv("ANNALS_EXPORT_WORKERS"); v != "" && cfg.ExportWorkers < 1 {
		return usagef("ANNALS_EXPORT_WORKERS=%q: give a number of 1 or more", v)
	}
	if v := getenv("ANNALS_EXPORT_KEEP"); v != "" && cfg.ExportKeep <= 0 {
		return usagef("ANNALS_EXPORT_KEEP=%q: give a duration such as 24h or 90m", v)
	}
	log := newLogger(cfg, stderr)
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if cfg.Blobs != "" {
		log.Info("files", "s3", redactStore(cfg.Blobs))
	}
	if cfg.usesSQLite() {
		log.Info("catalogue", "sqlite", cfg.DatabasePath())
	} else {
		log.Info("catalogue", "postgres", redactStore(cfg.Store), "index", cfg.IndexPath())
		if cfg.SessionKey == "" {
			log.Warn("ANNALS_SESSION_KEY is not set: librarians signed in on this node must sign in again on the others")
		}
	}
	if *sample {
		data, err := fs.ReadFile(assets.FS(), assets.SamplePath)
		if err != nil {
			return err
		}
		loaded, err := loadSample(ctx, store, data)
		switch {
		case err != nil:
			return fmt.Errorf("sample catalogue: %w", err)
		case loaded == 0:
			log.Info("the store is not empty; the sample catalogue was not loaded", "data", cfg.DataDir)
		default:
			log.Info("sample catalogue loaded", "records", loaded)
			n, err := sampleFiles(ctx, cfg, store)
			if err != nil {
				return fmt.Errorf("sample files: %w", err)
			}
			log.Info("sample files attached", "files", n)
		}
	}
	if tokens, err := store.FindTokens(ctx); err == nil && len(tokens) == 0 {
		log.Info("no tokens yet; reads work, writes need one: annals token create --role admin --name NAME", "data", cfg.DataDir)
	}
	openapi, err := fs.ReadFile(assets.FS(), assets.OpenAPIPath)
	if err != nil {
		return err
	}
	styles, err := openStyles(cfg)
	if err != nil {
		return err
	}
	for _, p := range styles.Problems() {
		log.Warn("citation style not offered", "file", p.File, "error", p.Error)
	}
	pages, err := search.OpenPages(cfg.PagesIndexPath(), store, log)
	if err != nil {
		return err
	}
	defer pages.Close()
	opts := searchOptions(cfg, log)
	opts.Pages = pages
	index, err := search.Open(ctx, cfg.IndexPath(), store, opts)
	if err != nil {
		return err
	}
	defer index.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	fonts, err := openFonts()
	if err != nil {
		return err
	}
	key, err := sessionKey(cfg)
	if err != nil {
		return err
	}
	words, err := i18n.Load(assets.FS())
	if err != nil {
		return err
	}
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	base, err := cfg.baseURL(ln.Addr().String())
	if err != nil {
		return err
	}
	stamper := stamp.New(stamp.Config{Blobs: files, CacheDir: cfg.StampedDir(), Catalogue: "Annals",
		Render: proceedings.Options{Fonts: fonts, Words: words},
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{Workers: 1, Timeout: cfg.ExtractTimeout, CacheDir: cfg.PDFiumCacheDir()})
		}})
	defer stamper.Close()
	node, err := nodeName(cfg)
	if err != nil {
		return err
	}
	var shared catalog.Blobs
	if cfg.Blobs != "" {
		shared = files // several nodes: finished exports where every node serves them
	}
	exports, err := jobs.New(jobs.Config{Blobs: files, Catalog: store, Jobs: store, Dir: cfg.ExportsDir(), Styles: styles, Fonts: fonts, Words: words,
		Search: web.SearchIDs(index), Workers: cfg.ExportWorkers, Keep: cfg.ExportKeep, Logger: log, Stamper: stamper, BaseURL: base,
		Node: node, Shared: shared})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	following := make(chan error, 1)
	go func() { following <- index.Run(ctx) }()
	paging := make(chan error, 1)
	go func() { paging <- pages.Run(ctx) }()
	exporting := make(chan error, 1)
	go func() { exporting <- exports.Run(ctx) }()
	collecting := make(chan error, 1)
	go func() { runOrphanCollector(ctx, store, store, files, cfg.FileGrace, log); collecting <- nil }()
	analyzing := make(chan error, 1)
	go func() { runFileAnalysis(ctx, cfg, store, files, log); analyzing <- nil }()
	go runStampedPruner(ctx, stamper, log)
	if registry, ok := store.(catalog.NodeRegistry); ok {
		started := time.Now()
		go runNodeReports(ctx, registry, func() catalog.NodeReport {
			return catalog.NodeReport{Name: node, URL: base, Version: version, Revision: index.Status().Revision, Started: started}
		}, log)
	}
	srv := web.New(web.Config{Store: store, BaseURL: base, TrustedProxies: proxies, Blobs: files, MaxFileBytes: cfg.MaxFileSize, Stamper: stamper, Search: index, Styles: styles, Exports: exports, Site: assets.FS(), SessionKey: key, Logger: log, OpenAPI: openapi,
		Version: version, OAIRepositoryID: cfg.OAIRepositoryID, AdminEmail: cfg.AdminEmail, OAIPageSize: cfg.OAIPageSize})
	log.Info("serving", "url", "http://"+ln.Addr().String(), "base_url", base, "data", cfg.DataDir)
	err = srv.Serve(ctx, ln)
	stop()
	for _, ch := range []chan error{following, paging, exporting, collecting, analyzing} {
		if ferr := <-ch; err == nil {
			err = ferr
		}
	}
	return err
}

// sampleFile is the shape of the sample catalogue in assets.
type sampleFile struct {
	Events  []json.RawMessage `json:"events"`
	Records json.RawMessage   `json:"records"`
}

// loadSample loads the sample catalogue into s if s holds no records and no
// events, all or nothing (events made before a failure are deleted again).
// It returns how many records it loaded.
func loadSample(ctx context.Context, s catalog.Store, data []byte) (int, error) {
	n, err := s.CountRecords(ctx)
	if err != nil {
		return 0, err
	}
	events, err := s.FindEvents(ctx)
	if err != nil {
		return 0, err
	}
	if n > 0 || len(events) > 0 {
		return 0, nil
	}
	var f sampleFile
	if err := recordio.DecodeObject(data, &f, "sample catalogue"); err != nil {
		return 0, err
	}
	ctx = catalog.NewContextWithActor(ctx, catalog.Actor{Name: "sample", Role: catalog.RoleAdmin})
	var created []string
	undo := func(err error) (int, error) {
		for _, id := range created {
			s.DeleteEvent(ctx, id, 0)
		}
		return 0, err
	}
	for _, raw := range f.Events {
		ev, err := recordio.DecodeEvent(raw)
		if err != nil {
			return undo(err)
		}
		if err := s.CreateEvent(ctx, &ev); err != nil {
			return undo(fmt.Errorf("event %s: %w", ev.ID, err))
		}
		created = append(created, ev.ID)
	}
	items, err := recordio.ReadJSON(f.Records)
	if err != nil {
		return undo(err)
	}
	rep, err := s.ImportRecords(ctx, items, catalog.ImportOptions{Atomic: true, OnDuplicate: catalog.DuplicateCreate}) // curated
	if err != nil {
		return undo(err)
	}
	if rep.Failed > 0 {
		return undo(fmt.Errorf("%d sample records are invalid; the first: %s", rep.Failed, describeProblems(firstFailure(rep), firstFailure(rep).Errors)))
	}
	return rep.Imported, nil
}
