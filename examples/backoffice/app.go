package main

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// app is the back office: the store, the jobs, the users and the pages.
type app struct {
	cfg      Config
	store    Store
	jobs     JobStore
	queue    Queue
	users    *userFile
	sess     *sessions
	pages    map[string]*template.Template
	incoming string // where uploads are received before they become a job's
	logger   *slog.Logger
	now      func() time.Time
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{"t": T}
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		pages[n[len("templates/"):len(n)-len(".html")]] = t
	}
	return pages, nil
}

// reqInfo is what every handler knows of the request: who, in which
// language, and the CSRF token its forms carry.
type reqInfo struct {
	User string
	Lang validate.Language
	CSRF string
}

// pageData is what the layout renders.
type pageData struct {
	reqInfo
	Title     string
	Nav       string
	Script    string
	Error     string
	Languages []validate.Language
	Data      any
}

// render writes page with status; a template error is logged, the header
// being sent already.
func (a *app) render(w http.ResponseWriter, status int, page string, d pageData) {
	d.Languages = pageLanguages
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := a.pages[page].ExecuteTemplate(w, "layout", d); err != nil {
		a.logger.Error("rendering", "page", page, "err", err)
	}
}

// fail renders an error page with a message in the request's language.
func (a *app) fail(w http.ResponseWriter, ri reqInfo, status int, key string, args ...any) {
	a.render(w, status, "error", pageData{reqInfo: ri, Title: http.StatusText(status), Error: T(ri.Lang, key, args...)})
}

// routes returns the handler of every page. Pages need a session; actions
// (POST) need a session and the CSRF token of its forms.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.HandleFunc("GET /static/{file}", func(w http.ResponseWriter, r *http.Request) {
		files.ServeHTTP(w, r) // one file by name: no directory listing
	})
	mux.HandleFunc("GET /signin", a.signinPage)
	mux.HandleFunc("POST /signin", a.signin)
	mux.HandleFunc("POST /signout", a.action(a.signout))
	mux.HandleFunc("GET /{$}", a.page(func(w http.ResponseWriter, r *http.Request, _ reqInfo) {
		http.Redirect(w, r, "/customers", http.StatusSeeOther)
	}))
	mux.HandleFunc("GET /customers", a.page(a.customersPage))
	mux.HandleFunc("GET /customers/export", a.page(a.export))
	mux.HandleFunc("GET /import", a.page(a.importPage))
	mux.HandleFunc("POST /import", a.page(a.upload)) // CSRF is checked in the multipart stream, before the file
	mux.HandleFunc("GET /jobs/{id}", a.page(a.jobPage))
	mux.HandleFunc("GET /jobs/{id}/progress", a.page(a.jobProgress))
	mux.HandleFunc("GET /jobs/{id}/rejected", a.page(a.jobRejected))
	mux.HandleFunc("POST /jobs/{id}/import", a.action(a.importChecked))
	mux.HandleFunc("GET /groups", a.page(a.groupsPage))
	mux.HandleFunc("GET /groups/{id}", a.page(a.groupPage))
	return securityHeaders(mux)
}

// securityHeaders sets the headers every response carries: a Content
// Security Policy that allows only this origin's scripts, styles and
// images (no inline script), no framing, no MIME sniffing, and no caching
// of pages that show customers.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// page wraps a handler that needs a signed-in user. Without a session a
// GET is sent to the sign-in page, and anything else is answered 401 with
// the sign-in page.
func (a *app) page(h func(http.ResponseWriter, *http.Request, reqInfo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := requestLanguage(w, r)
		s, err := a.sess.get(r)
		if err != nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			a.renderSignin(w, r, lang, http.StatusUnauthorized, "", "/customers", "")
			return
		}
		h(w, r, reqInfo{User: s.User, Lang: lang, CSRF: a.sess.csrfToken(s.Nonce)})
	}
}

// action wraps a state-changing handler: a session and the CSRF token of
// its forms, else 403 (401 without a session).
func (a *app) action(h func(http.ResponseWriter, *http.Request, reqInfo)) http.HandlerFunc {
	return a.page(func(w http.ResponseWriter, r *http.Request, ri reqInfo) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if !a.checkCSRF(r, r.PostFormValue("csrf")) {
			a.fail(w, ri, http.StatusForbidden, "e.forbidden")
			return
		}
		h(w, r, ri)
	})
}

// checkCSRF checks a form's token against the session, and the Origin
// header, when the browser sent one, against the request's host.
func (a *app) checkCSRF(r *http.Request, token string) bool {
	s, err := a.sess.get(r)
	if err != nil || !a.sess.checkCSRF(s.Nonce, token) {
		return false
	}
	return sameOrigin(r)
}

// Config configures the back office. The zero value is not enough: New
// fills the defaults from the data directory.
type Config struct {
	// Addr is the listen address, such as 127.0.0.1:8080.
	Addr string
	// DataDir holds the store, the spool, the outbox and the keys.
	DataDir string
	// Postgres, when set, is the URL of the PostgreSQL database that holds
	// the customers and, through River, the jobs.
	Postgres string
	// SMTP is the host:port of the mail server; empty writes .eml files
	// into Outbox instead.
	SMTP string
	// MailFrom is the sender of result e-mails.
	MailFrom string
	// Outbox is the directory of .eml files; "" means DataDir/outbox.
	Outbox string
	// BaseURL is where users reach the back office, for links in e-mails;
	// empty, e-mails carry no link. The command line's default is the
	// address it listens on.
	BaseURL string
	// UsersFile holds the users; "" means DataDir/users.json.
	UsersFile string
	// MaxUpload bounds an upload's size in bytes; 0 means 32 MiB.
	MaxUpload int64
	// BatchSize is the rows per atomic write of an import; 0 means the
	// library's default.
	BatchSize int
	// SecureCookies marks cookies Secure also on plain HTTP, for an
	// instance behind a TLS-terminating proxy.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// Passwords hashes users' passwords; the zero value is the library's
	// production scrypt cost.
	Passwords customer.PasswordHasher
	// Instance names this process in job records; "" means host:pid.
	Instance string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger logs; nil means slog's default.
	Logger *slog.Logger
}

// defaultMaxUpload is the upload limit when Config.MaxUpload is 0: a
// 50,000-row workbook is a few MB.
const defaultMaxUpload = 32 << 20

// withDefaults returns c with its zero fields filled.
func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Instance == "" {
		host, _ := os.Hostname()
		c.Instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if c.MaxUpload == 0 {
		c.MaxUpload = defaultMaxUpload
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.MailFrom == "" {
		c.MailFrom = "Back office <backoffice@localhost>"
	}
	return c
}

// serve runs the HTTP server on ln's address until ctx ends, then shuts it
// down, giving requests in flight a few seconds.
func serve(ctx context.Context, srv *http.Server, listen func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- listen() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
