package main

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// notifier writes and sends the e-mail that ends a job.
type notifier struct {
	mailer  Mailer
	from    string
	baseURL string // where the job pages are, for the link in the message
	now     func() time.Time
}

// mailIssues is how many issues the message lists; the attachment has all
// of a workbook's.
const mailIssues = 20

// send tells the job's owner what the job did, in the job's language,
// attaching the rejected-rows workbook when there is one. Issues are the
// library's masked renderings, so no identity number or password is in
// the message.
func (n *notifier) send(ctx context.Context, j *Job, jobs JobStore) error {
	l := j.Lang
	c := j.Progress.Counts
	m := &Message{From: n.from, To: j.Owner, Date: n.now()}
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	line(T(l, "m.hello", j.FileName))
	line("")
	switch {
	case j.State == StateFailed:
		m.Subject = T(l, "m.subjectFail", j.FileName)
		line(T(l, "m.failed"))
	case j.DryRun:
		m.Subject = T(l, "m.subjectCheck", j.FileName, c.Valid, c.Rejected)
	default:
		m.Subject = T(l, "m.subject", j.FileName, c.Created, c.Updated, c.Rejected)
	}
	if j.State != StateFailed {
		for _, k := range []struct {
			key string
			n   int
		}{{"j.read", c.Read}, {"j.valid", c.Valid}, {"j.rejected", c.Rejected}, {"j.created", c.Created},
			{"j.updated", c.Updated}, {"j.unchanged", c.Unchanged}, {"j.deleted", c.Deleted}} {
			line(fmt.Sprintf("%-12s %d", T(l, k.key)+":", k.n))
		}
		if j.DryRun {
			line(T(l, "j.checkOnly"))
		}
	}
	if j.FileError {
		line("")
		line(T(l, "m.fileError"))
	}
	if len(j.Issues) > 0 {
		line("")
		for i, is := range j.Issues {
			if i == mailIssues {
				line("…")
				break
			}
			line("- " + is.Text(l))
		}
	}
	if j.Rejected {
		data, err := jobs.Rejected(ctx, j.ID)
		if err != nil {
			return err
		}
		line("")
		line(T(l, "m.attached"))
		m.Attachments = append(m.Attachments, Attachment{Name: rejectedName(j.FileName),
			ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: data})
	}
	if n.baseURL != "" {
		line("")
		line(T(l, "m.link", strings.TrimSuffix(n.baseURL, "/")+"/jobs/"+j.ID))
	}
	m.Text = b.String()
	return n.mailer.Send(ctx, m)
}

// rejectedName names the rejected-rows workbook after the upload, as the
// command line does: "Person Customers - rejected.xlsx".
func rejectedName(upload string) string {
	base := upload
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return base + " - rejected.xlsx"
}
