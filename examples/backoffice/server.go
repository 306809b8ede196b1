package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
)

// backend is where an instance keeps customers and jobs, and how jobs
// reach a worker: boltstore and the spool, or PostgreSQL and River.
type backend struct {
	store    Store
	jobs     JobStore
	incoming string
	// queue builds the queue over the worker's function.
	queue func(work func(context.Context, string) error) (Queue, error)
	close func()
}

// openLocal opens the single-instance backend in the data directory.
func openLocal(cfg Config) (*backend, error) {
	store, err := boltstore.Open(filepath.Join(cfg.DataDir, "customers.db"), boltstore.Options{Now: cfg.Now})
	if err != nil {
		return nil, err
	}
	sp, err := openSpool(filepath.Join(cfg.DataDir, "jobs"))
	if err != nil {
		store.Close()
		return nil, err
	}
	return &backend{store: store, jobs: sp, incoming: sp.incoming(),
		queue: func(work func(context.Context, string) error) (Queue, error) {
			return newLocalQueue(sp, work, cfg.Logger), nil
		},
		close: func() { store.Close() }}, nil
}

// instance is a running back office: its app and its queue.
type instance struct {
	app   *app
	queue Queue
}

// newInstance builds the app of cfg on the backend.
func newInstance(cfg Config, be *backend, sessionKey []byte, ssn *customer.SSNHasher) (*instance, error) {
	cfg = cfg.withDefaults()
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	var mailer Mailer = outboxMailer{dir: cmp.Or(cfg.Outbox, filepath.Join(cfg.DataDir, "outbox"))}
	if cfg.SMTP != "" {
		mailer = smtpMailer{addr: cfg.SMTP}
	}
	w := &worker{jobs: be.jobs, now: cfg.Now, logger: cfg.Logger, instance: cfg.Instance,
		im:   &importer{store: be.store, ssn: ssn, passwords: customer.PasswordHasher{LogN: 14}, now: cfg.Now, batchSize: cfg.BatchSize},
		mail: &notifier{mailer: mailer, from: cfg.MailFrom, baseURL: cfg.BaseURL, now: cfg.Now}}
	q, err := be.queue(w.work)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, store: be.store, jobs: be.jobs, queue: q, pages: pages, incoming: be.incoming,
		logger: cfg.Logger, now: cfg.Now,
		users: &userFile{path: usersPath(cfg), hasher: cfg.Passwords},
		sess:  &sessions{key: sessionKey, ttl: cfg.SessionTTL, now: cfg.Now, secure: cfg.SecureCookies}}
	return &instance{app: a, queue: q}, nil
}

// serveMain runs the server of the command line until ctx ends.
func serveMain(ctx context.Context, fl *serveFlags, stdout io.Writer) error {
	cfg := fl.cfg.withDefaults()
	if err := ensureDir(cfg.DataDir); err != nil {
		return err
	}
	sessionKey, err := loadKey(cmp.Or(fl.sessionKeyFile, filepath.Join(cfg.DataDir, "session.key")), os.Getenv("IMPEX_SESSION_KEY"))
	if err != nil {
		return fmt.Errorf("session key: %w", err)
	}
	ssnSecret, err := loadKey(filepath.Join(cfg.DataDir, "ssn.key"), os.Getenv("IMPEX_SSN_KEY"))
	if err != nil {
		return fmt.Errorf("SSN key: %w", err)
	}
	ssn, err := customer.NewSSNHasher(customer.SSNKey{ID: cmp.Or(os.Getenv("IMPEX_SSN_KEY_ID"), "k1"), Secret: ssnSecret})
	if err != nil {
		return err
	}
	var be *backend
	if cfg.Postgres != "" {
		be, err = openPostgres(ctx, cfg)
	} else {
		be, err = openLocal(cfg)
	}
	if err != nil {
		return err
	}
	defer be.close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	// The links in e-mails point at the address listened on, port 0
	// resolved, unless the users reach the back office elsewhere.
	cfg.BaseURL = cmp.Or(cfg.BaseURL, url)
	inst, err := newInstance(cfg, be, sessionKey, ssn)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(stdout, "back office on %s\n", url)
	if fl.demo {
		password, err := seedDemo(ctx, inst.app)
		if err != nil {
			ln.Close()
			return fmt.Errorf("demo data: %w", err)
		}
		fmt.Fprintf(stdout, "sign in as %s with the password %s\n", demoUser, password)
	}
	return inst.serve(ctx, ln)
}

// serve runs the queue and the HTTP server on ln until ctx ends; then it
// stops taking requests, stops the queue between batches and returns.
func (in *instance) serve(ctx context.Context, ln net.Listener) error {
	qctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := in.queue.Run(qctx); err != nil && !errors.Is(err, context.Canceled) {
			in.app.logger.Error("queue stopped", "err", err)
		}
	}()
	srv := &http.Server{Handler: in.app.routes(), ReadHeaderTimeout: 10 * time.Second}
	err := serve(ctx, srv, func() error { return srv.Serve(ln) })
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// ensureDir makes a private directory.
func ensureDir(dir string) error { return os.MkdirAll(dir, 0o700) }

// loadKey returns the key given in hex by env, else the key in the file at
// path, creating the file with a random key when it does not exist.
func loadKey(path, env string) ([]byte, error) {
	text := strings.TrimSpace(env)
	if text == "" {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			key := make([]byte, 32)
			rand.Read(key)
			if err := writeDurable(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
				return nil, err
			}
			return key, nil
		case err != nil:
			return nil, err
		}
		text = strings.TrimSpace(string(b))
	}
	key, err := hex.DecodeString(text)
	if err != nil || len(key) < 16 || len(key) > 64 {
		return nil, errors.New("want 32 to 128 hex characters")
	}
	return key, nil
}
