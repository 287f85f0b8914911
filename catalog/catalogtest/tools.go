package catalogtest

import (
	"os"
	"os/exec"
	"testing"
)

// RequireTool returns the path of an outside program a test needs (wrk,
// pdftotext, chromium...). When it is missing the test is skipped with a
// message saying what to install, or, when ANNALS_REQUIRE_TOOLS=1 (as in
// CI), fails.
func RequireTool(tb testing.TB, name, installHint string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := name + " is not installed (" + installHint + ")"
	if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
		tb.Fatal(msg + "; ANNALS_REQUIRE_TOOLS=1 requires it")
	}
	tb.Skip(msg)
	return ""
}
