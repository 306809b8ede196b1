package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/impexkit/impex/internal/xls"
	"github.com/impexkit/impex/internal/xlsx"
)

// The format readers live in their own packages; these adapt them to
// Reader. Both return errors built on the sentinels above.

func openXLSX(r io.ReaderAt, size int64, limits Limits) (Reader, error) {
	x, err := xlsx.Open(r, size, limits)
	if err != nil {
		return nil, err
	}
	return x, nil
}

// openXLS reads the whole compound file into memory first: the container
// format jumps between small sectors, and reading them from a file one by
// one costs a system call each (50,000 rows took 17 s instead of under one).
// The file is already bounded by Limits.MaxFileSize.
func openXLS(r io.ReaderAt, size int64, limits Limits) (Reader, error) {
	if _, inMemory := r.(*bytes.Reader); !inMemory {
		buf := make([]byte, size)
		if _, err := r.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		r = bytes.NewReader(buf)
	}
	x, err := xls.Open(r, size, limits)
	if err != nil {
		return nil, err
	}
	return x, nil
}
