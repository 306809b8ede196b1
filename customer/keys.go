package customer

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IndexKey is one value a stored customer is found by: its number, login
// and e-mail address within its list, and each identifier across the
// store. Unique says that no other customer may hold it.
type IndexKey struct {
	Key Key
	// List is the customer's list for number, login and e-mail, and ""
	// for identifiers, which are store-wide.
	List string
	// Value is the value as keys are compared: e-mail addresses
	// lower-cased, everything else as given.
	Value  string
	Unique bool
}

// Keys returns the keys x is found by, in a fixed order: number, login,
// e-mail, the cards in order, SSN hash, external ID, then the custom
// identifier types in sorted order. An empty value is no key, so an empty
// card slot holds nothing.
//
// Number, login, cards, SSN hash and external ID are always unique; the
// e-mail address is when c.UniqueEmail is set, and a custom identifier type
// when c.UniqueIdentifiers names it. That holds for a custom type named
// like a built-in one too: Identifiers.Custom["customerCard"] is a custom
// type, unique only when the constraints say so. Repositories index and
// check exactly these keys, in this order, so that every store reports the
// same duplicate for the same write.
func (c Constraints) Keys(x *Customer) []IndexKey {
	return c.AppendKeys(make([]IndexKey, 0, 4+len(x.Identifiers.Cards)+len(x.Identifiers.Custom)), x)
}

// AppendKeys appends the keys of x, as Keys returns them, to dst.
func (c Constraints) AppendKeys(dst []IndexKey, x *Customer) []IndexKey {
	if x.Number != "" {
		dst = append(dst, IndexKey{KeyNumber, x.List, x.Number, true})
	}
	if l := x.Credentials.Login; l != "" {
		dst = append(dst, IndexKey{KeyLogin, x.List, l, true})
	}
	if e := x.Profile.Email; e != "" {
		dst = append(dst, IndexKey{KeyEmail, x.List, FoldEmail(e), c.UniqueEmail})
	}
	ids := &x.Identifiers
	for _, card := range ids.Cards {
		if card != "" {
			dst = append(dst, IndexKey{Key(IdentCard), "", card, true})
		}
	}
	if ids.SSNHash != "" {
		dst = append(dst, IndexKey{Key(IdentSSNHash), "", ids.SSNHash, true})
	}
	if ids.ExternalID != "" {
		dst = append(dst, IndexKey{Key(IdentExternal), "", ids.ExternalID, true})
	}
	if len(ids.Custom) > 0 {
		start := len(dst)
		for t, v := range ids.Custom {
			if v != "" {
				dst = append(dst, IndexKey{Key(t), "", v, slices.Contains(c.UniqueIdentifiers, t)})
			}
		}
		slices.SortFunc(dst[start:], func(a, b IndexKey) int { return strings.Compare(string(a.Key), string(b.Key)) })
	}
	return dst
}

// KeyNotFoundError is the error of a lookup by key that no customer holds
// (ByNumber, ByLogin, ByEmail, ByIdentifier, Finder): Key is the index
// entry looked up. It matches ErrNotFound. Imports look up many free keys,
// so its message is only built when printed.
type KeyNotFoundError struct{ Key IndexKey }

func (e *KeyNotFoundError) Error() string {
	where := ""
	if e.Key.List != "" {
		where = fmt.Sprintf(" in list %q", e.Key.List)
	}
	return fmt.Sprintf("%v: %s %q%s", ErrNotFound, e.Key.Key, e.Key.Value, where)
}

// Is reports whether target is ErrNotFound.
func (e *KeyNotFoundError) Is(target error) bool { return target == ErrNotFound }

// FoldEmail returns an e-mail address in the form addresses are compared
// in, by every store and every file's duplicate check: lower-cased.
func FoldEmail(email string) string { return strings.ToLower(email) }

// FirstDuplicate returns the *DuplicateError of the first unique key of
// keys, in their order, that keys hold twice or that holder says another
// customer than id holds; nil when there is none. holder returns the ID of
// the customer holding a key and whether one does; an empty ID stands for
// another customer of the same batch. This is the uniqueness check every
// repository makes on a put of the customer id with these keys.
func FirstDuplicate(id string, keys []IndexKey, holder func(IndexKey) (string, bool)) error {
	for i, k := range keys {
		if !k.Unique {
			continue
		}
		for _, prev := range keys[:i] {
			if prev == k {
				return &DuplicateError{Key: k.Key, List: k.List, Value: k.Value, Holder: id}
			}
		}
		if h, ok := holder(k); ok && (h != id || h == "") {
			return &DuplicateError{Key: k.Key, List: k.List, Value: k.Value, Holder: h}
		}
	}
	return nil
}

// CheckOp returns an error wrapping ErrInvalid when op is not an
// operation any repository may apply: of no known kind, a put of no
// customer, of a customer of no valid Kind or with a negative version.
// Repositories call it before anything else.
func CheckOp(op Op) error {
	switch op.Kind {
	case OpDelete:
		return nil
	case OpPut:
	default:
		return fmt.Errorf("%w: unknown operation kind %d", ErrInvalid, op.Kind)
	}
	switch c := op.Customer; {
	case c == nil:
		return fmt.Errorf("%w: nil customer", ErrInvalid)
	case !c.Kind.Valid():
		return fmt.Errorf("%w: %v is not a kind of customer", ErrInvalid, c.Kind)
	case c.Version < 0:
		return fmt.Errorf("%w: negative version %d", ErrInvalid, c.Version)
	}
	return nil
}

// CheckStored returns an error wrapping ErrInvalid when c could not be a
// stored customer as it is: when a put of it fails CheckOp, or it has no
// ID, or one that is not UTF-8 or holds a control character (which no
// workbook or XML document can carry, so an exported row could not name
// it again), or a version below 1 (a stored customer was written at
// least once, and a write of version 0 means a new customer, so one
// stored at 0 could never be updated). Stores check what they restore
// from a backup or a dump with it.
func CheckStored(c *Customer) error {
	if err := CheckOp(Put(c)); err != nil {
		return err
	}
	switch {
	case c.ID == "":
		return fmt.Errorf("%w: a stored customer needs its ID", ErrInvalid)
	case !utf8.ValidString(c.ID) || strings.ContainsFunc(c.ID, unicode.IsControl):
		return fmt.Errorf("%w: customer ID %q is not UTF-8 text without control characters", ErrInvalid, c.ID)
	case c.Version < 1:
		return fmt.Errorf("%w: customer %q: a stored customer's version is at least 1, not %d", ErrInvalid, c.ID, c.Version)
	}
	return nil
}
