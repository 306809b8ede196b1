// Package xlsx reads the first worksheet of an Office Open XML workbook
// (.xlsx) as a stream of rows of typed cells, without extracting anything
// to disk and without building a document tree.
//
// The archive is read with archive/zip, every part through a guard that
// enforces the size, ratio and count limits as it inflates. The small parts
// (relationships, workbook, styles) and the shared strings are read once at
// Open; the worksheet is scanned as it is read, one row per call to Next,
// by a hand-written tokenizer that allocates one string per row.
package xlsx

import (
	"archive/zip"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
)

// ratioFloor is the size below which a part's compression ratio is not
// checked: small parts of repetitive XML compress well past any sensible
// ratio limit and can do no harm.
const ratioFloor = 1 << 20

// Relationship types, matched by their last path element so the strict
// (purl.oclc.org) and transitional (schemas.openxmlformats.org) namespaces
// both work.
const (
	relOfficeDocument = "officeDocument"
	relWorksheet      = "worksheet"
	relStyles         = "styles"
	relSharedStrings  = "sharedStrings"
)

// Open reads the workbook's structure, styles and shared strings from the
// xlsx file r of size bytes, and returns a Reader positioned before the
// first row of the first worksheet. Limits with zero fields take their
// defaults.
//
// Errors wrap core.ErrZip for a ZIP archive that is not a workbook,
// core.ErrCorrupt for a damaged or truncated one (including a sheet
// relation that points outside the archive), and are a *core.LimitError
// for a file over a limit.
func Open(r io.ReaderAt, size int64, limits core.Limits) (*Reader, error) {
	return open(r, size, limits, false)
}

// open is Open; careful turns off the scanner's quick paths, so that tests
// can check both paths read every input alike.
func open(r io.ReaderAt, size int64, limits core.Limits, careful bool) (*Reader, error) {
	limits = limits.WithDefaults()
	if size > limits.MaxFileSize {
		return nil, &core.LimitError{Limit: "MaxFileSize", Max: limits.MaxFileSize, Where: fmt.Sprintf("the file (%d bytes)", size)}
	}
	if n, ok := declaredEntries(r, size); ok && n > limits.MaxEntries {
		return nil, &core.LimitError{Limit: "MaxEntries", Max: int64(limits.MaxEntries), Where: fmt.Sprintf("the archive's %d entries", n)}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: the ZIP archive is truncated or damaged (%v)", core.ErrCorrupt, err)
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, &core.LimitError{Limit: "MaxEntries", Max: int64(limits.MaxEntries), Where: fmt.Sprintf("the archive's %d entries", len(zr.File))}
	}
	p := &pkg{limits: limits, size: size, parts: make(map[string]*zip.File, len(zr.File)), careful: careful}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := p.parts[name]; dup {
			// Which of the two a reader takes is up to the reader; a
			// workbook that reads differently in different programs is
			// damaged.
			return nil, fmt.Errorf("%w: the archive has two entries named %s", core.ErrCorrupt, f.Name)
		}
		p.parts[name] = f
	}
	x := &Reader{pkg: p, limits: limits}
	if err := x.open(); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// declaredEntries reads the entry count from the archive's end record, so
