package xmlio

// This file reads customer-groups documents (customergroup.xsd). Every
// identifier it adds to the package starts with group or Group; the
// encoder is in groupdoc_encode.go and the import in groupdoc_import.go.

import (
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/xmlscan"
	"github.com/impexkit/impex/validate"
)

// GroupRecord is one <customer-group> of a customer-groups document.
//
// Group is never nil. Its ID is the group-id attribute and its Name the
// same ID (the document has no display name). Its Kind follows from the
// element: a system group's ID (Everyone, Registered, Unregistered) makes
// it System, a membership rule makes it Dynamic, and anything else is
// Static. Rule holds the rule exactly as the document wrote it; imports
// apply groups.NormalizeImported on top. A system group keeps only its
// description and custom attributes; a rule given to one is dropped with a
// warning.
type GroupRecord struct {
	Where validate.Where
	Group *groups.Group
	// Delete is true for mode="delete": the group is to be deleted, and
	// nothing but its ID matters.
	Delete bool
	// Legacy is true when the rule came from the older rule element and
	// was converted with groups.ConvertLegacy.
	Legacy bool
	Issues []validate.Issue
	// conds locates each condition of the rule, for issues the compiler
	// finds later.
	conds []groupCondPlace
}

// groupCondPlace says where one condition of a rule starts.
type groupCondPlace struct {
	excluded    bool
	group, cond int // 0-based, as groups.RuleError counts
	line        int
	path        string // element path of the condition
}

// Location returns where the record starts.
func (r *GroupRecord) Location() validate.Where { return r.Where }

// Problems returns the issues found while decoding.
func (r *GroupRecord) Problems() []validate.Issue { return r.Issues }

func (*GroupRecord) record() {}

// place returns the location of condition ci of condition group gi, or the
// record's own when the rule has no such condition.
func (r *GroupRecord) place(excluded bool, gi, ci int) validate.Where {
	w := r.Where
	for _, p := range r.conds {
		if p.excluded == excluded && p.group == gi && (p.cond == ci || ci < 0) {
			w.Line, w.Path = p.line, p.path
			if ci < 0 {
				w.Path = p.path[:strings.LastIndex(p.path, "/")]
			}
			return w
		}
	}
	return w
}

const (
	groupRoot       = "customer-groups"
	groupElem       = "customer-group"
	groupAssignElem = "group-assignment"
)

// GroupDecoder reads a customer-groups document one record at a time:
// *GroupRecord for each <customer-group>, then *GroupAssignment for each
// trailing <group-assignment>. Create it with NewGroupDecoder; it is not
// safe for concurrent use. It resolves no entities and applies the
// options' Limits.
type GroupDecoder struct {
	d        *Decoder
	assigned bool
}

// NewGroupDecoder returns a decoder reading r. Of opts it uses Document and
// Limits.
func NewGroupDecoder(r io.Reader, opts DecodeOptions) *GroupDecoder {
	return &GroupDecoder{d: NewDecoder(r, opts)}
}

// Begin reads up to the root element. It returns a *impex.FileError for a
// document that cannot be read (see Errors in the package documentation),
// including a root that is not customer-groups (in its namespace or none)
// and text before the root. Next calls it; calling it again returns the
// same answer.
func (g *GroupDecoder) Begin() error { return beginDocument(g.d, DocCustomerGroups) }

// Issues returns the problems found outside any record, such as an unknown
// element between records.
func (g *GroupDecoder) Issues() []validate.Issue { return g.d.issues }

// beginDocument reads up to the root element of d's input and checks that it
// starts a document of kind want. It is the Decoder's Document for the
// documents that have decoders of their own.
func beginDocument(d *Decoder, want DocumentKind) error {
	if d.begun {
		return d.err
	}
	d.begun = true
	if d.err = d.readRoot(); d.err == nil && d.doc != want {
		d.err = d.fatal(validate.CodeXMLRoot, d.root)
	}
	return d.err
}

