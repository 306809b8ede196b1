package xmlio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// GroupImportOptions configure ImportGroups. The zero value applies the
// document, compiles rules with groups.Options' defaults and resolves
// group assignments through the store when it is also a
// customer.Repository.
type GroupImportOptions struct {
	// Document names the document in issue locations.
	Document string
	// DryRun reads and checks everything and writes nothing; the result
	// says what a real run would do.
	DryRun bool
	// Rules are the options dynamic rules are compiled with: custom
	// attribute types, strictness about undeclared custom attributes.
	Rules groups.Options
	// Customers resolves the customer-no of group-assignment elements; nil
	// means the store itself when it is a customer.Repository. Without
	// one, every assignment is rejected (validate.CodeUnknownCustomer).
	Customers customer.Repository
	// List is the customer list whose numbers assignments name.
	List string
	// Limits bound the document; see Limits.
	Limits Limits
	// MaxRecords is the most customer-group and group-assignment elements
	// one document may hold; default 100,000. An import keeps a document's
	// groups in memory to check them together, so this bounds its memory.
	MaxRecords int
}

// GroupOutcome is what an import does, or would do, with one
// customer-group element.
type GroupOutcome struct {
	Where   validate.Where `json:"where"`
	GroupID string         `json:"groupId"`
	// Action is impex.ActionCreate, impex.ActionUpdate, impex.ActionUnchanged, impex.ActionDelete or
	// impex.ActionReject.
	Action impex.Action `json:"action"`
}

// GroupImportResult is what ImportGroups did. The counts and Outcomes
// describe the plan; Applied says whether it was written, which it is only
// in a real run of a document without errors.
type GroupImportResult struct {
	// Result holds the counts, the report and the error. Read counts the
	// customer-group and group-assignment elements; Valid, Rejected,
	// Created, Updated, Unchanged and Deleted count the customer-group
	// elements by outcome. Rows is empty: Outcomes has one per group.
	impex.Result
	// Applied is true when the document's changes were written.
	Applied bool `json:"applied"`
	// Assignments counts the group-assignment elements.
	Assignments AssignmentCounts `json:"assignments"`
	// Outcomes has one entry per customer-group element, in document
	// order.
	Outcomes []GroupOutcome `json:"outcomes,omitempty"`
}

// ImportGroups reads a customer-groups document from r and applies it to
// store, all or nothing: when any element has an error, nothing is
// written, and the report says why.
//
// Each customer-group creates or replaces the group with its ID.
// Replacing a static group keeps its members, as the store guarantees;
// a system group (Everyone, Registered, Unregistered) takes only the
// description and custom attributes, and a group's display name, which
// the format cannot carry, is kept. mode="delete" deletes the group and
// leaves its memberships on the customers; deleting a group that does not
// exist, or a system group, is a warning and changes nothing.
//
// Rules are normalised as SFCC does on import (groups.NormalizeImported:
// session.custom is-equal conditions with numeric strings become numbers,
// "true" and "false" become is-true and is-false), then every dynamic rule
// is compiled with opts.Rules and the groups the store would hold
// afterwards are checked together. An unknown attribute path
// (validate.CodeRulePath), an operator that does not fit the attribute or
// its value (validate.CodeRuleOperator), a customer.customerGroups
// condition naming a group that would not exist (validate.CodeGroupUnknown)
// and rules depending on each other in a cycle (validate.CodeRuleCycle)
// are errors located at the condition, or the group, that causes them.
//
// Trailing group-assignment elements are applied as in a customers
// document (assign to, or with mode="delete" remove from, static groups),
// each with a validate.CodeAssignmentInGroupFile warning, since customer
// files are where assignments belong. They see the groups as the document
// leaves them, so a document may create a static group and fill it.
//
// The result is never nil. ImportGroups returns a *impex.FileError for a
// document it cannot read or one with more than MaxRecords elements
// (impex.ErrTooLarge); its issues are in the report and nothing is
// written. It returns a *impex.FatalError when the store fails, reading or
// writing (with a validate.CodeWriteFailed issue), or ctx ends;
// errors.Is(err, context.Canceled) holds for a cancelled import.
func ImportGroups(ctx context.Context, store groups.Store, r io.Reader, opts GroupImportOptions) (*GroupImportResult, error) {
	res := &GroupImportResult{}
	res.DryRun = opts.DryRun
	if opts.MaxRecords <= 0 {
		opts.MaxRecords = 100_000
	}
	dec := NewGroupDecoder(r, DecodeOptions{Document: opts.Document, Limits: opts.Limits})
	fail := func(err error) (*GroupImportResult, error) {
		res.Err = stopError(ctx, &res.Result, err)
		return res, res.Err
	}
	if err := dec.Begin(); err != nil {
		return fail(err)
	}
	var recs []*GroupRecord
	var assigns []*GroupAssignment
	for rec, err := range dec.All() {
		if err != nil {
			return fail(err)
		}
		res.Read++
		if res.Read > opts.MaxRecords {
			w := rec.Location()
			is := validate.New(validate.CodeLimitExceeded, w).WithParams(validate.Params{Name: "customer-groups elements", Max: opts.MaxRecords})
			return fail(pipeline.FileError(fmt.Errorf("%w: more than %d customer-groups elements", impex.ErrTooLarge, opts.MaxRecords), is))
		}
		if res.Read%256 == 0 {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
		}
		switch rec := rec.(type) {
		case *GroupRecord:
			recs = append(recs, rec)
		case *GroupAssignment:
			assigns = append(assigns, rec)
		}
	}
	res.Report.Add(dec.Issues()...)

	current := make(map[string]*groups.Group)
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return fail(err)
		}
		current[g.ID] = g
	}
	im := &groupImporter{opts: &opts, res: res, current: current, final: maps.Clone(current),
		from: make(map[string]*GroupRecord), deletedBy: make(map[string]*GroupRecord)}
	ops := im.plan(recs)
	im.checkRules()
	aops, err := im.assignments(ctx, store, assigns)
	if err != nil {
		return fail(err)
	}
	ops = append(ops, aops...)
	res.Valid = res.Created + res.Updated + res.Unchanged + res.Deleted
	if res.Report.HasErrors() || opts.DryRun {
		return res, nil
	}
	if len(ops) > 0 {
		if err := store.WriteGroups(ctx, ops); err != nil {
			res.Report.Add(validate.New(validate.CodeWriteFailed, validate.Where{Document: opts.Document}).
				WithParams(validate.Params{Name: err.Error()}))
			return fail(fmt.Errorf("xmlio: writing the customer groups: %w", err))
		}
	}
	res.Applied = true
	return res, nil
}

