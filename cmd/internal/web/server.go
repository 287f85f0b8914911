// Package web is the HTTP face of Annals on Echo v4: the JSON API under
// /api/v1 (every error an RFC 9457 problem, every write behind a bearer
// token), the HTML pages for readers and librarians (site*.go), and the
// service endpoints (/healthz). It mounts the OAI-PMH (cmd/internal/oai)
// and sitemap and feed (cmd/internal/feeds) handlers.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/cmd/internal/feeds"
	"github.com/annals/annals/cmd/internal/oai"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/jobs"
	"github.com/annals/annals/export/stamp"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config is what the server needs; cmd/annals builds it.
type Config struct {
	Store catalog.Store
	// Search is the full-text index; without one, search answers 503.
	Search *search.Index
	Logger *slog.Logger
	// ImportFormats are the file formats POST /api/v1/import accepts.
	ImportFormats []recordio.Format
	// Styles are the citation styles offered; without them the citation
	// endpoints answer 503.
	Styles *csl.Library
	// Exports runs proceedings and bundle jobs; without it the export
	// endpoints answer 503.
	Exports *jobs.Runner
	// Site holds the templates, static files and messages of the HTML
	// pages (assets.FS()); without it only the API is served. SessionKey
	// (32 bytes or more) signs the librarians' session cookies.
	Site       fs.FS
	SessionKey []byte
	// OpenAPI is the OpenAPI 3 description served at /api/v1/openapi.json.
	OpenAPI []byte
	// MaxBodyBytes limits record and event bodies (default 1 MiB);
	// MaxImportBytes limits import files (default 64 MiB).
	MaxBodyBytes   int64
	MaxImportBytes int64
	// Request bodies: the longest pause between two reads (default 10 s),
	// the average rate a body must keep after BodyGrace (default 1 KiB/s
	// after 10 s), and how many bodies are read at once (default 64).
	BodyIdleTimeout time.Duration
	BodyMinRate     float64
	BodyGrace       time.Duration
	MaxBodies       int
	// Failed credentials (bearer tokens, sign-ins) allowed per client
	// address: AuthFailureBurst at once (default 10), then one every
	// AuthFailureRefill (default 30 s); past that, 429 with Retry-After.
	AuthFailureBurst  int
	AuthFailureRefill time.Duration
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For names the client; without them the connection's
	// address is the client's.
	TrustedProxies []*net.IPNet
	// ShutdownTimeout is how long in-flight requests may run after a
	// shutdown begins (default 30s).
	ShutdownTimeout time.Duration
	// Blobs keeps the bytes of attached files; without it the file
	// endpoints answer 503. MaxFileBytes bounds one file (default 1 GiB).
	Blobs        catalog.Blobs
	MaxFileBytes int64
	// Stamper makes citation-ready copies of PDF files (?stamped=true);
	// without it those requests answer 503.
	Stamper *stamp.Stamper
	// URLsPerSitemap is how many URLs a sitemap file holds (default and
	// most 50,000).
	URLsPerSitemap int
	// BaseURL is the scheme, host and any path prefix the site is reached
	// at from outside (https://annals.example.org), without a trailing
	// slash; every absolute link is made from it. http://localhost when
	// empty.
	BaseURL string
	// Version is reported by /healthz.
	Version string
	// OAI-PMH: the repository's name, its identifier (the domain-like
	// middle of "oai:annals.local:ID"), the administrator's e-mail, how many
	// items a list response holds, and how long its resumption tokens last.
	RepositoryName  string
	OAIRepositoryID string
	AdminEmail      string
	OAIPageSize     int
	OAITokenTTL     time.Duration
}

// sharedFailures is the store's failure counter when several nodes share
// the store, nil when failures are counted in memory.
func sharedFailures(store catalog.Store) catalog.FailureCounter {
	counter, _ := store.(catalog.FailureCounter)
	return counter
}

// Server serves the API.
type Server struct {
	cfg      Config
	echo     *echo.Echo
	log      *slog.Logger
	bodies   bodyLimits
	failures *failureLimiter
	site     *site // the pages, when they are served
}

