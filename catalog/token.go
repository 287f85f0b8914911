package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"regexp"
	"time"
)

// Role is what a token may do: librarians write the catalogue, admins also
// manage tokens.
type Role string

// Roles of a token.
const (
	RoleLibrarian Role = "librarian"
	RoleAdmin     Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleLibrarian || r == RoleAdmin }

// AtLeast reports whether r grants everything min does.
func (r Role) AtLeast(min Role) bool {
	rank := map[Role]int{RoleLibrarian: 1, RoleAdmin: 2}
	return rank[r] >= rank[min]
}

// Token is a bearer credential. Its secret is shown once, when made; the
// store keeps only its SHA-256 hash.
type Token struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Role     Role       `json:"role"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used,omitempty"`
	Revoked  *time.Time `json:"revoked,omitempty"`
}

// TokenStore holds API tokens.
type TokenStore interface {
	// CreateToken stores t (filling ID and Created) with the hash of its
	// secret. EINVALID, ECONFLICT if the name is taken.
	CreateToken(ctx context.Context, t *Token, hash []byte) error
	// FindTokenByHash returns the live token whose secret hashes to hash
	// and records its use. ENOTFOUND if there is none or it was revoked.
	FindTokenByHash(ctx context.Context, hash []byte) (*Token, error)
	// FindTokens lists every token, revoked ones included.
	FindTokens(ctx context.Context) ([]Token, error)
	// RevokeToken revokes a token. ENOTFOUND.
	RevokeToken(ctx context.Context, id string) error
}

// WebSession is a librarian's sign-in on the web pages: a random id (the
// cookie carries it) bound to a token, until it expires or is ended.
type WebSession struct {
	ID      string    `json:"id"`
	TokenID string    `json:"token_id"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// WebSessionStore keeps web sessions on the server, so that signing out
// ends one everywhere, not only in the browser that signs out.
type WebSessionStore interface {
	// CreateWebSession stores a new session. EINVALID for a token that is
	// not live.
	CreateWebSession(ctx context.Context, s *WebSession) error
	// FindWebSession returns a live session and its token: ENOTFOUND if
	// there is none with the id, or it ended, expired, or its token was
	// revoked.
	FindWebSession(ctx context.Context, id string) (*WebSession, *Token, error)
	// EndWebSession ends a session (signing out); ending one that is not
	// live is not an error. Sessions expired a day ago are removed.
	EndWebSession(ctx context.Context, id string) error
}

var tokenNamePattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$`)

// ValidateToken checks a token's name and role before it is stored.
func ValidateToken(t *Token) error {
	var fe fieldErrors
	if !tokenNamePattern.MatchString(t.Name) {
		fe.add("name", "must be 1-64 letters, digits, spaces or . _ @ -, starting with a letter or digit")
	}
	if !t.Role.Valid() {
		fe.add("role", "%q is not a role; use librarian or admin", t.Role)
	}
	return InvalidFields(fe)
}

// tokenPrefix marks Annals secrets so that secret scanners can find leaked ones.
const tokenPrefix = "annals_"

// NewTokenSecret returns a fresh random secret (160 bits) and its hash.
func NewTokenSecret() (secret string, hash []byte) {
	b := make([]byte, 20)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	secret = tokenPrefix + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	return secret, HashTokenSecret(secret)
}

// HashTokenSecret returns the hash a store keeps for secret. The secret is
// random and long, so a fast hash is enough: nothing can be guessed from it.
func HashTokenSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}
