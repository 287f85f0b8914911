package web

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

// A file a librarian previewed is kept for an hour, so that "Import this
// file" after the preview imports it without choosing it again. Its bytes
// go to the file store (Config.Blobs: the data directory, or the bucket
// every node shares), and the confirm form carries a token that names them,
// signed with the session key: any node can check it, and it is good for
// the librarian who sent the file only. Bytes no record names are removed
// by the orphan collector after its grace (ANNALS_FILE_GRACE, a week by
// default), as for any upload that was never attached.

// pendingFor is how long a previewed file is kept.
const pendingFor = time.Hour

// pendingImport is what a token says about a previewed file.
type pendingImport struct {
	Actor   string    `json:"a"`
	Name    string    `json:"n"`
	SHA256  string    `json:"h"`
	Created time.Time `json:"t"`
}

// keepPending keeps a previewed upload and returns its token; "" when
// there is no file store to keep it in (the preview then offers no
// confirm step).
func (st *site) keepPending(ctx context.Context, actor string, fh *multipart.FileHeader) (string, error) {
	if st.cfg.Blobs == nil {
		return "", nil
	}
	src, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	blob, err := st.cfg.Blobs.Put(ctx, src, st.cfg.MaxImportBytes, "")
	if err != nil {
		return "", err
	}
	payload, _ := json.Marshal(pendingImport{Actor: actor, Name: fh.Filename, SHA256: blob.SHA256, Created: time.Now().UTC()})
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + st.sign("pending."+body), nil
}

// openPending finds a kept file by its token for actor: its name and a
// reader of its bytes. ENOTFOUND when there is none (a token this site did
// not sign, one that has expired, or another librarian's).
func (st *site) openPending(ctx context.Context, actor, token string) (string, catalog.BlobReader, error) {
	gone := catalog.Errorf(catalog.ENOTFOUND, "The file previewed is no longer kept (an hour at most); choose it again.")
	body, sig, ok := strings.Cut(token, ".")
	if !ok || st.cfg.Blobs == nil || !hmac.Equal([]byte(sig), []byte(st.sign("pending."+body))) {
		return "", nil, gone
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return "", nil, gone
	}
	var meta pendingImport
	if json.Unmarshal(payload, &meta) != nil || meta.Actor != actor || time.Since(meta.Created) > pendingFor {
		return "", nil, gone
	}
	f, err := st.cfg.Blobs.Open(ctx, meta.SHA256)
	if err != nil {
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return "", nil, gone
		}
		return "", nil, err
	}
	return meta.Name, f, nil
}
