package main

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailServer is a real SMTP server (emersion/go-smtp) on a free local
// port that keeps every message it receives.
type mailServer struct {
	addr string
	mu   sync.Mutex
	msgs [][]byte
	rcpt [][]string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	ms := &mailServer{}
	srv := smtp.NewServer(ms)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ms
}

// messages returns the messages received so far.
func (ms *mailServer) messages() [][]byte {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([][]byte(nil), ms.msgs...)
}

// wait waits for n messages.
func (ms *mailServer) wait(t *testing.T, n int) [][]byte {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := ms.messages(); len(m) >= n {
			return m
		}
	}
	t.Fatalf("%d messages arrived, want %d", len(ms.messages()), n)
	return nil
}

func (ms *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{ms: ms}, nil }

type mailSession struct {
	ms *mailServer
	to []string
}

func (s *mailSession) Reset()                                    { s.to = nil }
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *mailSession) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	s.ms.msgs = append(s.ms.msgs, b.Bytes())
	s.ms.rcpt = append(s.ms.rcpt, s.to)
	return nil
}
