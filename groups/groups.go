// Package groups holds customer groups: static groups with explicit members,
// dynamic groups whose membership a rule decides, and the three system groups
// every site has. It defines the Store interface through which imports create
// groups and change static memberships, and the rule engine that decides
// dynamic memberships.
//
// Memberships themselves live on the customer (customer.Customer.Groups), so
// a listing filtered by group and a customer lookup always agree. Deleting a
// group does not touch them: SFCC keeps a static group's assignments when the
// group is deleted or replaced by a group import, and so does impex.
//
// # Rules
//
// A Rule is the model of SFCC's membership-rule (customergroup.xsd):
// included and excluded condition groups, each a list of conditions joined
// by a match mode (all or any). A Condition names an attribute path
// ("customer.activeData.orderValueMonth", "session.custom.country"; see
// Paths), one of the 29 operators of the XSD, and at most one value: a list
// of strings, ints or numbers, an int, number or date range, a date, a
// number of days or a time period.
//
// Compile checks a rule once, reporting unknown paths, operators that do
// not apply to an attribute and values that do not fit an operator as
// *RuleError values, and produces a Compiled rule that evaluates a Subject
// (customer, session, request) without allocating. The semantics:
//
//   - condition groups are OR-ed; a subject is a member when some included
//     group matches and no excluded group does;
//   - several values in one condition are OR-ed, and the negative operators
//     (is-not-equal, does-not-contain, is-not-in-range, the is-not-in-...
//     day operators) match when none of the values does;
//   - a condition on an absent attribute (an empty text, no active data, no
//     preferred address, an unset gender or date) matches only with
//     does-not-exist, whatever its operator;
//   - strings compare case-insensitively; group IDs in
//     customer.customerGroups compare exactly;
//   - ranges include both ends;
//   - dates count whole days: instants (creationDate, lastLoginTime,
//     lastVisitTime, lastOrderDate) by their day in Options.Location,
//     calendar dates (birthday, nextBirthday) as they are. is-in-the-last
//     and is-in-the-next a period span from the same day one week, month or
//     year back or ahead to today; the x-days operators span today and N
//     days back or ahead; is-in-the-current a period is its calendar week
//     (Monday to Sunday unless Options.WeekStartsSunday), month or year;
//   - nextBirthday is the first birthday on or after today; someone born on
//     29 February has it on 28 February in other years (or 1 March, see
//     Options.LeapDayBirthdayOnMarch1).
//
// A Set compiles a whole collection of groups, orders dynamic groups so
// that a rule testing customer.customerGroups runs after the groups it
// names (rejecting cycles with a *CycleError), and answers which groups a
// subject belongs to, static and system groups included. Explain reports
// which condition groups and conditions decided; Preview streams a
// customer.Repository and counts or lists a group's members, or, when the
// repository is a RuleEvaluator (a database), has it decide the rule where
// the customers are, falling back to the Go evaluator for what it cannot
// decide exactly.
//
// NormalizeImported applies SFCC's conversion of session custom attribute
// conditions on import, and ConvertLegacy reads the typed conditions of the
// older rule element. Reading and writing the XML itself is the job of the
// xmlio package.
package groups

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/impexkit/impex/customer"
)

// Kind tells how a group's membership is decided.
type Kind uint8

// The kinds of group.
const (
	// Static groups have explicit members, assigned by imports.
	Static Kind = iota + 1
	// Dynamic groups have a membership rule evaluated per customer.
	Dynamic
	// System groups (Everyone, Registered, Unregistered) are always present
	// and their membership is computed from the customer alone.
	System
)

