package activedata

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/impexkit/impex/groups"
)

// Type is the declared type of a custom active-data attribute. It decides
// how a CSV cell is read and how a value is written back.
type Type uint8

// The attribute types. The zero value is not a valid type.
const (
	// TypeString is one text, kept exactly as given.
	TypeString Type = iota + 1
	// TypeInt is a whole number in the range of int64.
	TypeInt
	// TypeNumber is a finite decimal number (float64).
	TypeNumber
	// TypeBoolean is true or false.
	TypeBoolean
	// TypeDate is a calendar day, YYYY-MM-DD.
	TypeDate
	// TypeDateTime is an instant, stored in UTC.
	TypeDateTime
	// TypeStringSet is a set of texts.
	TypeStringSet
	// TypeIntSet is a set of whole numbers.
	TypeIntSet
	// TypeNumberSet is a set of decimal numbers.
	TypeNumberSet
)

var typeNames = [...]string{
	TypeString:    "string",
	TypeInt:       "int",
	TypeNumber:    "number",
	TypeBoolean:   "boolean",
	TypeDate:      "date",
	TypeDateTime:  "datetime",
	TypeStringSet: "set-of-string",
	TypeIntSet:    "set-of-int",
	TypeNumberSet: "set-of-number",
}

// String returns the type's name as ParseType reads it, such as
// "set-of-string", or "Type(n)" for an invalid value.
func (t Type) String() string {
	if t.Valid() {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Valid reports whether t is one of the declared types.
func (t Type) Valid() bool { return t >= TypeString && t <= TypeNumberSet }

// Set reports whether values of the type are sets of several values.
func (t Type) Set() bool { return t == TypeStringSet || t == TypeIntSet || t == TypeNumberSet }

// elem returns the type of one element of a set type, and t itself for a
// single-valued one.
func (t Type) elem() Type {
	switch t {
	case TypeStringSet:
		return TypeString
	case TypeIntSet:
		return TypeInt
	case TypeNumberSet:
		return TypeNumber
	}
	return t
}

// ParseType returns the type named s. Besides the names String returns it
// accepts the SFCC spellings "integer", "double" and "set-of-double". It
// returns an error wrapping ErrInvalidType for any other name.
func ParseType(s string) (Type, error) {
	switch s {
	case "integer":
		return TypeInt, nil
	case "double":
		return TypeNumber, nil
	case "set-of-double":
		return TypeNumberSet, nil
	}
	for t, n := range typeNames {
		if n != "" && n == s {
			return Type(t), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want one of %s)", ErrInvalidType, s, strings.Join(typeNames[1:], ", "))
}

// MarshalText encodes the type as its name.
func (t Type) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrInvalidType, uint8(t))
	}
	return []byte(t.String()), nil
}

