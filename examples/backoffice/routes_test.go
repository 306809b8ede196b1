package main

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Every page and action without a session: a GET is sent to the sign-in
// page with the page to come back to, anything else gets 401 and the
// sign-in form; nothing is stored.
func TestWithoutASessionEveryRouteAnswersWithTheSignInPage(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	job := strings.Repeat("ab", 16)
	for _, path := range []string{"/", "/customers", "/customers?kind=person", "/customers/export", "/import",
		"/jobs/" + job, "/jobs/" + job + "/progress", "/jobs/" + job + "/rejected", "/groups", "/groups/vip"} {
		t.Run("GET "+path, func(t *testing.T) {
			resp, _ := c.get(path)
			want := "/signin?next=" + url.QueryEscape(path)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Errorf("got %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
			}
		})
	}
	for _, path := range []string{"/import", "/signout", "/jobs/" + job + "/import"} {
		t.Run("POST "+path, func(t *testing.T) {
			resp, body := c.postForm(path, url.Values{"csrf": {"x"}})
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `action="/signin"`) {
				t.Errorf("got %d, want 401 with the sign-in form:\n%s", resp.StatusCode, body)
			}
		})
	}
	t.Run("an upload without a session stores nothing", func(t *testing.T) {
		resp, _ := c.upload("x", "Person Customers.xlsx", personWorkbook(t, sampleRows(2)), nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("got %d, want 401", resp.StatusCode)
		}
		if jobs, in := e.storedJobs(); jobs != 0 || in != 0 {
			t.Errorf("%d jobs and %d incoming files stored", jobs, in)
		}
	})
	t.Run("a forged session cookie is no session", func(t *testing.T) {
		c2 := e.client()
		c2.signIn(alice)
		u, _ := url.Parse(e.srv.URL)
		for _, ck := range c2.hc.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				payload, _, _ := strings.Cut(ck.Value, ".")
				ck.Value = payload + ".forged"
				c2.hc.Jar.SetCookies(u, []*http.Cookie{ck})
			}
		}
		if resp, _ := c2.get("/customers"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("got %d, want 303 to sign in", resp.StatusCode)
		}
	})
}

func TestSignIn(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	t.Run("a wrong password is 401 and no session", func(t *testing.T) {
		c := e.client()
		tok := c.csrf("/signin")
		resp, body := c.postForm("/signin", url.Values{"csrf": {tok}, "email": {alice}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "password is wrong") {
			t.Errorf("got %d:\n%s", resp.StatusCode, body)
		}
		if resp, _ := c.get("/customers"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("signed in after a wrong password: %d", resp.StatusCode)
		}
	})
	t.Run("a sign-in without the form's token is 403", func(t *testing.T) {
		c := e.client()
		c.csrf("/signin") // the pre-session cookie, but not its token
		resp, _ := c.postForm("/signin", url.Values{"csrf": {"guess"}, "email": {alice}, "password": {testPassword}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", resp.StatusCode)
		}
	})
	t.Run("cookies are HttpOnly and SameSite", func(t *testing.T) {
		c := e.client()
		tok := c.csrf("/signin")
		resp, _ := c.postForm("/signin", url.Values{"csrf": {tok}, "email": {alice}, "password": {testPassword}, "next": {"//evil.example/"}})
		if loc := resp.Header.Get("Location"); loc != "/customers" {
			t.Errorf("redirect after sign-in to %q, want /customers (never another host)", loc)
		}
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
					t.Errorf("session cookie %+v: want HttpOnly and SameSite=Lax", ck)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie")
		}
	})
	t.Run("signing out ends the session", func(t *testing.T) {
		c := e.client()
		c.signIn(alice)
		tok := c.csrf("/customers")
		if resp, _ := c.postForm("/signout", url.Values{"csrf": {tok}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", resp.StatusCode)
		}
		if resp, _ := c.get("/customers"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("still signed in: %d", resp.StatusCode)
		}
	})
}

// A state-changing request without the session's CSRF token, or from
// another site, is refused with 403 and changes nothing.
func TestForgedRequestsAreRefused(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	c.signIn(alice)
	good := c.csrf("/import")
	other := e.client()
	other.signIn(bob)
	bobs := other.csrf("/import")
	wb := personWorkbook(t, sampleRows(2))
	for _, tc := range []struct{ name, token string }{{"no token", ""}, {"a wrong token", "AAAA"}, {"another user's token", bobs}} {
		t.Run("upload with "+tc.name, func(t *testing.T) {
			resp, _ := c.upload(tc.token, "Person Customers.xlsx", wb, nil)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("got %d, want 403", resp.StatusCode)
			}
		})
		t.Run("sign-out with "+tc.name, func(t *testing.T) {
			resp, _ := c.postForm("/signout", url.Values{"csrf": {tc.token}})
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("got %d, want 403", resp.StatusCode)
			}
		})
	}
	t.Run("the right token after the file", func(t *testing.T) {
		// The token must come before the file, so no byte of a forged
		// file is written; a form that sends it later is refused.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "Person Customers.xlsx")
		fw.Write(wb)
		mw.WriteField("csrf", good)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if resp, _ := c.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", resp.StatusCode)
		}
	})
	t.Run("a good token from another origin", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/signout", strings.NewReader(url.Values{"csrf": {good}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if resp, _ := c.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", resp.StatusCode)
		}
	})
	if jobs, in := e.storedJobs(); jobs != 0 || in != 0 {
		t.Errorf("%d jobs and %d incoming files stored", jobs, in)
	}
	if resp, _ := c.get("/customers"); resp.StatusCode != http.StatusOK {
		t.Errorf("the forged sign-outs signed the user out: %d", resp.StatusCode)
	}
}

