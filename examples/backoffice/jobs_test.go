package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// plainSSN is a valid Finnish identity number (a published example), used
// to prove that none leaks.
const plainSSN = "131052-308T"

// ssnWorkbook is a person workbook with an ssn column: three rows, the
// second and third rejected (no last name; a broken e-mail address), the
// second carrying a plain identity number.
func ssnWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Person Customers"
	f.SetSheetName("Sheet1", sheet)
	for i, row := range [][]any{
		{"id", "sequenceNumber", "firstName", "lastName", "email", "ssn"},
		{"", "91001", "Aino", "Laine", "aino@example.org", ""},
		{"", "91002", "Eero", "", "eero@example.org", plainSSN},
		{"", "91003", "Kaisa", "Ek", "kaisa@", ""},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow(sheet, cell, &row)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An import with rejected rows, end to end over HTTP: the job page lists
// the issues with their rows and columns, the rejected-rows workbook holds
// exactly the rejected rows with their reasons, the e-mail carries the
// counts and the workbook, and no plain identity number is in any of them.
func TestAnImportWithRejectedRows(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	c.signIn(alice)
	resp, _ := c.upload(c.csrf("/import"), "Person Customers.xlsx", ssnWorkbook(t), nil)
	id := jobIDOf(t, resp)
	j := e.waitJob(id)
	if j.State != StateDone || j.Progress.Created != 1 || j.Progress.Rejected != 2 {
		t.Fatalf("job %+v: want done, 1 created, 2 rejected", j)
	}

	_, page := c.get("/jobs/" + id)
	for _, want := range []string{"<td>3</td><td>D</td>", "<td>4</td><td>E</td>", "lastName", `id="rejected"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the job page lacks %q", want)
		}
	}
	var p progressJSON
	resp, body := c.get("/jobs/" + id + "/progress")
	if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != 200 || p.State != StateDone || p.Counts.Rejected != 2 {
		t.Errorf("progress %d %s", resp.StatusCode, body)
	}

	resp, body = c.get("/jobs/" + id + "/rejected")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "Person Customers - rejected.xlsx") {
		t.Fatalf("rejected download: %d %v", resp.StatusCode, resp.Header)
	}
	rows := sheetRows(t, []byte(body))
	if len(rows) != 3 || rows[0][len(rows[0])-1] != "_errors" || rows[1][1] != "91002" || rows[2][1] != "91003" {
		t.Errorf("rejected rows %q: want the header and rows 91002 and 91003 with _errors", rows)
	}

	msgs := outboxMessages(t, e.outbox)
	if len(msgs) != 1 {
		t.Fatalf("%d messages in the outbox, want 1", len(msgs))
	}
	m := msgs[0]
	if m.to != alice || !strings.Contains(m.subject, "1 created") || !strings.Contains(m.subject, "2 rejected") {
		t.Errorf("message to %q, subject %q", m.to, m.subject)
	}
	if len(m.attachments) != 1 || m.attachments[0].Name != "Person Customers - rejected.xlsx" {
		t.Fatalf("attachments %v", m.attachments)
	}
	if got := sheetRows(t, m.attachments[0].Data); len(got) != 3 {
		t.Errorf("the attached workbook has %d rows, want 3", len(got))
	}
	for where, text := range map[string]string{"the job page": page, "the e-mail": m.raw, "the e-mail's text": m.text,
		"the rejected workbook": strings.Join(flatten(rows), "|"), "the attachment": strings.Join(flatten(sheetRows(t, m.attachments[0].Data)), "|")} {
		if strings.Contains(text, plainSSN) || strings.Contains(text, "131052") {
			t.Errorf("%s shows the plain identity number", where)
		}
	}
}

// "Check data" first: a dry run stores nothing and says what would be
// done; its page then queues the real import of the same file.
func TestADataCheckThenTheImport(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	c.signIn(alice)
	before := e.customerCount()
	resp, _ := c.upload(c.csrf("/import"), "new.xlsx", personWorkbook(t, sampleRows(5)), map[string]string{"dryrun": "1", "policy": "all-or-nothing"})
	id := jobIDOf(t, resp)
	j := e.waitJob(id)
	if !j.DryRun || j.Progress.Created != 5 || e.customerCount() != before {
		t.Fatalf("dry run %+v stored %d customers", j.Progress, e.customerCount()-before)
	}
	_, page := c.get("/jobs/" + id)
	if !strings.Contains(page, `id="import-now"`) {
		t.Fatal("no import button after the check")
	}
	resp, _ = c.postForm("/jobs/"+id+"/import", url.Values{"csrf": {c.csrf("/jobs/" + id)}})
	j2 := e.waitJob(jobIDOf(t, resp))
	if j2.DryRun || j2.Progress.Created != 5 || j2.Policy.String() != "all-or-nothing" || e.customerCount() != before+5 {
		t.Errorf("import %+v: store grew by %d", j2, e.customerCount()-before)
	}
	resp, _ = c.postForm("/jobs/"+j2.ID+"/import", url.Values{"csrf": {c.csrf("/import")}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("importing a real import again: %d, want 409", resp.StatusCode)
	}
}

// An SFCC customers document is imported through the same queue.
func TestAnXMLImport(t *testing.T) {
	e := newTestEnv(t, envOptions{})
	c := e.client()
	c.signIn(alice)
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
  <customer customer-no="77001">
    <credentials><login>xml.one@example.org</login><enabled-flag>true</enabled-flag></credentials>
    <profile><first-name>Xml</first-name><last-name>One</last-name><email>xml.one@example.org</email></profile>
  </customer>
</customers>`
	resp, _ := c.upload(c.csrf("/import"), "customers.xml", []byte(doc), nil)
	j := e.waitJob(jobIDOf(t, resp))
	if j.State != StateDone || j.Progress.Created != 1 || j.IssueCount != 0 {
		t.Errorf("job %+v", j)
	}
	for _, tc := range []struct{ name, doc, root string }{
		{"foo.xml", `<?xml version="1.0"?><foo/>`, "foo"},
		{"slots.xml", `<?xml version="1.0"?><slot-configurations xmlns="` + xmlio.NSSlot + `"/>`, "slot-configurations"},
	} {
		resp, _ = c.upload(c.csrf("/import"), tc.name, []byte(tc.doc), nil)
		j = e.waitJob(jobIDOf(t, resp))
		if !j.FileError || len(j.Issues) != 1 || j.Issues[0].Code != validate.CodeXMLRoot || j.Issues[0].Params.Name != tc.root {
			t.Errorf("%s: want one %s issue naming the root %q: %+v", tc.name, validate.CodeXMLRoot, tc.root, j)
		}
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// sheetRows reads a workbook's first sheet with excelize.
func sheetRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// parsedMessage is an e-mail taken apart with net/mail and mime/multipart.
type parsedMessage struct {
	raw, to, subject, text string
	attachments            []Attachment
}

func parseMessage(t *testing.T, raw []byte) parsedMessage {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	to, err := mail.ParseAddress(m.Header.Get("To"))
	if err != nil {
		t.Fatal(err)
	}
	out := parsedMessage{raw: string(raw), to: to.Address, subject: subject}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		if p.FileName() == "" {
			out.text = string(data)
			continue
		}
		dec, err := io.ReadAll(base64Reader(data))
		if err != nil {
			t.Fatal(err)
		}
		out.attachments = append(out.attachments, Attachment{Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: dec})
	}
	return out
}

// outboxMessages reads the .eml files of the outbox.
func outboxMessages(t *testing.T, dir string) []parsedMessage {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []parsedMessage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parseMessage(t, b))
	}
	return out
}
