package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/annals/annals/catalog"
)

// runToken manages API tokens. "create" prints the secret, and only the
// secret, on stdout, so that TOKEN=$(annals token create ...) works.
func runToken(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("token needs a subcommand: create, list or revoke")
	}
	cfg := defaultConfig(getenv)
	flags := newFlags("token "+args[0], &cfg, stderr)
	switch args[0] {
	case "create":
		name := flags.String("name", "", "who the token is for; the history names changes by it")
		role := flags.String("role", "librarian", "librarian (edit the catalogue) or admin (also manage tokens)")
		if err := parseFlags(flags, args[1:]); err != nil {
			return err
		}
		if *name == "" {
			return usagef("token create needs --name")
		}
		tok := catalog.Token{Name: *name, Role: catalog.Role(*role)}
		if err := catalog.ValidateToken(&tok); err != nil {
			return usagef("%s", err)
		}
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		secret, hash := catalog.NewTokenSecret()
		if err := store.CreateToken(ctx, &tok, hash); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Token %s (%s) for %q. Keep the secret now; it is not shown again:\n", tok.ID, tok.Role, tok.Name)
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		if err := parseFlags(flags, args[1:]); err != nil {
			return err
		}
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		tokens, err := store.FindTokens(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tLAST USED\tREVOKED")
		for _, t := range tokens {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Created.Format("2006-01-02"), day(t.LastUsed), day(t.Revoked))
		}
		return w.Flush()
	case "revoke":
		if err := parseFlags(flags, args[1:]); err != nil {
			return err
		}
		if flags.NArg() != 1 {
			return usagef("token revoke takes one token id (annals token list shows them)")
		}
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		return store.RevokeToken(ctx, flags.Arg(0))
	}
	return usagef("unknown token subcommand %q; use create, list or revoke", args[0])
}

func day(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02")
}
