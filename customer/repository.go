package customer

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors of the Repository contract. Implementations wrap them with
// detail; callers test them with errors.Is.
var (
	// ErrNotFound: no customer has the requested ID or key.
	ErrNotFound = errors.New("customer not found")
	// ErrConflict: a write named a version that is no longer the stored one
	// (another writer got there first), or created an ID that exists.
	ErrConflict = errors.New("customer version conflict")
	// ErrDuplicate: a write would give two customers the same unique key.
	// The error is a *DuplicateError naming the key.
	ErrDuplicate = errors.New("duplicate customer key")
	// ErrAmbiguous: a lookup by a non-unique key (e-mail when e-mails are not
	// unique) matched more than one customer.
	ErrAmbiguous = errors.New("more than one customer matches")
	// ErrInvalid: a write carried a record no repository may store, such as
	// one of no valid Kind.
	ErrInvalid = errors.New("invalid customer record")
)

// Key names a unique key of the repository: "number", "login", "email", or an
// identifier type such as "customerCard".
type Key string

// The keys the repository itself keeps unique, besides identifier types.
const (
	KeyID     Key = "id"
	KeyNumber Key = "number"
	KeyLogin  Key = "login"
	KeyEmail  Key = "email"
)

// DuplicateError reports a write that would break a uniqueness rule. It
// matches ErrDuplicate with errors.Is.
type DuplicateError struct {
	Key   Key
	List  string // the customer list the key is unique in, for per-list keys
	Value string // the duplicated value (never a plain secret: SSNs are hashes)
	// Holder is the ID of the customer that already has the value; empty when
	// the duplicate is between two operations of the same batch.
	Holder string
}

func (e *DuplicateError) Error() string {
	where := ""
	if e.List != "" {
		where = fmt.Sprintf(" in list %q", e.List)
	}
	holder := "another customer in the batch"
	if e.Holder != "" {
		holder = "customer " + e.Holder
	}
	return fmt.Sprintf("duplicate %s %q%s: already held by %s", e.Key, e.Value, where, holder)
}

// Is makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Is(target error) bool { return target == ErrDuplicate }

// OpKind tells a put from a delete.
type OpKind uint8

// The kinds of batch operation.
const (
	OpPut OpKind = iota + 1
	OpDelete
)

// Op is one operation of a batch write. Build it with Put or Delete.
type Op struct {
	Kind OpKind
	// Customer is the record to store, for OpPut.
	Customer *Customer
	// ID and Version name the customer to delete, for OpDelete. Version 0
	// deletes whatever version is stored.
	ID      string
	Version int64
	// Owned says the caller hands Customer over with the operation and
	// will neither read nor change it, or anything it refers to, once the
	// write succeeds, so that the repository may keep it instead of a deep
	// copy, and stamp its ID, version and times on it. When the write
	// fails, the repository gives Customer back as it was, since a failed
	// batch may be sent again. Build such an operation with PutOwned.
	Owned bool
}

// Put returns an operation that stores c.
//
// A c.Version of 0 creates a new customer: the repository assigns an ID when
// c.ID is empty, or uses c.ID when it is free (ErrConflict when it is not).
// A c.Version above 0 replaces the stored customer c.ID, which must exist
// (ErrNotFound) and still be at that version (ErrConflict).
func Put(c *Customer) Op { return Op{Kind: OpPut, Customer: c} }

// PutOwned is Put for a customer the caller hands over (see Op.Owned):
// imports, which build a new record for every row, use it to spare the
// store a copy.
func PutOwned(c *Customer) Op { return Op{Kind: OpPut, Customer: c, Owned: true} }

// Delete returns an operation that deletes customer id. A version above 0
// must match the stored version (ErrConflict); 0 deletes any version.
func Delete(id string, version int64) Op { return Op{Kind: OpDelete, ID: id, Version: version} }

// Written is the outcome of one operation of a successful batch.
type Written struct {
	ID string
	// Version is the stored version after the write; 0 for a delete.
	Version int64
}

// BatchError reports which operation of a batch failed. It unwraps to the
// cause, so errors.Is(err, ErrConflict) and friends work on it.
type BatchError struct {
	Index int // the failing operation's position in the batch
	Op    Op
	Err   error
}

