package catalogtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// RunBlobsTests runs the conformance tests of a blob store against new,
// empty stores that open makes.
func RunBlobsTests(t *testing.T, open func(t *testing.T) catalog.Blobs) {
	t.Run("PutOpenDelete", func(t *testing.T) { testBlobsPutOpenDelete(t, open(t)) })
	t.Run("RefusalsStoreNothing", func(t *testing.T) { testBlobsRefusals(t, open(t)) })
}

func listBlobs(t *testing.T, b catalog.Blobs) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	if err := b.List(context.Background(), func(bl catalog.Blob) error { out[bl.SHA256] = bl.Size; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

func testBlobsPutOpenDelete(t *testing.T, b catalog.Blobs) {
	ctx := context.Background()
	data := bytes.Repeat([]byte("Белорусы в Китае 白俄罗斯人在中国 "), 5000)
	blob, err := b.Put(ctx, bytes.NewReader(data), 1<<20, "")
	if err != nil || blob.SHA256 != sha(data) || blob.Size != int64(len(data)) {
		t.Fatalf("put: %+v %v", blob, err)
	}
	again, err := b.Put(ctx, bytes.NewReader(data), 1<<20, sha(data))
	if err != nil || again != blob {
		t.Errorf("the same bytes again: %+v %v", again, err)
	}
	if got := listBlobs(t, b); len(got) != 1 || got[blob.SHA256] != blob.Size {
		t.Errorf("stored once: %v", got)
	}
	r, err := b.Open(ctx, blob.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != blob.Size {
		t.Errorf("size %d", r.Size())
	}
	if _, err := r.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 50)
	if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, data[100:150]) {
		t.Errorf("read after seek: %v", err)
	}
	r.Close()
	if err := b.Delete(ctx, blob.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(ctx, blob.SHA256); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("open after delete: %v", err)
	}
	if err := b.Delete(ctx, blob.SHA256); err != nil {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := b.Open(ctx, "../../etc/passwd"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("open of a path: %v", err)
	}
	empty, err := b.Put(ctx, strings.NewReader(""), 10, "")
	if err != nil || empty.Size != 0 || empty.SHA256 != sha(nil) {
		t.Errorf("empty blob: %+v %v", empty, err)
	}
}

func testBlobsRefusals(t *testing.T, b catalog.Blobs) {
	ctx := context.Background()
	data := []byte(strings.Repeat("x", 1000))
	if _, err := b.Put(ctx, bytes.NewReader(data), 999, ""); catalog.ErrorCode(err) != catalog.ETOOLARGE {
		t.Errorf("too large: %v", err)
	}
	if _, err := b.Put(ctx, bytes.NewReader(data), 2000, sha([]byte("other"))); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("digest mismatch: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Put(cctx, bytes.NewReader(data), 2000, ""); err == nil {
		t.Error("an upload whose client went away was stored")
	}
	if got := listBlobs(t, b); len(got) != 0 {
		t.Errorf("refused uploads left blobs: %v", got)
	}
}
