package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/internal/pipeline"
)

func TestRepeatsNeverMissesARepeatAndRarelyGuessesOne(t *testing.T) {
	const n = 1 << 20 // past several filters of the chain
	r := pipeline.NewRepeats()
	key := func(i int) pipeline.Key { return pipeline.Key{Kind: "email", Value: fmt.Sprintf("p%d@example.fi", i)} }
	for i := range n {
		r.Add(key(i))
		if i%1000 == 0 {
			r.Add(key(i / 2)) // a repeat, earlier or just added
		}
	}
	falseRepeats, falseHolds := 0, 0
	for i := range n {
		repeated := i%500 == 0 && 2*i < n // added again as key(2i / 2)
		k := key(i)
		if !r.MayHold(k) {
			t.Fatalf("MayHold(%v) = false for a key that was added", k)
		}
		switch may := r.MayRepeat(k); {
		case repeated && !may:
			t.Fatalf("MayRepeat(%v) = false for a key added twice", k)
		case !repeated && may:
			falseRepeats++
		}
		if r.MayHold(key(n + i)) {
			falseHolds++
		}
	}
	// The chain's rate stays under firstFP/(1-tightenFP) = 1/64.
	if rate := float64(falseRepeats) / n; rate > 1.0/64 {
		t.Errorf("%.2f%% of the keys added once may repeat, want under 1.6%%", 100*rate)
	}
	if rate := float64(falseHolds) / n; rate > 1.0/64 {
		t.Errorf("%.2f%% of the keys never added may be held, want under 1.6%%", 100*rate)
	}
}

func TestDuplicatesAreFoundAlikeWithAFirstPassRecord(t *testing.T) {
	var rows []row
	for i := range 3000 {
		email := fmt.Sprintf("p%d@x", i)
		if i%700 == 699 {
			email = fmt.Sprintf("p%d@x", i-300) // a repeat of a row 300 earlier
		}
		rows = append(rows, row{number: fmt.Sprint(i + 1), name: "n", email: email})
	}
	// run imports the rows, keeping in each item only the keys repeats
	// says may repeat, as a codec does.
	run := func(repeats *pipeline.Repeats) []string {
		s := seeded(t)
		in := func(yield func(pipeline.Item, error) bool) {
			for it, err := range items(s, rows) {
				if repeats != nil {
					it.Keys = slices.DeleteFunc(it.Keys, func(k pipeline.Key) bool { return !repeats.MayRepeat(k) })
				}
				if !yield(it, err) {
					return
				}
			}
		}
		res, err := pipeline.Run(context.Background(), s, in, pipeline.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, is := range res.Report.Issues() {
			out = append(out, fmt.Sprintf("row %d %s of row %d", is.Row, is.Code, is.Params.OtherRow))
		}
		return out
	}
	want := run(nil)
	if len(want) != 4 {
		t.Fatalf("without a record: %v, want 4 duplicates", want)
	}
	r := pipeline.NewRepeats()
	s := seeded(t)
	for it, err := range items(s, rows) {
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range it.Keys {
			r.Add(k)
		}
	}
	if diff := cmp.Diff(want, run(r)); diff != "" {
		t.Errorf("issues with a first-pass record differ (-without +with):\n%s", diff)
	}
}
