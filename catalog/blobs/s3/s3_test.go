package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs/s3/s3test"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/minio/minio-go/v7"
)

func TestMain(m *testing.M) { s3test.Main(m) }

func mustOpen(t *testing.T) *Blobs {
	t.Helper()
	c, err := ParseURL(s3test.NewBucket(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformance(t *testing.T) {
	catalogtest.RunBlobsTests(t, func(t *testing.T) catalog.Blobs { return mustOpen(t) })
}

// TestLargeBlobInParts: a blob larger than a part (40 MiB: three parts)
// is stored whole, read back by ranges, and leaves no upload behind.
func TestLargeBlobInParts(t *testing.T) {
	ctx := context.Background()
	b := mustOpen(t)
	data := make([]byte, 40<<20)
	rand.Read(data)
	blob, err := b.Put(ctx, bytes.NewReader(data), 1<<30, "")
	if err != nil || blob.Size != int64(len(data)) {
		t.Fatalf("put: %+v %v", blob, err)
	}
	r, err := b.Open(ctx, blob.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Seek(33<<20, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 1000)
	if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, data[33<<20:33<<20+1000]) {
		t.Errorf("a range after 33 MiB: %v", err)
	}
	n := 0
	for obj := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if obj.Err == nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d objects in the bucket, want the blob alone", n)
	}
}

func TestParseURL(t *testing.T) {
	c, err := ParseURL("s3://AK:S%2Fx@s3.example.org:9000/annals?secure=false&region=eu-west-1")
	if err != nil || c.Endpoint != "s3.example.org:9000" || c.Bucket != "annals" || c.AccessKey != "AK" || c.SecretKey != "S/x" || c.Secure || c.Region != "eu-west-1" {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []string{"http://x/b", "s3://host", "s3://host/a/b", "s3://h/b?secure=maybe", "s3:///b"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