// that an archive claiming millions of entries is refused before
// archive/zip reads its directory.
func declaredEntries(r io.ReaderAt, size int64) (int, bool) {
	const eocdLen = 22
	tail := min(size, eocdLen+65535)
	if tail < eocdLen {
		return 0, false
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil {
		return 0, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if buf[i] == 'P' && buf[i+1] == 'K' && buf[i+2] == 5 && buf[i+3] == 6 {
			n := binary.LittleEndian.Uint16(buf[i+10:])
			if n == 0xFFFF {
				return 0, false // ZIP64: counted after reading
			}
			return int(n), true
		}
	}
	return 0, false
}

// pkg is the archive and the running count of bytes inflated from it.
type pkg struct {
	limits   core.Limits
	size     int64
	parts    map[string]*zip.File // by lower-case name
	spans    map[*zip.File]int64  // see span
	unpacked int64
	careful  bool // scanners take no quick paths (for tests comparing both)
}

// scanner returns a scanner over the part name, read from r.
func (p *pkg) scanner(r io.Reader, name string) *scanner {
	s := newScanner(r, name, p.limits.MaxDepth)
	s.careful = p.careful
	return s
}

// has reports whether the part exists.
func (p *pkg) has(name string) bool { return p.parts[strings.ToLower(name)] != nil }

// span returns the most compressed bytes f can hold: the distance from its
// data to the next entry's, or to the end of the file. An entry's header
// may declare any compressed size, even the whole file's; the ratio guard
// divides by this instead, so a lie cannot make a bomb look mild.
func (p *pkg) span(f *zip.File) int64 {
	if p.spans == nil {
		type at struct {
			f   *zip.File
			off int64
		}
		var all []at
		for _, e := range p.parts {
			if off, err := e.DataOffset(); err == nil {
				all = append(all, at{e, off})
			}
		}
		slices.SortFunc(all, func(a, b at) int { return cmp.Compare(a.off, b.off) })
		p.spans = make(map[*zip.File]int64, len(all))
		for i, a := range all {
			end := p.size
			if i+1 < len(all) {
				end = all[i+1].off
			}
			p.spans[a.f] = max(end-a.off, 0)
		}
	}
	if n, ok := p.spans[f]; ok {
		return n
	}
	return p.size
}

// open opens a part for reading through the limits guard.
func (p *pkg) open(name string) (io.ReadCloser, error) {
	f := p.parts[strings.ToLower(name)]
	if f == nil {
		return nil, fmt.Errorf("%w: the part %s is missing", core.ErrCorrupt, name)
	}
	comp := min(int64(f.CompressedSize64), p.span(f))
	if f.UncompressedSize64 > uint64(p.limits.MaxUnpacked-p.unpacked) {
		return nil, &core.LimitError{Limit: "MaxUnpacked", Max: p.limits.MaxUnpacked, Where: fmt.Sprintf("%s (declared %d bytes)", name, f.UncompressedSize64)}
	}
	if un := int64(f.UncompressedSize64); un > ratioFloor && un/max(comp, 1) > p.limits.MaxRatio {
		return nil, &core.LimitError{Limit: "MaxRatio", Max: p.limits.MaxRatio, Where: fmt.Sprintf("%s (declared %d bytes from %d)", name, un, comp)}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", core.ErrCorrupt, name, err)
	}
	return &guard{rc: rc, p: p, name: name, comp: comp}, nil
}

// openBounded is open for a part that may inflate to at most max bytes,
// the limit named limit.
func (p *pkg) openBounded(name, limit string, max int64) (io.ReadCloser, error) {
	if f := p.parts[strings.ToLower(name)]; f != nil && f.UncompressedSize64 > uint64(max) {
		return nil, &core.LimitError{Limit: limit, Max: max, Where: fmt.Sprintf("%s (declared %d bytes)", name, f.UncompressedSize64)}
	}
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	g := rc.(*guard)
	g.max, g.limit = max, limit
	return g, nil
}

// guard counts the bytes inflated from one part and stops at a limit,
// whatever the archive declared.
type guard struct {
	rc   io.ReadCloser
	p    *pkg
	name string
	comp int64
	n    int64
	// max, when set, bounds this part alone: the limit named limit.
	max   int64
	limit string
}

func (g *guard) Read(b []byte) (int, error) {
	n, err := g.rc.Read(b)
	g.n += int64(n)
	g.p.unpacked += int64(n)
	if g.max > 0 && g.n > g.max {
		return n, &core.LimitError{Limit: g.limit, Max: g.max, Where: fmt.Sprintf("%s (more than %d bytes inflated)", g.name, g.n)}
	}
	if g.p.unpacked > g.p.limits.MaxUnpacked {
		return n, &core.LimitError{Limit: "MaxUnpacked", Max: g.p.limits.MaxUnpacked, Where: fmt.Sprintf("%s (more than %d bytes inflated)", g.name, g.p.unpacked)}
	}
	if g.n > ratioFloor && g.n/max(g.comp, 1) > g.p.limits.MaxRatio {
		return n, &core.LimitError{Limit: "MaxRatio", Max: g.p.limits.MaxRatio, Where: fmt.Sprintf("%s (more than %d bytes inflated from %d)", g.name, g.n, g.comp)}
	}
	if err != nil && err != io.EOF {
		var le *core.LimitError
		if !errors.As(err, &le) {
			err = fmt.Errorf("%w: %s: %v", core.ErrCorrupt, g.name, err)
		}
	}
	return n, err
}

func (g *guard) Close() error { return g.rc.Close() }

// rel is one relationship of a part.
type rel struct {
	id, typ, target string
	external        bool
}

// relsOf reads the relationships of the part named owner ("" for the
// package). A missing relationships part has none.
func (p *pkg) relsOf(owner string) ([]rel, error) {
	name := path.Join(path.Dir(owner), "_rels", path.Base(owner)+".rels")
	if owner == "" {
		name = "_rels/.rels"
	}
	if !p.has(name) {
		return nil, nil
	}
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := p.scanner(rc, name)
	var rels []rel
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			return rels, nil
		}
		if k != tokStart || string(s.name) != "Relationship" {
			continue
		}
		var r rel
		if r.id, err = s.attrString("Id"); err == nil {
			if r.typ, err = s.attrString("Type"); err == nil {
				if r.target, err = s.attrString("Target"); err == nil {
					var mode string
					mode, err = s.attrString("TargetMode")
					r.external = strings.EqualFold(mode, "External")
				}
			}
		}
		if err != nil {
			return nil, err
		}
		if len(rels) >= p.limits.MaxEntries {
			return nil, &core.LimitError{Limit: "MaxEntries", Max: int64(p.limits.MaxEntries), Where: "the relationships in " + name}
		}
		rels = append(rels, r)
	}
}

