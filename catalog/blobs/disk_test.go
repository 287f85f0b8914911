package blobs_test

import (
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
)

func TestDiskConformance(t *testing.T) {
	catalogtest.RunBlobsTests(t, func(t *testing.T) catalog.Blobs {
		dir := t.TempDir()
		d, err := blobs.OpenDisk(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { // runs before the directory is removed
			if left, _ := filepath.Glob(filepath.Join(dir, "tmp", "*")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
		return d
	})
}