// groupImporter holds one ImportGroups run's state.
type groupImporter struct {
	opts    *GroupImportOptions
	res     *GroupImportResult
	current map[string]*groups.Group // the store's groups before the import
	final   map[string]*groups.Group // the groups after it
	// from names the record that defines each group of final the document
	// gives; deletedBy the record that deletes a group.
	from      map[string]*GroupRecord
	deletedBy map[string]*GroupRecord
	bad       map[*GroupRecord]bool
	outcome   map[*GroupRecord]int // index into res.Outcomes
}

// plan decides each record's action and returns the group operations.
func (im *groupImporter) plan(recs []*GroupRecord) []groups.Op {
	res := im.res
	im.bad = make(map[*GroupRecord]bool)
	im.outcome = make(map[*GroupRecord]int)
	seen := make(map[string]*GroupRecord)
	var ops []groups.Op
	for _, rec := range recs {
		res.Report.Add(rec.Issues...)
		id := rec.Group.ID
		bad := validate.AnyError(rec.Issues)
		if first := seen[id]; first != nil && id != "" {
			res.Report.Add(validate.New(validate.CodeDuplicateInFile, rec.Where).WithField("group-id").
				WithParams(validate.Params{Name: "group-id " + id, OtherRecord: first.Where.Record}))
			bad = true
		} else {
			seen[id] = rec
		}
		out := GroupOutcome{Where: rec.Where, GroupID: id}
		im.outcome[rec] = len(res.Outcomes)
		switch {
		case bad:
			im.reject(rec, &out)
			if !groups.IsSystemID(id) && id != "" {
				// Keep the ID known, so other checks do not pile up on it.
				im.final[id] = &groups.Group{ID: id, Kind: groups.Static, Name: id}
			}
		case rec.Delete && groups.IsSystemID(id):
			w := rec.Where
			w.Path += "/@mode"
			res.Report.Add(validate.New(validate.CodeInvalidValue, w).WithField("mode").
				WithParams(validate.Params{Name: "mode", Expected: "no delete: a system group always exists"}).AsWarning())
			out.Action = impex.ActionUnchanged
			res.Unchanged++
		case rec.Delete && im.final[id] == nil:
			res.Report.Add(validate.New(validate.CodeGroupUnknown, rec.Where).WithParams(validate.Params{Name: id}).AsWarning())
			out.Action = impex.ActionUnchanged
			res.Unchanged++
		case rec.Delete:
			delete(im.final, id)
			delete(im.from, id)
			im.deletedBy[id] = rec
			ops = append(ops, groups.Delete(id))
			out.Action = impex.ActionDelete
			res.Deleted++
		default:
			g := im.target(rec)
			before := im.final[id]
			switch {
			case before == nil:
				out.Action = impex.ActionCreate
				res.Created++
			case groupEqual(before, g):
				out.Action = impex.ActionUnchanged
				res.Unchanged++
			default:
				out.Action = impex.ActionUpdate
				res.Updated++
			}
			if out.Action != impex.ActionUnchanged {
				ops = append(ops, groups.Put(g))
			}
			im.final[id] = g
			im.from[id] = rec
			delete(im.deletedBy, id)
		}
		res.Outcomes = append(res.Outcomes, out)
	}
	return ops
}

