package pgstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/days"
)

var _ groups.RuleEvaluator = (*Store)(nil)

// PreviewRule decides q's rule in PostgreSQL (groups.RuleEvaluator): one
// query counts the customers that pass q.Filter and the members among them,
// and the first limit members are read in ID order, the order of List, in
// the same read-only snapshot. A rule that reads the session or the
// request, a string value or custom attribute ID PostgreSQL cannot hold
// (invalid UTF-8, NUL), a day boundary the zone of q.Options crosses twice,
// a free-text filter List applies in Go, and a rule whose SQL would exceed
// 1 MiB are reported with an error wrapping groups.ErrNotEvaluable, so that
// groups evaluates them in Go. A rule Compile refuses (q.Rule or one of
// q.Dynamic) is its *RuleError, dependencies in q.Dynamic that form a cycle
// an error wrapping groups.ErrCycle; other errors come from the database or
// the context.
func (s *Store) PreviewRule(ctx context.Context, q groups.RuleQuery, limit int) (groups.PreviewResult, error) {
	res := groups.PreviewResult{At: q.At, InRepository: true}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	where, args, none, err := ruleWhere(q)
	if err != nil || none {
		return res, err
	}
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return res, s.readError(ctx, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var scanned, matched int64
	err = tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE `+where.rule+`) `+where.from, args...).Scan(&scanned, &matched)
	if err != nil {
		return res, s.readError(ctx, err)
	}
	res.Scanned, res.Matched = int(scanned), int(matched)
	if limit <= 0 || matched == 0 {
		return res, nil
	}
	n := min(limit, int(matched))
	var rows pgx.Rows
	if int(matched) <= max(fewMembers, n) {
		// Few members: one scan collects their IDs and Go sorts them (byte
		// order, the order of the "C" collation), where a walk of the
		// primary key in order would read most of the table to find them.
		idRows, err := tx.Query(ctx, `SELECT f.id `+where.from+` AND `+where.rule, args...)
		if err != nil {
			return res, s.readError(ctx, err)
		}
		ids, err := pgx.CollectRows(idRows, pgx.RowTo[string])
		if err != nil {
			return res, s.readError(ctx, err)
		}
		slices.Sort(ids)
		rows, err = tx.Query(ctx, `SELECT id, version, data FROM customers WHERE id = ANY($1::text[]) ORDER BY id`, ids[:min(n, len(ids))])
		if err != nil {
			return res, s.readError(ctx, err)
		}
	} else {
		// Many members: the first are near the start of the primary key,
		// which the planner walks. The IDs are sorted without the records,
		// which would be read for every member otherwise.
		rows, err = tx.Query(ctx, `SELECT id, version, data FROM customers WHERE id IN (
	SELECT f.id `+where.from+` AND `+where.rule+` ORDER BY f.id LIMIT `+strconv.Itoa(n)+`
) ORDER BY id`, args...)
		if err != nil {
			return res, s.readError(ctx, err)
		}
	}
	defer rows.Close()
	for rows.Next() {
		c, err := s.scanCustomer(ctx, rows)
		if err != nil {
			return res, err
		}
		res.Members = append(res.Members, c)
	}
	if err := rows.Err(); err != nil {
		return res, s.readError(ctx, err)
	}
	return res, nil
}

// RuleMembers yields the members of q's rule in ID order, a page at a time
// as List does, each page a query that PostgreSQL answers with the rule
// (groups.RuleEvaluator). It returns at once the errors PreviewRule reports
// before reading anything; database and context errors are yielded.
func (s *Store) RuleMembers(ctx context.Context, q groups.RuleQuery) (iter.Seq2[*customer.Customer, error], error) {
	where, args, none, err := ruleWhere(q)
	if err != nil {
		return nil, err
	}
	if none {
		return func(func(*customer.Customer, error) bool) {}, nil
	}
	return s.list(ctx, where.filter+" AND EXISTS (SELECT 1 FROM customer_facts f WHERE f.id = customers.id AND "+where.rule+")",
		args, false, customer.Filter{}), nil
}

// fewMembers is how many members PreviewRule collects with one scan to find
// the first page of them; above it, it walks the primary key in order.
var fewMembers = 10_000

// maxRuleSQL bounds the text of a rule's SQL, which a set of rules that
// build on each other could make large: each dependency is written out
// where it is named.
const maxRuleSQL = 1 << 20

// ruleSQL is the SQL of a rule query: conditions on customers for the
// filter, each starting with " AND "; the rule as one condition on the
// customer's facts (f.facts); and the FROM and WHERE clauses that select
// the facts (f) of the customers that pass the filter and follow $1. Only a
// filter that needs the customers' columns joins them.
type ruleSQL struct{ filter, rule, from string }

// ruleWhere translates q. args[0] is left for the keyset bound of List;
// none is true when the filter admits no customer.
func ruleWhere(q groups.RuleQuery) (where ruleSQL, args []any, none bool, err error) {
	if _, err := groups.Compile(q.Rule, q.Options); err != nil {
		return where, nil, false, err
	}
	for id, r := range q.Dynamic {
		if _, err := groups.Compile(r, q.Options); err != nil {
			return where, nil, false, fmt.Errorf("pgstore: the rule of group %q that the rule depends on: %w", id, err)
		}
	}
	filter, args, inGo, none := filterSQL(q.Filter)
	switch {
	case none:
		return where, nil, true, nil
	case inGo:
		return where, nil, false, notEvaluable("the free-text filter is applied in Go")
	}
	rule, args, err := translate(q, args)
	if err != nil {
		return where, nil, false, err
	}
	from := `FROM customer_facts f WHERE f.id > $1`
	if filter != "" {
		from = `FROM customer_facts f JOIN customers c ON c.id = f.id WHERE f.id > $1` + filter
	}
	return ruleSQL{filter, rule, from}, args, false, nil
}

// translate returns q's rule as an SQL condition whose arguments follow
// args, and the arguments.
func translate(q groups.RuleQuery, args []any) (string, []any, error) {
	loc := q.Options.Location
	if loc == nil {
		loc = time.UTC
	}
	t := &translator{q: &q, loc: loc, args: args, visiting: make(map[string]bool)}
	t.today = days.InZone(q.At, loc)
	rule, err := t.rule(q.Rule)
	if err != nil {
		return "", nil, err
	}
	return rule, t.args, nil
}

func notEvaluable(reason string) error {
	return fmt.Errorf("%w: %s", groups.ErrNotEvaluable, reason)
}

// translator writes a rule as an SQL condition on a row of customers and
// its facts column (facts.go). Every condition it writes is true or false,
// never NULL, so that NOT and the joins of the rule mean what they mean in
// Go.
type translator struct {
	q        *groups.RuleQuery
	loc      *time.Location
	today    int64
	args     []any
	visiting map[string]bool
	size     int
}

// arg adds a query argument and returns its placeholder with a cast.
func (t *translator) arg(v any, typ string) string {
	t.args = append(t.args, v)
	return "$" + strconv.Itoa(len(t.args)) + "::" + typ
}

func (t *translator) rule(r *groups.Rule) (string, error) {
	in, err := t.groupList(r.Included)
	if err != nil {
		return "", err
	}
	if len(r.Excluded) == 0 {
		return in, nil
	}
	out, err := t.groupList(r.Excluded)
	if err != nil {
		return "", err
	}
	return "(" + in + " AND NOT " + out + ")", nil
}

// groupList ORs condition groups.
func (t *translator) groupList(gs []groups.ConditionGroup) (string, error) {
	parts := make([]string, 0, len(gs))
	for _, g := range gs {
		join := " AND "
		if g.Mode == groups.MatchAny {
			join = " OR "
		}
		conds := make([]string, 0, len(g.Conditions))
		for _, c := range g.Conditions {
			s, err := t.cond(c)
			if err != nil {
				return "", err
			}
			conds = append(conds, s)
		}
		parts = append(parts, "("+strings.Join(conds, join)+")")
	}
	s := "(" + strings.Join(parts, " OR ") + ")"
	if t.size += len(s); t.size > maxRuleSQL {
		return "", notEvaluable(fmt.Sprintf("its SQL would take more than %d bytes", maxRuleSQL))
	}
	return s, nil
}

// attr says how a condition's attribute is read from a row. present is a
// condition true when the attribute is present; the others are set as the
// attribute's type has them.
type attr struct {
	present string
	text    string // one folded text
	texts   string // a jsonb array of folded texts
	num     string // a float8
	nums    string // a jsonb array of numbers and nulls
	day     string // a day number
	days    string // a jsonb array of day numbers and nulls
	instant string // seconds since 1970
	md      string // a birthday's month*100+day, for nextBirthday
	boolean string // a boolean, NULL when absent
	// dateTime is set for a custom date-time attribute: instant holds its
	// instant when it is one, else day its calendar day.
	dateTime bool
}

const (
	profilePrefix = "customer.profile."
	addressPrefix = "customer.addressBook.preferredAddress."
	activePrefix  = "customer.activeData."
	customInfix   = "custom."
)

// attribute returns how the attribute at path, of type typ, is read.
func (t *translator) attribute(path string, typ groups.AttrType) (attr, error) {
	if strings.HasPrefix(path, "session.") || strings.HasPrefix(path, "request.") {
		return attr{}, notEvaluable(fmt.Sprintf("it reads %s, which a repository does not hold", path))
	}
	if path == "customer.registered" {
		return attr{present: "true", boolean: "coalesce(facts->'p' ? 'login', false)"}, nil
	}
	for _, sc := range []struct{ prefix, key string }{{profilePrefix, "pc"}, {addressPrefix, "ac"}, {activePrefix, "dc"}} {
		if id, ok := strings.CutPrefix(path, sc.prefix+customInfix); ok {
			if !storable(id) {
				return attr{}, notEvaluable(fmt.Sprintf("the custom attribute ID %q cannot be held by PostgreSQL", id))
			}
			return customAttr("facts->'"+sc.key+"'->"+t.arg(id, "text"), typ), nil
		}
	}
	var scope, name string
	for _, sc := range []struct{ prefix, key string }{{profilePrefix, "p"}, {addressPrefix, "a"}, {activePrefix, "d"}} {
		if n, ok := strings.CutPrefix(path, sc.prefix); ok {
			scope, name = sc.key, n
		}
	}
	if scope == "" || !isName(name) {
		return attr{}, notEvaluable(fmt.Sprintf("it reads %s, which the store does not translate", path))
	}
	key := "'" + name + "'"
	switch {
	case typ == groups.TypeString:
		e := "(facts->'" + scope + "'->>" + key + ")"
		return attr{present: e + " IS NOT NULL", text: e}, nil
	case typ == groups.TypeStringSet:
		e := "(facts->'d'->" + key + ")"
		return attr{present: e + " IS NOT NULL", texts: e}, nil
	case typ == groups.TypeDateTime:
		e := "((facts->'t'->>" + key + ")::int8)"
		return attr{present: e + " IS NOT NULL", instant: e}, nil
	case name == "birthday":
		return attr{present: "facts ? 'bd'", day: "((facts->>'bd')::int8)"}, nil
	case name == "nextBirthday":
		return attr{present: "facts ? 'bd'", md: "((facts->>'bmd')::int4)"}, nil
	case name == "gender":
		return attr{present: "facts ? 'g'", num: "((facts->>'g')::float8)"}, nil
	case scope == "d" && (typ == groups.TypeInt || typ == groups.TypeNumber):
		// Zero is not stored: active data is present when "d" is.
		return attr{present: "facts ? 'd'", num: "coalesce((facts->'d'->>" + key + ")::float8, 0)"}, nil
	}
	return attr{}, notEvaluable(fmt.Sprintf("it reads %s, which the store does not translate", path))
}

// isName reports whether s is a plain attribute name, safe in an SQL
// literal.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// customAttr reads the custom attribute whose facts are x (customFacts) as
// type typ, as the engine's customVal and typedText do.
func customAttr(x string, typ groups.AttrType) attr {
	first := func(key string) string { return "(" + x + "->'" + key + "'->>0)" }
	switch typ {
	case groups.TypeString:
		return attr{present: "coalesce(" + first("s") + ", '') <> ''", text: first("s")}
	case groups.TypeInt, groups.TypeNumber:
		return attr{present: first("n") + " IS NOT NULL", num: first("n") + "::float8"}
	case groups.TypeBool:
		return attr{present: "(" + x + "->'b0') IS NOT NULL", boolean: "(" + x + "->'b0')::boolean"}
	case groups.TypeDate:
		return attr{present: first("dd") + " IS NOT NULL", day: first("dd") + "::int8"}
	case groups.TypeDateTime:
		return attr{
			present:  "((" + x + "->'i0') IS NOT NULL OR (NOT coalesce((" + x + "->'iz')::boolean, false) AND " + first("dd") + " IS NOT NULL))",
			instant:  "((" + x + "->>'i0')::int8)",
			day:      first("dd") + "::int8",
			dateTime: true,
		}
	}
	// Untyped and sets of texts: every value.
	return attr{present: "(" + x + ") IS NOT NULL", texts: "(" + x + "->'s')", nums: "(" + x + "->'n')",
		days: "(" + x + "->'dd')", boolean: "(" + x + "->'ab')::boolean"}
}

func (t *translator) cond(c groups.Condition) (string, error) {
	typ, _ := groups.PathType(c.Path, t.q.Options.CustomTypes)
	if typ == groups.TypeGroups {
		return t.groupsCond(c)
	}
	a, err := t.attribute(c.Path, typ)
	if err != nil {
		return "", err
	}
	v := c.Value
	var pos string
	switch {
	case c.Operator == groups.Exists:
		return "coalesce(" + a.present + ", false)", nil
	case c.Operator == groups.DoesNotExist:
		return "NOT coalesce(" + a.present + ", false)", nil
	case c.Operator == groups.IsTrue || c.Operator == groups.IsFalse:
		return "coalesce(" + a.boolean + " = " + strconv.FormatBool(c.Operator == groups.IsTrue) + ", false)", nil
	case v.Kind == groups.StringsKind:
		pos, err = t.stringCond(c.Operator, v.Strings, a)
	case v.Kind == groups.IntsKind || v.Kind == groups.NumbersKind || v.Kind == groups.IntRangeKind || v.Kind == groups.NumberRangeKind:
		pos = t.numberCond(c.Operator, v, a)
	default:
		pos, err = t.dateCond(c, a)
	}
	if err != nil {
		return "", err
	}
	if c.Operator.Negated() {
		return "(coalesce(" + a.present + ", false) AND NOT coalesce(" + pos + ", false))", nil
	}
	return "(coalesce(" + a.present + ", false) AND coalesce(" + pos + ", false))", nil
}

// stringCond is the positive form of a text comparison, case-insensitive
// by comparing folded texts.
func (t *translator) stringCond(op groups.Operator, values []string, a attr) (string, error) {
	folded := make([]string, len(values))
	for i, w := range values {
		if !storable(w) {
			return "", notEvaluable(fmt.Sprintf("the value %q cannot be held by PostgreSQL", w))
		}
		folded[i] = fold(w)
	}
	one := func(s string) string {
		if op == groups.IsEqual || op == groups.IsNotEqual {
			return s + " = ANY(" + t.arg(folded, "text[]") + ")"
		}
		parts := make([]string, len(folded))
		for i, w := range folded {
			switch op {
			case groups.StartsWith:
				parts[i] = "starts_with(" + s + ", " + t.arg(w, "text") + ")"
			case groups.EndsWith:
				parts[i] = "right(" + s + ", " + t.arg(int32(utf8.RuneCountInString(w)), "int4") + ") = " + t.arg(w, "text")
			default: // contains, does-not-contain
				parts[i] = "strpos(" + s + ", " + t.arg(w, "text") + ") > 0"
			}
		}
		return "(" + strings.Join(parts, " OR ") + ")"
	}
	if a.text != "" {
		return one(a.text), nil
	}
	if op == groups.IsEqual || op == groups.IsNotEqual {
		return "(" + a.texts + " ?| " + t.arg(folded, "text[]") + ")", nil
	}
	return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(" + a.texts + ") AS e(v) WHERE " + one("e.v") + ")", nil
}

// numberCond is the positive form of a number comparison, in float8 as the
// engine compares float64 values.
func (t *translator) numberCond(op groups.Operator, v groups.Value, a attr) string {
	var vals []float64
	switch v.Kind {
	case groups.IntsKind:
		for _, n := range v.Ints {
			vals = append(vals, float64(n))
		}
	case groups.NumbersKind:
		for _, n := range v.Numbers {
			vals = append(vals, n.Value)
		}
	}
	one := func(n string) string {
		switch op {
		case groups.IsEqual, groups.IsNotEqual:
			return n + " = ANY(" + t.arg(vals, "float8[]") + ")"
		case groups.IsGreaterThan:
			return n + " > " + t.arg(vals[0], "float8")
		case groups.IsLessThan:
			return n + " < " + t.arg(vals[0], "float8")
		case groups.IsGreaterThanOrEqual:
			return n + " >= " + t.arg(vals[0], "float8")
		case groups.IsLessThanOrEqual:
			return n + " <= " + t.arg(vals[0], "float8")
		}
		lo, hi := float64(v.IntRange.Min), float64(v.IntRange.Max)
		if v.Kind == groups.NumberRangeKind {
			lo, hi = v.NumberRange.Min.Value, v.NumberRange.Max.Value
		}
		return "(" + n + " >= " + t.arg(lo, "float8") + " AND " + n + " <= " + t.arg(hi, "float8") + ")"
	}
	if a.num != "" {
		return one(a.num)
	}
	return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(" + a.nums + ") AS e(v) WHERE " + one("(e.v)::float8") + ")"
}

func (t *translator) dateCond(c groups.Condition, a attr) (string, error) {
	sp, ok := c.Days(t.today, t.q.Options.WeekStartsSunday)
	if !ok {
		return "", fmt.Errorf("pgstore: %v is not an operator of dates", c.Operator)
	}
	dayRange := func(d string) string {
		var parts []string
		if sp.HasFirst {
			parts = append(parts, d+" >= "+t.arg(sp.First, "int8"))
		}
		if sp.HasLast {
			parts = append(parts, d+" <= "+t.arg(sp.Last, "int8"))
		}
		return "(" + strings.Join(parts, " AND ") + ")"
	}
	instants := func(e string) (string, error) {
		var parts []string
		if sp.HasFirst {
			b, err := t.boundary(sp.First)
			if err != nil {
				return "", err
			}
			parts = append(parts, e+" >= "+t.arg(b, "int8"))
		}
		if sp.HasLast {
			b, err := t.boundary(sp.Last + 1)
			if err != nil {
				return "", err
			}
			parts = append(parts, e+" < "+t.arg(b, "int8"))
		}
		return "(" + strings.Join(parts, " AND ") + ")", nil
	}
	switch {
	case a.dateTime:
		in, err := instants(a.instant)
		if err != nil {
			return "", err
		}
		return "(CASE WHEN " + a.instant + " IS NOT NULL THEN " + in + " ELSE " + dayRange(a.day) + " END)", nil
	case a.instant != "":
		return instants(a.instant)
	case a.md != "":
		return a.md + " = ANY(" + t.arg(t.birthdaysIn(sp), "int4[]") + ")", nil
	case a.day != "":
		return dayRange(a.day), nil
	}
	return "EXISTS (SELECT 1 FROM jsonb_array_elements_text(" + a.days + ") AS e(v) WHERE " + dayRange("(e.v)::int8") + ")", nil
}

// birthdaysIn returns the birthdays, as month*100+day, whose next
// occurrence on or after today falls in sp, as the engine's nextBirthday
// counts it.
func (t *translator) birthdaysIn(sp groups.DaySpan) []int32 {
	var out []int32
	for m := time.January; m <= time.December; m++ {
		for d := 1; d <= days.DaysIn(2024, m); d++ {
			n := days.NextBirthday(days.Number(2024, m, d), t.today, t.q.Options.LeapDayBirthdayOnMarch1)
			if sp.Contains(n) {
				out = append(out, int32(int(m)*100+d))
			}
		}
	}
	return out
}

// boundary returns the first whole second whose day in the evaluation's
// zone is day d or later. Every instant before it falls on an earlier day
// and every one from it on d or later, unless the zone moves its clocks
// back across midnight near it; such a boundary is not evaluable.
func (t *translator) boundary(d int64) (int64, error) {
	y, m, dd := days.Civil(d)
	guess := time.Date(y, m, dd, 0, 0, 0, 0, t.loc).Unix()
	lo, hi := guess-2*86400, guess+2*86400
	dayAt := func(s int64) int64 { return days.InZone(time.Unix(s, 0), t.loc) }
	if dayAt(lo) >= d || dayAt(hi) < d {
		return 0, notEvaluable(fmt.Sprintf("the day %04d-%02d-%02d does not begin within two days of its midnight in %s", y, m, dd, t.loc))
	}
	// The day must not go backwards at any change of offset in the window.
	for at := time.Unix(lo, 0).In(t.loc); ; {
		_, end := at.ZoneBounds()
		if end.IsZero() || end.Unix() > hi {
			break
		}
		if dayAt(end.Unix()-1) > dayAt(end.Unix()) {
			return 0, notEvaluable(fmt.Sprintf("%s moves its clocks back across midnight near %04d-%02d-%02d", t.loc, y, m, dd))
		}
		at = end
	}
	for lo+1 < hi { // dayAt(lo) < d <= dayAt(hi)
		mid := lo + (hi-lo)/2
		if dayAt(mid) >= d {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// groupsCond translates a customer.customerGroups condition: membership of
// a system group follows from the login, of any other group from the
// customer's explicit memberships and, for a dynamic group of the query's
// set, from its rule, translated where it is named.
func (t *translator) groupsCond(c groups.Condition) (string, error) {
	switch c.Operator {
	case groups.Exists:
		return "true", nil
	case groups.DoesNotExist:
		return "false", nil
	}
	parts := make([]string, 0, len(c.Value.Strings))
	for _, id := range c.Value.Strings {
		s, err := t.inGroup(id)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	in := "(" + strings.Join(parts, " OR ") + ")"
	if c.Operator == groups.IsNotEqual {
		return "NOT " + in, nil
	}
	return in, nil
}

func (t *translator) inGroup(id string) (string, error) {
	switch id {
	case groups.Everyone:
		return "true", nil
	case groups.Registered:
		return "coalesce(facts->'p' ? 'login', false)", nil
	case groups.Unregistered:
		return "NOT coalesce(facts->'p' ? 'login', false)", nil
	}
	explicit := "false" // no stored customer holds a group ID PostgreSQL cannot hold
	if storable(id) {
		explicit = "coalesce(facts->'gr' ? " + t.arg(id, "text") + ", false)"
	}
	r, ok := t.q.Dynamic[id]
	if !ok || r == nil {
		return explicit, nil
	}
	if t.visiting[id] {
		return "", fmt.Errorf("pgstore: %w: %q depends on itself", groups.ErrCycle, id)
	}
	t.visiting[id] = true
	defer delete(t.visiting, id)
	s, err := t.rule(r)
	if err != nil {
		return "", err
	}
	return "(" + explicit + " OR " + s + ")", nil
}
