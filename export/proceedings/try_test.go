package proceedings

import (
	"context"
	"os"
	"testing"
)

func TestTryRender(t *testing.T) {
	f, _ := os.Create("/tmp/sample-proceedings.pdf")
	defer f.Close()
	st, err := Render(context.Background(), f, sampleDocument(t), Options{Fonts: testFonts(t)})
	t.Log(st, err)
}