func (im *groupImporter) reject(rec *GroupRecord, out *GroupOutcome) {
	if !im.bad[rec] {
		im.bad[rec] = true
		im.res.Rejected++
		if out == nil {
			out = &im.res.Outcomes[im.outcome[rec]]
			switch out.Action {
			case impex.ActionCreate:
				im.res.Created--
			case impex.ActionUpdate:
				im.res.Updated--
			case impex.ActionUnchanged:
				im.res.Unchanged--
			case impex.ActionDelete:
				im.res.Deleted--
			}
		}
		out.Action = impex.ActionReject
	}
}

// target is the group a record makes: a system group's stored self with
// the new description and attributes, or the record's group with its rule
// normalised and the stored display name kept.
func (im *groupImporter) target(rec *GroupRecord) *groups.Group {
	g := rec.Group.Clone()
	old := im.current[g.ID]
	if g.Kind == groups.System {
		base := old
		if base == nil {
			for _, s := range groups.SystemGroups() {
				if s.ID == g.ID {
					base = s
				}
			}
		}
		base = base.Clone()
		base.Description, base.Attributes = g.Description, g.Attributes
		return base
	}
	if g.Rule != nil {
		g.Rule, _ = groups.NormalizeImported(g.Rule)
	}
	if old != nil && old.Name != "" {
		g.Name = old.Name
	}
	return g
}

// checkRules compiles the document's dynamic rules, then checks the
// groups the store would hold for references to missing groups and for
// cycles.
func (im *groupImporter) checkRules() {
	opts := im.opts.Rules
	compiled := make(map[string]*groups.Compiled)
	// check is final with stand-ins for what the checks must skip.
	check := maps.Clone(im.final)
	ids := slices.Sorted(maps.Keys(check))
	for _, id := range ids {
		g := check[id]
		if g.Kind != groups.Dynamic {
			continue
		}
		c, err := groups.CompileGroup(g, opts)
		if err == nil {
			compiled[id] = c
			continue
		}
		if rec := im.from[id]; rec != nil {
			im.ruleIssues(rec, err)
		}
		// A rule that does not compile (also a stored one, under stricter
		// options) takes no part in the checks below.
		check[id] = &groups.Group{ID: id, Kind: groups.Static, Name: id}
	}
	set := make([]*groups.Group, 0, len(im.final))
	for _, id := range ids {
		if g := check[id]; g != nil {
			set = append(set, g)
		}
	}
	for _, id := range ids {
		c := compiled[id]
		if c == nil {
			continue
		}
		for _, dep := range c.Dependencies() {
			if check[dep] != nil || groups.IsSystemID(dep) {
				continue
			}
			switch rec, del := im.from[id], im.deletedBy[dep]; {
			case rec != nil:
				im.res.Report.Add(validate.New(validate.CodeGroupUnknown, im.depWhere(rec, dep)).
					WithParams(validate.Params{Name: dep}))
				im.reject(rec, nil)
			case del != nil:
				im.res.Report.Add(validate.New(validate.CodeGroupUnknown, del.Where).
					WithParams(validate.Params{Name: fmt.Sprintf("%s (deleting it leaves the rule of group %s without it)", dep, id)}))
				im.reject(del, nil)
			}
			check[dep] = &groups.Group{ID: dep, Kind: groups.Static, Name: dep}
			set = append(set, check[dep])
		}
	}
	_, err := groups.NewSet(set, opts)
	if err == nil {
		return
	}
	var ce *groups.CycleError
	if !errors.As(err, &ce) {
		im.res.Report.Add(validate.New(validate.CodeInvalidValue, validate.Where{Document: im.opts.Document}).
			WithParams(validate.Params{Name: "customer groups", Expected: err.Error()}))
		return
	}
	w := validate.Where{Document: im.opts.Document}
	for _, id := range ce.Groups {
		if rec := im.from[id]; rec != nil {
			w = im.depWhere(rec, ce.Groups[slices.Index(ce.Groups, id)+1])
			im.reject(rec, nil)
			break
		}
	}
	im.res.Report.Add(validate.New(validate.CodeRuleCycle, w).
		WithParams(validate.Params{Name: strings.Join(ce.Groups, " -> ")}))
}

