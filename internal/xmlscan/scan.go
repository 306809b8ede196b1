// Package xmlscan is a small, fast, streaming XML tokenizer for the SFCC
// documents impex reads. It yields start elements with their attributes, end
// elements and character data, and skips comments, processing instructions
// and DOCTYPE declarations.
//
// It accepts exactly the documents encoding/xml's Decoder.Token accepts in
// its default strict mode (a fuzz test holds it to that), with a few
// deliberate refusals on top, each reported with its own sentinel error:
//
//   - a declaration of an entity anywhere in a DOCTYPE or other directive
//     (ErrEntity). No entity is ever resolved, internal or external, and
//     nothing is ever fetched;
//   - a character reference to a surrogate code point (ErrCharRef), which
//     encoding/xml silently turns into U+FFFD;
//   - input beyond the configured Limits (ErrLimit).
//
// Like encoding/xml it does not insist on a single root element; callers
// that need one check it themselves. Names are reported raw: the scanner
// does not resolve namespace prefixes.
//
// Returned byte slices point into the scanner's buffers and stay valid only
// until the next call to Next.
package xmlscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Kind is the kind of a token.
type Kind uint8

// The token kinds Next returns.
const (
	// None is the kind of no token: before the first call and after an error.
	None Kind = iota
	// StartElement is an opening tag; Name, Attrs apply. A self-closing tag
	// is a StartElement followed by an EndElement.
	StartElement
	// EndElement is a closing tag; Name applies.
	EndElement
	// CharData is text or a CDATA section; Text applies.
	CharData
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case StartElement:
		return "StartElement"
	case EndElement:
		return "EndElement"
	case CharData:
		return "CharData"
	}
	return "None"
}

// Errors the scanner reports, wrapped in a *SyntaxError that carries the
// line. Read errors of the underlying reader are returned as they are.
var (
	// ErrSyntax: the input is not well-formed XML.
	ErrSyntax = errors.New("xml syntax error")
	// ErrLimit: the input goes beyond one of the Limits.
	ErrLimit = errors.New("xml limit exceeded")
	// ErrEntity: the input declares an entity. The scanner resolves none
	// and refuses such documents outright.
	ErrEntity = errors.New("xml entity declarations are not accepted")
	// ErrCharRef: a character reference names a code point XML does not
	// allow (a surrogate).
	ErrCharRef = errors.New("xml character reference to a surrogate")
)

