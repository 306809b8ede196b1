package sheet

import (
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

func openXLS(r io.ReaderAt, size int64, limits Limits) (Reader, error) {
	x, err := xls.Open(r, size, limits)
	if err != nil {
		return nil, err
	}
	return x, nil
}