// New builds a server with every route registered.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxImportBytes == 0 {
		cfg.MaxImportBytes = 64 << 20
	}
	if cfg.MaxFileBytes <= 0 {
		cfg.MaxFileBytes = 1 << 30
	}
	if cfg.BodyIdleTimeout <= 0 {
		cfg.BodyIdleTimeout = 10 * time.Second
	}
	if cfg.BodyMinRate <= 0 {
		cfg.BodyMinRate = 1024
	}
	if cfg.BodyGrace <= 0 {
		cfg.BodyGrace = 10 * time.Second
	}
	if cfg.MaxBodies <= 0 {
		cfg.MaxBodies = 64
	}
	if cfg.AuthFailureBurst <= 0 {
		cfg.AuthFailureBurst = 10
	}
	if cfg.AuthFailureRefill <= 0 {
		cfg.AuthFailureRefill = 30 * time.Second
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://localhost"
	}
	if cfg.RepositoryName == "" {
		cfg.RepositoryName = "Annals"
	}
	if cfg.OAIRepositoryID == "" {
		cfg.OAIRepositoryID = "annals.local"
	}
	if cfg.AdminEmail == "" {
		cfg.AdminEmail = "admin@annals.local"
	}
	if cfg.OAIPageSize == 0 {
		cfg.OAIPageSize = 100
	}
	if cfg.OAITokenTTL == 0 {
		cfg.OAITokenTTL = 24 * time.Hour
	}
	if cfg.ImportFormats == nil {
		cfg.ImportFormats = export.ImportFormats()
	}
	if len(cfg.OpenAPI) > 0 {
		var importTypes []string
		for _, f := range cfg.ImportFormats {
			importTypes = append(importTypes, f.MediaTypes...)
		}
		described, err := describeFormats(cfg.OpenAPI, importTypes)
		if err != nil {
			panic(err) // the embedded description: a build error
		}
		cfg.OpenAPI = described
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{cfg: cfg, echo: e, log: cfg.Logger, bodies: bodyLimits{idle: cfg.BodyIdleTimeout, minRate: cfg.BodyMinRate,
		grace: cfg.BodyGrace, slots: make(chan struct{}, cfg.MaxBodies)},
		failures: newFailureLimiter(cfg.AuthFailureBurst, cfg.AuthFailureRefill, sharedFailures(cfg.Store), cfg.Logger)}
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		var trust []echo.TrustOption
		for _, n := range cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.HTTPErrorHandler = s.handleError
	e.Pre(routeHeadAsGet)
	e.Use(restoreHead)
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err, "stack", string(stack))
			return err
		}}))
	e.Use(securityHeaders)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: byteSize(max(cfg.MaxBodyBytes, cfg.MaxImportBytes)),
		Skipper: isFileUpload})) // files have their own limit, MaxFileBytes
	e.Use(s.authenticate)
	e.Use(s.guardBodies)
	// Anyone may read the catalogue from a web page of their own.
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{"*"},
		AllowMethods: []string{http.MethodGet, http.MethodHead}, ExposeHeaders: []string{"ETag", "Location"}}))
	s.routes()
	if cfg.Site != nil {
		st, err := newSite(&s.cfg, s.log, cfg.Site, cfg.SessionKey)
		if st != nil {
			st.failures = s.failures
		}
		if err != nil {
			panic(fmt.Sprintf("web: the pages cannot be set up: %v", err)) // embedded files: a build error
		}
		st.routes(e)
		s.site = st
	}
	return s
}

