package main

import (
	"context"
	"fmt"
	"io"
)

// runBackup writes a consistent copy of the catalogue to a new file, also
// while a server is running on the same data directory.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("backup", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return usagef("backup takes one argument, the file to write")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, flags.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Backed up %s to %s\n", cfg.DatabasePath(), flags.Arg(0))
	return nil
}
