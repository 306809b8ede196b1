package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// sessions signs and checks session cookies. A session is the signed-in
// user, an expiry and a random nonce, HMAC-signed with a key the instances
// of one shop share, so any instance accepts it; the CSRF token of a
// session is derived from its nonce with the same key.
type sessions struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	secure bool // mark cookies Secure even when the request came in plain (behind a TLS proxy)
}

// The cookies. The pre-session cookie carries the nonce of a visitor who
// has not signed in, so that the sign-in form has a CSRF token too.
const (
	sessionCookie    = "bo_session"
	preSessionCookie = "bo_pre"
)

// session is the content of a session cookie.
type session struct {
	User    string `json:"u"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"`
}

var errBadSession = errors.New("no valid session")

func (s *sessions) sign(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// start sets the session cookie of a user who signed in.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, user string) {
	b, _ := json.Marshal(session{User: user, Expires: s.now().Add(s.ttl).Unix(), Nonce: rand.Text()})
	payload := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, s.cookie(r, sessionCookie, payload+"."+s.sign("session\x00"+payload), int(s.ttl/time.Second)))
}

// end clears the session cookie.
func (s *sessions) end(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
}

func (s *sessions) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode}
}

// get returns the request's session when its cookie is signed and not
// expired.
func (s *sessions) get(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, errBadSession
	}
	payload, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(s.sign("session\x00"+payload))) {
		return nil, errBadSession
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, errBadSession
	}
	var ss session
	if err := json.Unmarshal(b, &ss); err != nil || ss.User == "" || ss.Nonce == "" {
		return nil, errBadSession
	}
	if s.now().Unix() >= ss.Expires {
		return nil, errBadSession
	}
	return &ss, nil
}

// preNonce returns the visitor's pre-session nonce, setting the cookie
// when there is none.
func (s *sessions) preNonce(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preSessionCookie); err == nil && len(c.Value) >= 16 {
		return c.Value
	}
	n := rand.Text()
	http.SetCookie(w, s.cookie(r, preSessionCookie, n, 0))
	return n
}

// csrfToken is the token forms of a session (or pre-session) carry.
func (s *sessions) csrfToken(nonce string) string { return s.sign("csrf\x00" + nonce) }

// checkCSRF reports whether token is the one of nonce.
func (s *sessions) checkCSRF(nonce, token string) bool {
	return nonce != "" && token != "" && hmac.Equal([]byte(token), []byte(s.csrfToken(nonce)))
}