func (e *BatchError) Error() string {
	id := e.Op.ID
	if e.Op.Kind == OpPut && e.Op.Customer != nil {
		id = e.Op.Customer.ID
	}
	verb := "put"
	if e.Op.Kind == OpDelete {
		verb = "delete"
	}
	if id == "" {
		id = "(new)"
	}
	return fmt.Sprintf("batch operation %d (%s %s): %v", e.Index, verb, id, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

// Filter selects customers for a listing or an export. The zero value selects
// every customer; each set field narrows the selection, and set fields combine
// with AND.
type Filter struct {
	// Kind selects one kind; 0 means any.
	Kind Kind
	// CreditAllowed, when not nil, selects customers whose flag equals it.
	CreditAllowed *bool
	// UpdatedFrom and UpdatedTo select customers whose UpdatedAt lies in
	// [UpdatedFrom, UpdatedTo). A zero bound is open.
	UpdatedFrom time.Time
	UpdatedTo   time.Time
	// Group selects explicit members of the static group with this ID.
	Group string
	// Lists, when not nil, selects customers of these lists ("" is the
	// default list).
	Lists []string
	// Search selects customers whose first, last or company name, e-mail,
	// number or a phone number contains it, compared case-insensitively.
	// Blank means no search.
	Search string
}

// Match reports whether c passes f. Repositories that filter in memory use
// it; others must select exactly the same customers.
func (f *Filter) Match(c *Customer) bool {
	if f.Kind != 0 && c.Kind != f.Kind {
		return false
	}
	if f.CreditAllowed != nil && c.Flags.CreditAllowed != *f.CreditAllowed {
		return false
	}
	if !f.UpdatedFrom.IsZero() && c.UpdatedAt.Before(f.UpdatedFrom) {
		return false
	}
	if !f.UpdatedTo.IsZero() && !c.UpdatedAt.Before(f.UpdatedTo) {
		return false
	}
	if f.Group != "" && !c.InGroup(f.Group) {
		return false
	}
	if f.Lists != nil && !slices.Contains(f.Lists, c.List) {
		return false
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		return matchesSearch(c, q)
	}
	return true
}

// SearchFields returns the texts a free-text search looks in.
func SearchFields(c *Customer) []string {
	p := &c.Profile
	return []string{p.FirstName, p.LastName, p.CompanyName, p.Email, c.Number,
		p.Phones.Mobile, p.Phones.Home, p.Phones.Business}
}

func matchesSearch(c *Customer, query string) bool {
	for _, s := range SearchFields(c) { // inlined: the slice stays on the stack
		if containsLower(s, query) {
			return true
		}
	}
	return false
}

// containsLower reports whether strings.ToLower(s) contains
// strings.ToLower(sub), without building either: a listing calls it for
// every field of every customer. sub must not be empty.
//
// strings.ToLower maps each rune of its input to exactly one rune (an
// invalid byte to U+FFFD), and a valid UTF-8 needle can only match a valid
// UTF-8 text at a rune boundary, so comparing the lowered runes from each
// rune of s on is the same test.
func containsLower(s, sub string) bool {
	for i := 0; i < len(s); {
		if hasLowerPrefix(s[i:], sub) {
			return true
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}

// hasLowerPrefix reports whether strings.ToLower(s) starts with
// strings.ToLower(prefix).
func hasLowerPrefix(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		if a, b := s[0], prefix[0]; a < utf8.RuneSelf && b < utf8.RuneSelf {
			if lowerASCII(a) != lowerASCII(b) {
				return false
			}
			s, prefix = s[1:], prefix[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		q, m := utf8.DecodeRuneInString(prefix)
		if unicode.ToLower(r) != unicode.ToLower(q) {
			return false
		}
		s, prefix = s[n:], prefix[m:]
	}
	return true
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// Constraints are the uniqueness rules a repository enforces beyond the ones
// it always keeps (ID, number and login per list, cards, SSN hash and external
// ID across the store). The zero value adds none. A repository with a method
// Constraints() Constraints, as memstore and pgstore have, lets an import's
// dry run check every write against its rules (see Constraints.Keys).
type Constraints struct {
	// UniqueEmail makes e-mail addresses unique within a list, compared
	// case-insensitively.
	UniqueEmail bool
	// UniqueIdentifiers are custom identifier types whose values are unique
	// across the store.
	UniqueIdentifiers []string
}

// Repository stores customers. Implementations must be safe for concurrent
// use and must pass the conformance suite in customer/repotest.
//
// Records are never shared the other way: lookups and listings return
// copies the caller owns, so changing one never changes the store, and
// Write keeps a copy of what it is given, unless the operation hands the
// customer over (Op.Owned), which lets an import spare the copy. Keys are
// matched exactly, except e-mail addresses, which are matched
// case-insensitively.
type Repository interface {
	// Get returns the customer with the given ID, or ErrNotFound.
	Get(ctx context.Context, id string) (*Customer, error)
	// ByNumber returns the customer of list with the given number, or
	// ErrNotFound.
	ByNumber(ctx context.Context, list, number string) (*Customer, error)
	// ByLogin returns the customer of list with the given login, or
	// ErrNotFound.
	ByLogin(ctx context.Context, list, login string) (*Customer, error)
	// ByEmail returns the customer of list with the given e-mail address, or
	// ErrNotFound, or ErrAmbiguous when e-mails are not unique and several
	// customers share it.
	ByEmail(ctx context.Context, list, email string) (*Customer, error)
	// ByIdentifier returns the customer holding the identifier, or
	// ErrNotFound. For a custom type that is not declared unique the first
	// holder in listing order is returned.
	ByIdentifier(ctx context.Context, id Identifier) (*Customer, error)
	// List yields the customers that pass the filter, ordered by ID, the
	// same order on every call. Iteration stops at the first error, which is
	// yielded with a nil customer (ctx.Err() when ctx is done). The listing
	// may reflect writes made while it runs, but never yields a customer
	// twice.
	List(ctx context.Context, f Filter) iter.Seq2[*Customer, error]
	// Write applies the operations all-or-nothing: either every operation
	// succeeds and the results give each one's ID and new version, in order,
	// or nothing is written and the error is a *BatchError naming the first
	// failing operation and wrapping ErrNotFound, ErrConflict, ErrDuplicate
	// or ErrInvalid. A context error is returned unwrapped, also with
	// nothing written.
	Write(ctx context.Context, ops []Op) ([]Written, error)
	// NextNumber reserves and returns the next customer number of list, one
	// no customer of that list holds. Numbers are never handed out twice,
	// even when the caller does not use them.
	NextNumber(ctx context.Context, list string) (string, error)
}

// Lookup names one customer the way a lookup method of Repository does:
// Key KeyID and the ID (Get); KeyNumber, KeyLogin or KeyEmail, the list and
// the value (ByNumber, ByLogin, ByEmail); or an identifier type and its
// value, without a list (ByIdentifier).
type Lookup struct {
	Key   Key
	List  string
	Value string
}

// IndexKey returns the index entry l reads, as the lookup method it names
// reads it: an e-mail address folded by FoldEmail, and a list only for
// numbers, logins and e-mail addresses. A lookup by ID reads no index; its
// IndexKey holds the ID as its value.
func (l Lookup) IndexKey() IndexKey {
	switch l.Key {
	case KeyNumber, KeyLogin:
		return IndexKey{Key: l.Key, List: l.List, Value: l.Value}
	case KeyEmail:
		return IndexKey{Key: l.Key, List: l.List, Value: FoldEmail(l.Value)}
	}
	return IndexKey{Key: l.Key, Value: l.Value}
}

// Found is the answer to one Lookup: the customer, or the error the lookup
// method gives for it (one wrapping ErrNotFound or ErrAmbiguous).
type Found struct {
	Customer *Customer
	Err      error
}

// Finder is implemented by repositories that answer many lookups in one
// call, such as a database a network round trip away. Imports declare the
// lookups of a whole batch of rows and ask them at once before planning the
// rows, instead of asking row by row.
type Finder interface {
	// Find answers each lookup as the Repository method it names would:
	// found[i] holds lookups[i]'s customer, or its error wrapping
	// ErrNotFound or ErrAmbiguous. Several lookups naming one customer
	// may share one *Customer, which the caller must not change. The error
	// return fails the whole call: the context's error, or the store's.
	Find(ctx context.Context, lookups []Lookup) (found []Found, err error)
}

// HolderFinder is implemented by repositories that answer a lookup without
// making an error when no customer holds the key. An import asks about
// every unique value of every row, and most are free: an error made and
// dropped for each is most of what such a lookup costs.
type HolderFinder interface {
	// FindHolder answers l as the lookup method it names does, except
	// that it returns nil and no error when no customer holds the key.
	// A customer it returns is the caller's own to change. It fails with
	// an error wrapping ErrAmbiguous where the lookup method does, or
	// with the context's or the store's error.
	FindHolder(ctx context.Context, l Lookup) (*Customer, error)
}

// FindHolder answers l as Look does, except that it returns nil and no
// error when no customer holds the key: through repo's own FindHolder when
// repo is a HolderFinder, else through Look.
func FindHolder(ctx context.Context, repo Repository, l Lookup) (*Customer, error) {
	if h, ok := repo.(HolderFinder); ok {
		return h.FindHolder(ctx, l)
	}
	c, err := Look(ctx, repo, l)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// Look answers l with the lookup method of repo it names. It returns what
// that method returns.
func Look(ctx context.Context, repo Repository, l Lookup) (*Customer, error) {
	switch l.Key {
	case KeyID:
		return repo.Get(ctx, l.Value)
	case KeyNumber:
		return repo.ByNumber(ctx, l.List, l.Value)
	case KeyLogin:
		return repo.ByLogin(ctx, l.List, l.Value)
	case KeyEmail:
		return repo.ByEmail(ctx, l.List, l.Value)
	}
	return repo.ByIdentifier(ctx, Identifier{Type: IdentifierType(l.Key), Value: l.Value})
}

// Lists is implemented by repositories that keep customer lists as objects
// of their own, as SFCC does: an import of a customer-list document hands
// the list's header settings to PutList, and an export writes them back.
type Lists interface {
	// Lists returns every list the store knows, sorted by ID, each with
	// its settings: the lists given settings, and the lists stored
	// customers belong to (only the ID set, unless settings were put). A
	// list stays known when its last customer is deleted. Customers of no
	// list make the list "" known.
	Lists(ctx context.Context) ([]ListSettings, error)
	// PutList stores the settings of the list s.ID, replacing any stored.
	PutList(ctx context.Context, s ListSettings) error
}

// BuyerNumbers is implemented by repositories that know the buyer numbers of
// orders. SFCC refuses a customer number equal to an existing buyer number,
// so a customer cannot see orders that are not theirs; imports ask this
// before creating a customer with a given number.
type BuyerNumbers interface {
	// IsBuyerNumber reports whether number is the buyer number of an order.
	IsBuyerNumber(ctx context.Context, number string) (bool, error)
}
