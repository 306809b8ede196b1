package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
)

// The scanner is a small pull tokenizer for the XML of a workbook part. It
// is not a general XML parser: it knows just enough of the syntax the
// SpreadsheetML writers produce (elements, attributes, character data, the
// predefined and numeric entities, CDATA, comments and processing
// instructions) and refuses the rest (a DOCTYPE). Names come back without
// their namespace prefix, so <x:c> is "c". Nothing is allocated per token:
// names and attribute values are slices of the read buffer, valid until the
// next call.

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
)

type attr struct {
	name  []byte // local name
	value []byte // raw: entities not yet replaced
}

const (
	scanBufSize = 64 << 10
	maxTagLen   = 1 << 20 // a start tag longer than this is not from a real writer
)

type scanner struct {
	r        io.Reader
	part     string // the part's name, for messages
	buf      []byte
	pos, end int
	eof      bool
	depth    int
	maxDepth int

	// The current token.
	name  []byte
	attrs []attr
	self  bool // a start tag closed by "/>"

	careful bool // take no quick path
}

func newScanner(r io.Reader, part string, maxDepth int) *scanner {
	return &scanner{r: r, part: part, buf: make([]byte, scanBufSize), maxDepth: maxDepth}
}

func (s *scanner) corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", core.ErrCorrupt, s.part, fmt.Sprintf(format, args...))
}

// fill moves the unread bytes to the start of the buffer and reads more,
// growing the buffer when it is full and below limit bytes. It reports
// whether any byte was added.
func (s *scanner) fill(limit int) (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= limit {
			return false, s.corrupt("a markup item longer than %d bytes", limit)
		}
		nb := make([]byte, min(2*len(s.buf), limit))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return n > 0, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// next reads up to and including the next start or end tag, skipping the
// character data, comments and processing instructions before it.
func (s *scanner) next() (tokKind, error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '<')
		if i < 0 {
			s.pos = s.end
			more, err := s.fill(maxTagLen)
			if err != nil {
				return tokEOF, err
			}
			if !more {
				return tokEOF, nil
			}
			continue
		}
		s.pos += i
		k, done, err := s.markup()
		if err != nil || done {
			return k, err
		}
	}
}

// need makes sure n bytes are buffered at pos, reporting false at the end
// of the input.
func (s *scanner) need(n int) (bool, error) {
	for s.end-s.pos < n {
		more, err := s.fill(maxTagLen)
		if err != nil {
			return false, err
		}
		if !more {
			return false, nil
		}
	}
	return true, nil
}

// markup reads the markup item at pos (which holds '<'). done is false for
// the items next skips.
func (s *scanner) markup() (k tokKind, done bool, err error) {
	if s.end-s.pos < 2 {
		if ok, err := s.need(2); err != nil || !ok {
			return tokEOF, true, errOr(err, s.corrupt("the part ends inside markup"))
		}
	}
	switch s.buf[s.pos+1] {
	case '?':
		return tokEOF, false, s.skipPast("?>")
	case '!':
		ok, err := s.need(9)
		if err != nil {
			return tokEOF, true, err
		}
		rest := s.buf[s.pos:s.end]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			return tokEOF, false, s.skipPast("-->")
		case ok && bytes.HasPrefix(rest, []byte("<![CDATA[")):
			return tokEOF, false, s.skipPast("]]>")
		}
		return tokEOF, true, s.corrupt("a document type declaration or other unsupported markup")
	case '/':
		end, err := s.endTagEnd()
		if err != nil {
			return tokEOF, true, err
		}
		name := s.buf[s.pos+2 : end]
		for len(name) > 0 && isSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		s.name = localName(name)
		s.attrs = s.attrs[:0]
		s.self = false
		s.pos = end + 1
		if s.depth == 0 {
			return tokEOF, true, s.corrupt("an end tag </%s> without its start", s.name)
		}
		s.depth--
		return tokEnd, true, nil
	}
	if n, ok := s.quickStart(); ok {
		s.pos += n
	} else if err := s.startTag(); err != nil {
		return tokEOF, true, err
	}
	if !s.self {
		s.depth++
		if s.depth > s.maxDepth {
			return tokEOF, true, &core.LimitError{Limit: "MaxDepth", Max: int64(s.maxDepth), Where: "the XML nesting of " + s.part}
		}
	}
	return tokStart, true, nil
}