// depWhere locates the first condition of rec's rule that names group dep
// through customer.customerGroups, or the record itself.
func (im *groupImporter) depWhere(rec *GroupRecord, dep string) validate.Where {
	g := im.final[rec.Group.ID]
	if g == nil || g.Rule == nil {
		return rec.Where
	}
	for li, list := range [][]groups.ConditionGroup{g.Rule.Included, g.Rule.Excluded} {
		for gi, cg := range list {
			for ci, c := range cg.Conditions {
				if c.Path == "customer.customerGroups" && slices.Contains(c.Value.Strings, dep) {
					return rec.place(li == 1, gi, ci)
				}
			}
		}
	}
	return rec.Where
}

// ruleIssues turns the compiler's errors for rec's rule into issues.
func (im *groupImporter) ruleIssues(rec *GroupRecord, err error) {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var re *groups.RuleError
		if !errors.As(e, &re) {
			im.res.Report.Add(validate.New(validate.CodeInvalidValue, rec.Where).WithParams(validate.Params{Name: "membership-rule", Expected: e.Error()}))
			continue
		}
		w := rec.Where
		place := fmt.Sprintf("group %s", rec.Group.ID)
		if re.ConditionGroup >= 0 {
			w = rec.place(re.Excluded, re.ConditionGroup, re.Condition)
			list := "included"
			if re.Excluded {
				list = "excluded"
			}
			place += fmt.Sprintf(", %s condition group %d", list, re.ConditionGroup+1)
			if re.Condition >= 0 {
				place += fmt.Sprintf(", condition %d", re.Condition+1)
			}
		}
		var is validate.Issue
		switch {
		case errors.Is(re, groups.ErrUnknownPath):
			is = validate.New(validate.CodeRulePath, w).WithField("attribute-path").
				WithParams(validate.Params{Name: fmt.Sprintf("%s (%s)", re.Path, place)})
		case errors.Is(re, groups.ErrUnknownOperator), errors.Is(re, groups.ErrOperatorType), errors.Is(re, groups.ErrOperatorValue),
			errors.Is(re, groups.ErrMissingValue), errors.Is(re, groups.ErrExtraValue):
			is = validate.New(validate.CodeRuleOperator, w).WithField("operator").
				WithParams(validate.Params{Name: fmt.Sprintf("%s: %v: %s", place, re.Err, re.Reason)})
		case errors.Is(re, groups.ErrEmptyRule):
			is = validate.New(validate.CodeXMLMissing, w).WithParams(validate.Params{Name: fmt.Sprintf("%s: %s", place, re.Reason)})
		default:
			is = validate.New(validate.CodeInvalidValue, w).WithParams(validate.Params{Name: place, Expected: fmt.Sprintf("%v: %s", re.Err, re.Reason)})
		}
		im.res.Report.Add(is)
	}
	im.reject(rec, nil)
}

