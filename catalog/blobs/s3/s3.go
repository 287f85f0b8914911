// Package s3 stores the bytes of attached files in S3-compatible object
// storage (catalog.Blobs), for several nodes that share a catalogue: each
// blob is the object blobs/ab/cd/<sha256> of one bucket.
//
// An upload streams to a temporary object (multipart, a part at a time,
// never the whole file in memory) while its SHA-256 is computed; once the
// bytes are checked (size, the client's digest) the server copies it to
// its name and the temporary object is removed, so that a blob is either
// whole or absent, and the same bytes are stored once.
package s3

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Blobs is a blob store in a bucket.
type Blobs struct {
	client *minio.Client
	bucket string
}

var _ catalog.Blobs = (*Blobs)(nil)

// Object names: blobs under blobsPrefix, uploads in progress under
// tmpPrefix (removed when older than staleUpload: an interrupted one).
const (
	blobsPrefix = "blobs/"
	tmpPrefix   = "tmp/"
	staleUpload = 24 * time.Hour
	partSize    = 16 << 20 // what one part of a multipart upload holds in memory
)

// Config says where the bucket is.
type Config struct {
	Endpoint  string // host:port
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // us-east-1 when empty
	Secure    bool   // https
}

// ParseURL reads a Config from s3://ACCESS:SECRET@host:port/bucket (https;
// ?secure=false for plain http, &region=... for the region).
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return Config{}, errors.New("give an s3:// URL such as s3://ACCESS:SECRET@s3.example.org:9000/annals")
	}
	c := Config{Endpoint: u.Host, Bucket: strings.Trim(u.Path, "/"), Secure: true, Region: u.Query().Get("region")}
	if c.Bucket == "" || strings.Contains(c.Bucket, "/") {
		return Config{}, fmt.Errorf("the URL must name one bucket after the host (s3://…@%s/annals)", u.Host)
	}
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
	}
	switch u.Query().Get("secure") {
	case "", "true":
	case "false":
		c.Secure = false
	default:
		return Config{}, errors.New("secure= is true or false")
	}
	return c, nil
}

// Open connects to the bucket, making it if it does not exist, and
// removes uploads that were interrupted long ago.
func Open(ctx context.Context, c Config) (*Blobs, error) {
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	client, err := minio.New(c.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure: c.Secure, Region: c.Region, TrailingHeaders: true})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	exists, err := client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !exists {
		if err := client.MakeBucket(ctx, c.Bucket, minio.MakeBucketOptions{Region: c.Region}); err != nil {
			var resp minio.ErrorResponse
			if !errors.As(err, &resp) || (resp.Code != "BucketAlreadyOwnedByYou" && resp.Code != "BucketAlreadyExists") {
				return nil, fmt.Errorf("s3: make bucket %s: %w", c.Bucket, err)
			}
		}
	}
	b := &Blobs{client: client, bucket: c.Bucket}
	for obj := range client.ListObjects(ctx, c.Bucket, minio.ListObjectsOptions{Prefix: tmpPrefix, Recursive: true}) {
		if obj.Err == nil && time.Since(obj.LastModified) > staleUpload {
			client.RemoveObject(ctx, c.Bucket, obj.Key, minio.RemoveObjectOptions{})
		}
	}
	return b, nil
}

// key is a blob's object name: two levels of fan-out, as on disk.
func key(sha string) string { return blobsPrefix + sha[:2] + "/" + sha[2:4] + "/" + sha }

// Put streams the bytes of r to a temporary object while hashing them,
// then, if they are acceptable, has the server copy it to its name.
func (b *Blobs) Put(ctx context.Context, r io.Reader, max int64, want string) (catalog.Blob, error) {
	tmp := tmpPrefix + randomName()
	defer b.client.RemoveObject(context.WithoutCancel(ctx), b.bucket, tmp, minio.RemoveObjectOptions{}) // after the copy, or a refusal
	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(io.LimitReader(r, max+1), h)}
	if _, err := b.client.PutObject(ctx, b.bucket, tmp, counted, -1, minio.PutObjectOptions{
		ContentType: "application/octet-stream", PartSize: partSize, Checksum: minio.ChecksumSHA256}); err != nil {
		if ctx.Err() != nil {
			return catalog.Blob{}, ctx.Err()
		}
		return catalog.Blob{}, fmt.Errorf("s3: upload: %w", err)
	}
	blob, err := blobs.CheckReceived(counted.n, max, h, want)
	if err != nil {
		return catalog.Blob{}, err
	}
	sum, n := blob.SHA256, blob.Size
	if st, err := b.client.StatObject(ctx, b.bucket, key(sum), minio.StatObjectOptions{}); err == nil && st.Size == n {
		return blob, nil // the same bytes are stored already
	}
	dst := minio.CopyDestOptions{Bucket: b.bucket, Object: key(sum), ReplaceMetadata: true,
		UserMetadata: map[string]string{"Sha256": sum}}
	if _, err := b.client.ComposeObject(ctx, dst, minio.CopySrcOptions{Bucket: b.bucket, Object: tmp}); err != nil {
		return catalog.Blob{}, fmt.Errorf("s3: copy to %s: %w", key(sum), err)
	}
	return blob, nil
}

// Open opens a blob for reading from any position (each read after a
// seek is a ranged GET).
func (b *Blobs) Open(ctx context.Context, sha string) (catalog.BlobReader, error) {
	if !blobs.ValidSHA256(sha) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There are no stored bytes %q.", sha)
	}
	st, err := b.client.StatObject(ctx, b.bucket, key(sha), minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).StatusCode == 404 {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "There are no stored bytes %s.", sha)
		}
		return nil, fmt.Errorf("s3: %w", err)
	}
	obj, err := b.client.GetObject(ctx, b.bucket, key(sha), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	return &reader{Object: obj, size: st.Size}, nil
}

// reader is an object with its size.
type reader struct {
	*minio.Object
	size int64
}

func (r *reader) Size() int64 { return r.size }

// Delete removes a blob.
func (b *Blobs) Delete(ctx context.Context, sha string) error {
	if !blobs.ValidSHA256(sha) {
		return nil
	}
	err := b.client.RemoveObject(ctx, b.bucket, key(sha), minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).StatusCode != 404 {
		return fmt.Errorf("s3: %w", err)
	}
	return nil
}

// List calls fn for every blob.
func (b *Blobs) List(ctx context.Context, fn func(catalog.Blob) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if fn fails
	for obj := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: blobsPrefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("s3: list: %w", obj.Err)
		}
		sha := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
		if !blobs.ValidSHA256(sha) {
			continue
		}
		if err := fn(catalog.Blob{SHA256: sha, Size: obj.Size, Modified: obj.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func randomName() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
