package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestWalkThrough(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"stored 36 customers",
		"by e-mail, any case          -> Eino Virtanen",
		"by the hash of an SSN        -> Oskar Mäkinen",
		"errors.Is(err, customer.ErrConflict) = true",
		"the duplicate key is email",
		"the batch's first customer was not stored either: true",
		"customer group is not static",
		"1 created, 3 updated, 23 unchanged, 1 rejected",
		`row 6, column C (email)`,
		"generated card [",
		"group NEWGROUP was created as static with 3 members",
		"wrote the rejected rows to",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
