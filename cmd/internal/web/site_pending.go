package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/annals/annals/catalog"
)

// A file a librarian previewed is kept on the server for an hour, so that
// "Import this file" after the preview imports it without choosing it
// again. It is kept under a random name, for the librarian who sent it
// only.

// pendingFor is how long a previewed file is kept.
const pendingFor = time.Hour

// pendingToken is the shape of a kept file's name.
var pendingToken = regexp.MustCompile(`^[0-9a-f]{32}$`)

// pendingImport is what is kept beside a previewed file.
type pendingImport struct {
	Actor   string    `json:"actor"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// pendingDir is where previewed files are kept.
func (st *site) pendingDir() string { return filepath.Join(os.TempDir(), "annals-pending-imports") }

// keepPending keeps a previewed upload and returns its token; files older
// than pendingFor are removed on the way.
func (st *site) keepPending(actor string, fh *multipart.FileHeader) (string, error) {
	dir := st.pendingDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, m := range old {
		if info, err := os.Stat(m); err == nil && time.Since(info.ModTime()) > pendingFor {
			os.Remove(m)
			os.Remove(m[:len(m)-len(".json")])
		}
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	src, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.OpenFile(filepath.Join(dir, token), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", err
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	meta, _ := json.Marshal(pendingImport{Actor: actor, Name: fh.Filename, Created: time.Now()})
	return token, os.WriteFile(filepath.Join(dir, token+".json"), meta, 0o600)
}

// openPending finds a kept file by its token for actor: its name and a
// reader of its bytes. ENOTFOUND when there is none (or it has expired,
// or it is another librarian's).
func (st *site) openPending(actor, token string) (string, *os.File, error) {
	gone := catalog.Errorf(catalog.ENOTFOUND, "The file previewed is no longer kept (an hour at most); choose it again.")
	if !pendingToken.MatchString(token) {
		return "", nil, gone
	}
	data, err := os.ReadFile(filepath.Join(st.pendingDir(), token+".json"))
	if err != nil {
		return "", nil, gone
	}
	var meta pendingImport
	if json.Unmarshal(data, &meta) != nil || meta.Actor != actor || time.Since(meta.Created) > pendingFor {
		return "", nil, gone
	}
	f, err := os.Open(filepath.Join(st.pendingDir(), token))
	if err != nil {
		return "", nil, gone
	}
	return meta.Name, f, nil
}
