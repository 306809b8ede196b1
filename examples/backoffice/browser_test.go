package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/impexkit/impex/customer"
	"github.com/xuri/excelize/v2"
)

// chromium finds the browser: $IMPEX_CHROMIUM, else Debian's chromium.
// Without one the browser test skips, unless IMPEX_REQUIRE_BROWSER=1 (set
// by CI), when it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("IMPEX_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("IMPEX_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found and IMPEX_REQUIRE_BROWSER=1: apt-get install chromium")
	}
	t.Skip("no Chromium found; apt-get install chromium (IMPEX_REQUIRE_BROWSER=1 makes this a failure)")
	return ""
}

// browserSession is a headless Chromium tab on the back office.
type browserSession struct {
	t         *testing.T
	ctx       context.Context
	base      string
	downloads string
	shots     string // IMPEX_SCREENSHOTS, or ""
	shot      int
}

func newBrowser(t *testing.T, base string) *browserSession {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // root in CI containers
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browserSession{t: t, ctx: ctx, base: base, downloads: t.TempDir(), shots: os.Getenv("IMPEX_SCREENSHOTS")}
	b.do(chromedp.Navigate("about:blank"))
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: b.downloads}); err != nil {
		t.Fatal(err)
	}
	if b.shots != "" {
		if err := os.MkdirAll(b.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// do runs steps. (A timeout of its own would close the tab when it
// ends: chromedp ties the tab to the context; the test's context bounds
// the whole run instead.)
func (b *browserSession) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// waitURL waits until the page's address contains s.
func (b *browserSession) waitURL(s string) {
	b.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		loc, err := chromedp.Run(b.ctx, chromedp.Location())
		if err == nil && strings.Contains(loc, s) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the page is at %q, want %q in it (%v)", loc, s, err)
		}
	}
}

func (b *browserSession) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(sel))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression for a value.
func eval[T any](b *browserSession, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// screenshot saves the page as NN-name.png into IMPEX_SCREENSHOTS.
func (b *browserSession) screenshot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	b.shot++
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.shot, name)), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// download waits for a finished download named name and returns its path.
func (b *browserSession) download(name string) string {
	b.t.Helper()
	path := filepath.Join(b.downloads, name)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			if _, err := os.Stat(path + ".crdownload"); err != nil {
				return path
			}
		}
	}
	entries, _ := os.ReadDir(b.downloads)
	b.t.Fatalf("no download %q; the directory holds %v", name, entries)
	return ""
}

