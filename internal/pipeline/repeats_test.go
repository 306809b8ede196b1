package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/internal/pipeline"
)

// record gives r the keys, again for each round it asks for.
func record(r *pipeline.Repeats, keys []pipeline.Key) {
	for {
		for _, k := range keys {
			r.Add(k)
		}
		if r.Done() {
			return
		}
		r.NextRound()
	}
}

func TestRepeatsNeverMissesARepeatAndRarelyGuessesOne(t *testing.T) {
	key := func(i int) pipeline.Key { return pipeline.Key{Kind: "email", Value: fmt.Sprintf("p%d@example.fi", i)} }
	for _, tc := range []struct {
		name       string
		n          int
		capacity   int
		wantRounds int
	}{
		{"within the capacity: one round", 20000, 1 << 16, 1},
		{"past the capacity: rounds", 200000, 1 << 14, 14}, // 202,000 keys in 14 shares of about 14,400, under 16,384
	} {
		t.Run(tc.name, func(t *testing.T) {
			var keys []pipeline.Key
			for i := range tc.n {
				keys = append(keys, key(i))
				if i%100 == 0 {
					keys = append(keys, key(i/2)) // a repeat, earlier or just added
				}
			}
			r := pipeline.NewRepeats(tc.capacity)
			record(r, keys)
			if r.Rounds() != tc.wantRounds {
				t.Errorf("%d rounds, want %d", r.Rounds(), tc.wantRounds)
			}
			falseRepeats, falseHolds := 0, 0
			for i := range tc.n {
				repeated := i%50 == 0 && 2*i < tc.n // added again as key(2i / 2)
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
				if r.MayHold(key(tc.n + i)) {
					falseHolds++
				}
			}
			if rate := float64(falseRepeats) / float64(tc.n); rate > 0.005 {
				t.Errorf("%.2f%% of the keys added once may repeat, want under 0.5%%", 100*rate)
			}
			if rate := float64(falseHolds) / float64(tc.n); tc.n <= tc.capacity && rate > 0.05 {
				t.Errorf("%.2f%% of the keys never added may be held, want under 5%% within the capacity", 100*rate)
			}
		})
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
		res, err := pipeline.Run(context.Background(), pipeline.NewLookups(s), in, impex.Options{}, 0)
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
	var keys []pipeline.Key
	s := seeded(t)
	for it, err := range items(s, rows) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, it.Keys...)
	}
	r := pipeline.NewRepeats(1000) // 3,000 keys: three rounds or more
	record(r, keys)
	if r.Rounds() < 3 {
		t.Fatalf("%d rounds for 3,000 keys in shares of 1,000", r.Rounds())
	}
	if diff := cmp.Diff(want, run(r)); diff != "" {
		t.Errorf("issues with a first-pass record differ (-without +with):\n%s", diff)
	}
}
