package xlsx

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
)

// sharedStrings is the workbook's shared-string table: all the texts in
// one string, and where each ends. Looking one up allocates nothing.
type sharedStrings struct {
	text string
	ends []uint32
}

func (t *sharedStrings) len() int { return len(t.ends) }

func (t *sharedStrings) at(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.text[start:t.ends[i]]
}

// read loads the table from its part, holding it to the shared-string
// limits and each string to MaxCellChars.
func (t *sharedStrings) read(p *pkg, name string) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	lim := p.limits
	s := newScanner(rc, name, lim.MaxDepth)
	var b strings.Builder
	var item []byte
	maxBytes := lim.MaxCellChars * utf8UTFMax
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
			t.ends = make([]uint32, 0, min(max(n, 0), 1<<16))
		case "si":
			if len(t.ends) >= lim.MaxSharedStrings {
				return &core.LimitError{Limit: "MaxSharedStrings", Max: int64(lim.MaxSharedStrings), Where: name}
			}
			item, err = s.appendStringItem(item[:0], maxBytes)
			if err == errTooLong {
				return &core.LimitError{Limit: "MaxCellChars", Max: int64(lim.MaxCellChars), Where: fmt.Sprintf("%s, string %d", name, len(t.ends))}
			}
			if err != nil {
				return err
			}
			item = unescapeBSTR(item)
			if len(item) > lim.MaxCellChars && utf8.RuneCount(item) > lim.MaxCellChars {
				return &core.LimitError{Limit: "MaxCellChars", Max: int64(lim.MaxCellChars), Where: fmt.Sprintf("%s, string %d", name, len(t.ends))}
			}
			if !utf8.Valid(item) {
				return fmt.Errorf("%w: %s: string %d is not valid UTF-8", core.ErrCorrupt, name, len(t.ends))
			}
			if int64(b.Len()+len(item)) > lim.MaxSharedBytes || b.Len()+len(item) > 1<<32-1 {
				return &core.LimitError{Limit: "MaxSharedBytes", Max: lim.MaxSharedBytes, Where: name}
			}
			b.Write(item)
			t.ends = append(t.ends, uint32(b.Len()))
		}
	}
	t.text = b.String()
	return nil
}
