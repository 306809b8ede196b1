package main

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/impexkit/impex"
)

// uploadError is why an upload is refused: the status and the message.
type uploadError struct {
	status int
	key    string
}

func (e *uploadError) Error() string { return e.key }

var (
	errForbidden = &uploadError{http.StatusForbidden, "e.forbidden"}
	errTooLarge  = &uploadError{http.StatusRequestEntityTooLarge, "e.tooLarge"}
	errFileType  = &uploadError{http.StatusUnsupportedMediaType, "e.type"}
	errFileName  = &uploadError{http.StatusBadRequest, "e.name"}
	errNoFile    = &uploadError{http.StatusBadRequest, "e.noFile"}
	errOption    = &uploadError{http.StatusBadRequest, "e.option"}
)

// received is an upload read from a request into a temporary file.
type received struct {
	path   string // the temporary file; removed unless a job took it
	name   string
	size   int64
	format Format
	fields map[string]string
}

// upload receives a file and queues its import. The request is read as a
// stream: the form's CSRF token must come before the file (the page's form
// puts it first), so a forged request is refused before a byte of its file
// is written; the file goes to a temporary file, bounded by the upload
// limit, and becomes a job only when every check passed. Whatever is
// refused leaves nothing behind. The job record and the upload are on
// disk (or in the database) before the response says the file is queued.
func (a *app) upload(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	rc, err := a.receive(w, r)
	if rc != nil {
		defer os.Remove(rc.path) // a no-op once the job took the file
	}
	var ue *uploadError
	if errors.As(err, &ue) {
		a.logger.Info("upload refused", "user", ri.User, "why", ue.key, "status", ue.status)
		var args []any
		if ue == errTooLarge {
			args = append(args, a.cfg.MaxUpload>>20)
		}
		a.fail(w, ri, ue.status, ue.key, args...)
		return
	}
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	j := &Job{ID: newJobID(), Owner: ri.User, FileName: rc.name, Format: rc.format, Lang: ri.Lang, Size: rc.size,
		State: StateQueued, Created: a.now(), DryRun: rc.fields["dryrun"] != ""}
	if j.Mode, err = impex.ParseMode(cmp.Or(rc.fields["mode"], "merge")); err != nil {
		a.fail(w, ri, errOption.status, errOption.key)
		return
	}
	if j.Policy, err = impex.ParsePolicy(cmp.Or(rc.fields["policy"], "skip")); err != nil || j.Policy == impex.StopAfter {
		a.fail(w, ri, errOption.status, errOption.key)
		return
	}
	a.queueJob(w, r, ri, j, rc.path)
}

// queueJob stores the job with its upload, queues it and shows its page.
func (a *app) queueJob(w http.ResponseWriter, r *http.Request, ri reqInfo, j *Job, path string) {
	if err := a.jobs.Create(r.Context(), j, path); err != nil {
		a.internal(w, ri, err)
		return
	}
	if err := a.queue.Enqueue(r.Context(), j.ID); err != nil {
		// The job is stored; the queue picks it up at the next start.
		a.logger.Error("enqueue", "job", j.ID, "err", err)
	}
	a.logger.Info("import queued", "user", ri.User, "job", j.ID, "size", j.Size, "dryRun", j.DryRun)
	http.Redirect(w, r, "/jobs/"+j.ID, http.StatusSeeOther)
}

// receive reads the multipart form. It returns the received file, if one
// was written, with the error.
func (a *app) receive(w http.ResponseWriter, r *http.Request) (*received, error) {
	r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errForbidden // not the page's form
	}
	rc := &received{fields: map[string]string{}}
	checked, haveFile := false, false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rc.orNil(), readError(err)
		}
		if part.FormName() != "file" {
			v, err := io.ReadAll(io.LimitReader(part, 1<<10))
			if err != nil {
				return rc.orNil(), readError(err)
			}
			rc.fields[part.FormName()] = string(v)
			continue
		}
		if !a.checkCSRF(r, rc.fields["csrf"]) {
			return rc.orNil(), errForbidden
		}
		checked = true
		if haveFile {
			return rc.orNil(), errNoFile
		}
		haveFile = true
		if err := a.receiveFile(rc, part); err != nil {
			return rc.orNil(), err
		}
	}
	if !checked && !a.checkCSRF(r, rc.fields["csrf"]) {
		return rc.orNil(), errForbidden
	}
	if !haveFile || rc.size == 0 {
		return rc.orNil(), errNoFile
	}
	return rc, nil
}

// orNil returns rc when it holds a file to remove.
func (rc *received) orNil() *received {
	if rc.path == "" {
		return nil
	}
	return rc
}

// receiveFile checks the file's name and writes its content to a
// temporary file, checking that the content is what the name says.
func (a *app) receiveFile(rc *received, part *multipart.Part) error {
	name, ok := rawFileName(part)
	if !ok || !goodFileName(name) {
		return errFileName
	}
	rc.name = name
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xls":
		rc.format = FormatExcel
	case ".xml":
		rc.format = FormatXML
	default:
		return errFileType
	}
	tmp, err := os.CreateTemp(a.incoming, "upload-*")
	if err != nil {
		return err
	}
	rc.path = tmp.Name()
	n, err := io.Copy(tmp, io.LimitReader(part, a.cfg.MaxUpload+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	rc.size = n
	if err != nil {
		return readError(err)
	}
	if n > a.cfg.MaxUpload {
		return errTooLarge
	}
	if n == 0 {
		return errNoFile
	}
	f, err := os.Open(rc.path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 512)
	k, _ := io.ReadFull(f, head)
	if !contentMatches(strings.ToLower(filepath.Ext(name)), head[:k]) {
		return errFileType
	}
	return nil
}

// readError maps a failure to read the request: over the size limit is
// 413, anything else a malformed request.
func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return &uploadError{http.StatusBadRequest, "e.noFile"}
}

// rawFileName returns the filename parameter as the client sent it.
// mime/multipart's Part.FileName strips directories, which would hide a
// path-traversal attempt; the back office refuses such names instead.
func rawFileName(part *multipart.Part) (string, bool) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", false
	}
	name, ok := params["filename"]
	return name, ok
}

// goodFileName accepts a plain file name: no directory part, no "..", no
// control characters, valid UTF-8, not hidden, not too long.
func goodFileName(name string) bool {
	if name == "" || len(name) > 200 || !utf8.ValidString(name) || strings.HasPrefix(name, ".") {
		return false
	}
	if strings.ContainsAny(name, `/\:`) || strings.Contains(name, "..") {
		return false
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// The first bytes of the formats: a ZIP archive (.xlsx) and an OLE
// compound file (.xls).
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// contentMatches reports whether the file's first bytes are of the format
// its extension names: a CSV renamed to .xlsx is refused at the door,
// before a job is made of it.
func contentMatches(ext string, head []byte) bool {
	switch ext {
	case ".xlsx":
		return bytes.HasPrefix(head, zipMagic)
	case ".xls":
		return bytes.HasPrefix(head, oleMagic)
	case ".xml":
		head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
		head = bytes.TrimLeft(head, " \t\r\n")
		return bytes.HasPrefix(head, []byte("<"))
	}
	return false
}

// newJobID returns a random job ID: 128 bits, so that IDs cannot be
// guessed (ownership is checked as well).
func newJobID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
