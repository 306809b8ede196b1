package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Message is an e-mail: a plain-text body and attachments.
type Message struct {
	From, To    string
	Subject     string
	Text        string
	Attachments []Attachment
	Date        time.Time
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// WriteTo writes the message in Internet Message Format: headers, then a
// multipart/mixed body of the text part and one base64 part per
// attachment. Header values are encoded as RFC 2047 words where they are
// not ASCII.
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	h("From", m.From)
	h("To", m.To)
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", m.Date.Format(time.RFC1123Z))
	h("Message-ID", "<"+rand.Text()+"@impex-backoffice>")
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/mixed; boundary="+mw.Boundary())
	buf.WriteString("\r\n")

	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return 0, err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))); err != nil {
		return 0, err
	}
	if err := qp.Close(); err != nil {
		return 0, err
	}
	for _, a := range m.Attachments {
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(a.ContentType, map[string]string{"name": a.Name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return 0, err
		}
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			io.WriteString(part, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		io.WriteString(part, enc+"\r\n")
	}
	if err := mw.Close(); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}

// Mailer delivers messages.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// smtpMailer sends through an SMTP server with net/smtp, without
// authentication: the server is the shop's relay on a trusted network.
type smtpMailer struct{ addr string }

func (s smtpMailer) Send(_ context.Context, m *Message) error {
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("sender %q: %w", m.From, err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("recipient %q: %w", m.To, err)
	}
	return smtp.SendMail(s.addr, nil, from.Address, []string{to.Address}, buf.Bytes())
}

// outboxMailer writes each message as an .eml file into a directory, for
// a shop without a mail server and for development.
type outboxMailer struct{ dir string }

func (o outboxMailer) Send(_ context.Context, m *Message) error {
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	name := m.Date.UTC().Format("20060102T150405Z") + "-" + rand.Text()[:8] + ".eml"
	return writeDurable(filepath.Join(o.dir, name), buf.Bytes())
}