// robots answers /robots.txt: crawlers are welcome to the pages, not to
// the librarians' or the API, and are told where the sitemap is.
func (s *Server) robots(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.String(http.StatusOK, "User-agent: *\nDisallow: /librarian/\nDisallow: /sign-in\nDisallow: /api/\nAllow: /\n\nSitemap: "+
		s.baseURL(c)+"/sitemap.xml\n")
}

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.health)
	// No middleware on the group: Echo would add catch-all routes for it
	// and answer a wrong method with 404 instead of 405.
	api := e.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.GET("/vocabularies", s.vocabularies)

	api.GET("/records", s.listRecords)
	api.GET("/duplicates", s.listDuplicates, requireRole(catalog.RoleLibrarian))
	api.POST("/records", s.createRecord, requireRole(catalog.RoleLibrarian))
	api.POST("/records/bulk", s.bulkRecords, requireRole(catalog.RoleLibrarian))
	api.GET("/records/:id", s.getRecord)
	api.PUT("/records/:id", s.updateRecord, requireRole(catalog.RoleLibrarian))
	api.DELETE("/records/:id", s.deleteRecord, requireRole(catalog.RoleLibrarian))
	api.POST("/records/:id/merge", s.mergeRecords, requireRole(catalog.RoleLibrarian))
	api.GET("/records/:id/history", s.recordHistory)
	api.GET("/records/:id/files", s.listFiles)
	api.POST("/records/:id/files", s.postFiles, requireRole(catalog.RoleLibrarian))
	api.PUT("/records/:id/files/:name", s.putFile, requireRole(catalog.RoleLibrarian))
	api.GET("/records/:id/files/:name", s.getFile)
	api.GET("/records/:id/files/:name/thumbnail", s.getThumbnail)
	api.GET("/records/:id/files/:name/text", s.getFileText)
	api.GET("/records/:id/files/:name/search", s.searchFile)
	api.PATCH("/records/:id/files/:name", s.patchFile, requireRole(catalog.RoleLibrarian))
	api.DELETE("/records/:id/files/:name", s.deleteFile, requireRole(catalog.RoleLibrarian))
	e.GET("/records/:id/files/:name", s.getFile) // the same bytes at the address people share
	e.GET("/records/:id/files/:name/thumbnail", s.getThumbnail)
	api.GET("/records/:id/citation", s.recordCitation)
	api.GET("/styles", s.listStyles)

	api.POST("/exports", s.createExport, requireRole(catalog.RoleLibrarian))
	api.GET("/exports/:id", s.getExport, requireRole(catalog.RoleLibrarian))
	api.GET("/exports/:id/file", s.exportFile, requireRole(catalog.RoleLibrarian))

	api.GET("/events", s.listEvents)
	api.POST("/events", s.createEvent, requireRole(catalog.RoleLibrarian))
	api.GET("/events/:id", s.getEvent)
	api.PUT("/events/:id", s.updateEvent, requireRole(catalog.RoleLibrarian))
	api.DELETE("/events/:id", s.deleteEvent, requireRole(catalog.RoleLibrarian))
	api.GET("/events/:id/history", s.eventHistory)

	api.POST("/import", s.importRecords, requireRole(catalog.RoleLibrarian))
	api.GET("/search", s.search)
	api.GET("/suggest", s.suggest)
	api.POST("/admin/reindex", s.reindex, requireRole(catalog.RoleAdmin))

	harvest := oai.New(oai.Config{Source: s.cfg.Store, RepositoryName: s.cfg.RepositoryName, RepositoryID: s.cfg.OAIRepositoryID,
		AdminEmail: s.cfg.AdminEmail, PageSize: s.cfg.OAIPageSize, TokenTTL: s.cfg.OAITokenTTL, BaseURL: s.baseURL,
		TokenKey: derivedKey(s.cfg.SessionKey, "oai resumption tokens")})
	e.GET("/oai", harvest.Serve)
	e.POST("/oai", harvest.Serve)
	crawl := feeds.New(feeds.Config{Source: s.cfg.Store, RepositoryName: s.cfg.RepositoryName, BaseURL: s.baseURL,
		URLsPerSitemap: s.cfg.URLsPerSitemap})
	e.GET("/robots.txt", s.robots)
	e.GET("/sitemap.xml", crawl.Sitemap)
	e.GET("/:name", crawl.SitemapPage) // sitemap-N.xml
	e.GET("/feeds/records.atom", crawl.FeedAll)
	e.GET("/feeds/search.atom", func(c echo.Context) error { return s.searchFeed(c, crawl) })
	e.GET("/feeds/events/:file", crawl.FeedEvent) // ID.atom
	e.GET("/feeds/topics/:file", crawl.FeedTopic) // KEY.atom

	api.GET("/tokens", s.listTokens, requireRole(catalog.RoleAdmin))
	api.POST("/tokens", s.createToken, requireRole(catalog.RoleAdmin))
	api.DELETE("/tokens/:id", s.revokeToken, requireRole(catalog.RoleAdmin))
}

// derivedKey is a key for one purpose made from the server's secret (nil,
// for a random one, when there is none).
func derivedKey(secret []byte, purpose string) []byte {
	if len(secret) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// baseURL is the address the site is reached at, as configured: links in
// feeds, sitemaps, OAI-PMH and pages never come from the request's Host
// header, which any client can set.
func (s *Server) baseURL(echo.Context) string { return s.cfg.BaseURL }

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve serves on ln until ctx is done, then stops accepting connections and
// lets in-flight requests finish (up to ShutdownTimeout).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.echo, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down; waiting for in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}

type healthReport struct {
	Status   string         `json:"status"`
	Version  string         `json:"version,omitempty"`
	Records  int            `json:"records"`
	Revision int64          `json:"revision"`
	Search   *search.Status `json:"search,omitempty"`
}

func (s *Server) health(c echo.Context) error {
	ctx := c.Request().Context()
	n, err := s.cfg.Store.CountRecords(ctx)
	if err != nil {
		return err
	}
	rev, err := s.cfg.Store.LatestRevision(ctx)
	if err != nil {
		return err
	}
	h := healthReport{Status: "ok", Version: s.cfg.Version, Records: n, Revision: rev}
	if s.cfg.Search != nil {
		st := s.cfg.Search.Status()
		h.Search = &st
		if st.State == "degraded" {
			h.Status = "degraded" // reads and writes go on; search is behind or rebuilding
		}
	}
	return c.JSON(http.StatusOK, h)
}

func (s *Server) openAPI(c echo.Context) error {
	if len(s.cfg.OpenAPI) == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "This server was built without its OpenAPI description.")
	}
	return c.Blob(http.StatusOK, "application/json", s.cfg.OpenAPI)
}

func (s *Server) vocabularies(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{
		"kinds":     catalog.Kinds(),
		"statuses":  []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn},
		"roles":     catalog.Roles(),
		"topics":    catalog.Topics(),
		"countries": catalog.Countries(),
	})
}