// endTagEnd returns the index of the '>' closing the end tag at pos. The
// quick search stops at a quote, which only a malformed end tag holds, and
// leaves that case to tagEnd so the answer never depends on how the input
// was buffered.
func (s *scanner) endTagEnd() (int, error) {
	b := s.buf[s.pos+2 : s.end]
	for j, c := range b {
		switch c {
		case '>':
			return s.pos + 2 + j, nil
		case '"', '\'':
			return s.tagEnd()
		}
	}
	return s.tagEnd()
}

// startTag reads the start tag at pos the careful way: it finds the tag's
// end first, buffering as much as it takes, then splits the tag. It is
// the path for tags parseStart does not take whole.
func (s *scanner) startTag() error {
	end, err := s.tagEnd()
	if err != nil {
		return err
	}
	tag := s.buf[s.pos+1 : end]
	s.pos = end + 1
	s.self = len(tag) > 0 && tag[len(tag)-1] == '/'
	if s.self {
		tag = tag[:len(tag)-1]
	}
	return s.parseTag(tag)
}

// isNameByte reports whether a tag or attribute name may hold c on the
// quick path: anything but white space, quotes and the markup delimiters.
func isNameByte(c byte) bool { return !notName[c] }

// notName marks the bytes isNameByte refuses: a table, as every byte of
// every tag and attribute name is tested.
var notName = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n=<>/\"'") {
		t[c] = true
	}
	return t
}()

// quickStart is parseStart on the buffered input, unless the scanner is
// careful.
func (s *scanner) quickStart() (int, bool) {
	if s.careful {
		return 0, false
	}
	return s.parseStart(s.buf[s.pos:s.end])
}

// parseStart reads the start tag at the start of b in one pass when it is
// whole in b and has the plain shape every writer produces: a name, then
// attributes name="value" or name='value', then '>' or '/>'. It returns the
// tag's length. Anything else (a tag cut by the buffer's end, a stray
// quote, a malformed attribute) returns false and is left to startTag, so
// both paths always agree: on the plain shape the first '>' outside an
// attribute value is the one tagEnd finds.
func (s *scanner) parseStart(b []byte) (int, bool) {
	i := 1
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	if i == 1 {
		return 0, false
	}
	s.name = localName(b[1:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, false
		}
		switch b[i] {
		case '>':
			s.self = false
			return i + 1, true
		case '/':
			if i+1 < len(b) && b[i+1] == '>' {
				s.self = true
				return i + 2, true
			}
			return 0, false
		}
		start := i
		for i < len(b) && isNameByte(b[i]) {
			i++
		}
		if i == start {
			return 0, false
		}
		name := b[start:i]
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) || b[i] != '=' {
			return 0, false
		}
		i++
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) || (b[i] != '"' && b[i] != '\'') {
			return 0, false
		}
		j := bytes.IndexByte(b[i+1:], b[i])
		if j < 0 {
			return 0, false
		}
		s.attrs = append(s.attrs, attr{name: localName(name), value: b[i+1 : i+1+j]})
		i += j + 2
	}
}

func errOr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}

