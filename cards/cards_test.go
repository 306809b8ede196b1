package cards_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/impexkit/impex/cards"
)

func TestGeneratedNumbersHaveTheFormatAndACheckDigit(t *testing.T) {
	for _, f := range []cards.Format{{}, {Prefix: "6001", Length: 12}, {Prefix: "9", Length: 8}} {
		g := cards.Generator{Format: f}
		for range 200 {
			n, err := g.Generate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !f.Valid(n) {
				t.Fatalf("format %+v: generated %q is not valid", f, n)
			}
		}
	}
}

func TestLuhnCatchesEverySingleDigitTypo(t *testing.T) {
	f := cards.Format{}
	if !f.Valid("4539578763621486") {
		t.Fatal("a published Luhn-valid number was refused")
	}
	n := []byte("4539578763621486")
	for i := range n {
		for d := byte('0'); d <= '9'; d++ {
			if d == n[i] {
				continue
			}
			typo := bytes.Clone(n)
			typo[i] = d
			if f.Valid(string(typo)) {
				t.Fatalf("typo %s passed the check", typo)
			}
		}
	}
}

func TestGeneratorRetriesOnCollision(t *testing.T) {
	seen := map[string]bool{}
	calls := 0
	g := cards.Generator{Format: cards.Format{Length: 8}, Taken: func(_ context.Context, n string) (bool, error) {
		calls++
		if calls <= 3 {
			seen[n] = true
			return true, nil
		}
		return seen[n], nil
	}}
	n, err := g.Generate(context.Background())
	if err != nil || seen[n] || calls != 4 {
		t.Fatalf("got %q, %v after %d calls; want a free number on the fourth try", n, err, calls)
	}
}

func TestGeneratorReportsExhaustionAndErrors(t *testing.T) {
	always := cards.Generator{Attempts: 5, Taken: func(context.Context, string) (bool, error) { return true, nil }}
	if _, err := always.Generate(context.Background()); !errors.Is(err, cards.ErrExhausted) {
		t.Fatalf("got %v, want ErrExhausted", err)
	}
	boom := errors.New("store down")
	failing := cards.Generator{Taken: func(context.Context, string) (bool, error) { return false, boom }}
	if _, err := failing.Generate(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the Taken error", err)
	}
	for _, f := range []cards.Format{{Prefix: "12a"}, {Length: 40}, {Prefix: "1234567890", Length: 12}} {
		g := cards.Generator{Format: f}
		if _, err := g.Generate(context.Background()); !errors.Is(err, cards.ErrFormat) {
			t.Errorf("format %+v: got %v, want ErrFormat", f, err)
		}
	}
	short := cards.Generator{Rand: strings.NewReader("")}
	if _, err := short.Generate(context.Background()); err == nil {
		t.Fatal("an empty random source gave a number")
	}
}

func TestGenerateRules(t *testing.T) {
	for _, s := range []string{"generate()", " GENERATE() ", "Generate()\t"} {
		if !cards.IsGenerate(s) {
			t.Errorf("IsGenerate(%q) = false", s)
		}
	}
	for _, s := range []string{"generate", "generate( )", "", "6001"} {
		if cards.IsGenerate(s) {
			t.Errorf("IsGenerate(%q) = true", s)
		}
	}
	if !cards.MayGenerate(true, 3) || !cards.MayGenerate(false, 0) || cards.MayGenerate(false, 1) {
		t.Fatal("MayGenerate must allow new customers and customers without cards only")
	}
}

func TestDigitsAreUniform(t *testing.T) {
	g := cards.Generator{Format: cards.Format{Length: 32}}
	var counts [10]int
	for range 2000 {
		n, _ := g.Generate(context.Background())
		for _, c := range n[:31] {
			counts[c-'0']++
		}
	}
	for d, c := range counts { // expected 6200 each; allow a wide margin
		if c < 5500 || c > 6900 {
			t.Fatalf("digit %d appeared %d times of 62000: %v", d, c, counts)
		}
	}
}

func ExampleGenerator() {
	g := cards.Generator{Format: cards.Format{Prefix: "6001", Length: 12}}
	n, err := g.Generate(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(n), n[:4], g.Format.Valid(n))
	// Output: 12 6001 true
}
