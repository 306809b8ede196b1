package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// importPage shows the upload form and the user's imports.
func (a *app) importPage(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	jobs, err := a.jobs.List(r.Context(), ri.User)
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	a.render(w, http.StatusOK, "import", pageData{reqInfo: ri, Title: T(ri.Lang, "i.title"), Nav: "import",
		Data: struct{ Jobs []*Job }{jobs}})
}

// ownJob returns the job of the path's {id} when the user uploaded it.
// Another user's job is answered as one that does not exist: 404, so that
// IDs cannot be probed.
func (a *app) ownJob(w http.ResponseWriter, r *http.Request, ri reqInfo) (*Job, bool) {
	id := r.PathValue("id")
	j, err := a.jobs.Get(r.Context(), id)
	if err == nil && j.Owner != ri.User {
		a.logger.Warn("job of another user asked for", "user", ri.User, "job", id)
		err = ErrNoJob
	}
	if errors.Is(err, ErrNoJob) {
		a.fail(w, ri, http.StatusNotFound, "e.notFound")
		return nil, false
	}
	if err != nil {
		a.internal(w, ri, err)
		return nil, false
	}
	return j, true
}

// issueRow is an issue as the job page shows it, in the viewer's
// language. The message and the location come from the library, whose
// renderings mask identity numbers and passwords.
type issueRow struct {
	Severity      string
	Sheet, Column string
	Row           int
	Message       string
}

type jobData struct {
	Job                *Job
	RowsText, RateText string
	Issues             []issueRow
	More               int
}

func (a *app) jobPage(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	j, ok := a.ownJob(w, r, ri)
	if !ok {
		return
	}
	d := jobData{Job: j, RowsText: rowsText(ri.Lang, j.Progress), RateText: a.rateText(ri.Lang, j)}
	for _, is := range j.Issues {
		sheet := cmp.Or(is.Sheet, is.Document)
		msg := is.Message(ri.Lang)
		if is.Header != "" {
			msg = is.Header + ": " + msg
		} else if is.Path != "" {
			msg = is.Path + ": " + msg
		}
		if is.Value != "" {
			msg += " (" + is.Value + ")"
		}
		row := is.Row
		if row == 0 {
			row = is.Record
		}
		d.Issues = append(d.Issues, issueRow{Severity: is.Severity.String(), Sheet: sheet, Row: row, Column: is.Column, Message: msg})
	}
	d.More = j.IssueCount - len(j.Issues)
	a.render(w, http.StatusOK, "job", pageData{reqInfo: ri, Title: T(ri.Lang, "j.title", j.FileName), Nav: "import",
		Script: "job.js", Data: d})
}

func rowsText(l validate.Language, p impex.Progress) string {
	if p.Total > 0 {
		return T(l, "j.of", p.Read, p.Total)
	}
	return T(l, "j.rows", p.Read)
}

// rateText is the rows per second since the job started.
func (a *app) rateText(l validate.Language, j *Job) string {
	end := a.now()
	if j.Ended() && !j.Finished.IsZero() {
		end = j.Finished
	}
	secs := end.Sub(j.Started).Seconds()
	if j.Started.IsZero() || secs <= 0 {
		return T(l, "j.rate", 0.0)
	}
	return T(l, "j.rate", float64(j.Progress.Read)/secs)
}

// progressJSON is what the job page's script polls.
type progressJSON struct {
	State     State        `json:"state"`
	StateText string       `json:"stateText"`
	Total     int          `json:"total"`
	Counts    impex.Counts `json:"counts"`
	RowsText  string       `json:"rowsText"`
	RateText  string       `json:"rateText"`
}

func (a *app) jobProgress(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	j, ok := a.ownJob(w, r, ri)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(progressJSON{State: j.State, StateText: T(ri.Lang, "j."+string(j.State)), Total: j.Progress.Total,
		Counts: j.Progress.Counts, RowsText: rowsText(ri.Lang, j.Progress), RateText: a.rateText(ri.Lang, j)})
}

// jobRejected downloads the rejected-rows workbook, to its uploader only.
func (a *app) jobRejected(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	j, ok := a.ownJob(w, r, ri)
	if !ok {
		return
	}
	data, err := a.jobs.Rejected(r.Context(), j.ID)
	if errors.Is(err, ErrNoJob) {
		a.fail(w, ri, http.StatusNotFound, "e.notFound")
		return
	}
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": rejectedName(j.FileName)}))
	w.Write(data)
}

// importChecked queues the real import of a file whose data check (dry
// run) is done: a new job with the same upload and options.
func (a *app) importChecked(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	j, ok := a.ownJob(w, r, ri)
	if !ok {
		return
	}
	if !j.DryRun || j.State != StateDone {
		a.fail(w, ri, http.StatusConflict, "e.option")
		return
	}
	up, err := a.jobs.OpenUpload(r.Context(), j.ID)
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	defer up.Close()
	tmp, err := os.CreateTemp(a.incoming, "upload-*")
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, up)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	n := &Job{ID: newJobID(), Owner: ri.User, FileName: j.FileName, Format: j.Format, Mode: j.Mode, Policy: j.Policy,
		Lang: ri.Lang, Size: j.Size, State: StateQueued, Created: a.now()}
	a.queueJob(w, r, ri, n, tmp.Name())
}
