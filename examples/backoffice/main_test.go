package main

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer written by the server goroutine and read by the
// test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// `go run .` starts on an embedded store with demo data and prints the
// URL and a demo user's credentials that sign in; a cancelled context
// (Ctrl-C) stops it with exit code 0.
func TestTheDemoStartPrintsCredentialsThatSignIn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--password-cost", "8"}, strings.NewReader(""), &out, io.Discard)
	}()
	re := regexp.MustCompile(`back office on (http://\S+)\nsign in as (\S+) with the password (\S+)\n`)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil; time.Sleep(20 * time.Millisecond) {
		if m = re.FindStringSubmatch(out.String()); m == nil && time.Now().After(deadline) {
			t.Fatalf("no URL and credentials printed:\n%s", out.String())
		}
	}
	c := (&testEnv{t: t}).clientFor(m[1])
	tok := c.csrf("/signin")
	resp, _ := c.postForm("/signin", url.Values{"csrf": {tok}, "email": {m[2]}, "password": {m[3]}})
	if resp.StatusCode != 303 {
		t.Fatalf("the printed credentials do not sign in: %d", resp.StatusCode)
	}
	if _, body := c.get("/customers"); strings.Count(body, "<tr><td>") != pageSize {
		t.Error("the demo store has no customers")
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d after cancel", c)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
}

// `backoffice user add` reads the password from stdin and stores only its
// scrypt hash; a short password is refused.
func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"user", "add", "--data", dir, "--password-cost", "8", "--name", "Aino", "aino@shop.example"},
		strings.NewReader("a long passphrase\n"), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	u := &userFile{path: dir + "/users.json"}
	if _, err := u.check("AINO@shop.example", "a long passphrase"); err != nil {
		t.Errorf("the new user cannot sign in: %v", err)
	}
	if _, err := u.check("aino@shop.example", "a long passphrasE"); err == nil {
		t.Error("a wrong password signs in")
	}
	users, _ := u.load()
	if len(users) != 1 || strings.Contains(users[0].Password.Hash, "passphrase") || !strings.HasPrefix(users[0].Password.Hash, "$s0$") {
		t.Errorf("stored %+v", users)
	}
	if code := run(context.Background(), []string{"user", "add", "--data", dir, "x@shop.example"}, strings.NewReader("short\n"), &out, &errs); code != 1 {
		t.Errorf("a short password: exit %d, want 1", code)
	}
}