// waitJobEnd waits until the job page, which reloads itself when the job
// ends, shows the result. It returns the values the progress bar showed
// on the way, as the page's script updated them.
func (b *browserSession) waitJobEnd() (bar []int) {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](
			`[document.getElementById("result") ? 1 : 0, document.getElementById("bar").value]`))
		if err == nil && len(v) == 2 {
			if len(bar) == 0 || bar[len(bar)-1] != v[1] {
				bar = append(bar, v[1])
			}
			if v[0] == 1 {
				return bar
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the job page never showed the result (last error %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The seed's back office in a real browser: sign in, filter the list,
// export and unzip the download, upload a workbook with two bad rows,
// watch the progress reach the end, read the issues, download the
// rejected rows, fix them and upload them again, and find both e-mails,
// the first with the rejected rows attached, at a real SMTP server.
func TestTheBackOfficeInABrowser(t *testing.T) {
	ms := startMailServer(t)
	e := newTestEnv(t, envOptions{smtp: ms.addr, batchSize: 5}) // small batches: the import takes long enough to watch
	b := newBrowser(t, e.srv.URL)

	// Sign in: the customers page sends a visitor to the sign-in form.
	b.do(chromedp.Navigate(e.srv.URL + "/customers"))
	b.do(chromedp.WaitVisible("#email"))
	b.screenshot("signin")
	b.do(chromedp.SendKeys("#email", alice), chromedp.SendKeys("#password", testPassword), chromedp.Click("#signin"))
	b.do(chromedp.WaitVisible("#customers"))
	b.screenshot("customers")

	// Filter: companies with credit.
	b.do(chromedp.SetValue("#kind", "company"), chromedp.SetValue("#credit", "yes"), chromedp.Click("#apply"))
	b.waitURL("kind=company")
	b.do(chromedp.WaitVisible("#customers"))
	shown := eval[[]string](b, `Array.from(document.querySelectorAll("#customers tbody tr td:first-child")).map(td => td.textContent)`)
	yes := true
	var want []string
	for c, err := range e.inst.app.store.List(context.Background(), customer.Filter{Kind: customer.KindCompany, CreditAllowed: &yes}) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c.Number)
	}
	if len(want) == 0 || !slices.Equal(shown, want) {
		t.Fatalf("the filtered list shows %v, want %v", shown, want)
	}
	b.screenshot("customers-filtered")

	// Export the filtered list and unzip it: two workbooks, the companies
	// the list showed and no persons.
	b.do(chromedp.Click("#export"))
	zipPath := b.download("customers-" + time.Now().Format("2006-01-02") + ".zip")
	zb, err := os.ReadFile(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	persons, companies := zipRows(t, zb)
	if persons != 0 || companies != len(want) {
		t.Errorf("the export holds %d persons and %d companies, want 0 and %d", persons, companies, len(want))
	}

	// Upload a workbook of 3,000 new customers, two of them bad.
	rows := sampleRows(3000)
	rows[40].Last = ""             // row 42: a new customer needs a last name
	rows[150].Email = "no-at-sign" // row 152: not an e-mail address
	dir := t.TempDir()
	upload := filepath.Join(dir, "Person Customers.xlsx")
	if err := os.WriteFile(upload, personWorkbook(t, rows), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Navigate(e.srv.URL + "/import"))
	b.do(chromedp.WaitVisible("#upload"))
	b.do(chromedp.SetUploadFiles("#file", []string{upload}))
	b.screenshot("import")
	b.do(chromedp.Click("#submit"))
	b.do(chromedp.WaitVisible("#job"))
	b.screenshot("job-running")
	// The page shows the job running, and its script moves the bar
	// (without it the page would never change) and reloads the page at
	// the end.
	bar := b.waitJobEnd()
	t.Logf("the progress bar showed %v", bar)
	if len(bar) < 3 || bar[len(bar)-1] != 3000 {
		t.Errorf("the progress bar showed %v, want some values on the way to 3000", bar)
	}
	if got := b.text("#state"); got != "Done" {
		t.Errorf("state %q, want Done", got)
	}
	if v := eval[[]int](b, `[document.getElementById("bar").value, document.getElementById("bar").max]`); v[0] != 3000 || v[1] != 3000 {
		t.Errorf("the progress bar ends at %d of %d, want 3000 of 3000", v[0], v[1])
	}
	counts := eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll("[data-count]")).map(td => [td.dataset.count, td.textContent]))`)
	if counts["created"] != "2998" || counts["rejected"] != "2" {
		t.Errorf("counts %v, want 2998 created and 2 rejected", counts)
	}
	issues := eval[[][]string](b, `Array.from(document.querySelectorAll("#issues tbody tr")).map(tr => Array.from(tr.cells).map(td => td.textContent))`)
	if len(issues) != 2 || issues[0][1] != "42" || issues[0][2] != "D" || !strings.Contains(issues[0][3], "lastName") ||
		issues[1][1] != "152" || issues[1][2] != "E" || !strings.Contains(issues[1][3], "email") {
		t.Errorf("issues on the page: %q", issues)
	}
	b.screenshot("job")

	// The same issues in Finnish.
	b.do(chromedp.Click(`//a[@hreflang="fi"]`))
	b.do(chromedp.WaitVisible(`//h2[text()="Huomautukset"]`))
	fi := eval[string](b, `document.getElementById("issues").textContent`)
	if !strings.Contains(fi, "Rivi") && !strings.Contains(fi, "pakollinen") {
		t.Errorf("the Finnish page's issues: %q", fi)
	}
	b.screenshot("job-fi")
	b.do(chromedp.Click(`//a[@hreflang="en"]`))
	b.do(chromedp.WaitVisible(`//h2[text()="Issues"]`))

	// Download the rejected rows, fix them and upload them again.
	b.do(chromedp.Click("#rejected"))
	rejected := b.download("Person Customers - rejected.xlsx")
	x, err := excelize.OpenFile(rejected)
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	got, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1][1] != rows[40].Number || got[2][1] != rows[150].Number {
		t.Fatalf("the rejected workbook: %q", got)
	}
	x.SetCellStr(sheet, "D2", "Fixed")
	x.SetCellStr(sheet, "E3", "fixed@example.org")
	fixed := filepath.Join(dir, "Person Customers fixed.xlsx")
	if err := x.SaveAs(fixed); err != nil {
		t.Fatal(err)
	}
	x.Close()
	b.do(chromedp.Navigate(e.srv.URL + "/import"))
	b.do(chromedp.WaitVisible("#upload"))
	b.do(chromedp.SetUploadFiles("#file", []string{fixed}), chromedp.Click("#submit"))
	b.do(chromedp.WaitVisible("#job"))
	b.waitJobEnd()
	counts = eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll("[data-count]")).map(td => [td.dataset.count, td.textContent]))`)
	if counts["created"] != "2" || counts["rejected"] != "0" {
		t.Errorf("the fixed file: counts %v, want 2 created and 0 rejected", counts)
	}
	if b.text("#issues-none") == "" {
		t.Error("the fixed file's page lists issues")
	}
	b.screenshot("job-fixed")

	// The e-mails: the first with the rejected rows attached.
	msgs := ms.wait(t, 2)
	first, second := parseMessage(t, msgs[0]), parseMessage(t, msgs[1])
	if first.to != alice || !strings.Contains(first.subject, "2 rejected") || len(first.attachments) != 1 {
		t.Fatalf("first e-mail: to %s, subject %q, %d attachments", first.to, first.subject, len(first.attachments))
	}
	att := sheetRows(t, first.attachments[0].Data)
	if len(att) != 3 || att[1][1] != rows[40].Number || !strings.Contains(strings.Join(att[1], " "), "lastName") {
		t.Errorf("the attached workbook: %q", att)
	}
	if !strings.Contains(second.subject, "2 created") || !strings.Contains(second.subject, "0 rejected") || len(second.attachments) != 0 {
		t.Errorf("second e-mail: subject %q, %d attachments", second.subject, len(second.attachments))
	}
	if store := e.customerCount(); store != 120+3000 {
		t.Errorf("the store holds %d customers, want %d", store, 3120)
	}

	// The groups: a rule's preview and an explanation for one customer.
	b.do(chromedp.Navigate(e.srv.URL + "/groups"))
	b.do(chromedp.WaitVisible("#groups"))
	b.screenshot("groups")
	b.do(chromedp.Click(`//a[text()="big-spenders"]`))
	b.do(chromedp.WaitVisible("#members"))
	b.do(chromedp.SendKeys("#customer", "20002"), chromedp.Click("#explain"))
	b.do(chromedp.WaitVisible("#explanation"))
	if ex := b.text("#explanation"); !strings.Contains(ex, "orderValueMonth") {
		t.Errorf("explanation %q", ex)
	}
	b.screenshot("group")
}