// nextChild reads to the next element directly inside the root, handling
// text, the root's end and what follows it as Decoder.Next does. It
// returns false at the end of the document or on an error, which it leaves
// in d.err (io.EOF at a clean end).
func nextChild(d *Decoder) bool {
	for {
		switch d.next() {
		case xmlscan.None:
			if d.err == io.EOF && !d.closed {
				d.err = d.fatal(validate.CodeXMLSyntax, "unexpected end of the document")
			}
			return false
		case xmlscan.CharData:
			if !blank(d.sc.Text()) {
				if d.closed {
					d.err = d.fatal(validate.CodeXMLSyntax, "text after the root element")
					return false
				}
				d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(d.root)).WithParams(validate.Params{Name: "text"}))
			}
		case xmlscan.EndElement:
			d.closed = true
		case xmlscan.StartElement:
			if d.closed {
				d.err = d.fatal(validate.CodeXMLSyntax, "a second root element")
				return false
			}
			return true
		}
	}
}

// Next returns the next record, *GroupRecord or *GroupAssignment, io.EOF
// after the last one, or an error that stops the document: a
// *impex.FileError (see Begin; also for a second root or text after the
// root, a document that ends early, and an input that could not be read).
// Problems inside one record are its issues; an unknown element between
// records is skipped and listed in Issues.
func (g *GroupDecoder) Next() (Record, error) {
	if err := g.Begin(); err != nil {
		return nil, err
	}
	d := g.d
	return nextRecord(d, func(name string) (Record, bool) {
		switch name {
		case groupElem:
			if g.assigned {
				d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(d.root+"/"+groupElem)).
					WithParams(validate.Params{Name: "customer-group after group-assignment"}))
			}
			return g.group(), true
		case groupAssignElem:
			g.assigned = true
			return d.assignment(), true
		}
		return nil, false
	})
}

// All yields the records in order, stopping at the first error, which it
// yields with a nil record.
func (g *GroupDecoder) All() iter.Seq2[Record, error] { return allRecords(g.Next) }

// group decodes the customer-group element just opened.
func (g *GroupDecoder) group() *GroupRecord {
	d := g.d
	out := &GroupRecord{Group: &groups.Group{}}
	r := d.newRec(countGroup, &out.Issues)
	out.Where = r.where
	grp := out.Group
	if v, ok := attr(d.sc, "group-id"); ok {
		grp.ID = string(v)
		checkNonEmptyString(r, "@group-id", "group-id", grp.ID)
	} else {
		r.add(validate.CodeXMLMissing, "@group-id", "group-id", "", validate.Params{Name: "group-id"})
	}
	grp.Name = grp.ID
	out.Delete = r.deleteMode("@mode")
	var seen struct{ desc, rule, attrs bool }
	var ruleAt validate.Where // where the rule element starts, and its name
	var ruleName string
	r.children("", func(name string) {
		switch name {
		case "description":
			if seen.desc {
				r.again(name, "")
				return
			}
			seen.desc = true
			grp.Description = r.str("", name, "description", 4000)
		case "membership-rule", "rule":
			if seen.rule {
				r.again(name, "")
				return
			}
			seen.rule = true
			ruleAt = out.Where
			ruleAt.Line, ruleAt.Path, ruleName = d.sc.Line(), r.base+"/"+name, name
			if name == "rule" {
				out.Legacy = true
				grp.Rule = g.legacyRule(r, out)
			} else {
				grp.Rule = g.rule(r, out)
			}
		case "custom-attributes":
			if seen.attrs {
				r.again(name, "")
				return
			}
			seen.attrs = true
			// An attribute without values says nothing for a group, which
			// an import replaces whole; it is dropped.
			grp.Attributes = slices.DeleteFunc(r.attributes("custom-attributes"), func(a customer.Attribute) bool { return len(a.Values) == 0 })
			if len(grp.Attributes) == 0 {
				grp.Attributes = nil
			}
			for _, a := range grp.Attributes {
				if strings.TrimSpace(a.ID) != "" && utf8.RuneCountInString(a.ID) <= validate.MaxXSDString {
					checkNonEmptyString(r, "custom-attributes/custom-attribute/@attribute-id", "attribute-id", a.ID)
				}
			}
		default:
			r.unknown("")
		}
	})
	switch {
	case groups.IsSystemID(grp.ID):
		grp.Kind = groups.System
		if grp.Rule != nil && !out.Delete {
			out.Issues = append(out.Issues, validate.New(validate.CodeXMLUnknownElement, ruleAt).
				WithParams(validate.Params{Name: ruleName + " (a system group has no rule; it was ignored)"}).AsWarning())
		}
		grp.Rule, out.conds = nil, nil
	case grp.Rule != nil:
		grp.Kind = groups.Dynamic
	default:
		grp.Kind = groups.Static
	}
	return out
}

