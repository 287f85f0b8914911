package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
)

// runImport imports files into the catalogue, each file on its own (with
// --atomic, each file all or nothing). It prints one summary line per file
// and one line per failed item, and fails (exit 1) if any item failed.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("import", &cfg, stderr)
	var opts catalog.ImportOptions
	flags.BoolVar(&opts.DryRun, "dry-run", false, "check everything and write nothing")
	flags.BoolVar(&opts.Atomic, "atomic", false, "import each file all or nothing")
	flags.StringVar(&opts.OnDuplicate, "on-duplicate", catalog.DuplicateSkip, "what to do with an item that is the same work as a record or an earlier item (same DOI, or same title, year and first contributor): skip, update (the record takes the item's values) or create")
	formatName := flags.String("format", "", "the files' format when their names do not tell it (json, ndjson, csv, bibtex, ris, csl-json, enw, wos, medline, noteexpress, endnote-xml)")
	filesDir := flags.String("files", "", "the directory of the files the records name (a relative path is read from it; an absolute one, as Zotero writes, by its longest tail found there)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() == 0 {
		return usagef("name at least one file to import")
	}
	if !catalog.ValidOnDuplicate(opts.OnDuplicate) {
		return usagef("--on-duplicate %s: use skip, update or create", opts.OnDuplicate)
	}
	formats := export.ImportFormats()
	formatOf := func(name string) (recordio.Format, bool) { return recordio.FormatForFile(formats, name) }
	if *formatName != "" {
		var names []string
		var chosen *recordio.Format
		for i, f := range formats {
			names = append(names, f.Name)
			if f.Name == *formatName {
				chosen = &formats[i]
			}
		}
		if chosen == nil {
			return usagef("--format %s: use one of %s", *formatName, strings.Join(names, ", "))
		}
		formatOf = func(string) (recordio.Format, bool) { return *chosen, true }
	}
	for _, name := range flags.Args() {
		if _, ok := formatOf(name); !ok {
			return usagef("%s: cannot tell the format from the name; use %s, or --format", name, strings.Join(importExtensions(formats), ", "))
		}
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx = catalog.NewContextWithActor(ctx, catalog.Actor{Name: cliActor(getenv), Role: catalog.RoleAdmin})
	src := fileSource{max: cfg.MaxFileSize}
	if src.max <= 0 {
		src.max = 1 << 30
	}
	if *filesDir != "" {
		if st, err := os.Stat(*filesDir); err != nil || !st.IsDir() {
			return usagef("--files %s: not a directory", *filesDir)
		}
		src.files = os.DirFS(*filesDir)
	}
	if src.blobs, err = openBlobs(ctx, cfg); err != nil {
		return err
	}
	failed := 0
	for _, name := range flags.Args() {
		format, _ := formatOf(name)
		n, err := importFile(ctx, store, format, name, opts, src, stdout)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		failed += n
	}
	if failed > 0 {
		return fmt.Errorf("%d items failed", failed)
	}
	return nil
}

// cliActor names writes made from the command line in the change log.
func cliActor(getenv func(string) string) string {
	name := getenv("USER")
	if u, err := user.Current(); err == nil && name == "" {
		name = u.Username
	}
	if name == "" {
		return "command line"
	}
	return "command line (" + name + ")"
}

// fileSource is where an import's files come from.
type fileSource struct {
	files fs.FS // nil: the import came without files
	blobs catalog.Blobs
	max   int64
}

func importFile(ctx context.Context, store catalog.Store, format recordio.Format, name string, opts catalog.ImportOptions, src fileSource, out io.Writer) (failed int, err error) {
	if _, err := os.Stat(name); err != nil {
		return 0, err
	}
	items, err := format.ImportSource(recordio.FileOpener(name), opts)
	if err != nil {
		return 0, err
	}
	rep, err := store.ImportRecordsFrom(ctx, items.WithFiles(ctx, src.files, src.blobs, src.max, opts.DryRun), opts)
	if err != nil {
		return 0, err
	}
	for _, it := range rep.Items {
		if it.Status == catalog.ImportFailed {
			fmt.Fprintf(out, "%s: %s\n", where(name, it.Line), describeProblems(it, it.Errors))
		}
		if len(it.Warnings) > 0 {
			fmt.Fprintf(out, "%s: warning: %s\n", where(name, it.Line), describeProblems(it, it.Warnings))
		}
		if it.Status == catalog.ImportSkipped {
			fmt.Fprintf(out, "%s: skipped: item %d is the same work as %s (%s)\n", where(name, it.Line), it.Index, it.DuplicateOf, it.Duplicate)
		}
	}
	verb := "imported"
	switch {
	case opts.DryRun:
		verb = "would import"
	case opts.Atomic && rep.Failed > 0:
		verb = "imported 0 (atomic); would import"
	}
	valid := rep.Total - rep.Failed - rep.Skipped
	files := ""
	if rep.Files > 0 {
		files = fmt.Sprintf("; files: %d", rep.Files)
	}
	skipped := ""
	if rep.Skipped > 0 {
		skipped = fmt.Sprintf(", %d skipped as duplicates", rep.Skipped)
	}
	fmt.Fprintf(out, "%s: %s %d of %d records, %d failed%s%s\n", name, verb, valid, rep.Total, rep.Failed, skipped, files)
	return rep.Failed, nil
}

// describeProblems says what is wrong with one item in one line.
func describeProblems(it catalog.ImportResult, problems []catalog.FieldError) string {
	parts := make([]string, len(problems))
	for i, e := range problems {
		parts[i] = e.String()
	}
	who := fmt.Sprintf("item %d", it.Index)
	if it.ID != "" {
		who += " (" + it.ID + ")"
	}
	return who + ": " + strings.Join(parts, "; ")
}

func firstFailure(rep *catalog.ImportReport) catalog.ImportResult {
	for _, it := range rep.Items {
		if it.Status == catalog.ImportFailed {
			return it
		}
	}
	return catalog.ImportResult{}
}

// importExtensions lists the file name extensions of formats.
func importExtensions(formats []recordio.Format) []string {
	var exts []string
	for _, f := range formats {
		exts = append(exts, f.Extensions...)
	}
	return exts
}

// where is "file:line", or the file alone when the line is not known.
func where(name string, line int) string {
	if line <= 0 {
		return name
	}
	return fmt.Sprintf("%s:%d", name, line)
}
