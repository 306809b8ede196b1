package xmlscan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// token is a scanner-neutral rendering of one token, for comparing the
// scanner with encoding/xml.
type token string

// stdTokens reads doc with encoding/xml in its default strict mode and
// renders the tokens the scanner reports: elements by local name with their
// attributes, and character data merged across the comments, processing
// instructions and directives the scanner skips.
func stdTokens(doc []byte) ([]token, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []token
	var text []byte
	flush := func() {
		if text != nil {
			out = append(out, token("text "+string(text)))
			text = nil
		}
	}
	for {
		t, err := d.Token()
		if err == io.EOF {
			flush()
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			flush()
			var b strings.Builder
			fmt.Fprintf(&b, "start %s", t.Name.Local)
			for _, a := range t.Attr {
				fmt.Fprintf(&b, " %s=%q", a.Name.Local, a.Value)
			}
			out = append(out, token(b.String()))
		case xml.EndElement:
			flush()
			out = append(out, token("end "+t.Name.Local))
		case xml.CharData:
			text = append(text, t...)
			if text == nil {
				text = []byte{}
			}
		}
	}
}

// scanTokens does the same with the scanner, reading through r.
func scanTokens(r io.Reader, lim Limits) ([]token, error) { return scanTokensWith(r, lim, false) }

// scanTokensWith reads with LeafText after every start tag when leaf is set.
func scanTokensWith(r io.Reader, lim Limits, leaf bool) ([]token, error) {
	s := New(r, lim)
	var out []token
	var text []byte
	flush := func() {
		if text != nil {
			out = append(out, token("text "+string(text)))
			text = nil
		}
	}
	for {
		k, err := s.Next()
		if err == io.EOF {
			flush()
			return out, nil
		}
		if err != nil {
			return out, err
		}
		switch k {
		case StartElement:
			flush()
			var b strings.Builder
			fmt.Fprintf(&b, "start %s", s.Local())
			for _, a := range s.Attrs() {
				fmt.Fprintf(&b, " %s=%q", a.Local, a.Value)
			}
			out = append(out, token(b.String()))
			if leaf {
				t, ok, err := s.LeafText()
				if err != nil {
					return out, err
				}
				if ok {
					if len(t) > 0 {
						out = append(out, token("text "+string(t)))
					}
					out = append(out, token("end "+string(s.Local())))
				}
			}
		case EndElement:
			flush()
			out = append(out, token("end "+string(s.Local())))
		case CharData:
			text = append(text, s.Text()...)
			if text == nil {
				text = []byte{}
			}
		}
	}
}

// deliberate reports whether err is one of the refusals the scanner makes
// on purpose where encoding/xml accepts the input.
func deliberate(err error) bool {
	return errors.Is(err, ErrEntity) || errors.Is(err, ErrCharRef) || errors.Is(err, ErrLimit)
}

func compareWithStd(t *testing.T, doc []byte, r io.Reader) {
	t.Helper()
	want, werr := stdTokens(doc)
	got, gerr := scanTokens(r, Limits{})
	switch {
	case werr != nil && gerr == nil:
		t.Fatalf("scanner accepts what encoding/xml rejects (%v):\n%q", werr, doc)
	case werr != nil:
		if _, err := scanTokensWith(bytes.NewReader(doc), Limits{}, true); err == nil {
			t.Fatalf("with LeafText the scanner accepts what encoding/xml rejects (%v):\n%q", werr, doc)
		}
	case werr == nil && gerr != nil && !deliberate(gerr):
		t.Fatalf("scanner rejects what encoding/xml accepts (%v):\n%q", gerr, doc)
	case werr == nil && gerr == nil:
		if viaLeaf, err := scanTokensWith(bytes.NewReader(doc), Limits{}, true); err != nil || fmt.Sprint(viaLeaf) != fmt.Sprint(got) {
			t.Fatalf("LeafText changes the tokens (%v):\n got %q\nwant %q", err, viaLeaf, got)
		}
		if len(got) != len(want) {
			t.Fatalf("token count: scanner %d, encoding/xml %d\nscanner: %q\nstd:     %q\ndoc: %q", len(got), len(want), got, want, doc)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("token %d: scanner %q, encoding/xml %q\ndoc: %q", i, got[i], want[i], doc)
			}
		}
	}
}