// rule reads a membership-rule element.
func (g *GroupDecoder) rule(r rec, out *GroupRecord) *groups.Rule {
	const path = "membership-rule"
	rl := &groups.Rule{}
	included := false
	r.children(path, func(name string) {
		switch name {
		case "included-customers":
			included = true
			rl.Included = g.conditionGroups(r, path+"/"+name, false, rl.Included, out)
		case "excluded-customers":
			rl.Excluded = g.conditionGroups(r, path+"/"+name, true, rl.Excluded, out)
		default:
			r.unknown(path)
		}
	})
	if !included {
		r.add(validate.CodeXMLMissing, path, "", "", validate.Params{Name: "included-customers"})
	}
	return rl
}

// conditionGroups reads included-customers or excluded-customers, appending
// its condition groups to dst.
func (g *GroupDecoder) conditionGroups(r rec, path string, excluded bool, dst []groups.ConditionGroup, out *GroupRecord) []groups.ConditionGroup {
	found := false
	r.children(path, func(name string) {
		if name != "condition-group" {
			r.unknown(path)
			return
		}
		found = true
		gpath := path + "/condition-group"
		cg := groups.ConditionGroup{}
		if v, ok := attr(r.d.sc, "match-mode"); !ok {
			r.add(validate.CodeXMLMissing, gpath+"/@match-mode", "match-mode", "", validate.Params{Name: "match-mode"})
		} else if m, err := groups.ParseMatchMode(string(v)); err != nil {
			r.add(validate.CodeInvalidValue, gpath+"/@match-mode", "match-mode", string(v), validate.Params{Name: "match-mode", Expected: "all or any"})
		} else {
			cg.Mode = m
		}
		gi := len(dst)
		r.children(gpath, func(name string) {
			if name != "condition" {
				r.unknown(gpath)
				return
			}
			cpath := gpath + "/condition"
			out.conds = append(out.conds, groupCondPlace{excluded: excluded, group: gi, cond: len(cg.Conditions),
				line: r.d.sc.Line(), path: r.base + "/" + cpath})
			cg.Conditions = append(cg.Conditions, g.condition(r, cpath))
		})
		if len(cg.Conditions) == 0 {
			r.add(validate.CodeXMLMissing, gpath, "", "", validate.Params{Name: "condition"})
		}
		dst = append(dst, cg)
	})
	if !found {
		r.add(validate.CodeXMLMissing, path, "", "", validate.Params{Name: "condition-group"})
	}
	return dst
}

// groupValueKinds maps the value elements of a condition to their kinds.
var groupValueKinds = map[string]groups.ValueKind{
	"string": groups.StringsKind, "int": groups.IntsKind, "int-range": groups.IntRangeKind,
	"number": groups.NumbersKind, "number-range": groups.NumberRangeKind, "date": groups.DateKind,
	"date-range": groups.DateRangeKind, "number-of-days": groups.DaysKind, "time-period": groups.PeriodKind,
}

// condition reads one condition element of a membership-rule.
func (g *GroupDecoder) condition(r rec, path string) groups.Condition {
	var c groups.Condition
	var hasPath, hasOp bool
	r.children(path, func(name string) {
		switch name {
		case "attribute-path":
			hasPath = true
			c.Path = strings.TrimSpace(r.leaf(path, name))
			checkNonEmptyString(r, path+"/"+name, name, c.Path)
			return
		case "operator":
			hasOp = true
			s := strings.TrimSpace(r.leaf(path, name))
			op, err := groups.ParseOperator(s)
			if err != nil {
				r.add(validate.CodeRuleOperator, path+"/operator", "operator", s, validate.Params{Name: s})
			}
			c.Operator = op
			return
		}
		kind, ok := groupValueKinds[name]
		if !ok {
			r.unknown(path)
			return
		}
		multi := kind == groups.StringsKind || kind == groups.IntsKind || kind == groups.NumbersKind
		if c.Value.Kind != groups.NoValue && (c.Value.Kind != kind || !multi) {
			r.add(validate.CodeXMLUnknownElement, path+"/"+name, "", "", validate.Params{Name: name + " (a condition has one kind of value)"})
			r.d.skip()
			return
		}
		c.Value.Kind = kind
		g.value(r, path, name, &c.Value)
	})
	if !hasPath {
		r.add(validate.CodeXMLMissing, path, "attribute-path", "", validate.Params{Name: "attribute-path"})
	}
	if !hasOp {
		r.add(validate.CodeXMLMissing, path, "operator", "", validate.Params{Name: "operator"})
	}
	return c
}

