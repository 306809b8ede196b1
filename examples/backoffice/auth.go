package main

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/impexkit/impex/validate"
)

// signinData is what the sign-in form shows again.
type signinData struct {
	Next  string
	Email string
}

func (a *app) signinPage(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(w, r)
	if _, err := a.sess.get(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	a.renderSignin(w, r, lang, http.StatusOK, "", r.URL.Query().Get("next"), "")
}

// renderSignin shows the sign-in form with a CSRF token of the visitor's
// pre-session.
func (a *app) renderSignin(w http.ResponseWriter, r *http.Request, lang validate.Language, status int, msg, next, email string) {
	nonce := a.sess.preNonce(w, r)
	a.render(w, status, "signin", pageData{reqInfo: reqInfo{Lang: lang, CSRF: a.sess.csrfToken(nonce)},
		Title: T(lang, "signin.title"), Error: msg, Data: signinData{Next: safeNext(next), Email: email}})
}

// signin checks the form's CSRF token against the pre-session cookie and
// the password against the users file, and starts a session.
func (a *app) signin(w http.ResponseWriter, r *http.Request) {
	lang := requestLanguage(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(preSessionCookie)
	if err != nil || !a.sess.checkCSRF(c.Value, r.PostFormValue("csrf")) || !sameOrigin(r) {
		a.fail(w, reqInfo{Lang: lang}, http.StatusForbidden, "e.forbidden")
		return
	}
	email, next := r.PostFormValue("email"), r.PostFormValue("next")
	u, err := a.users.check(email, r.PostFormValue("password"))
	if errors.Is(err, ErrBadCredentials) {
		a.logger.Info("sign-in refused", "user", email)
		a.renderSignin(w, r, lang, http.StatusUnauthorized, T(lang, "signin.failed"), next, email)
		return
	}
	if err != nil {
		a.logger.Error("sign-in", "err", err)
		a.fail(w, reqInfo{Lang: lang}, http.StatusInternalServerError, "e.internal")
		return
	}
	a.sess.start(w, r, u.Email)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (a *app) signout(w http.ResponseWriter, r *http.Request, _ reqInfo) {
	a.sess.end(w, r)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in destination on this site: a path, never
// a URL of another host ("//evil" or "/\evil" included).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/customers"
	}
	return next
}

// sameOrigin reports whether the request's Origin header, when present,
// names this host: browsers send it on every POST, so a cross-site form
// is refused even before its token is checked.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
