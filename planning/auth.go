package planning

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Defaults of the token cache.
const (
	// DefaultTokenCacheTTL is how long a verified token is trusted without
	// asking the store again: a revocation, an expiry moved earlier or a
	// disabled user takes effect in every server within it (in the server
	// that revokes, at once through Forget). At 5 s a client sending a
	// check every millisecond costs one token lookup per 5,000 checks.
	DefaultTokenCacheTTL = 5 * time.Second
	// DefaultTokenCacheSize bounds the cache; past it, expired entries are
	// dropped, then the whole cache if they were not enough.
	DefaultTokenCacheSize = 10000
)

// TokenCache remembers verified tokens for a short TTL, so that a request
// costs a map lookup instead of a database round trip. It is keyed by the
// token's hash, never its text, and is safe for concurrent use.
type TokenCache struct {
	ttl     time.Duration
	max     int
	now     func() time.Time
	mu      sync.Mutex
	entries map[[32]byte]cacheEntry
}

type cacheEntry struct {
	p     Principal
	until time.Time // min(cached at + ttl, the token's expiry)
}

// NewTokenCache returns a cache that keeps an entry for ttl (0:
// DefaultTokenCacheTTL) and at most max entries (0: DefaultTokenCacheSize).
// now may be nil for time.Now.
func NewTokenCache(ttl time.Duration, max int, now func() time.Time) *TokenCache {
	if ttl <= 0 {
		ttl = DefaultTokenCacheTTL
	}
	if max <= 0 {
		max = DefaultTokenCacheSize
	}
	if now == nil {
		now = time.Now
	}
	return &TokenCache{ttl: ttl, max: max, now: now, entries: map[[32]byte]cacheEntry{}}
}

// Get returns the Principal cached for hash, if it is still fresh.
func (c *TokenCache) Get(hash [32]byte) (Principal, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok {
		return Principal{}, false
	}
	if !now.Before(e.until) {
		delete(c.entries, hash)
		return Principal{}, false
	}
	return e.p, true
}

// Put caches p for hash until the TTL ends or expires, whichever is first.
func (c *TokenCache) Put(hash [32]byte, p Principal, expires time.Time) {
	now := c.now()
	until := now.Add(c.ttl)
	if expires.Before(until) {
		until = expires
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.until) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= c.max {
			clear(c.entries)
		}
	}
	c.entries[hash] = cacheEntry{p: p, until: until}
}

// Forget drops every cached token of user userID (0: every token), so that
// a revocation made by this process takes effect at once; other processes
// see it within the TTL.
func (c *TokenCache) Forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if userID == 0 || e.p.UserID == userID {
			delete(c.entries, k)
		}
	}
}

// Len returns the number of cached entries, fresh or not.
func (c *TokenCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// TokenAuthenticator authenticates bearer tokens against a UserStore,
// through a TokenCache. It implements Authenticator.
type TokenAuthenticator struct {
	users UserStore
	cache *TokenCache
	now   func() time.Time
}

var _ Authenticator = (*TokenAuthenticator)(nil)

// NewTokenAuthenticator returns an Authenticator over users. cache may be
// nil for no caching (every request asks the store); now may be nil for
// time.Now.
func NewTokenAuthenticator(users UserStore, cache *TokenCache, now func() time.Time) *TokenAuthenticator {
	if now == nil {
		now = time.Now
	}
	return &TokenAuthenticator{users: users, cache: cache, now: now}
}

// errBadToken is the one answer to every bad token, so that a caller
// cannot tell an unknown token from a revoked one.
var errBadToken = errors.New("unknown, expired or revoked token")

// Authenticate returns the Principal of a token text. It checks the
// token's form, finds it by its lookup prefix, compares the whole hash in
// constant time, and refuses an expired or revoked token or a disabled
// user. A verified token is cached for the cache's TTL and its last use is
// recorded once per cache miss. Errors: Unauthenticated, whose message
// never says which check failed; Unavailable from the store.
func (a *TokenAuthenticator) Authenticate(ctx context.Context, text string) (Principal, error) {
	const op = "authenticate"
	prefix, err := ParseToken(text)
	if err != nil {
		return Principal{}, err
	}
	hash := HashToken(text)
	if a.cache != nil {
		if p, ok := a.cache.Get(hash); ok {
			return p, nil
		}
	}
	t, u, err := a.users.TokenByPrefix(ctx, prefix)
	switch {
	case KindOf(err) == NotFound:
		return Principal{}, &Error{Op: op, Kind: Unauthenticated, Err: errBadToken}
	case err != nil:
		return Principal{}, fmt.Errorf("%s: %w", op, err)
	}
	now := a.now()
	if !SameHash(hash, t.Hash) || !t.Active(now) || u.Disabled {
		return Principal{}, &Error{Op: op, Kind: Unauthenticated, Err: errBadToken}
	}
	p := principalOf(u, t)
	if a.cache != nil {
		a.cache.Put(hash, p, t.Expires)
	}
	// Recording the use is best effort: a failure must not refuse a valid
	// token, and the next cache miss records it again.
	_ = a.users.TouchToken(ctx, t.ID, now)
	return p, nil
}