// UnmarshalText reads a type name as ParseType does.
func (t *Type) UnmarshalText(b []byte) error {
	v, err := ParseType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// GroupsType returns the rule engine's type for the attribute type. Sets of
// numbers have no counterpart there and are untyped: the engine reads each
// element as a number when a condition asks for one.
func (t Type) GroupsType() groups.AttrType {
	switch t {
	case TypeString:
		return groups.TypeString
	case TypeInt:
		return groups.TypeInt
	case TypeNumber:
		return groups.TypeNumber
	case TypeBoolean:
		return groups.TypeBool
	case TypeDate:
		return groups.TypeDate
	case TypeDateTime:
		return groups.TypeDateTime
	case TypeStringSet:
		return groups.TypeStringSet
	}
	return groups.Untyped
}

// Attribute declares one custom active-data attribute of the customer
// object: its ID, as rules name it (customer.activeData.custom.<ID>) and as
// a feed's CSV header spells it, and its type.
type Attribute struct {
	ID   string
	Type Type
}

// Feed is a named set of custom active-data attributes that arrive together
// in one CSV file. Feeds have no import modes: a feed's file sets the values
// of the attributes it carries, and an empty cell removes one.
type Feed struct {
	// ID names the feed, such as "crm" or "loyalty".
	ID string
	// Attributes are the feed's attributes, in the order an export writes
	// their columns.
	Attributes []Attribute
}

// MaxFeeds is the most import feeds the customer object may have, before
// the ones the system reserves are taken off.
const MaxFeeds = 5

// MaxIDLen is the longest feed or attribute ID, in bytes.
const MaxIDLen = 256

// CustomerNoColumn is the header of the column that names the customer in a
// feed's CSV file: the customer number (SFCC's customer-no). No attribute
// may have this ID.
const CustomerNoColumn = "customerNo"

// Errors of feed definitions. They arrive wrapped in a *FeedError (or, for
// ParseType, a plain wrapped error); test them with errors.Is.
var (
	// ErrTooManyFeeds: more feeds than MaxFeeds minus the reserved ones.
	ErrTooManyFeeds = errors.New("activedata: too many feeds")
	// ErrReserved: a reserved count below 0 or above MaxFeeds.
	ErrReserved = errors.New("activedata: invalid number of reserved feeds")
	// ErrDuplicateFeed: two feeds with the same ID.
	ErrDuplicateFeed = errors.New("activedata: duplicate feed")
	// ErrDuplicateAttribute: an attribute in two feeds, or twice in one.
	ErrDuplicateAttribute = errors.New("activedata: attribute in more than one feed")
	// ErrEmptyFeed: a feed with no attributes.
	ErrEmptyFeed = errors.New("activedata: feed has no attributes")
	// ErrInvalidID: a feed or attribute ID that is empty, too long, or has
	// characters other than ASCII letters, digits, _ and - (or does not
	// start with a letter or _).
	ErrInvalidID = errors.New("activedata: invalid ID")
	// ErrSystemAttribute: an attribute ID that names a system field of
	// customeractivedata.xsd (orderValueMonth, ...) or the customerNo
	// column.
	ErrSystemAttribute = errors.New("activedata: attribute ID is reserved")
	// ErrInvalidType: an attribute of no valid Type.
	ErrInvalidType = errors.New("activedata: invalid attribute type")
	// ErrUnknownFeed: a feed ID the feed set does not define.
	ErrUnknownFeed = errors.New("activedata: unknown feed")
)

// FeedError reports a feed definition that breaks a rule. It names the feed
// and, where one is to blame, the attribute; Other names the other feed of
// a duplicate. It unwraps to one of the sentinel errors above.
type FeedError struct {
	Feed      string
	Attribute string
	Other     string
	Err       error
}

func (e *FeedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	if e.Feed != "" {
		fmt.Fprintf(&b, ": feed %q", e.Feed)
	}
	if e.Attribute != "" {
		fmt.Fprintf(&b, ", attribute %q", e.Attribute)
	}
	if e.Other != "" {
		fmt.Fprintf(&b, " (already in feed %q)", e.Other)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *FeedError) Unwrap() error { return e.Err }

// systemFields are the customeractivedata.xsd fields, as rule paths name
// them; no custom attribute may take one of these IDs.
var systemFields = []string{
	"visitsWeek", "visitsMonth", "visitsYear", "orders", "returns", "returnValue",
	"orderValue", "orderValueMonth", "avgOrderValue", "discountValueWithoutCoupon",
	"discountValueWithCoupon", "sourceCodeOrders", "giftUnits", "giftOrders",
	"topCategoriesOrdered", "productsOrdered", "productMastersOrdered",
	"productsViewedMonth", "productsAbandonedMonth", "lastOrderDate", "custom",
}

// FeedSet is a checked set of feeds: at most MaxFeeds minus the reserved
// ones, every attribute in exactly one feed. Build it with NewFeedSet. A
// FeedSet is immutable and safe for concurrent use.
type FeedSet struct {
	reserved int
	feeds    []Feed
	byFeed   map[string]int
	byAttr   map[string]attrRef
}

type attrRef struct {
	feed int
	attr Attribute
}

// NewFeedSet checks the feeds and returns them as a set. reserved is the
// number of feeds the system keeps for itself (0 when none), so at most
// MaxFeeds-reserved feeds may be defined. The feeds are copied.
//
// It returns a *FeedError wrapping ErrReserved for a reserved count outside
// 0 to MaxFeeds, ErrTooManyFeeds, ErrInvalidID, ErrDuplicateFeed,
// ErrEmptyFeed, ErrSystemAttribute, ErrInvalidType or
// ErrDuplicateAttribute, naming the feed and attribute at fault; several
// problems are joined with errors.Join.
func NewFeedSet(reserved int, feeds ...Feed) (*FeedSet, error) {
	if reserved < 0 || reserved > MaxFeeds {
		return nil, &FeedError{Err: fmt.Errorf("%w: %d (want 0 to %d)", ErrReserved, reserved, MaxFeeds)}
	}
	var errs []error
	if limit := MaxFeeds - reserved; len(feeds) > limit {
		errs = append(errs, &FeedError{Feed: feeds[limit].ID,
			Err: fmt.Errorf("%w: %d feeds, at most %d (%d of %d reserved for the system)", ErrTooManyFeeds, len(feeds), limit, reserved, MaxFeeds)})
	}
	s := &FeedSet{reserved: reserved, byFeed: make(map[string]int), byAttr: make(map[string]attrRef)}
	for _, f := range feeds {
		if err := checkID(f.ID); err != nil {
			errs = append(errs, &FeedError{Feed: f.ID, Err: err})
			continue
		}
		if _, dup := s.byFeed[f.ID]; dup {
			errs = append(errs, &FeedError{Feed: f.ID, Err: ErrDuplicateFeed})
			continue
		}
		if len(f.Attributes) == 0 {
			errs = append(errs, &FeedError{Feed: f.ID, Err: ErrEmptyFeed})
		}
		fi := len(s.feeds)
		s.byFeed[f.ID] = fi
		for _, a := range f.Attributes {
			switch {
			case checkID(a.ID) != nil:
				errs = append(errs, &FeedError{Feed: f.ID, Attribute: a.ID, Err: checkID(a.ID)})
				continue
			case slices.Contains(systemFields, a.ID) || a.ID == CustomerNoColumn:
				errs = append(errs, &FeedError{Feed: f.ID, Attribute: a.ID, Err: ErrSystemAttribute})
				continue
			case !a.Type.Valid():
				errs = append(errs, &FeedError{Feed: f.ID, Attribute: a.ID, Err: fmt.Errorf("%w: %v", ErrInvalidType, a.Type)})
				continue
			}
			if prev, dup := s.byAttr[a.ID]; dup {
				errs = append(errs, &FeedError{Feed: f.ID, Attribute: a.ID, Other: feeds[prev.feed].ID, Err: ErrDuplicateAttribute})
				continue
			}
			s.byAttr[a.ID] = attrRef{feed: fi, attr: a}
		}
		s.feeds = append(s.feeds, Feed{ID: f.ID, Attributes: slices.Clone(f.Attributes)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// checkID returns an error wrapping ErrInvalidID when id is not a usable
// feed or attribute ID.
func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty", ErrInvalidID)
	}
	if len(id) > MaxIDLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidID, MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-')) {
			return fmt.Errorf("%w: %q (use ASCII letters, digits, _ and -, starting with a letter or _)", ErrInvalidID, id)
		}
	}
	return nil
}

// Reserved returns the number of feeds reserved for the system.
func (s *FeedSet) Reserved() int { return s.reserved }

// Feeds returns a copy of the feeds in the order they were defined.
func (s *FeedSet) Feeds() []Feed {
	out := make([]Feed, len(s.feeds))
	for i, f := range s.feeds {
		out[i] = Feed{ID: f.ID, Attributes: slices.Clone(f.Attributes)}
	}
	return out
}

// Feed returns a copy of the feed id and whether the set defines it.
func (s *FeedSet) Feed(id string) (Feed, bool) {
	i, ok := s.byFeed[id]
	if !ok {
		return Feed{}, false
	}
	return Feed{ID: s.feeds[i].ID, Attributes: slices.Clone(s.feeds[i].Attributes)}, true
}

// Attribute returns the attribute id, the ID of the feed it belongs to, and
// whether any feed of the set has it.
func (s *FeedSet) Attribute(id string) (Attribute, string, bool) {
	r, ok := s.byAttr[id]
	if !ok {
		return Attribute{}, "", false
	}
	return r.attr, s.feeds[r.feed].ID, true
}

// CustomTypes returns the types of every attribute of the set keyed by rule
// path ("customer.activeData.custom.<id>"), for groups.Options.CustomTypes,
// so the rule engine checks conditions on them at compile time and reads
// their values as their types.
func (s *FeedSet) CustomTypes() map[string]groups.AttrType {
	out := make(map[string]groups.AttrType, len(s.byAttr))
	for id, r := range s.byAttr {
		out[RulePath(id)] = r.attr.Type.GroupsType()
	}
	return out
}

// RulePath returns the rule engine's attribute path of the custom
// active-data attribute id: "customer.activeData.custom." + id.
func RulePath(id string) string { return "customer.activeData.custom." + id }
