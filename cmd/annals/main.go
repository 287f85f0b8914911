// Command annals runs the Annals catalogue: the web service and the
// commands librarians and operators use beside it.
//
//	annals serve   [--addr 127.0.0.1:8080] [--data DIR] [--sample]
//	annals import  [--data DIR] [--dry-run] [--atomic] [--files DIR] [--format F] [--on-duplicate skip|create] FILE...
//	               (.json .ndjson .jsonl .csv .bib .ris .enw .ciw .isi .nbib .net .xml; --format when the name does not tell)
//	annals token create [--data DIR] --role librarian|admin --name NAME
//	annals token list|revoke [--data DIR] [ID]
//	annals backup  [--data DIR] FILE
//	annals restore [--data DIR] FILE.tar
//	annals check   [--data DIR]
//	annals extract [--data DIR] [--retry]
//	annals reindex [--data DIR]
//	annals export  [--data DIR] --format bibtex|ris|csl-json|csv [--q QUERY] [--event ID] [-o FILE]
//	annals proceedings [--data DIR] --event ID [--session KEY] [--style apa] -o FILE.pdf
//	annals nodes   [--store URL]
//
// Exit status is 0 on success, 1 on failure and 2 on bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// usageError marks a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `Usage:
  annals serve   [--addr 127.0.0.1:8080] [--data DIR] [--sample]
  annals import  [--data DIR] [--dry-run] [--atomic] [--files DIR] [--format F] [--on-duplicate skip|create] FILE...
                 (.json .ndjson .jsonl .csv .bib .ris .enw .ciw .isi .nbib .net .xml; --format when the name does not tell)
  annals token create [--data DIR] --role librarian|admin --name NAME
  annals token list   [--data DIR]
  annals token revoke [--data DIR] ID
  annals backup  [--data DIR] FILE  (FILE.tar: database and files; FILE.db: the database alone)
  annals restore [--data DIR] FILE.tar   (into a new data directory)
  annals check   [--data DIR]      (every file the catalogue names is stored whole; lists the others)
  annals extract [--data DIR] [--retry]   (read the files not read yet: pages, text; --retry: also those that failed)
  annals reindex [--data DIR]      (while the server runs: POST /api/v1/admin/reindex)
  annals export  [--data DIR] --format bibtex|ris|csl-json|csv [--q QUERY] [--event ID] [-o FILE] [--include-drafts]
  annals proceedings [--data DIR] --event ID [--session KEY] [--style apa] [--locale ru-RU] [--title T] -o FILE.pdf
  annals nodes   [--store URL]     (the nodes sharing a catalogue on PostgreSQL: how far each has followed it)

--data defaults to $ANNALS_DATA, else ./annals-data; --addr to $ANNALS_ADDR.
--store (every command) defaults to $ANNALS_STORE: empty keeps the catalogue in SQLite in the data directory;
a postgres:// URL keeps it in PostgreSQL, shared by several nodes (each with its own --data for its index).
Run "annals COMMAND -h" for a command's flags.
`

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, rest, getenv, stderr)
	case "import":
		err = runImport(ctx, rest, getenv, stdout, stderr)
	case "token":
		err = runToken(ctx, rest, getenv, stdout, stderr)
	case "backup":
		err = runBackup(ctx, rest, getenv, stderr)
	case "restore":
		err = runRestore(ctx, rest, getenv, stderr)
	case "check":
		err = runCheck(ctx, rest, getenv, stdout, stderr)
	case "extract":
		err = runExtract(ctx, rest, getenv, stdout, stderr)
	case "reindex":
		err = runReindex(ctx, rest, getenv, stderr)
	case "export":
		err = runExport(ctx, rest, getenv, stdout, stderr)
	case "proceedings":
		err = runProceedings(ctx, rest, getenv, stderr)
	case "nodes":
		err = runNodes(ctx, rest, getenv, stdout, stderr)
	default:
		err = usagef("unknown command %q", cmd)
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "annals %s: %s\n", cmd, ue.msg)
		if !strings.HasPrefix(ue.msg, "flag") {
			fmt.Fprint(stderr, usage)
		}
		return 2
	default:
		fmt.Fprintf(stderr, "annals %s: %s\n", cmd, oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
