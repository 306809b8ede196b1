package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

var (
	zipMagic = []byte("PK\x03\x04")
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open returns a Reader for the first worksheet of the workbook in r, an
// xlsx or legacy xls file of size bytes, told apart by their content. It
// returns ErrEmpty for a file of no bytes, an error wrapping ErrCSV for CSV
// text, ErrZip for a ZIP archive
// that is not a workbook, ErrFormat for anything else unknown, and ErrLimit
// for a file over Limits.MaxFileSize, and ErrUnreadable with the cause when
// reading r fails.
func Open(r io.ReaderAt, size int64, limits Limits) (Reader, error) {
	limits = limits.WithDefaults()
	if size > limits.MaxFileSize {
		return nil, &LimitError{Limit: "MaxFileSize", Max: limits.MaxFileSize, Where: fmt.Sprintf("the file (%d bytes)", size)}
	}
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	head = head[:n]
	switch {
	case n == 0:
		return nil, ErrEmpty
	case bytes.HasPrefix(head, zipMagic):
		return openXLSX(r, size, limits)
	case bytes.HasPrefix(head, cfbMagic):
		return openXLS(r, size, limits)
	case looksLikeCSV(head):
		return nil, fmt.Errorf("%w: save it as an Excel workbook (.xlsx) and import that", ErrCSV)
	}
	return nil, fmt.Errorf("%w: expected an .xlsx or .xls file", ErrFormat)
}

// looksLikeCSV reports whether head is text with a separator on its first
// line.
func looksLikeCSV(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if len(head) == 0 || !utf8.Valid(head[:len(head)-min(len(head), 3)]) {
		return false
	}
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if bytes.ContainsAny(line, "\x00") {
		return false
	}
	return bytes.ContainsAny(line, ",;\t")
}
