package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/xuri/excelize/v2"
)

// testPassword is every test user's password.
const testPassword = "correct horse battery"

// The test users.
const (
	alice = "alice@example.com"
	bob   = "bob@example.com"
)

// testEnv is a running back office over a temporary data directory.
type testEnv struct {
	t      *testing.T
	inst   *instance
	srv    *httptest.Server
	data   string
	outbox string
}

type envOptions struct {
	maxUpload int64
	smtp      string
	batchSize int
}

// newTestEnv starts a back office with the demo customers, alice and bob
// as users, e-mails into an outbox directory (or to opts.smtp) and its
// queue running.
func newTestEnv(t *testing.T, opts envOptions) *testEnv {
	t.Helper()
	data := t.TempDir()
	cfg := Config{DataDir: data, MaxUpload: opts.maxUpload, SMTP: opts.smtp, BatchSize: opts.batchSize,
		Passwords: customer.PasswordHasher{LogN: 8},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil))}
	if testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	be, err := openLocal(cfg.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	inst := testInstance(t, cfg, be)
	ctx := context.Background()
	if err := seedCustomers(ctx, be.store, 120); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{alice, bob} {
		if err := inst.app.users.set(u, "", testPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(inst.app.routes())
	qctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); inst.queue.Run(qctx) }()
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		be.close()
	})
	return &testEnv{t: t, inst: inst, srv: srv, data: data, outbox: filepath.Join(data, "outbox")}
}

// client is a browser-like HTTP client: cookies kept, redirects not
// followed, so tests see each status.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func (e *testEnv) client() *client { return e.clientFor(e.srv.URL) }

// clientFor returns a client of the server at base.
func (e *testEnv) clientFor(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns the response with its body read.
func (c *client) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) postForm(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the forms of page.
func (c *client) csrf(page string) string {
	c.t.Helper()
	_, body := c.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s:\n%s", page, body)
	}
	return m[1]
}

// signIn signs in as user.
func (c *client) signIn(user string) {
	c.t.Helper()
	tok := c.csrf("/signin")
	resp, body := c.postForm("/signin", url.Values{"csrf": {tok}, "email": {user}, "password": {testPassword}, "next": {"/customers"}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign-in: status %d\n%s", resp.StatusCode, body)
	}
}

// upload posts a file to /import the way the page's form does: the CSRF
// token first, then the options, then the file.
func (c *client) upload(csrf, filename string, content []byte, fields map[string]string) (*http.Response, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField("csrf", csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	// Written by hand: CreateFormFile would escape nothing but quotes, and
	// tests need the name exactly as an attacker would send it.
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, filename))
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		c.t.Fatal(err)
	}
	w.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.base+"/import", &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// jobIDOf returns the job ID of a redirect to a job page.
func jobIDOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	loc := resp.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/jobs/")
	if resp.StatusCode != http.StatusSeeOther || !ok || !validJobID(id) {
		t.Fatalf("want a redirect to a job page, got %d %q", resp.StatusCode, loc)
	}
	return id
}

// waitJob waits until the job ended and its e-mail went out.
func (e *testEnv) waitJob(id string) *Job {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		j, err := e.inst.app.jobs.Get(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if j.Ended() && j.Mailed {
			return j
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("job %s did not end", id)
	return nil
}

// storedJobs counts the job directories and the files waiting in the
// spool's incoming directory: what an upload left on disk.
func (e *testEnv) storedJobs() (jobs, incoming int) {
	e.t.Helper()
	entries, err := os.ReadDir(filepath.Join(e.data, "jobs"))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, en := range entries {
		if validJobID(en.Name()) {
			jobs++
		}
	}
	in, err := os.ReadDir(filepath.Join(e.data, "jobs", "incoming"))
	if err != nil {
		e.t.Fatal(err)
	}
	return jobs, len(in)
}

// customerCount counts the store's customers.
func (e *testEnv) customerCount() int {
	e.t.Helper()
	n := 0
	for _, err := range e.inst.app.store.List(context.Background(), customer.Filter{}) {
		if err != nil {
			e.t.Fatal(err)
		}
		n++
	}
	return n
}

// personRow is a row of a person workbook.
type personRow struct {
	Number, First, Last, Email string
}

// personWorkbook writes a person workbook of new customers, keyed by
// their sequence numbers, so that importing it again changes nothing.
func personWorkbook(t testing.TB, rows []personRow) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Person Customers"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"id", "sequenceNumber", "firstName", "lastName", "email"})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, []any{"", r.Number, r.First, r.Last, r.Email})
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sampleRows returns n valid new persons numbered from 90001.
func sampleRows(n int) []personRow {
	rows := make([]personRow, n)
	for i := range rows {
		rows[i] = personRow{Number: fmt.Sprint(90001 + i), First: "Test", Last: fmt.Sprintf("Person%d", i), Email: fmt.Sprintf("test%d@example.org", i)}
	}
	return rows
}

// base64Reader decodes a base64 body with line breaks.
func base64Reader(b []byte) io.Reader {
	return base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b)))
}

// testInstance builds the instance of cfg on be with the tests' session
// key and SSN hasher.
func testInstance(t *testing.T, cfg Config, be *backend) *instance {
	t.Helper()
	ssn, err := customer.NewSSNHasher(customer.SSNKey{ID: "t1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := newInstance(cfg, be, bytes.Repeat([]byte{9}, 32), ssn)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}