var differentialSeeds = []string{
	``,
	`<a/>`,
	`<a></a>`,
	`<?xml version="1.0" encoding="UTF-8"?><a x="1" y='2'>t</a>`,
	`<?xml version="1.1"?><a/>`,
	`<?xml encoding="latin1"?><a/>`,
	`<?xml myversion="2"?><a/>`,
	`<a><b></a></b>`,
	`<a>`,
	`</a>`,
	`<a>&amp;&lt;&gt;&apos;&quot;&#65;&#x42;</a>`,
	`<a>&bogus;</a>`,
	`<a>&#0;</a>`,
	`<a>&#xD800;</a>`,
	`<a>&#x110000;</a>`,
	`<a>&#;</a>`,
	`<a>&amp</a>`,
	`<a>]]></a>`,
	`<a x="]]>"/>`,
	`<a x="<"/>`,
	`<a x=1/>`,
	`<a x/>`,
	`<a x="1"y="2"/>`,
	"<a>\r\n\rx\r</a>",
	"<a x=\"\r\n\"/>",
	`<a><![CDATA[<&>]]]]></a>`,
	`<a><![CDATX[x]]></a>`,
	`<!-- c --><a/><!-- d -->`,
	`<!-- a -- b --><a/>`,
	`<!-><a/>`,
	`<!DOCTYPE a [<!ELEMENT a ANY>]><a/>`,
	`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`,
	`<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a/>`,
	`<!DOCTYPE a [<!-- > --> <x '>'>]><a/>`,
	`<a:b:c/>`,
	`<a:/>`,
	`<:a/>`,
	`<p:a xmlns:p="u"></p:a>`,
	`<p:a></q:a>`,
	`<a xml:lang="fi"/>`,
	"<a>\xff</a>",
	"<a>\x01</a>",
	"<\xc3\xa9/>",
	"<a\xcc\x80/>",
	"<\xcc\x80/>",
	"\xef\xbb\xbf<a/>",
	`text<a/>text<b/>`,
	`<a/ >`,
	`<a></a >`,
	`<a></ a>`,
	`<?pi?><?pi x?>`,
	`<? x?>`,
	`<a b="&#x9;&#xA;"/>`,
}

func TestScannerMatchesEncodingXMLOnSeeds(t *testing.T) {
	for _, doc := range differentialSeeds {
		t.Run(fmt.Sprintf("%q", doc), func(t *testing.T) {
			compareWithStd(t, []byte(doc), bytes.NewReader([]byte(doc)))
			// The same document one byte per read exercises every refill.
			compareWithStd(t, []byte(doc), iotest.OneByteReader(bytes.NewReader([]byte(doc))))
		})
	}
}

func FuzzScannerMatchesEncodingXML(f *testing.F) {
	for _, s := range differentialSeeds {
		f.Add([]byte(s))
	}
	for _, p := range realFiles(f) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		compareWithStd(t, doc, bytes.NewReader(doc))
		compareWithStd(t, doc, iotest.HalfReader(bytes.NewReader(doc)))
	})
}

// realFiles lists the real SFCC files, or nothing when they are absent.
func realFiles(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "testdata", "sfcc", "*.xml"))
	return files
}

func TestRealFilesMatchEncodingXML(t *testing.T) {
	files := realFiles(t)
	if len(files) == 0 {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatal("../shared/testdata/sfcc is missing")
		}
		t.Skip("../shared/testdata/sfcc is missing")
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			doc, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := stdTokens(doc); err != nil {
				t.Fatalf("encoding/xml: %v", err)
			}
			compareWithStd(t, doc, iotest.OneByteReader(bytes.NewReader(doc)))
		})
	}
}

func TestNameTablesMatchEncodingXML(t *testing.T) {
	// Every rune of the Basic Multilingual Plane, then a sample of the rest.
	step := func(r rune) rune {
		if r < 0x10000 && !testing.Short() {
			return 1
		}
		return 61
	}
	accepts := func(doc string) bool {
		_, err := stdTokens([]byte(doc))
		return err == nil
	}
	for r := rune(0); r <= utf8.MaxRune; r += step(r) {
		if r >= 0xD800 && r <= 0xDFFF || r > 0x30000 && r < 0xE0000 {
			continue // surrogates; and a long stretch of unassigned planes, checked sparsely below
		}
		for _, doc := range []string{"<" + string(r) + "/>", "<a" + string(r) + "/>"} {
			want := accepts(doc)
			_, err := scanTokens(strings.NewReader(doc), Limits{})
			if got := err == nil; got != want {
				t.Fatalf("%q: scanner accepts %v, encoding/xml %v (%v)", doc, got, want, err)
			}
		}
	}
	for r := rune(0x30001); r < 0xE0000; r += 4099 {
		if _, err := scanTokens(strings.NewReader("<"+string(r)+"/>"), Limits{}); err == nil || accepts("<"+string(r)+"/>") {
			t.Fatalf("U+%04X: unexpected name verdict", r)
		}
	}
}