// String returns "static", "dynamic", "system" or "Kind(n)".
func (k Kind) String() string {
	switch k {
	case Static:
		return "static"
	case Dynamic:
		return "dynamic"
	case System:
		return "system"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// The IDs of the system groups.
const (
	Everyone     = "Everyone"
	Registered   = "Registered"
	Unregistered = "Unregistered"
)

// SystemIDs returns the IDs of the system groups in their usual order.
func SystemIDs() []string { return []string{Everyone, Registered, Unregistered} }

// IsSystemID reports whether id names a system group.
func IsSystemID(id string) bool {
	return id == Everyone || id == Registered || id == Unregistered
}

// Group is a customer group.
type Group struct {
	// ID is the group-id of SFCC and the {externalId} of the Excel
	// group:{externalId} column.
	ID   string
	Kind Kind
	// Name is the display name; the ID when the source gives none.
	Name        string
	Description string
	// Rule is a dynamic group's membership rule; nil for static and system
	// groups. Compile it (CompileGroup, NewSet) to evaluate it.
	Rule *Rule
	// Attributes are the group's custom attributes.
	Attributes []customer.Attribute
}

// Clone returns a deep copy of g.
func (g *Group) Clone() *Group {
	if g == nil {
		return nil
	}
	d := *g
	d.Rule = g.Rule.Clone()
	d.Attributes = slices.Clone(g.Attributes)
	for i := range d.Attributes {
		d.Attributes[i].Values = slices.Clone(d.Attributes[i].Values)
	}
	return &d
}

// Member reports whether c belongs to a static or system group. It cannot
// decide for a dynamic group, whose rule needs the rule engine, and reports
// false for one.
func (g *Group) Member(c *customer.Customer) bool {
	switch g.Kind {
	case Static:
		return c.InGroup(g.ID)
	case System:
		return SystemMember(g.ID, c)
	}
	return false
}

// SystemMember reports whether c belongs to the system group id: Everyone
// holds every customer, Registered those with a login, Unregistered the rest.
// A customer stored by a repository with no login is a guest profile.
func SystemMember(id string, c *customer.Customer) bool {
	registered := c != nil && c.Credentials.Login != ""
	switch id {
	case Everyone:
		return true
	case Registered:
		return registered
	case Unregistered:
		return !registered
	}
	return false
}

// SystemGroups returns fresh copies of the three system groups as a store
// holds them before anything is imported.
func SystemGroups() []*Group {
	return []*Group{
		{ID: Everyone, Kind: System, Name: Everyone, Description: "Represents all customers, registered or not."},
		{ID: Registered, Kind: System, Name: Registered, Description: "Represents all customers who have an account."},
		{ID: Unregistered, Kind: System, Name: Unregistered, Description: "Represents all customers without an account."},
	}
}

// Errors of the Store contract. Implementations wrap them with detail.
var (
	// ErrNotFound: no group has the ID.
	ErrNotFound = errors.New("customer group not found")
	// ErrExists: a group with the ID already exists.
	ErrExists = errors.New("customer group already exists")
	// ErrNotStatic: memberships can be assigned only in static groups.
	ErrNotStatic = errors.New("customer group is not static")
	// ErrSystemGroup: system groups cannot be created, deleted or changed in
	// kind; only their description and attributes can be replaced.
	ErrSystemGroup = errors.New("system customer group cannot be changed that way")
	// ErrInvalid: a group of no valid kind, a dynamic group without a rule
	// or with one that does not compile, or a static or system group with
	// a rule.
	ErrInvalid = errors.New("invalid customer group")
)

// OpKind tells the kinds of group operation apart.
type OpKind uint8

// The kinds of group operation.
const (
	OpCreate   OpKind = iota + 1 // create a group that does not exist
	OpPut                        // create a group, or replace one of the same kind family
	OpDelete                     // delete a group; its memberships stay on the customers
	OpAssign                     // make a customer an explicit member of a static group
	OpUnassign                   // end a customer's explicit membership
)

// Op is one operation of a group batch. Build it with the functions below.
type Op struct {
	Kind       OpKind
	Group      *Group // for OpCreate and OpPut
	GroupID    string // for OpDelete, OpAssign and OpUnassign
	CustomerID string // for OpAssign and OpUnassign
}

// Create returns an operation that creates g, failing with ErrExists when
// its ID is taken.
func Create(g *Group) Op { return Op{Kind: OpCreate, Group: g} }

// Put returns an operation that creates g or replaces the group with its ID.
// Replacing keeps explicit memberships. A system group may be put only as a
// system group (its description and attributes change); anything else is
// ErrSystemGroup.
func Put(g *Group) Op { return Op{Kind: OpPut, Group: g} }

// Delete returns an operation that deletes group id (ErrNotFound when absent,
// ErrSystemGroup for a system group). Memberships stay on the customers.
func Delete(id string) Op { return Op{Kind: OpDelete, GroupID: id} }

// Assign returns an operation that makes customer customerID an explicit
// member of the static group id. Assigning an existing member changes
// nothing.
func Assign(id, customerID string) Op { return Op{Kind: OpAssign, GroupID: id, CustomerID: customerID} }

// Unassign returns an operation that ends customer customerID's explicit
// membership of group id. Unassigning a non-member changes nothing; the
// group need not exist any more, so memberships left by a deleted group can
// be cleaned up.
func Unassign(id, customerID string) Op {
	return Op{Kind: OpUnassign, GroupID: id, CustomerID: customerID}
}

// BatchError reports which operation of a group batch failed. It unwraps to
// the cause.
type BatchError struct {
	Index int
	Op    Op
	Err   error
}

func (e *BatchError) Error() string {
	id := e.Op.GroupID
	if e.Op.Group != nil {
		id = e.Op.Group.ID
	}
	return fmt.Sprintf("group batch operation %d (group %q): %v", e.Index, id, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

// Store keeps customer groups. Implementations must be safe for concurrent
// use, always hold the three system groups, and pass the conformance suite in
// customer/repotest. A Store is normally the same value as the
// customer.Repository whose customers it assigns.
type Store interface {
	// Group returns the group with the given ID, or ErrNotFound.
	Group(ctx context.Context, id string) (*Group, error)
	// Groups yields every group ordered by ID, system groups included.
	// Iteration stops at the first error, yielded with a nil group.
	Groups(ctx context.Context) iter.Seq2[*Group, error]
	// WriteGroups applies the operations all-or-nothing. On failure nothing
	// is written and the error is a *BatchError wrapping ErrNotFound (an
	// unknown group, or for OpAssign an unknown customer as
	// customer.ErrNotFound), ErrExists, ErrNotStatic, ErrSystemGroup or
	// ErrInvalid. Assignments bump the customer's version and UpdatedAt.
	WriteGroups(ctx context.Context, ops []Op) error
}

// CheckOp returns the error a store reports for op, given the group op
// names as the store holds it at that point of the batch (nil when it
// holds none): Validate's error for a create or put, ErrExists for a
// create of a stored ID, ErrNotFound for a delete or an assignment of a
// group that is not there, ErrSystemGroup for a delete of a system group,
// ErrNotStatic for an assignment to a group whose membership is computed,
// and ErrInvalid for an unknown kind of operation. Unassigning from a
// group that is gone is allowed, to clean up after it. It is the one check
// every store makes, so that all refuse the same operations alike; what an
// assignment does to the customer is the store's part.
func CheckOp(op Op, stored *Group) error {
	switch op.Kind {
	case OpCreate, OpPut:
		if err := Validate(op.Group); err != nil {
			return err
		}
		if stored != nil && op.Kind == OpCreate {
			return fmt.Errorf("%w: %q", ErrExists, op.Group.ID)
		}
	case OpDelete:
		switch {
		case stored == nil:
			return fmt.Errorf("%w: %q", ErrNotFound, op.GroupID)
		case stored.Kind == System:
			return fmt.Errorf("%w: %q cannot be deleted", ErrSystemGroup, op.GroupID)
		}
	case OpAssign, OpUnassign:
		switch {
		case stored == nil && op.Kind == OpAssign:
			return fmt.Errorf("%w: %q", ErrNotFound, op.GroupID)
		case stored != nil && stored.Kind != Static:
			return fmt.Errorf("%w: %q is %s; its membership is computed", ErrNotStatic, op.GroupID, stored.Kind)
		}
	default:
		return fmt.Errorf("%w: unknown operation kind %d", ErrInvalid, op.Kind)
	}
	return nil
}

// Validate checks that g could be stored: a non-empty ID, a valid kind, a
// rule exactly when the group is dynamic, a rule that compiles, and a
// system kind exactly for the system IDs. A store does not know the
// application's Options (custom attribute types, strict paths), so the
// rule is compiled with the zero Options, the most lenient: what it
// refuses, no Options accepts. It returns an error wrapping ErrInvalid or
// ErrSystemGroup; for a rule that does not compile, the error wraps
// Compile's *RuleError too.
func Validate(g *Group) error {
	if err := validateShape(g); err != nil {
		return err
	}
	if g.Kind == Dynamic {
		if _, err := compile(g.ID, g.Rule, Options{}); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return nil
}

// validateShape is Validate without compiling the rule, for NewSet, which
// compiles it with the set's Options.
func validateShape(g *Group) error {
	switch {
	case g == nil:
		return fmt.Errorf("%w: nil group", ErrInvalid)
	case g.ID == "":
		return fmt.Errorf("%w: empty group ID", ErrInvalid)
	case g.Kind != Static && g.Kind != Dynamic && g.Kind != System:
		return fmt.Errorf("%w: group %q has no valid kind", ErrInvalid, g.ID)
	case (g.Kind == Dynamic) != (g.Rule != nil):
		return fmt.Errorf("%w: group %q: only a dynamic group has a rule, and it must have one", ErrInvalid, g.ID)
	case (g.Kind == System) != IsSystemID(g.ID):
		return fmt.Errorf("%w: %q is %s; the system groups are %v", ErrSystemGroup, g.ID, g.Kind, SystemIDs())
	}
	return nil
}