// value reads the value element name just opened into v, whose Kind is
// already set.
func (g *GroupDecoder) value(r rec, dir, name string, v *groups.Value) {
	p := dir + "/" + name
	switch v.Kind {
	case groups.StringsKind:
		s := r.leaf(dir, name)
		checkNonEmptyString(r, p, name, s)
		v.Strings = append(v.Strings, s)
	case groups.IntsKind:
		if n, ok := groupInt(r, dir, name); ok {
			v.Ints = append(v.Ints, n)
		}
	case groups.NumbersKind:
		if n, ok := groupNumber(r, dir, name); ok {
			v.Numbers = append(v.Numbers, n)
		}
	case groups.DateKind:
		v.Date, _ = groupDate(r, dir, name)
	case groups.DaysKind:
		v.Days, _ = groupInt(r, dir, name)
	case groups.PeriodKind:
		s := strings.TrimSpace(r.leaf(dir, name))
		tp, err := groups.ParseTimePeriod(s)
		if err != nil {
			r.add(validate.CodeInvalidValue, p, name, s, validate.Params{Name: name, Expected: "week, month or year"})
		}
		v.Period = tp
	case groups.IntRangeKind, groups.NumberRangeKind, groups.DateRangeKind:
		lo, hi := "min", "max"
		if v.Kind == groups.DateRangeKind {
			lo, hi = "from", "to"
		}
		var got [2]bool
		r.children(p, func(end string) {
			i := 0
			switch end {
			case lo:
			case hi:
				i = 1
			default:
				r.unknown(p)
				return
			}
			got[i] = true
			switch v.Kind {
			case groups.IntRangeKind:
				n, _ := groupInt(r, p, end)
				if i == 0 {
					v.IntRange.Min = n
				} else {
					v.IntRange.Max = n
				}
			case groups.NumberRangeKind:
				n, _ := groupNumber(r, p, end)
				if i == 0 {
					v.NumberRange.Min = n
				} else {
					v.NumberRange.Max = n
				}
			default:
				dt, _ := groupDate(r, p, end)
				if i == 0 {
					v.DateRange.From = dt
				} else {
					v.DateRange.To = dt
				}
			}
		})
		for i, end := range [2]string{lo, hi} {
			if !got[i] {
				r.add(validate.CodeXMLMissing, p, end, "", validate.Params{Name: end})
			}
		}
	}
}

// groupInt reads an xsd:int leaf.
func groupInt(r rec, dir, name string) (int, bool) {
	s := r.leaf(dir, name)
	n, code := validate.IntegerBits(s, 32)
	if code != "" {
		r.add(validate.CodeInvalidNumber, dir+"/"+name, name, s, validate.Params{})
		return 0, false
	}
	return int(n), true
}

// groupNumber reads an xsd:decimal leaf, keeping its text.
func groupNumber(r rec, dir, name string) (groups.Number, bool) {
	s := r.leaf(dir, name)
	n, err := groups.ParseNumber(s)
	if err != nil {
		r.add(validate.CodeInvalidNumber, dir+"/"+name, name, s, validate.Params{})
		return groups.Number{}, false
	}
	return n, true
}

// groupDate reads an xsd:date leaf.
func groupDate(r rec, dir, name string) (groups.Date, bool) {
	s := r.leaf(dir, name)
	dt, err := groups.ParseDate(s)
	if err != nil {
		r.add(validate.CodeInvalidDate, dir+"/"+name, name, s, validate.Params{Expected: "an xsd:date such as 2024-02-29"})
		return groups.Date{}, false
	}
	return dt, true
}