func TestTokens(t *testing.T) {
	doc := "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:x\" a=\"1 &amp; 2\">\n  <leaf xml:lang=\"fi\">t&#xe4;m&#228;</leaf>\n  <empty/>\n</root>\n"
	s := New(strings.NewReader(doc), Limits{})
	type tok struct {
		kind Kind
		line int
		name string
		text string
	}
	var got []tok
	for {
		k, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		tk := tok{kind: k, line: s.Line()}
		switch k {
		case StartElement, EndElement:
			tk.name = string(s.Name())
			for _, a := range s.Attrs() {
				tk.text += string(a.Name) + "=" + string(a.Value) + ";"
			}
		case CharData:
			tk.text = string(s.Text())
		}
		got = append(got, tk)
	}
	want := []tok{
		{CharData, 1, "", "\n"},
		{StartElement, 2, "root", "xmlns=urn:x;a=1 & 2;"},
		{CharData, 2, "", "\n  "},
		{StartElement, 3, "leaf", "xml:lang=fi;"},
		{CharData, 3, "", "tämä"},
		{EndElement, 3, "leaf", ""},
		{CharData, 3, "", "\n  "},
		{StartElement, 4, "empty", ""},
		{EndElement, 4, "empty", ""},
		{CharData, 4, "", "\n"},
		{EndElement, 5, "root", ""},
		{CharData, 5, "", "\n"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tokens\n got %v\nwant %v", got, want)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		lim  Limits
	}{
		{"nesting deeper than MaxDepth is refused", strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5), Limits{MaxDepth: 4}},
		{"a name longer than MaxNameLen is refused", "<" + strings.Repeat("n", 20) + "/>", Limits{MaxNameLen: 10}},
		{"more attributes than MaxAttrs are refused", `<a x="1" y="2" z="3"/>`, Limits{MaxAttrs: 2}},
		{"a token larger than MaxTokenSize is refused", "<a>" + strings.Repeat("x", 200<<10) + "</a>", Limits{MaxTokenSize: 100 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scanTokens(strings.NewReader(tt.doc), tt.lim)
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("got %v, want ErrLimit", err)
			}
		})
	}
}

func TestEntityDeclarationsAreRefusedAndNothingIsFetched(t *testing.T) {
	for _, doc := range []string{
		`<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>`,
		`<!DOCTYPE a [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>`,
		`<!DOCTYPE a [<!ENTITY % p SYSTEM "http://example.invalid/x"> %p;]><a/>`,
	} {
		_, err := scanTokens(strings.NewReader(doc), Limits{})
		if !errors.Is(err, ErrEntity) {
			t.Errorf("%q: got %v, want ErrEntity", doc, err)
		}
	}
	// A DOCTYPE without entity declarations is skipped, and an undeclared
	// entity reference is an error either way.
	if _, err := scanTokens(strings.NewReader(`<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd"><a>&e;</a>`), Limits{}); !errors.Is(err, ErrSyntax) {
		t.Errorf("undeclared entity: got %v, want ErrSyntax", err)
	}
}

func TestSyntaxErrorsCarryTheLine(t *testing.T) {
	_, err := scanTokens(strings.NewReader("<a>\n<b>\n</c>\n</a>"), Limits{})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 3 || !errors.Is(err, ErrSyntax) {
		t.Fatalf("got %#v, want a syntax error on line 3", err)
	}
}

