package validate

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Report collects the issues of one import in the order they were added,
// and keeps running counts by severity, by code and by row.
//
// The zero value is an empty report ready to use. A Report is not safe for
// concurrent use; give each goroutine its own and Merge them.
//
// Limit bounds memory on hostile input: when Limit is above zero, the
// report keeps the first Limit issues and only counts the rest, so the
// counts stay exact while memory stays bounded.
type Report struct {
	// Limit is the most issues the report keeps; 0 keeps all.
	Limit int

	issues   []Issue
	errors   int
	warnings int
	dropped  int
	byCode   map[Code]int
	byRow    map[int]int
	byRecord map[int]int
}

// Add appends issues to the report. It masks each issue's Value again on
// the way in, so a report never holds a plain secret, even from an Issue
// literal that put one there.
func (r *Report) Add(issues ...Issue) {
	for _, is := range issues {
		r.add(is)
	}
}

func (r *Report) add(is Issue) {
	// Store the value as every rendering would show it, so a report never
	// holds a secret even when the issue was built as a literal.
	is.Value = is.shownValue()
	if is.Severity == Warning {
		r.warnings++
	} else {
		r.errors++
	}
	increment(&r.byCode, is.Code)
	if is.Row > 0 {
		increment(&r.byRow, is.Row)
	}
	if is.Record > 0 {
		increment(&r.byRecord, is.Record)
	}
	r.keep(is)
}

// keep stores is, or only counts it as dropped when the report holds Limit
// issues already.
func (r *Report) keep(is Issue) {
	if r.Limit > 0 && len(r.issues) >= r.Limit {
		r.dropped++
		return
	}
	r.issues = append(r.issues, is)
}

// increment adds one to (*m)[k], making the map when it is nil.
func increment[K comparable](m *map[K]int, k K) {
	if *m == nil {
		*m = make(map[K]int)
	}
	(*m)[k]++
}

// Merge adds every issue of other to r, in order, with other's counts
// (including the issues other counted but did not keep).
func (r *Report) Merge(other *Report) {
	if other == nil {
		return
	}
	r.errors += other.errors
	r.warnings += other.warnings
	r.dropped += other.dropped
	r.byCode = mergeCounts(r.byCode, other.byCode)
	r.byRow = mergeCounts(r.byRow, other.byRow)
	r.byRecord = mergeCounts(r.byRecord, other.byRecord)
	for _, is := range other.issues {
		r.keep(is)
	}
}