// Uploads the back office refuses, each with its status, and nothing
// stored: no job, no file left in the spool, no customer written.
func TestRefusedUploadsStoreNothing(t *testing.T) {
	e := newTestEnv(t, envOptions{maxUpload: 64 << 10})
	c := e.client()
	c.signIn(alice)
	tok := c.csrf("/import")
	before := e.customerCount()
	wb := personWorkbook(t, sampleRows(3))
	big := make([]byte, 70<<10)
	copy(big, wb)
	for _, tc := range []struct {
		name, file string
		content    []byte
		fields     map[string]string
		status     int
	}{
		{"an oversized upload", "Person Customers.xlsx", big, nil, http.StatusRequestEntityTooLarge},
		{"a CSV renamed to .xlsx", "Person Customers.xlsx", []byte("id,firstName,lastName\n,Aino,Laine\n"), nil, http.StatusUnsupportedMediaType},
		{"a workbook renamed to .xml", "customers.xml", wb, nil, http.StatusUnsupportedMediaType},
		{"a text file", "notes.txt", []byte("hello"), nil, http.StatusUnsupportedMediaType},
		{"a path-traversal file name", "../../../etc/cron.d/Person Customers.xlsx", wb, nil, http.StatusBadRequest},
		{"a Windows path-traversal file name", `..\..\Person Customers.xlsx`, wb, nil, http.StatusBadRequest},
		{"an absolute file name", "/tmp/Person Customers.xlsx", wb, nil, http.StatusBadRequest},
		{"a hidden file name", ".xlsx", wb, nil, http.StatusBadRequest},
		{"an empty file", "Person Customers.xlsx", nil, nil, http.StatusBadRequest},
		{"an unknown mode", "Person Customers.xlsx", wb, map[string]string{"mode": "explode"}, http.StatusBadRequest},
		{"an unknown policy", "Person Customers.xlsx", wb, map[string]string{"policy": "maybe"}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := c.upload(tok, tc.file, tc.content, tc.fields)
			if resp.StatusCode != tc.status {
				t.Errorf("got %d, want %d:\n%s", resp.StatusCode, tc.status, body)
			}
			if jobs, in := e.storedJobs(); jobs != 0 || in != 0 {
				t.Errorf("%d jobs and %d incoming files stored", jobs, in)
			}
		})
	}
	if n := e.customerCount(); n != before {
		t.Errorf("the store went from %d to %d customers", before, n)
	}
	t.Run("the same workbook within the limit is queued", func(t *testing.T) {
		resp, _ := c.upload(tok, "Person Customers.xlsx", wb, nil)
		j := e.waitJob(jobIDOf(t, resp))
		if j.Progress.Created != 3 {
			t.Errorf("created %d, want 3", j.Progress.Created)
		}
	})
}