func TestReadErrorsAreReturned(t *testing.T) {
	boom := errors.New("boom")
	_, err := scanTokens(io.MultiReader(strings.NewReader("<a>"), iotest.ErrReader(boom)), Limits{})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestSkipLayoutKeepsContent(t *testing.T) {
	doc := "<a>\n  <b> </b>\n  <c>x</c>\n  <d>\n  </d>\n</a>\n"
	s := New(strings.NewReader(doc), Limits{})
	s.SkipLayout(true)
	var got []string
	for {
		k, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch k {
		case StartElement:
			got = append(got, "<"+string(s.Name())+">")
		case EndElement:
			got = append(got, "</"+string(s.Name())+">")
		case CharData:
			got = append(got, fmt.Sprintf("%q", s.Text()))
		}
	}
	want := `<a> <b> " " </b> <c> "x" </c> <d> "\n  " </d> </a>`
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// Offset names each token's first byte, across buffer refills and a
// reader that hands over one byte at a time.
func TestOffsetIsTheTokensFirstByte(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?>` + "\n<root a='1'>\n  <x>text</x><y/>" + strings.Repeat("<z>pad</z>", 20000) + "<!-- c --><w>&amp;</w>\n</root>")
	for name, r := range map[string]io.Reader{"whole": bytes.NewReader(doc), "bytewise": iotest.OneByteReader(bytes.NewReader(doc))} {
		s := New(r, Limits{})
		s.SkipLayout(true)
		for {
			k, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(name, err)
			}
			off := s.Offset()
			if off < 0 || off >= int64(len(doc)) {
				t.Fatalf("%s: offset %d outside the document", name, off)
			}
			switch k {
			case StartElement:
				if want := "<" + string(s.Name()); !bytes.HasPrefix(doc[off:], []byte(want)) {
					t.Fatalf("%s: a start tag %s at offset %d, where the document has %.20q", name, s.Name(), off, doc[off:])
				}
			case CharData:
				if s.Text()[0] != doc[off] {
					t.Fatalf("%s: text %.10q at offset %d, where the document has %.10q", name, s.Text(), off, doc[off:])
				}
			}
		}
	}
}

func render(s *Scanner, k Kind) string {
	if k == CharData {
		return fmt.Sprintf("text %s", s.Text())
	}
	return fmt.Sprintf("%v %s %d", k, s.Name(), s.Depth())
}

// A part of a document read from inside its root, entered by name, reads
// as the rest of the whole document does, and must close the root.
func TestEnterReadsAPartAsTheWholeReadsIt(t *testing.T) {
	doc := `<root><a x="1">one</a><b>two<c/></b></root>`
	split := strings.Index(doc, "<b>")
	whole := New(strings.NewReader(doc), Limits{})
	var want []string
	for {
		k, err := whole.Next()
		if err != nil {
			break
		}
		if whole.Offset() >= int64(split) {
			want = append(want, render(whole, k))
		}
	}
	part := New(strings.NewReader(doc[split:]), Limits{})
	part.Enter([]byte("root"))
	if got := string(part.Root()); got != "root" {
		t.Fatalf("Root() = %q", got)
	}
	var got []string
	for {
		k, err := part.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, render(part, k))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("the part reads\n%v\nthe whole reads\n%v", got, want)
	}
	unclosed := New(strings.NewReader(`<b>two</b>`), Limits{})
	unclosed.Enter([]byte("root"))
	for {
		if _, err := unclosed.Next(); err != nil {
			if err == io.EOF {
				t.Fatal("a part that leaves the root open reads to io.EOF")
			}
			break
		}
	}
}

// A scanner Reset reads its new input from the start, as a new scanner
// would, with the buffer it had: reading document after document costs no
// allocation once the buffers have grown.
func TestResetReadsANewInputWithTheSameBuffers(t *testing.T) {
	read := func(s *Scanner) (out []string) {
		for {
			k, err := s.Next()
			if err != nil {
				return append(out, fmt.Sprintf("%v at line %d, depth %d", err, s.Line(), s.Depth()))
			}
			out = append(out, fmt.Sprintf("%v %s %q %q", k, s.Name(), s.Text(), s.Attrs()))
		}
	}
	docs := []string{"<a x=\"1\">\n<b>text</b></a>", "<c>&amp;<d/></c>", "<e><f></e>"}
	reused := New(strings.NewReader(""), Limits{})
	for range 2 {
		for _, doc := range docs {
			reused.Reset(strings.NewReader(doc))
			got, want := read(reused), read(New(strings.NewReader(doc), Limits{}))
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s after Reset:\n%q\nnew scanner:\n%q", doc, got, want)
			}
		}
	}
	r := strings.NewReader(docs[0])
	allocs := testing.AllocsPerRun(10, func() {
		r.Reset(docs[0])
		reused.Reset(r)
		for {
			if _, err := reused.Next(); err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("reading a document after Reset allocated %v times, want none", allocs)
	}
}