// SyntaxError reports where and why the scanner stopped. It unwraps to
// ErrSyntax, ErrLimit, ErrEntity or ErrCharRef.
type SyntaxError struct {
	Line int
	Msg  string
	Err  error
	// Limit names the Limits field an ErrLimit error went beyond, and Max
	// its value.
	Limit string
	Max   int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Unwrap returns the sentinel the error belongs to.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Limits bound what one document may ask of the scanner. A zero field takes
// its default.
type Limits struct {
	// MaxDepth is the deepest element nesting allowed; default 256.
	MaxDepth int
	// MaxNameLen is the longest element or attribute name in bytes;
	// default 1024.
	MaxNameLen int
	// MaxAttrs is the most attributes one element may have; default 256.
	MaxAttrs int
	// MaxTokenSize is the largest single token in bytes: a tag with its
	// attributes, a run of text, a comment or directive; default 4 MiB.
	MaxTokenSize int
}

// The default limits.
const (
	DefaultMaxDepth     = 256
	DefaultMaxNameLen   = 1024
	DefaultMaxAttrs     = 256
	DefaultMaxTokenSize = 4 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNameLen <= 0 {
		l.MaxNameLen = DefaultMaxNameLen
	}
	if l.MaxAttrs <= 0 {
		l.MaxAttrs = DefaultMaxAttrs
	}
	if l.MaxTokenSize <= 0 {
		l.MaxTokenSize = DefaultMaxTokenSize
	}
	return l
}

// Attr is one attribute of a start element. Value has its references
// decoded and its line ends normalised, as encoding/xml does.
type Attr struct {
	// Name is the raw qualified name, such as "xml:lang".
	Name []byte
	// Prefix and Local split Name at its colon; Prefix is empty for an
	// unprefixed name.
	Prefix []byte
	Local  []byte
	Value  []byte
}

// Scanner reads tokens from an io.Reader. Create it with New.
type Scanner struct {
	r    io.Reader
	lim  Limits
	buf  []byte
	pos  int // first unread byte
	end  int // end of the data read so far
	eof  bool
	rerr error // sticky read error (not io.EOF)
	err  error // sticky scan error

	consumed int64 // input bytes dropped from the front of buf
	line     int   // line of buf[lineAt]
	lineAt   int   // buffer index up to which newlines are counted into line
	tokStart int   // buffer index of the current token's first byte

	kind    Kind
	name    []byte
	prefix  []byte
	local   []byte
	attrs   []Attr
	text    []byte
	scratch []byte

	pendingEnd bool
	skipLayout bool
	names      []byte // open element names, concatenated
	offs       []int  // start of each open name in names
}

const initialBuffer = 64 << 10

// New returns a scanner reading r within lim (zero fields take defaults).
func New(r io.Reader, lim Limits) *Scanner {
	return &Scanner{r: r, lim: lim.withDefaults(), line: 1}
}

// Reset makes s read r from the start, keeping its buffers.
func (s *Scanner) Reset(r io.Reader) {
	*s = Scanner{r: r, lim: s.lim, buf: s.buf[:cap(s.buf)], scratch: s.scratch[:0],
		attrs: s.attrs[:0], names: s.names[:0], offs: s.offs[:0], line: 1}
}

// LeafText is a shortcut for the common element that holds only text:
// called right after a StartElement, it reads the element's text and its
// end tag at once when they are already buffered and the end tag follows
// the text directly. It then reports true, and the current token is the
// element's EndElement. Otherwise it reads nothing and reports false, and
// the caller goes on with Next. An error in the text is returned as Next
// would return it. The text is valid until the next call.
func (s *Scanner) LeafText() (text []byte, ok bool, err error) {
	if s.kind != StartElement || s.err != nil {
		return nil, false, nil
	}
	if s.pendingEnd {
		s.endPending()
		return nil, true, nil
	}
	b := s.buf[s.pos:s.end]
	i := bytes.IndexByte(b, '<')
	if i < 0 {
		return nil, false, nil
	}
	n, ok := s.closesTop(b[i:])
	if !ok {
		return nil, false, nil
	}
	s.tokStart = s.pos
	s.ensureScratch(i)
	text, good := s.decode(b[:i], modeText)
	if !good {
		s.kind = None
		return nil, true, s.err
	}
	s.tokStart = s.pos + i
	s.closeTop(b[i+2 : i+n-1])
	s.text = nil
	s.pos += i + n
	return text, true, nil
}

// SkipLayout makes the scanner drop white space that only lays out
// elements: white-space-only text that follows an end tag or precedes a
// start tag. White space that is all an element holds (<a> </a>) is still
// reported. Data-oriented documents read faster this way.
func (s *Scanner) SkipLayout(on bool) { s.skipLayout = on }

// Kind returns the kind of the current token.
func (s *Scanner) Kind() Kind { return s.kind }

// Name returns the raw qualified name of the current start or end element.
func (s *Scanner) Name() []byte { return s.name }

// Prefix returns the namespace prefix of the current element's name, empty
// when it has none.
func (s *Scanner) Prefix() []byte { return s.prefix }

// Local returns the current element's name without its prefix.
func (s *Scanner) Local() []byte { return s.local }

// Attrs returns the current start element's attributes in document order.
func (s *Scanner) Attrs() []Attr { return s.attrs }

// Text returns the current character data, decoded.
func (s *Scanner) Text() []byte { return s.text }

// Line returns the 1-based line on which the current token starts. Lines
// are counted only when asked for, so a caller that never asks pays
// nothing for them.
func (s *Scanner) Line() int {
	if s.tokStart > s.lineAt {
		s.line += bytes.Count(s.buf[s.lineAt:s.tokStart], nl)
		s.lineAt = s.tokStart
	}
	return s.line
}

// Offset returns the input offset of the current token's first byte.
func (s *Scanner) Offset() int64 { return s.consumed + int64(s.tokStart) }

// Root returns the raw name of the outermost element open, nil when none
// is.
func (s *Scanner) Root() []byte {
	switch len(s.offs) {
	case 0:
		return nil
	case 1:
		return s.names
	}
	return s.names[:s.offs[1]]
}

// Enter makes the scanner read its input as the content of an element
// named name that is already open, for reading part of a document, from a
// token's start inside its root, on its own: the input must then close the
// element, as it would in the whole document. Lines are counted from the
// part's start.
func (s *Scanner) Enter(name []byte) {
	s.offs = append(s.offs, len(s.names))
	s.names = append(s.names, name...)
}

// Depth returns the number of elements open after the current token: 1
// after the root's start tag, 0 after its end tag.
func (s *Scanner) Depth() int { return len(s.offs) }

// Err returns the error that stopped the scanner, or nil.
func (s *Scanner) Err() error { return s.err }

// step is what a token parser tells Next.
type step uint8

const (
	stepToken step = iota // a token was read; return it
	stepSkip              // a comment, PI or directive was skipped
	stepMore              // the token continues past the data read so far
	stepFail              // s.err is set
)

// Next reads the next token and returns its kind. At the end of the input
// it returns io.EOF, or a *SyntaxError when elements are still open. Any
// error is sticky.
func (s *Scanner) Next() (Kind, error) {
	if s.err != nil {
		s.kind = None
		return None, s.err
	}
	if s.pendingEnd {
		s.endPending()
		return EndElement, nil
	}
	for {
		if s.pos >= s.end && !s.fill() {
			if s.err != nil {
				return None, s.err
			}
			s.kind = None
			if len(s.offs) > 0 {
				s.tokStart = s.pos
				return None, s.fail(ErrSyntax, "unexpected EOF")
			}
			s.err = io.EOF
			return None, io.EOF
		}
		s.tokStart = s.pos
		var n int
		var st step
		if s.buf[s.pos] == '<' {
			n, st = s.markup()
		} else {
			n, st = s.chardata()
		}
		switch st {
		case stepToken, stepSkip:
			s.pos += n
			if st == stepToken {
				return s.kind, nil
			}
		case stepMore:
			if !s.fill() {
				if s.err != nil {
					return None, s.err
				}
				s.eof = true // parse once more, knowing the input is complete
			}
		case stepFail:
			s.kind = None
			return None, s.err
		}
	}
}

var nl = []byte{'\n'}

// fill makes room in the buffer and reads more input. It reports whether
// any bytes arrived; at the end of the input it returns false with s.err
// unset, and on a read error or an oversized token with s.err set.
func (s *Scanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.consumed += int64(s.pos)
		s.line += bytes.Count(s.buf[s.lineAt:s.pos], nl)
		s.lineAt = 0
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.tokStart -= s.pos
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if s.end >= s.lim.MaxTokenSize {
			s.failLimit("MaxTokenSize", s.lim.MaxTokenSize, fmt.Sprintf("a tag, text or comment larger than %d bytes", s.lim.MaxTokenSize))
			return false
		}
		n := max(2*len(s.buf), initialBuffer)
		n = min(n, s.lim.MaxTokenSize+1)
		nb := make([]byte, n)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	if s.rerr != nil {
		s.err = s.rerr
		return false
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			if err == io.EOF {
				s.eof = true
			} else {
				s.rerr = err
			}
			if n == 0 && s.rerr != nil {
				s.err = s.rerr
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.rerr = io.ErrNoProgress
	s.err = s.rerr
	return false
}

func (s *Scanner) fail(sentinel error, msg string) error {
	s.err = &SyntaxError{Line: s.Line(), Msg: msg, Err: sentinel}
	return s.err
}

// failLimit fails with ErrLimit: the input went beyond the Limits field
// limit, of value max.
func (s *Scanner) failLimit(limit string, max int, msg string) error {
	s.err = &SyntaxError{Line: s.Line(), Msg: msg, Err: ErrLimit, Limit: limit, Max: max}
	return s.err
}

// short is the step for a token that runs into the end of the data: read
// more, or fail when there is no more.
func (s *Scanner) short(what string) step {
	if !s.eof {
		return stepMore
	}
	s.fail(ErrSyntax, "unexpected EOF "+what)
	return stepFail
}

func (s *Scanner) bad(msg string) step {
	s.fail(ErrSyntax, msg)
	return stepFail
}

// ensureScratch makes sure decoding up to n bytes never reallocates the
// scratch buffer, so slices into it stay valid for the whole token.
func (s *Scanner) ensureScratch(n int) {
	if cap(s.scratch) < n {
		s.scratch = make([]byte, 0, max(n, 2*cap(s.scratch)))
	}
	s.scratch = s.scratch[:0]
}

func (s *Scanner) chardata() (int, step) {
	b := s.buf[s.pos:s.end]
	i := bytes.IndexByte(b, '<')
	if i < 0 {
		if !s.eof {
			return 0, stepMore
		}
		i = len(b)
	}
	if s.skipLayout && layout(b[:i]) && (s.kind == EndElement || i+1 < len(b) && b[i+1] != '/') {
		return i, stepSkip
	}
	s.ensureScratch(i)
	text, ok := s.decode(b[:i], modeText)
	if !ok {
		return 0, stepFail
	}
	s.kind, s.text = CharData, text
	return i, stepToken
}

// layout reports whether b is white space only.
func layout(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// nameRun is a name run read by readName: where it ends, the offset in it
// of its first colon (-1 for none), and whether it is all ASCII.
type nameRun struct {
	end, colon int
	ascii      bool
}

// readName reads the name run starting at i: ASCII name bytes and any
// byte from 0x80 up, which validName checks afterwards. It notes the first
// colon and whether a high byte came, so that qname need not look at an
// ASCII name again.
func readName(b []byte, i int) nameRun {
	r := nameRun{colon: -1, ascii: true}
	start := i
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			r.ascii = false
			continue
		}
		if !nameByte[c] {
			break
		}
		if c == ':' && r.colon < 0 {
			r.colon = i - start
		}
	}
	r.end = i
	return r
}

// qname checks the name run n, read by readName as r, and splits it at its
// colon. A name with more than one colon is refused, as encoding/xml
// refuses it.
func (s *Scanner) qname(n []byte, r nameRun) (prefix, local []byte, ok bool) {
	if len(n) > s.lim.MaxNameLen {
		s.failLimit("MaxNameLen", s.lim.MaxNameLen, fmt.Sprintf("a name longer than %d bytes", s.lim.MaxNameLen))
		return nil, nil, false
	}
	if !(r.ascii && nameStart(n[0])) && !validName(n) {
		s.fail(ErrSyntax, fmt.Sprintf("invalid XML name %q", n))
		return nil, nil, false
	}
	c := r.colon
	if c >= 0 && bytes.IndexByte(n[c+1:], ':') >= 0 {
		s.fail(ErrSyntax, fmt.Sprintf("name %q has more than one colon", n))
		return nil, nil, false
	}
	prefix, local = splitAt(n, c)
	return prefix, local, true
}

// splitName splits a checked name at its colon.
func splitName(n []byte) (prefix, local []byte) { return splitAt(n, bytes.IndexByte(n, ':')) }

// splitAt splits name n at its colon, at c (negative for none). A colon at
// either end belongs to the local name, as encoding/xml has it.
func splitAt(n []byte, c int) (prefix, local []byte) {
	if c > 0 && c < len(n)-1 {
		return n[:c], n[c+1:]
	}
	return nil, n
}

// endPending makes the end of the self-closing element just read the
// current token.
func (s *Scanner) endPending() {
	s.pendingEnd = false
	s.attrs = s.attrs[:0]
	s.kind = EndElement
	s.pop()
}

func (s *Scanner) markup() (int, step) {
	b := s.buf[s.pos:s.end]
	if len(b) < 2 {
		return 0, s.short("after <")
	}
	switch b[1] {
	case '/':
		return s.endTag(b)
	case '?':
		return s.procInst(b)
	case '!':
		return s.bang(b)
	}
	return s.startTag(b)
}

func (s *Scanner) endTag(b []byte) (int, step) {
	// Almost every end tag is </name> closing the open element by the name
	// it was opened with, which was checked then: compare, and leave the
	// checks to the path below for any other end tag.
	if n, ok := s.closesTop(b); ok {
		s.closeTop(b[2 : n-1])
		return n, stepToken
	}
	run := readName(b, 2)
	j := run.end
	if j == len(b) {
		return 0, s.short("in end tag")
	}
	if j == 2 {
		return 0, s.bad("expected element name after </")
	}
	name := b[2:j]
	if _, _, ok := s.qname(name, run); !ok {
		return 0, stepFail
	}
	j = skipSpace(b, j)
	if j == len(b) {
		return 0, s.short("in end tag")
	}
	if b[j] != '>' {
		return 0, s.bad(fmt.Sprintf("invalid characters between </%s and >", name))
	}
	if len(s.offs) == 0 {
		return 0, s.bad(fmt.Sprintf("unexpected end element </%s>", name))
	}
	if top := s.top(); !bytes.Equal(top, name) {
		return 0, s.bad(fmt.Sprintf("element <%s> closed by </%s>", top, name))
	}
	s.closeTop(name)
	return j + 1, stepToken
}

// top returns the name of the innermost open element; nil when none is.
func (s *Scanner) top() []byte {
	if len(s.offs) == 0 {
		return nil
	}
	return s.names[s.offs[len(s.offs)-1]:]
}

// closesTop reports whether b starts with </name> closing the innermost
// open element by the name it was opened with, which was checked then, and
// returns that tag's length.
func (s *Scanner) closesTop(b []byte) (int, bool) {
	top := s.top()
	if top == nil {
		return 0, false
	}
	j := 2 + len(top)
	if j >= len(b) || b[0] != '<' || b[1] != '/' || b[j] != '>' || !bytes.Equal(b[2:j], top) {
		return 0, false
	}
	return j + 1, true
}

// closeTop makes the end of the innermost open element, named name (as
// checked when it opened), the current token.
func (s *Scanner) closeTop(name []byte) {
	s.pop()
	prefix, local := splitName(name)
	s.kind, s.name, s.prefix, s.local = EndElement, name, prefix, local
	s.attrs = s.attrs[:0]
}

func (s *Scanner) pop() {
	n := len(s.offs) - 1
	s.names = s.names[:s.offs[n]]
	s.offs = s.offs[:n]
}

func (s *Scanner) procInst(b []byte) (int, step) {
	j := readName(b, 2).end
	if j == len(b) {
		return 0, s.short("in processing instruction")
	}
	if j == 2 {
		return 0, s.bad("expected target name after <?")
	}
	target := b[2:j]
	if len(target) > s.lim.MaxNameLen {
		s.failLimit("MaxNameLen", s.lim.MaxNameLen, fmt.Sprintf("a name longer than %d bytes", s.lim.MaxNameLen))
		return 0, stepFail
	}
	if !validName(target) {
		return 0, s.bad(fmt.Sprintf("invalid XML name %q", target))
	}
	j = skipSpace(b, j)
	k := bytes.Index(b[j:], []byte("?>"))
	if k < 0 {
		return 0, s.short("in processing instruction")
	}
	if string(target) == "xml" {
		content := b[j : j+k]
		if v := declParam(content, "version"); v != nil && string(v) != "1.0" {
			return 0, s.bad(fmt.Sprintf("unsupported XML version %q", v))
		}
		if e := declParam(content, "encoding"); e != nil && !bytes.EqualFold(e, []byte("utf-8")) {
			return 0, s.bad(fmt.Sprintf("unsupported encoding %q: only UTF-8 is read", e))
		}
	}
	return j + k + 2, stepSkip
}

// declParam finds param="value" (or 'value') in an XML declaration the
// loose way encoding/xml does: the first occurrence of param= directly
// followed by a quote, wherever it sits. It returns nil when there is none
// or the value is empty, so that both parsers judge a declaration alike.
func declParam(s []byte, param string) []byte {
	key := []byte(param + "=")
	i := 0
	for i < len(s) {
		k := bytes.Index(s[i:], key)
		if k < 0 || i+k+len(key) >= len(s) {
			return nil
		}
		q := s[i+k+len(key)]
		i += k + len(key) + 1
		if q == '"' || q == '\'' {
			j := bytes.IndexByte(s[i:], q)
			if j <= 0 {
				return nil
			}
			return s[i : i+j]
		}
	}
	return nil
}

func (s *Scanner) bang(b []byte) (int, step) {
	if len(b) < 3 {
		return 0, s.short("after <!")
	}
	switch b[2] {
	case '-':
		if len(b) < 4 {
			return 0, s.short("in comment")
		}
		if b[3] != '-' {
			return 0, s.bad("invalid sequence <!- not part of <!--")
		}
		k := bytes.Index(b[4:], []byte("--"))
		if k < 0 || 4+k+2 >= len(b) {
			return 0, s.short("in comment")
		}
		if b[4+k+2] != '>' {
			return 0, s.bad(`invalid sequence "--" in a comment`)
		}
		return 4 + k + 3, stepSkip
	case '[':
		const open = "<![CDATA["
		for i := 3; i < len(open); i++ {
			if i >= len(b) {
				return 0, s.short("in CDATA section")
			}
			if b[i] != open[i] {
				return 0, s.bad("invalid <![ sequence")
			}
		}
		k := bytes.Index(b[len(open):], []byte("]]>"))
		if k < 0 {
			return 0, s.short("in CDATA section")
		}
		raw := b[len(open) : len(open)+k]
		s.ensureScratch(len(raw))
		text, ok := s.decode(raw, modeCDATA)
		if !ok {
			return 0, stepFail
		}
		s.kind, s.text = CharData, text
		return len(open) + k + 3, stepToken
	}
	return s.directive(b)
}

// directive skips <!DOCTYPE ...> and other declarations, matching quotes,
// nested angle brackets and comments the way encoding/xml does, and
// refuses any that declares an entity.
func (s *Scanner) directive(b []byte) (int, step) {
	i := 3 // b[2], the first byte, is taken as it is
	var quote byte
	depth := 0
	for {
		if i >= len(b) {
			return 0, s.short("in directive")
		}
		c := b[i]
		i++
		if quote == 0 && c == '>' && depth == 0 {
			break
		}
	again:
		switch {
		case c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"':
			quote = c
		case c == '>':
			depth--
		case c == '<':
			const open = "!--"
			m := 0
			for m < len(open) {
				if i >= len(b) {
					return 0, s.short("in directive")
				}
				if b[i] != open[m] {
					break
				}
				i++
				m++
			}
			if m < len(open) {
				depth++
				c = b[i]
				i++
				goto again
			}
			k := bytes.Index(b[i:], []byte("-->"))
			if k < 0 {
				return 0, s.short("in directive comment")
			}
			i += k + 3
		}
	}
	if bytes.Contains(b[:i], []byte("ENTITY")) {
		s.fail(ErrEntity, "the document declares an entity; entities are never resolved")
		return 0, stepFail
	}
	return i, stepSkip
}

func (s *Scanner) startTag(b []byte) (int, step) {
	run := readName(b, 1)
	j := run.end
	if j == len(b) {
		return 0, s.short("in start tag")
	}
	if j == 1 {
		return 0, s.bad("expected element name after <")
	}
	name := b[1:j]
	prefix, local, ok := s.qname(name, run)
	if !ok {
		return 0, stepFail
	}
	s.attrs = s.attrs[:0]
	s.ensureScratch(len(b))
	self := false
	for {
		j = skipSpace(b, j)
		if j >= len(b) {
			return 0, s.short("in start tag")
		}
		c := b[j]
		if c == '/' {
			if j+1 >= len(b) {
				return 0, s.short("in start tag")
			}
			if b[j+1] != '>' {
				return 0, s.bad("expected /> in element")
			}
			self = true
			j += 2
			break
		}
		if c == '>' {
			j++
			break
		}
		arun := readName(b, j)
		k := arun.end
		if k == len(b) {
			return 0, s.short("in start tag")
		}
		if k == j {
			return 0, s.bad("expected attribute name in element")
		}
		an := b[j:k]
		ap, al, ok := s.qname(an, arun)
		if !ok {
			return 0, stepFail
		}
		j = skipSpace(b, k)
		if j >= len(b) {
			return 0, s.short("in start tag")
		}
		if b[j] != '=' {
			return 0, s.bad("attribute name without = in element")
		}
		j = skipSpace(b, j+1)
		if j >= len(b) {
			return 0, s.short("in start tag")
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return 0, s.bad("unquoted or missing attribute value in element")
		}
		e := bytes.IndexByte(b[j+1:], q)
		if e < 0 {
			return 0, s.short("in attribute value")
		}
		val, ok := s.decode(b[j+1:j+1+e], modeAttr)
		if !ok {
			return 0, stepFail
		}
		if len(s.attrs) >= s.lim.MaxAttrs {
			s.failLimit("MaxAttrs", s.lim.MaxAttrs, fmt.Sprintf("more than %d attributes on one element", s.lim.MaxAttrs))
			return 0, stepFail
		}
		s.attrs = append(s.attrs, Attr{Name: an, Prefix: ap, Local: al, Value: val})
		j += 1 + e + 1
	}
	if len(s.offs) >= s.lim.MaxDepth {
		s.failLimit("MaxDepth", s.lim.MaxDepth, fmt.Sprintf("elements nested deeper than %d", s.lim.MaxDepth))
		return 0, stepFail
	}
	s.offs = append(s.offs, len(s.names))
	s.names = append(s.names, name...)
	s.kind, s.name, s.prefix, s.local = StartElement, name, prefix, local
	s.pendingEnd = self
	return j, stepToken
}

type decodeMode uint8

const (
	modeText  decodeMode = iota // character data: references, no ]]>
	modeAttr                    // attribute value: references, no <
	modeCDATA                   // CDATA section: taken literally
)

// decode checks raw as character data of the given mode and returns it
// with references resolved and line ends normalised. It returns raw itself
// when nothing needs changing; otherwise the result lives in s.scratch,
// which the caller has sized with ensureScratch.
func (s *Scanner) decode(raw []byte, mode decodeMode) ([]byte, bool) {
	// Most text is plain ASCII that needs neither checking nor changing:
	// skip over it first.
	i := 0
	for i < len(raw) && plain[raw[i]] {
		i++
	}
	if i == len(raw) {
		return raw, true
	}
	copying := false
	start := len(s.scratch)
	for i < len(raw) {
		c := raw[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			switch {
			case c == '&' && mode != modeCDATA:
				r, n, ok := s.reference(raw[i:])
				if !ok {
					return nil, false
				}
				if !copying {
					s.scratch = append(s.scratch, raw[:i]...)
					copying = true
				}
				s.scratch = utf8.AppendRune(s.scratch, r)
				i += n
				continue
			case c == ']' && mode == modeText:
				if i+2 < len(raw) && raw[i+1] == ']' && raw[i+2] == '>' {
					s.fail(ErrSyntax, "unescaped ]]> not in CDATA section")
					return nil, false
				}
			case c == '<' && mode == modeAttr:
				s.fail(ErrSyntax, "unescaped < inside quoted string")
				return nil, false
			}
			if copying {
				s.scratch = append(s.scratch, c)
			}
			i++
			continue
		}
		switch {
		case c == '\r':
			if !copying {
				s.scratch = append(s.scratch, raw[:i]...)
				copying = true
			}
			s.scratch = append(s.scratch, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			continue
		case c == '\n' || c == '\t':
			if copying {
				s.scratch = append(s.scratch, c)
			}
			i++
			continue
		case c < 0x20:
			s.fail(ErrSyntax, fmt.Sprintf("illegal character code %U", rune(c)))
			return nil, false
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n == 1 {
			s.fail(ErrSyntax, "invalid UTF-8")
			return nil, false
		}
		if !charOK(r) {
			s.fail(ErrSyntax, fmt.Sprintf("illegal character code %U", r))
			return nil, false
		}
		if copying {
			s.scratch = append(s.scratch, raw[i:i+n]...)
		}
		i += n
	}
	if !copying {
		return raw, true
	}
	return s.scratch[start:len(s.scratch):len(s.scratch)], true
}

// reference reads the reference at the start of b ("&amp;", "&#65;",
// "&#x41;") and returns the rune it stands for and its length.
func (s *Scanner) reference(b []byte) (rune, int, bool) {
	if len(b) > 1 && b[1] == '#' {
		i, base := 2, rune(10)
		if i < len(b) && b[i] == 'x' {
			base = 16
			i++
		}
		digits := i
		var v rune
		over := false
		for i < len(b) {
			d := digitValue(b[i], base)
			if d < 0 {
				break
			}
			if !over {
				v = v*base + d
				over = v > utf8.MaxRune
			}
			i++
		}
		if i == digits || i >= len(b) || b[i] != ';' || over {
			s.fail(ErrSyntax, fmt.Sprintf("invalid character reference %q", clip(b, i+1)))
			return 0, 0, false
		}
		if v >= 0xD800 && v <= 0xDFFF {
			s.fail(ErrCharRef, fmt.Sprintf("character reference %q names a surrogate", b[:i+1]))
			return 0, 0, false
		}
		if !charOK(v) {
			s.fail(ErrSyntax, fmt.Sprintf("illegal character code %U", v))
			return 0, 0, false
		}
		return v, i + 1, true
	}
	for _, e := range predefined {
		if bytes.HasPrefix(b[1:], []byte(e.name)) {
			return e.r, 1 + len(e.name), true
		}
	}
	s.fail(ErrSyntax, fmt.Sprintf("invalid entity reference %q: only the five predefined entities are known", clip(b, 12)))
	return 0, 0, false
}

// plain marks the bytes that need no attention in any decode mode:
// printable ASCII other than & < ], and tab and newline.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '&' && c != '<' && c != ']'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

var predefined = [...]struct {
	name string
	r    rune
}{{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"apos;", '\''}, {"quot;", '"'}}

func clip(b []byte, n int) []byte {
	if n < len(b) {
		return b[:n]
	}
	return b
}

func digitValue(c byte, base rune) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// charOK reports whether r is in XML 1.0's Char production.
func charOK(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}
