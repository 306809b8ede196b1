package xlsx

import (
	"fmt"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
)

// sharedStrings is the workbook's shared-string table.
type sharedStrings struct{ core.SharedStrings }

// read loads the table from its part, holding it to the shared-string
// limits and each string to MaxCellChars.
func (t *sharedStrings) read(p *pkg, name string) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	lim := p.limits
	s := p.scanner(rc, name)
	var sb core.SharedStringsBuilder
	var item []byte
	maxBytes := lim.MaxCellChars * utf8.UTFMax
	for {
		k, err := s.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			break
		}
		if k != tokStart {
			continue
		}
		switch string(s.name) {
		case "sst":
			// Size the index by the declared count, within reason: the
			// count is the file's word, not a fact.
			v, _ := s.attr("uniqueCount")
			var n int
			fmt.Sscan(string(v), &n)
			if n > lim.MaxSharedStrings {
				return &core.LimitError{Limit: "MaxSharedStrings", Max: int64(lim.MaxSharedStrings), Where: fmt.Sprintf("%s (declares %d strings)", name, n)}
			}
			sb.Reserve(n)
		case "si":
			if sb.Len() >= lim.MaxSharedStrings {
				return &core.LimitError{Limit: "MaxSharedStrings", Max: int64(lim.MaxSharedStrings), Where: name}
			}
			item, err = s.appendStringItem(item[:0], maxBytes)
			if err == errTooLong {
				return &core.LimitError{Limit: "MaxCellChars", Max: int64(lim.MaxCellChars), Where: fmt.Sprintf("%s, string %d", name, sb.Len())}
			}
			if err != nil {
				return err
			}
			item = unescapeBSTR(item)
			if len(item) > lim.MaxCellChars && utf8.RuneCount(item) > lim.MaxCellChars {
				return &core.LimitError{Limit: "MaxCellChars", Max: int64(lim.MaxCellChars), Where: fmt.Sprintf("%s, string %d", name, sb.Len())}
			}
			if !utf8.Valid(item) {
				return fmt.Errorf("%w: %s: string %d is not valid UTF-8", core.ErrCorrupt, name, sb.Len())
			}
			if err := sb.Add(item, lim.MaxSharedBytes, name); err != nil {
				return err
			}
		}
	}
	t.SharedStrings = sb.Table()
	return nil
}