// resolve returns the part a relationship of owner points to. A target is
// absolute ("/xl/worksheets/sheet1.xml") or relative to owner's folder; one
// that leaves the archive (an external link, or "../" past its root) is an
// error.
func resolve(owner string, r rel) (string, error) {
	if r.external {
		return "", fmt.Errorf("%w: the relationship %s of %s points outside the archive, to %q", core.ErrCorrupt, r.id, owner, r.target)
	}
	t := strings.ReplaceAll(r.target, "\\", "/")
	if u, _, ok := strings.Cut(t, "#"); ok {
		t = u
	}
	var joined string
	if strings.HasPrefix(t, "/") {
		joined = t[1:]
	} else {
		joined = path.Dir(owner) + "/" + t
	}
	// Resolve "." and ".." by hand: path.Clean would quietly stop at the
	// root, where a target climbing past it has to be refused.
	var parts []string
	for _, e := range strings.Split(joined, "/") {
		switch e {
		case "", ".":
		case "..":
			if len(parts) == 0 {
				return "", fmt.Errorf("%w: the relationship %s of %s points outside the archive, to %q", core.ErrCorrupt, r.id, owner, r.target)
			}
			parts = parts[:len(parts)-1]
		default:
			if strings.Contains(e, ":") {
				return "", fmt.Errorf("%w: the relationship %s of %s points outside the archive, to %q", core.ErrCorrupt, r.id, owner, r.target)
			}
			parts = append(parts, e)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("%w: the relationship %s of %s has no target", core.ErrCorrupt, r.id, owner)
	}
	return strings.Join(parts, "/"), nil
}

func relType(typ string) string { return typ[strings.LastIndexByte(typ, '/')+1:] }

// Reader streams the rows of a workbook's first worksheet. Use it like
// bufio.Scanner: call Next until it returns false, then check Err.
type Reader struct {
	pkg      *pkg
	limits   core.Limits
	sheet    string // the worksheet's name
	part     string // and its part
	date1904 bool
	sst      sharedStrings
	dateXF   []bool // by cell style index: shows a date

	rc        io.ReadCloser
	s         *scanner
	started   bool // inside <sheetData>
	done      bool
	err       error
	rowNum    int
	row       core.Row
	texts     core.RowTexts // the current row's texts
	private   []bool        // by column: see SetPrivate
	maxCellBy int           // MaxCellChars in bytes, at most
}

func (x *Reader) open() error {
	p := x.pkg
	// The workbook part: named by the package relationships, or in its
	// usual place.
	wb := ""
	rels, err := p.relsOf("")
	if err != nil {
		return err
	}
	for _, r := range rels {
		if relType(r.typ) == relOfficeDocument {
			if wb, err = resolve("", r); err != nil {
				return err
			}
			break
		}
	}
	if wb == "" || !p.has(wb) {
		if wb = "xl/workbook.xml"; !p.has(wb) {
			return fmt.Errorf("%w: it holds no workbook part (is it a Word or other Office document?)", core.ErrZip)
		}
	}
	wbRels, err := p.relsOf(wb)
	if err != nil {
		return err
	}
	sheets, err := x.readWorkbook(wb)
	if err != nil {
		return err
	}
	byID := make(map[string]rel, len(wbRels))
	for _, r := range wbRels {
		byID[r.id] = r
	}
	for _, sh := range sheets {
		r, ok := byID[sh.rid]
		if !ok {
			return fmt.Errorf("%w: the sheet %q has no relationship %q in %s", core.ErrCorrupt, sh.name, sh.rid, wb)
		}
		if relType(r.typ) != relWorksheet {
			continue // a chart sheet or macro sheet
		}
		if x.part, err = resolve(wb, r); err != nil {
			return err
		}
		x.sheet = sh.name
		break
	}
	if x.part == "" {
		return fmt.Errorf("%w: the workbook has no worksheet", core.ErrCorrupt)
	}
	if !p.has(x.part) {
		return fmt.Errorf("%w: the worksheet %q names the part %s, which is missing", core.ErrCorrupt, x.sheet, x.part)
	}
	stylesPart, sstPart := path.Join(path.Dir(wb), "styles.xml"), path.Join(path.Dir(wb), "sharedStrings.xml")
	for _, r := range wbRels {
		switch relType(r.typ) {
		case relStyles:
			if stylesPart, err = resolve(wb, r); err != nil {
				return err
			}
		case relSharedStrings:
			if sstPart, err = resolve(wb, r); err != nil {
				return err
			}
		}
	}
	if p.has(stylesPart) {
		if x.dateXF, err = readStyles(p, stylesPart); err != nil {
			return err
		}
	}
	if p.has(sstPart) {
		if err := x.sst.read(p, sstPart); err != nil {
			return err
		}
	}
	x.maxCellBy = x.limits.MaxCellChars * utf8.UTFMax
	rc, err := p.open(x.part)
	if err != nil {
		return err
	}
	x.rc = readAhead(rc)
	x.s = p.scanner(x.rc, x.part)
	return nil
}

type sheetEntry struct{ name, rid string }

// readWorkbook reads the date system and the sheets, in order, from the
// workbook part.
func (x *Reader) readWorkbook(wb string) ([]sheetEntry, error) {
	rc, err := x.pkg.open(wb)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := x.pkg.scanner(rc, wb)
	var sheets []sheetEntry
	root := true
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			if root {
				return nil, fmt.Errorf("%w: %s is empty", core.ErrZip, wb)
			}
			return sheets, nil
		}
		if k != tokStart {
			continue
		}
		if root {
			if string(s.name) != "workbook" {
				return nil, fmt.Errorf("%w: its main part is <%s>, not a workbook", core.ErrZip, s.name)
			}
			root = false
			continue
		}
		switch string(s.name) {
		case "workbookPr":
			v, _ := s.attr("date1904")
			x.date1904 = string(v) == "1" || string(v) == "true"
		case "sheet":
			var e sheetEntry
			if e.name, err = s.attrString("name"); err == nil {
				e.rid, err = s.attrString("id")
			}
			if err != nil {
				return nil, err
			}
			if len(sheets) >= x.limits.MaxEntries {
				return nil, &core.LimitError{Limit: "MaxEntries", Max: int64(x.limits.MaxEntries), Where: "the sheets of " + wb}
			}
			sheets = append(sheets, e)
		}
	}
}