func mergeCounts[K comparable](dst, src map[K]int) map[K]int {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[K]int, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

// Len returns how many issues were added, kept or not.
func (r *Report) Len() int { return r.errors + r.warnings }

// Errors returns how many issues with severity Error were added.
func (r *Report) Errors() int { return r.errors }

// Warnings returns how many issues with severity Warning were added.
func (r *Report) Warnings() int { return r.warnings }

// HasErrors reports whether any issue with severity Error was added.
func (r *Report) HasErrors() bool { return r.errors > 0 }

// AnyError reports whether any of issues has severity Error: whether they
// reject the row or record they were found in.
func AnyError(issues []Issue) bool {
	for _, is := range issues {
		if is.Severity == Error {
			return true
		}
	}
	return false
}

// Dropped returns how many issues were counted but not kept because of
// Limit.
func (r *Report) Dropped() int { return r.dropped }

// Issues returns a copy of the kept issues, in the order they were added.
func (r *Report) Issues() []Issue { return slices.Clone(r.issues) }

// All iterates over the kept issues in the order they were added.
func (r *Report) All() iter.Seq[Issue] {
	return func(yield func(Issue) bool) {
		for _, is := range r.issues {
			if !yield(is) {
				return
			}
		}
	}
}

// ByCode returns how many issues were added per code (a fresh map).
func (r *Report) ByCode() map[Code]int { return cloneMap(r.byCode) }

// ByRow returns how many issues were added per spreadsheet row (a fresh
// map). Issues without a row are not counted.
func (r *Report) ByRow() map[int]int { return cloneMap(r.byRow) }

// ByRecord returns how many issues were added per document record (a
// fresh map). Issues without a record are not counted.
func (r *Report) ByRecord() map[int]int { return cloneMap(r.byRecord) }

func cloneMap[K comparable](m map[K]int) map[K]int {
	out := make(map[K]int, len(m))
	maps.Copy(out, m)
	return out
}

// Row returns the kept issues of one spreadsheet row, in order.
func (r *Report) Row(row int) []Issue {
	var out []Issue
	for _, is := range r.issues {
		if is.Row == row {
			out = append(out, is)
		}
	}
	return out
}

// RejectedRows returns, in ascending order, the spreadsheet rows that have
// at least one kept issue with severity Error: the rows a rejected-rows
// workbook holds.
func (r *Report) RejectedRows() []int {
	var rows []int
	for _, is := range r.issues {
		if is.Severity == Error && is.Row > 0 {
			rows = append(rows, is.Row)
		}
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// Sort orders the kept issues by place: sheet or document, row or record,
// column (A before B before AA), then the order they were added. File-level
// issues, which have no row or record, come first.
func (r *Report) Sort() {
	slices.SortStableFunc(r.issues, func(a, b Issue) int {
		return cmp.Or(
			cmp.Compare(a.Sheet, b.Sheet),
			cmp.Compare(a.Document, b.Document),
			cmp.Compare(a.Row, b.Row),
			cmp.Compare(a.Record, b.Record),
			cmp.Compare(len(a.Column), len(b.Column)),
			cmp.Compare(a.Column, b.Column),
		)
	})
}

// Err returns nil when the report has no errors, and otherwise an error
// that joins the kept error issues, so that errors.As finds the first
// Issue and errors.Is finds any of their codes.
func (r *Report) Err() error {
	if r.errors == 0 {
		return nil
	}
	var errs []error
	for _, is := range r.issues {
		if is.Severity == Error {
			errs = append(errs, is)
		}
	}
	if len(errs) == 0 {
		// Every error was dropped by Limit; keep the count at least.
		return errors.New("validate: " + strconv.Itoa(r.errors) + " errors")
	}
	return errors.Join(errs...)
}

// WriteText writes the report as text in the language that best matches
// lang: one line per kept issue, led by its severity, then a summary line
// such as "2 errors, 1 warning". An empty report writes nothing.
func (r *Report) WriteText(w io.Writer, lang Language) error {
	if r.Len() == 0 {
		return nil
	}
	c := catalogFor(lang)
	bw := bufio.NewWriter(w)
	buf := make([]byte, 0, 256)
	for _, is := range r.issues {
		buf = buf[:0]
		if is.Severity == Warning {
			buf = append(buf, c.words.warning...)
		} else {
			buf = append(buf, c.words.error...)
		}
		buf = append(buf, ": "...)
		buf = is.appendText(buf, c)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if r.dropped > 0 {
		bw.WriteString(strings.Replace(c.words.notKept, "%d", strconv.Itoa(r.dropped), 1))
		bw.WriteByte('\n')
	}
	bw.WriteString(r.summary(c))
	bw.WriteByte('\n')
	return bw.Flush()
}

// Text returns what WriteText writes.
func (r *Report) Text(lang Language) string {
	var b strings.Builder
	_ = r.WriteText(&b, lang)
	return b.String()
}

// Summary returns the counts as text in the language that best matches
// lang, such as "2 errors, 1 warning" or "2 virhettä, 1 varoitus".
func (r *Report) Summary(lang Language) string { return r.summary(catalogFor(lang)) }

func (r *Report) summary(c *catalog) string {
	count := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	return count(r.errors, c.words.error, c.words.errors) + ", " + count(r.warnings, c.words.warning, c.words.warnings)
}

// jsonIssue is the JSON form of an Issue: its fields, as Issue's tags
// name them, and the message. issueFields has Issue's fields without its
// methods, so that encoding it does not call MarshalJSON again.
type (
	issueFields Issue
	jsonIssue   struct {
		issueFields
		Message string `json:"message"`
	}
)

func (i Issue) toJSON(c *catalog) jsonIssue {
	i.Value = i.shownValue()
	return jsonIssue{issueFields(i), render(c, i.Code, i.Params)}
}

// MarshalJSON writes the issue as a JSON object with its severity, code,
// location fields (sheet, document, row, record, line, column, header,
// path; each left out when empty), field, masked value, params and the
// English message:
//
//	{"severity":"error","code":"required.new","row":12,"column":"D","header":"lastName","field":"lastName","message":"required for a new customer"}
func (i Issue) MarshalJSON() ([]byte, error) {
	return json.Marshal(i.toJSON(english))
}

// UnmarshalJSON reads what MarshalJSON writes. The message is not read
// back: it is derived from the code and params.
func (i *Issue) UnmarshalJSON(b []byte) error {
	var j issueFields
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*i = Issue(j)
	return nil
}

// jsonReport is the JSON form of a Report.
type jsonReport struct {
	Errors   int         `json:"errors"`
	Warnings int         `json:"warnings"`
	Dropped  int         `json:"dropped,omitempty"`
	Issues   []jsonIssue `json:"issues"`
}

// MarshalJSON writes the report as {"errors":n,"warnings":n,"issues":[...]}
// with English messages; "dropped" appears when Limit left issues out.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(r.toJSON(english))
}

// WriteJSON writes the report as MarshalJSON does, with messages in the
// language that best matches lang, indented for people to read.
func (r *Report) WriteJSON(w io.Writer, lang Language) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.toJSON(catalogFor(lang)))
}

func (r *Report) toJSON(c *catalog) jsonReport {
	out := jsonReport{Errors: r.errors, Warnings: r.warnings, Dropped: r.dropped, Issues: make([]jsonIssue, len(r.issues))}
	for i, is := range r.issues {
		out.Issues[i] = is.toJSON(c)
	}
	return out
}

// UnmarshalJSON reads what MarshalJSON writes, so a program can receive a
// report over the wire and work with it again.
func (r *Report) UnmarshalJSON(b []byte) error {
	var j struct {
		Errors   int     `json:"errors"`
		Warnings int     `json:"warnings"`
		Dropped  int     `json:"dropped"`
		Issues   []Issue `json:"issues"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Report{}
	r.Add(j.Issues...)
	// Restore the totals of issues the sender counted but did not keep.
	r.dropped = j.Dropped
	r.errors = max(r.errors, j.Errors)
	r.warnings = max(r.warnings, j.Warnings)
	return nil
}
