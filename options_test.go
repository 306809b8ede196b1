package impex_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// TestNamesRoundTrip checks that every mode, policy and action prints as
// the name the command line and JSON use, and reads back from it.
func TestNamesRoundTrip(t *testing.T) {
	for _, m := range []impex.Mode{impex.ModeMerge, impex.ModeUpdate, impex.ModeReplace, impex.ModeDelete} {
		got, err := impex.ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m, got, err)
		}
	}
	for _, p := range []impex.Policy{impex.SkipInvalid, impex.StopAtFirst, impex.StopAfter, impex.AllOrNothing} {
		got, err := impex.ParsePolicy(p.String())
		if err != nil || got != p {
			t.Errorf("ParsePolicy(%q) = %v, %v", p, got, err)
		}
	}
	for _, a := range []impex.Action{impex.ActionReject, impex.ActionCreate, impex.ActionUpdate, impex.ActionUnchanged, impex.ActionDelete} {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back impex.Action
		if err := json.Unmarshal(b, &back); err != nil || back != a || string(b) != `"`+a.String()+`"` {
			t.Errorf("action %v: JSON %s, back %v, %v", a, b, back, err)
		}
	}
	if got := []string{impex.ModeMerge.String(), impex.StopAfter.String(), impex.ActionUnchanged.String()}; strings.Join(got, " ") != "merge stop-after unchanged" {
		t.Errorf("names = %v", got)
	}
}

// TestUnknownNamesAreRefusedWithTheKnownOnes checks the errors a front end
// shows its user for a mistyped mode or policy, and that values without a
// name neither print as another one nor marshal.
func TestUnknownNamesAreRefusedWithTheKnownOnes(t *testing.T) {
	if _, err := impex.ParseMode("upsert"); err == nil || err.Error() != `unknown import mode "upsert" (want merge, update, replace or delete)` {
		t.Errorf("ParseMode(upsert) error = %v", err)
	}
	if _, err := impex.ParsePolicy("Skip"); err == nil || err.Error() != `unknown error policy "Skip" (want skip, stop-first, stop-after or all-or-nothing)` {
		t.Errorf("ParsePolicy(Skip) error = %v", err)
	}
	if s := impex.Mode(9).String(); s != "Mode(9)" {
		t.Errorf("Mode(9).String() = %q", s)
	}
	if _, err := json.Marshal(impex.Action(0)); err == nil {
		t.Error("the zero Action marshalled")
	}
	var a impex.Action
	if err := json.Unmarshal([]byte(`"upsert"`), &a); err == nil {
		t.Error("an unknown action unmarshalled")
	}
}

// TestFileErrorMatchesItsCauseAndItsCodes checks what errors.Is and
// errors.As see through a FileError and a FatalError.
func TestFileErrorMatchesItsCauseAndItsCodes(t *testing.T) {
	cause := &fs.PathError{Op: "open", Path: "in.xlsx", Err: fs.ErrNotExist}
	is := validate.New(validate.CodeUnreadable, validate.Where{Sheet: "in.xlsx"})
	var err error = fmt.Errorf("importing: %w", &impex.FileError{Issues: []validate.Issue{is, is}, Err: cause})
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, validate.CodeUnreadable) || !errors.As(err, &pe) || errors.Is(err, impex.ErrFormat) {
		t.Errorf("errors.Is/As through %v do not see its cause and code alone", err)
	}
	if !strings.Contains(err.Error(), "(and 1 more)") || !strings.HasSuffix(err.Error(), cause.Error()) {
		t.Errorf("Error() = %q", err)
	}

	fatal := error(&impex.FatalError{Where: validate.Where{Row: 7}, Err: fmt.Errorf("writing: %w", context.DeadlineExceeded)})
	if !errors.Is(fatal, context.DeadlineExceeded) || fatal.Error() != "import stopped at row 7: writing: context deadline exceeded" {
		t.Errorf("FatalError: %v", fatal)
	}
}
