package impex

import (
	"fmt"
	"strings"
)

// Mode says what an import may do to stored customers.
type Mode uint8

// The import modes.
const (
	// ModeMerge creates new customers and updates existing ones; fields the
	// input does not carry stay as they are. The zero value.
	ModeMerge Mode = iota
	// ModeUpdate changes existing customers only; a row naming an unknown
	// customer is rejected, never created.
	ModeUpdate
	// ModeReplace makes each customer exactly what the input says: fields
	// the input does not carry are cleared.
	ModeReplace
	// ModeDelete deletes the customers the input names.
	ModeDelete
)

var modeNames = [...]string{ModeMerge: "merge", ModeUpdate: "update", ModeReplace: "replace", ModeDelete: "delete"}

// String returns the mode's name: "merge", "update", "replace" or
// "delete".
func (m Mode) String() string { return name(modeNames[:], m, "Mode") }

// MarshalText encodes the mode as its name.
func (m Mode) MarshalText() ([]byte, error) { return marshalName(modeNames[:], m, "mode") }

// UnmarshalText reads a mode's name, as ParseMode does.
func (m *Mode) UnmarshalText(b []byte) error {
	return unmarshalName(modeNames[:], m, string(b), "import mode")
}

// ParseMode returns the mode named s ("merge", "update", "replace" or
// "delete"). An unknown name is an error that lists the known ones.
func ParseMode(s string) (Mode, error) {
	var m Mode
	return m, m.UnmarshalText([]byte(s))
}

// Policy says what an import does about invalid rows.
type Policy uint8

// The error policies.
const (
	// SkipInvalid rejects invalid rows and applies the rest. The zero value.
	SkipInvalid Policy = iota
	// StopAtFirst stops reading at the first invalid row; the valid rows
	// before it are applied.
	StopAtFirst
	// StopAfter stops reading once Options.MaxErrors rows were rejected;
	// the valid rows before that are applied.
	StopAfter
	// AllOrNothing applies nothing unless every row is valid, and then
	// applies the whole input in one atomic write.
	AllOrNothing
)

var policyNames = [...]string{SkipInvalid: "skip", StopAtFirst: "stop-first", StopAfter: "stop-after", AllOrNothing: "all-or-nothing"}

// String returns the policy's name: "skip", "stop-first", "stop-after" or
// "all-or-nothing".
func (p Policy) String() string { return name(policyNames[:], p, "Policy") }

// MarshalText encodes the policy as its name.
func (p Policy) MarshalText() ([]byte, error) { return marshalName(policyNames[:], p, "policy") }

// UnmarshalText reads a policy's name, as ParsePolicy does.
func (p *Policy) UnmarshalText(b []byte) error {
	return unmarshalName(policyNames[:], p, string(b), "error policy")
}

// ParsePolicy returns the policy named s ("skip", "stop-first",
// "stop-after" or "all-or-nothing"). An unknown name is an error that
// lists the known ones.
func ParsePolicy(s string) (Policy, error) {
	var p Policy
	return p, p.UnmarshalText([]byte(s))
}

// DefaultBatchSize is the number of rows written per atomic batch when
// Options.BatchSize is 0.
const DefaultBatchSize = 500

// Options are the settings every import shares; each format's options
// embed them and add their own. The zero value merges, skips invalid rows,
// writes in batches of DefaultBatchSize and keeps every row's outcome in
// the result.
type Options struct {
	// Mode says what the import may do to stored customers.
	Mode Mode
	// Policy says what the import does about invalid rows.
	Policy Policy
	// MaxErrors is the number of rejected rows after which StopAfter
	// stops; 0 never stops.
	MaxErrors int
	// DryRun runs every check and plans every row, with the store's
	// constraints, but writes nothing. Its result is the plan: what a real
	// run of the same input on the same store would do.
	DryRun bool
	// BatchSize is the number of rows per atomic write; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Progress, when set, is called after every batch and once at the end,
	// on the importing goroutine.
	Progress func(Progress)
	// OnRow, when set, receives every row's outcome as it is decided
	// (rejections found while writing arrive then). The result then keeps
	// no outcomes, so memory stays flat for inputs of any size.
	OnRow func(RowOutcome)
}

// name returns names[v], or type(v) for a value without a name.
func name[T ~uint8](names []string, v T, typ string) string {
	if int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}

func marshalName[T ~uint8](names []string, v T, what string) ([]byte, error) {
	if int(v) < len(names) && names[v] != "" {
		return []byte(names[v]), nil
	}
	return nil, fmt.Errorf("impex: no %s %d", what, uint8(v))
}

func unmarshalName[T ~uint8](names []string, v *T, s, what string) error {
	for i, n := range names {
		if n != "" && n == s {
			*v = T(i)
			return nil
		}
	}
	var known []string
	for _, n := range names {
		if n != "" {
			known = append(known, n)
		}
	}
	return fmt.Errorf("unknown %s %q (want %s)", what, s, orList(known))
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