// tagEnd returns the index of the '>' closing the tag at pos; a '>' inside
// a quoted attribute value does not close it.
func (s *scanner) tagEnd() (int, error) {
	from := s.pos + 1
	var q byte
	for {
		for i := from; i < s.end; i++ {
			c := s.buf[i]
			if q != 0 {
				if c == q {
					q = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				q = c
			case '>':
				return i, nil
			}
		}
		off := s.end - s.pos
		more, err := s.fill(maxTagLen)
		if err != nil {
			return 0, err
		}
		if !more {
			return 0, s.corrupt("the part ends inside a tag")
		}
		from = s.pos + off
	}
}

// skipPast skips past the next occurrence of term.
func (s *scanner) skipPast(term string) error {
	t := []byte(term)
	for {
		if i := bytes.Index(s.buf[s.pos:s.end], t); i >= 0 {
			s.pos += i + len(t)
			return nil
		}
		if s.end-s.pos >= len(t) {
			s.pos = s.end - len(t) + 1
		}
		more, err := s.fill(maxTagLen)
		if err != nil {
			return err
		}
		if !more {
			return s.corrupt("the part ends before %q", term)
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName strips a namespace prefix.
func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// parseTag splits a start tag's inside (without '<', '/>' or '>') into its
// name and attributes.
func (s *scanner) parseTag(tag []byte) error {
	i := 0
	for i < len(tag) && !isSpace(tag[i]) {
		i++
	}
	if i == 0 {
		return s.corrupt("a tag without a name")
	}
	s.name = localName(tag[:i])
	s.attrs = s.attrs[:0]
	for {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i == len(tag) {
			return nil
		}
		start := i
		for i < len(tag) && tag[i] != '=' && !isSpace(tag[i]) {
			i++
		}
		name := tag[start:i]
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i == len(tag) || tag[i] != '=' {
			return s.corrupt("attribute %q without a value in <%s>", name, s.name)
		}
		i++
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i == len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return s.corrupt("attribute %q without quotes in <%s>", name, s.name)
		}
		q := tag[i]
		i++
		vs := i
		for i < len(tag) && tag[i] != q {
			i++
		}
		if i == len(tag) {
			return s.corrupt("unterminated attribute %q in <%s>", name, s.name)
		}
		s.attrs = append(s.attrs, attr{name: localName(name), value: tag[vs:i]})
		i++
	}
}

// attr returns the raw value of the current tag's attribute name.
func (s *scanner) attr(name string) ([]byte, bool) {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

// attrString returns the attribute's value with its entities replaced.
func (s *scanner) attrString(name string) (string, error) {
	v, ok := s.attr(name)
	if !ok {
		return "", nil
	}
	if bytes.IndexByte(v, '&') < 0 {
		return string(v), nil
	}
	out := make([]byte, 0, len(v))
	for len(v) > 0 {
		i := bytes.IndexByte(v, '&')
		if i < 0 {
			out = append(out, v...)
			break
		}
		out = append(out, v[:i]...)
		v = v[i:]
		j := bytes.IndexByte(v, ';')
		if j < 0 {
			return "", s.corrupt("a bad entity in attribute %s", name)
		}
		var ok bool
		if out, ok = appendEntity(out, v[1:j]); !ok {
			return "", s.corrupt("a bad entity &%s; in attribute %s", v[1:j], name)
		}
		v = v[j+1:]
	}
	return string(out), nil
}

// appendEntity appends the character the entity name (between '&' and
// ';') stands for.
func appendEntity(dst, name []byte) ([]byte, bool) {
	switch string(name) {
	case "lt":
		return append(dst, '<'), true
	case "gt":
		return append(dst, '>'), true
	case "amp":
		return append(dst, '&'), true
	case "quot":
		return append(dst, '"'), true
	case "apos":
		return append(dst, '\''), true
	}
	if len(name) < 2 || name[0] != '#' {
		return dst, false
	}
	var n uint64
	var err error
	if name[1] == 'x' || name[1] == 'X' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return dst, false
	}
	return utf8.AppendRune(dst, rune(n)), true
}

var errTooLong = errors.New("text too long")

// appendText appends the character data at pos (entities replaced, CDATA
// sections taken literally, comments dropped) to dst, stopping before the
// next tag. It returns errTooLong as soon as dst would pass limit bytes.
func (s *scanner) appendText(dst []byte, limit int) ([]byte, error) {
	for {
		chunk := s.buf[s.pos:s.end]
		i := bytes.IndexByte(chunk, '<')
		before := chunk
		if i >= 0 {
			before = chunk[:i]
		}
		if a := bytes.IndexByte(before, '&'); a >= 0 {
			i = a
		}
		if i < 0 {
			if len(dst)+len(chunk) > limit {
				return dst, errTooLong
			}
			dst = append(dst, chunk...)
			s.pos = s.end
			more, err := s.fill(maxTagLen)
			if err != nil {
				return dst, err
			}
			if !more {
				return dst, nil
			}
			continue
		}
		if len(dst)+i > limit {
			return dst, errTooLong
		}
		dst = append(dst, chunk[:i]...)
		s.pos += i
		if s.buf[s.pos] == '&' {
			j := bytes.IndexByte(s.buf[s.pos:min(s.end, s.pos+16)], ';')
			if j < 0 {
				if _, err := s.need(16); err != nil {
					return dst, err
				}
				j = bytes.IndexByte(s.buf[s.pos:min(s.end, s.pos+16)], ';')
				if j < 0 {
					return dst, s.corrupt("a bad entity in text")
				}
			}
			var ok bool
			if dst, ok = appendEntity(dst, s.buf[s.pos+1:s.pos+j]); !ok {
				return dst, s.corrupt("a bad entity &%s; in text", s.buf[s.pos+1:s.pos+j])
			}
			s.pos += j + 1
			continue
		}
		// At '<': CDATA and comments belong to the text; anything else
		// ends it.
		ok, err := s.need(9)
		if err != nil {
			return dst, err
		}
		rest := s.buf[s.pos:s.end]
		switch {
		case ok && bytes.HasPrefix(rest, []byte("<![CDATA[")):
			s.pos += 9
			for {
				k := bytes.Index(s.buf[s.pos:s.end], []byte("]]>"))
				if k >= 0 {
					if len(dst)+k > limit {
						return dst, errTooLong
					}
					dst = append(dst, s.buf[s.pos:s.pos+k]...)
					s.pos += k + 3
					break
				}
				take := max(s.end-s.pos-2, 0)
				if len(dst)+take > limit {
					return dst, errTooLong
				}
				dst = append(dst, s.buf[s.pos:s.pos+take]...)
				s.pos += take
				more, err := s.fill(maxTagLen)
				if err != nil {
					return dst, err
				}
				if !more {
					return dst, s.corrupt("the part ends inside CDATA")
				}
			}
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := s.skipPast("-->"); err != nil {
				return dst, err
			}
		default:
			return dst, nil
		}
	}
}

// skip skips the rest of the element whose start tag was just read.
func (s *scanner) skip() error {
	if s.self {
		return nil
	}
	depth := s.depth
	for s.depth >= depth {
		k, err := s.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			return s.corrupt("the part ends inside <%s>", s.name)
		}
	}
	return nil
}

// appendStringItem appends the text of a string item (a shared string's
// <si> or an inline <is>, whose start tag was just read): the <t> elements,
// directly or within rich-text runs <r>, without the phonetic runs <rPh>.
func (s *scanner) appendStringItem(dst []byte, limit int) ([]byte, error) {
	if s.self {
		return dst, nil
	}
	depth := s.depth
	for {
		k, err := s.next()
		if err != nil {
			return dst, err
		}
		switch k {
		case tokEOF:
			return dst, s.corrupt("the part ends inside a string")
		case tokEnd:
			if s.depth < depth {
				return dst, nil
			}
		case tokStart:
			switch string(s.name) {
			case "t":
				if s.self {
					continue
				}
				if dst, err = s.appendText(dst, limit); err != nil {
					return dst, err
				}
			case "rPh", "phoneticPr", "rPr", "extLst":
				if err := s.skip(); err != nil {
					return dst, err
				}
			}
		}
	}
}

// unescapeBSTR replaces the _xHHHH_ escapes SpreadsheetML uses for
// characters XML cannot carry (such as _x000D_ for a carriage return;
// _x005F_ escapes an underscore), as Excel does when it reads the text.
func unescapeBSTR(b []byte) []byte {
	i := bytes.Index(b, []byte("_x"))
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for {
		i := bytes.Index(b, []byte("_x"))
		if i < 0 || len(b)-i < 7 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		h := b[i+2 : i+6]
		if b[i+6] == '_' && isHex4(h) {
			n, _ := strconv.ParseUint(string(h), 16, 32)
			out = utf8.AppendRune(out, rune(n))
			b = b[i+7:]
			continue
		}
		out = append(out, '_')
		b = b[i+1:]
	}
}

func isHex4(h []byte) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