// A job, its progress, its rejected rows and its import belong to their
// uploader: another user gets 404 for each, as for a job that does not
// exist.
func TestAnotherUsersJobIsNotFound(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	a := e.client()
	a.signIn(alice)
	rows := sampleRows(3)
	rows[1].Last = "" // rejected: a new customer needs a last name
	resp, _ := a.upload(a.csrf("/import"), "Person Customers.xlsx", personWorkbook(t, rows), map[string]string{"dryrun": "1"})
	id := jobIDOf(t, resp)
	j := e.waitJob(id)
	if !j.Rejected {
		t.Fatal("the job stored no rejected rows")
	}
	b := e.client()
	b.signIn(bob)
	for _, path := range []string{"/jobs/" + id, "/jobs/" + id + "/progress", "/jobs/" + id + "/rejected"} {
		if resp, body := b.get(path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Person Customers") {
			t.Errorf("bob GET %s: %d, want 404 without the job's content", path, resp.StatusCode)
		}
		if resp, _ := a.get(path); resp.StatusCode != http.StatusOK {
			t.Errorf("alice GET %s: %d, want 200", path, resp.StatusCode)
		}
	}
	if resp, _ := b.postForm("/jobs/"+id+"/import", url.Values{"csrf": {b.csrf("/import")}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bob POST import: %d, want 404", resp.StatusCode)
	}
	if _, body := b.get("/import"); strings.Contains(body, id) {
		t.Error("bob's import page lists alice's job")
	}
	for _, bad := range []string{"..%2f..%2fusers.json", "ZZ", strings.Repeat("a", 32)} {
		if resp, _ := a.get("/jobs/" + bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /jobs/%s: %d, want 404", bad, resp.StatusCode)
		}
	}
}

// The pages as a signed-in user sees them, and the headers every response
// carries.
func TestPages(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	c.signIn(alice)
	t.Run("security headers", func(t *testing.T) {
		resp, _ := c.get("/customers")
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", resp.Header)
		}
	})
	t.Run("static files, but no directory listing", func(t *testing.T) {
		if resp, body := c.get("/static/job.js"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "fetch(") {
			t.Errorf("job.js: %d", resp.StatusCode)
		}
		if resp, _ := c.get("/static/"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("/static/: %d, want 404", resp.StatusCode)
		}
	})
	t.Run("no inline script on any page", func(t *testing.T) {
		for _, p := range []string{"/customers", "/import", "/groups", "/groups/big-spenders", "/signin"} {
			_, body := c.get(p)
			if strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") {
				t.Errorf("%s has inline script", p)
			}
		}
	})
	t.Run("customers filtered by type and credit", func(t *testing.T) {
		resp, body := c.get("/customers?kind=company&credit=yes")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		// The demo data: every fourth customer from the third is a company,
		// every third from the second has credit: i%4==2 && i%3==1.
		want := 0
		for i := range 120 {
			if i%4 == 2 && i%3 == 1 {
				want++
			}
		}
		if got := strings.Count(body, "<tr><td>"); got != want {
			t.Errorf("%d rows, want %d", got, want)
		}
		_, table, _ := strings.Cut(body, "<tbody>")
		if strings.Contains(table, ">Private<") {
			t.Error("a private customer in the company list")
		}
	})
	t.Run("customers paged", func(t *testing.T) {
		_, p1 := c.get("/customers")
		_, p3 := c.get("/customers?page=3")
		if strings.Count(p1, "<tr><td>") != pageSize || !strings.Contains(p1, `id="next"`) {
			t.Error("page 1 is not a full page with a next link")
		}
		if n := strings.Count(p3, "<tr><td>"); n != 120-2*pageSize || strings.Contains(p3, `id="next"`) {
			t.Errorf("page 3 has %d rows", n)
		}
	})
	t.Run("the page's export and next links keep the filter", func(t *testing.T) {
		_, body := c.get("/customers?kind=person&q=example.fi")
		href := func(id string) string {
			m := regexp.MustCompile(`id="` + id + `" href="([^"]+)"|href="([^"]+)" id="` + id + `"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no #%s link", id)
			}
			return html.UnescapeString(m[1] + m[2])
		}
		resp, zipBody := c.get(href("export"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("export link: %d", resp.StatusCode)
		}
		if persons, companies := zipRows(t, []byte(zipBody)); persons != 90 || companies != 0 {
			t.Errorf("the export link exported %d persons and %d companies, want 90 and 0", persons, companies)
		}
		_, next := c.get(href("next"))
		if n := strings.Count(next, "<tr><td>"); n != 90-pageSize {
			t.Errorf("the next page of persons has %d rows, want %d", n, 90-pageSize)
		}
	})
	t.Run("a bad filter is 400", func(t *testing.T) {
		if resp, _ := c.get("/customers?kind=alien"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d", resp.StatusCode)
		}
		if resp, _ := c.get("/customers/export?from=yesterday"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("export: status %d", resp.StatusCode)
		}
	})
	t.Run("export is the filtered ZIP of two workbooks", func(t *testing.T) {
		resp, body := c.get("/customers/export?kind=company&credit=yes")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
		}
		persons, companies := zipRows(t, []byte(body))
		if persons != 0 || companies != 10 {
			t.Errorf("%d persons and %d companies, want 0 and 10", persons, companies)
		}
	})
	t.Run("groups with a rule preview and an explanation", func(t *testing.T) {
		_, body := c.get("/groups")
		for _, want := range []string{"big-spenders", "customer.activeData.orderValueMonth", "vip", "Everyone"} {
			if !strings.Contains(body, want) {
				t.Errorf("groups page lacks %q", want)
			}
		}
		want := 0
		for i := range 120 {
			if (i*53)%500 > 250 {
				want++
			}
		}
		_, body = c.get("/groups/big-spenders?customer=20002") // i = 1: 53, not a member
		if !strings.Contains(body, strconv.Itoa(want)+" of 120 customers are members") {
			t.Errorf("preview: want %d of 120:\n%s", want, body)
		}
		if !strings.Contains(body, `id="explanation"`) || !strings.Contains(body, "not a member") {
			t.Errorf("no explanation:\n%s", body)
		}
		if resp, _ := c.get("/groups/nope"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown group: %d", resp.StatusCode)
		}
	})
	t.Run("Finnish pages", func(t *testing.T) {
		_, body := c.get("/customers?lang=fi")
		if !strings.Contains(body, "Asiakkaat") || !strings.Contains(body, `lang="fi"`) {
			t.Error("not in Finnish")
		}
		_, body = c.get("/import") // the choice is kept
		if !strings.Contains(body, "Tuo asiakkaita") {
			t.Error("the language choice was not kept")
		}
	})
}

// zipRows returns the data rows of the two workbooks of an export, read
// with excelize.
func zipRows(t *testing.T, b []byte) (persons, companies int) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		x.Close()
		if err != nil {
			t.Fatal(err)
		}
		switch f.Name {
		case "Person Customers.xlsx":
			persons = len(rows) - 1
		case "Company Customers.xlsx":
			companies = len(rows) - 1
		}
	}
	if len(names) != 2 {
		t.Errorf("the ZIP holds %q, want the two workbooks", names)
	}
	return persons, companies
}