// readStyles returns, for each cell format (cellXfs) of the styles part,
// whether it shows numbers as dates. The part is bounded by
// MaxStylesBytes, and each number format is classified once, as it is
// read, so the whole read is linear in the part's size.
func readStyles(p *pkg, name string) ([]bool, error) {
	rc, err := p.openBounded(name, "MaxStylesBytes", p.limits.MaxStylesBytes)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := p.scanner(rc, name)
	var formats core.DateFormats
	var xfs []bool
	inXfs := false
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		switch {
		case k == tokEOF:
			return xfs, nil
		case k == tokEnd && string(s.name) == "cellXfs":
			inXfs = false
		case k != tokStart:
		case string(s.name) == "cellXfs":
			inXfs = !s.self
		case string(s.name) == "numFmt":
			v, _ := s.attr("numFmtId")
			id, err := strconv.Atoi(string(v))
			if err != nil {
				continue
			}
			code, err := s.attrString("formatCode")
			if err != nil {
				return nil, err
			}
			if err := formats.Define(id, code); err != nil {
				return nil, err
			}
		case string(s.name) == "xf" && inXfs:
			v, _ := s.attr("numFmtId")
			id, _ := strconv.Atoi(string(v))
			if len(xfs) >= 1<<20 {
				return nil, &core.LimitError{Limit: "MaxEntries", Max: 1 << 20, Where: "the cell formats of " + name}
			}
			xfs = append(xfs, formats.IsDate(id))
		}
	}
}

// Date1904 reports whether the workbook counts dates from 1904.
func (x *Reader) Date1904() bool { return x.date1904 }

// SheetName is the name of the worksheet being read.
func (x *Reader) SheetName() string { return x.sheet }

// Row returns the current row. Its Cells are valid until the next call to
// Next.
func (x *Reader) Row() core.Row { return x.row }

// Err returns the error that ended the iteration, if any.
func (x *Reader) Err() error { return x.err }

// SetPrivate marks the columns (0-based) whose cells hold secrets, for the
// rows read after it: their texts share memory with no other cell's (see
// core.RowTexts.Set).
func (x *Reader) SetPrivate(cols []int) { x.private = core.Columns(cols) }

// Close releases the reader's resources. It does not close the ReaderAt
// given to Open.
func (x *Reader) Close() error {
	if x.rc != nil {
		x.rc.Close()
		x.rc = nil
	}
	x.done = true
	return nil
}