// assignments plans the trailing group-assignment elements against the
// groups as the document leaves them. It returns the operations, and the
// error of a customer repository that could not be asked.
func (im *groupImporter) assignments(ctx context.Context, store groups.Store, assigns []*GroupAssignment) ([]groups.Op, error) {
	if len(assigns) == 0 {
		return nil, nil
	}
	repo := im.opts.Customers
	if repo == nil {
		repo, _ = store.(customer.Repository)
	}
	counts := &im.res.Assignments
	rep := &im.res.Report
	type key struct{ group, cust string }
	member := make(map[key]bool) // memberships as the planned operations leave them
	isMember := func(c *customer.Customer, g string) bool {
		if m, ok := member[key{g, c.ID}]; ok {
			return m
		}
		return c.InGroup(g)
	}
	kind := func(id string) groups.Kind {
		if g := im.final[id]; g != nil {
			return g.Kind
		}
		return 0
	}
	var ops []groups.Op
	add := func(op groups.Op) {
		member[key{op.GroupID, op.CustomerID}] = op.Kind == groups.OpAssign
		ops = append(ops, op)
		if op.Kind == groups.OpAssign {
			counts.Assigned++
		} else {
			counts.Removed++
		}
	}
	for _, ga := range assigns {
		counts.Read++
		rep.Add(ga.Issues...)
		if validate.AnyError(ga.Issues) {
			counts.Rejected++
			continue
		}
		rep.Add(validate.New(validate.CodeAssignmentInGroupFile, ga.Where).AsWarning())
		reject := func(is validate.Issue) {
			counts.Rejected++
			rep.Add(is)
		}
		var cust *customer.Customer
		if ga.CustomerNo != "" {
			if repo == nil {
				reject(unknownCustomer(ga.Where, "customerNo", ga.CustomerNo))
				continue
			}
			c, err := repo.ByNumber(ctx, im.opts.List, ga.CustomerNo)
			if errors.Is(err, customer.ErrNotFound) {
				reject(unknownCustomer(ga.Where, "customerNo", ga.CustomerNo))
				continue
			}
			if err != nil {
				return nil, err
			}
			cust = c
		}
		if ga.GroupID != "" {
			switch k := kind(ga.GroupID); {
			case k == 0 && !ga.Delete:
				reject(validate.New(validate.CodeGroupUnknown, ga.Where).WithParams(validate.Params{Name: ga.GroupID}))
				continue
			case k == groups.Dynamic || k == groups.System:
				counts.Refused++
				rep.Add(validate.New(refusedCode(k), ga.Where).WithParams(validate.Params{Name: ga.GroupID}).AsWarning())
				continue
			}
		}
		n := len(ops)
		switch {
		case !ga.Delete:
			if !isMember(cust, ga.GroupID) {
				add(groups.Assign(ga.GroupID, cust.ID))
			}
		case cust != nil && ga.GroupID != "":
			if isMember(cust, ga.GroupID) {
				add(groups.Unassign(ga.GroupID, cust.ID))
			}
		case cust != nil:
			ids := slices.Clone(cust.Groups)
			for k, m := range member {
				if k.cust == cust.ID && m && !slices.Contains(ids, k.group) {
					ids = append(ids, k.group)
				}
			}
			slices.Sort(ids)
			for _, g := range ids {
				if k := kind(g); (k == groups.Static || k == 0) && isMember(cust, g) {
					add(groups.Unassign(g, cust.ID))
				}
			}
		default:
			if repo == nil {
				break
			}
			for c, err := range repo.List(ctx, customer.Filter{Group: ga.GroupID, Lists: []string{im.opts.List}}) {
				if err != nil {
					return nil, err
				}
				if isMember(c, ga.GroupID) {
					add(groups.Unassign(ga.GroupID, c.ID))
				}
			}
			var planned []string
			for k, m := range member {
				if k.group == ga.GroupID && m {
					planned = append(planned, k.cust)
				}
			}
			slices.Sort(planned)
			for _, id := range planned {
				add(groups.Unassign(ga.GroupID, id))
			}
		}
		if len(ops) == n {
			counts.Unchanged++
		}
	}
	return ops, nil
}

// groupEqual reports whether two groups are the same, treating empty and
// nil lists alike.
func groupEqual(a, b *groups.Group) bool {
	if a.ID != b.ID || a.Kind != b.Kind || a.Name != b.Name || a.Description != b.Description ||
		len(a.Attributes) != len(b.Attributes) || (a.Rule == nil) != (b.Rule == nil) {
		return false
	}
	for i := range a.Attributes {
		x, y := a.Attributes[i], b.Attributes[i]
		if x.ID != y.ID || x.Lang != y.Lang || !slices.Equal(x.Values, y.Values) {
			return false
		}
	}
	if a.Rule == nil {
		return true
	}
	return groupListsEqual(a.Rule.Included, b.Rule.Included) && groupListsEqual(a.Rule.Excluded, b.Rule.Excluded)
}

func groupListsEqual(a, b []groups.ConditionGroup) bool {
	return slices.EqualFunc(a, b, func(x, y groups.ConditionGroup) bool {
		return x.Mode == y.Mode && slices.EqualFunc(x.Conditions, y.Conditions, func(c, d groups.Condition) bool {
			v, w := c.Value, d.Value
			return c.Path == d.Path && c.Operator == d.Operator && v.Kind == w.Kind &&
				slices.Equal(v.Strings, w.Strings) && slices.Equal(v.Ints, w.Ints) && slices.Equal(v.Numbers, w.Numbers) &&
				v.IntRange == w.IntRange && v.NumberRange == w.NumberRange && v.Date == w.Date &&
				v.DateRange == w.DateRange && v.Days == w.Days && v.Period == w.Period
		})
	})
}
