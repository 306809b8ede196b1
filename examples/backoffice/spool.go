package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// spool is the JobStore of a single instance: one directory per job under
// dir, holding job.json, the upload and, when rows were rejected, the
// rejected-rows workbook. Every file is written to a temporary name,
// synced and renamed, and the directory synced, so a record on disk is
// always whole and survives a crash once the call returns.
type spool struct {
	dir string
	mu  sync.Mutex // serialises record writes of this process
}

// The files of a job's directory.
const (
	spoolRecord   = "job.json"
	spoolUpload   = "upload"
	spoolRejected = "rejected.xlsx"
)

// openSpool returns the spool in dir, creating it (mode 0700: uploads hold
// personal data).
func openSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(filepath.Join(dir, "incoming"), 0o700); err != nil {
		return nil, err
	}
	// Uploads that were being received when the process stopped belong to
	// no job.
	stale, _ := filepath.Glob(filepath.Join(dir, "incoming", "*"))
	for _, f := range stale {
		os.Remove(f)
	}
	return &spool{dir: dir}, nil
}

// incoming is where uploads are received before they become a job's.
func (s *spool) incoming() string { return filepath.Join(s.dir, "incoming") }

func (s *spool) jobDir(id string) (string, error) {
	if !validJobID(id) {
		return "", fmt.Errorf("%w: %q", ErrNoJob, id)
	}
	return filepath.Join(s.dir, id), nil
}

func (s *spool) Create(ctx context.Context, j *Job, uploadPath string) error {
	dir, err := s.jobDir(j.ID)
	if err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	if err := syncFile(uploadPath); err != nil {
		return err
	}
	if err := os.Rename(uploadPath, filepath.Join(dir, spoolUpload)); err != nil {
		return err
	}
	// The record goes last: a directory without one is an upload that was
	// never acknowledged, and List ignores it.
	if err := s.Update(ctx, j); err != nil {
		return err
	}
	return syncFile(s.dir) // the job's directory entry
}

func (s *spool) Get(_ context.Context, id string) (*Job, error) {
	dir, err := s.jobDir(id)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, spoolRecord))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoJob, id)
	}
	if err != nil {
		return nil, err
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("job %s: %w", id, err)
	}
	return &j, nil
}

func (s *spool) List(ctx context.Context, owner string) ([]*Job, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []*Job
	for _, e := range entries {
		if !e.IsDir() || !validJobID(e.Name()) {
			continue
		}
		j, err := s.Get(ctx, e.Name())
		if errors.Is(err, ErrNoJob) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if owner == "" || j.Owner == owner {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b *Job) int { return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

func (s *spool) Update(_ context.Context, j *Job) error {
	dir, err := s.jobDir(j.ID)
	if err != nil {
		return err
	}
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return writeDurable(filepath.Join(dir, spoolRecord), b)
}

func (s *spool) OpenUpload(_ context.Context, id string) (Upload, error) {
	dir, err := s.jobDir(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, spoolUpload))
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return sizedFile{f, st.Size()}, nil
}

func (s *spool) PutRejected(_ context.Context, id string, data []byte) error {
	dir, err := s.jobDir(id)
	if err != nil {
		return err
	}
	return writeDurable(filepath.Join(dir, spoolRejected), data)
}

func (s *spool) Rejected(_ context.Context, id string) ([]byte, error) {
	dir, err := s.jobDir(id)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, spoolRejected))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no rejected rows for %s", ErrNoJob, id)
	}
	return b, err
}

// sizedFile is an open upload with its size.
type sizedFile struct {
	*os.File
	size int64
}

func (f sizedFile) Size() int64 { return f.size }

// writeDurable writes data to path through a synced temporary file in the
// same directory (mode 0600), renames it into place and syncs the
// directory, so that path holds either the old or the new bytes whatever
// happens.
func writeDurable(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncFile(filepath.Dir(path))
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