// The legacy rule element.
//
// Older documents hold the rule in <rule> instead of <membership-rule>, with
// conditions typed by element rather than by value. The names this reader
// accepts, derived from the old schema's types (Rule, ConditionGroups,
// ConditionGroup, StringCondition, IntCondition, DateCondition with
// DateRange or RelativeDateRange, BooleanCondition):
//
//	<rule>
//	  <included-customers>                       (and <excluded-customers>)
//	    <condition-group match-mode="all|any">
//	      <string-condition>  attribute-path, operator, <string>...
//	      <int-condition>     attribute-path, operator, <int>... or <int-range><min/><max/></int-range>
//	      <number-condition>  attribute-path, operator, <number>... or <number-range><min/><max/></number-range>
//	      <date-condition>    attribute-path, operator, <date>, or <date-range><from/><to/></date-range>,
//	                          or <relative-date-range><number-of-days/> or <time-period/></relative-date-range>
//	      <boolean-condition> attribute-path, operator, optionally <boolean>true|false</boolean>
//
// A <value> element is accepted for any listed value, min/max and from/to
// for any range, and number-of-days or time-period directly inside a date
// condition too.

// groupLegacyTypes maps the legacy condition elements to their types.
var groupLegacyTypes = map[string]groups.LegacyType{
	"string-condition": groups.LegacyString, "int-condition": groups.LegacyInt,
	"number-condition": groups.LegacyNumber, "date-condition": groups.LegacyDate,
	"boolean-condition": groups.LegacyBoolean,
}

// legacyRule reads a legacy rule element and converts it.
func (g *GroupDecoder) legacyRule(r rec, out *GroupRecord) *groups.Rule {
	const path = "rule"
	lr := &groups.LegacyRule{}
	included := false
	r.children(path, func(name string) {
		var dst *[]groups.LegacyConditionGroup
		excluded := false
		switch name {
		case "included-customers":
			included, dst = true, &lr.Included
		case "excluded-customers":
			excluded, dst = true, &lr.Excluded
		default:
			r.unknown(path)
			return
		}
		lpath := path + "/" + name
		r.children(lpath, func(name string) {
			if name != "condition-group" {
				r.unknown(lpath)
				return
			}
			gpath := lpath + "/condition-group"
			mode, _ := attr(r.d.sc, "match-mode")
			lg := groups.LegacyConditionGroup{MatchMode: string(mode)}
			gi := len(*dst)
			r.children(gpath, func(name string) {
				typ, ok := groupLegacyTypes[name]
				if !ok {
					r.unknown(gpath)
					return
				}
				cpath := gpath + "/" + name
				out.conds = append(out.conds, groupCondPlace{excluded: excluded, group: gi, cond: len(lg.Conditions),
					line: r.d.sc.Line(), path: r.base + "/" + cpath})
				lg.Conditions = append(lg.Conditions, g.legacyCondition(r, cpath, typ))
			})
			*dst = append(*dst, lg)
		})
	})
	if !included {
		r.add(validate.CodeXMLMissing, path, "", "", validate.Params{Name: "included-customers"})
		return &groups.Rule{}
	}
	rl, err := groups.ConvertLegacy(lr)
	if err != nil {
		r.add(validate.CodeInvalidValue, path, "rule", "", validate.Params{Name: "rule", Expected: err.Error()})
		return &groups.Rule{}
	}
	return rl
}

// legacyCondition reads one typed legacy condition as texts.
func (g *GroupDecoder) legacyCondition(r rec, path string, typ groups.LegacyType) groups.LegacyCondition {
	lc := groups.LegacyCondition{Type: typ}
	ends := func(dir string) {
		r.children(dir, func(name string) {
			switch name {
			case "min", "from":
				lc.Min = r.leaf(dir, name)
			case "max", "to":
				lc.Max = r.leaf(dir, name)
			case "number-of-days", "days":
				lc.Days = r.leaf(dir, name)
			case "time-period", "period":
				lc.Period = r.leaf(dir, name)
			default:
				r.unknown(dir)
			}
		})
	}
	r.children(path, func(name string) {
		switch name {
		case "attribute-path":
			lc.Path = r.leaf(path, name)
		case "operator":
			lc.Operator = r.leaf(path, name)
		case "string", "int", "number", "date", "boolean", "value":
			lc.Values = append(lc.Values, r.leaf(path, name))
		case "int-range", "number-range", "date-range", "range", "relative-date-range":
			ends(path + "/" + name)
		case "number-of-days", "days":
			lc.Days = r.leaf(path, name)
		case "time-period", "period":
			lc.Period = r.leaf(path, name)
		default:
			r.unknown(path)
		}
	})
	if strings.TrimSpace(lc.Path) == "" {
		r.add(validate.CodeXMLMissing, path, "attribute-path", "", validate.Params{Name: "attribute-path"})
	}
	return lc
}
