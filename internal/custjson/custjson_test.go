package custjson_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/internal/custjson"
)

// What Append writes decodes with encoding/json into the customer it was
// written from, after what b already held, and leaves zero fields out.
// (boltstore's tests hold it to encoding/json's bytes.)
func TestAppendReadsBackWithEncodingJSON(t *testing.T) {
	for i, c := range []*customer.Customer{repotest.FullCustomer(3), repotest.BenchCustomer(7), {}} {
		b, err := custjson.Append([]byte("prefix"), c)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !strings.HasPrefix(string(b), "prefix{") {
			t.Fatalf("case %d: %.20q does not keep what b held", i, b)
		}
		var got customer.Customer
		if err := json.Unmarshal(b[len("prefix"):], &got); err != nil {
			t.Fatalf("case %d: %v in %s", i, err, b)
		}
		if diff := cmp.Diff(c, &got); diff != "" {
			t.Errorf("case %d reads back changed (-written +read):\n%s", i, diff)
		}
	}
	b, _ := custjson.Append(nil, &customer.Customer{})
	for _, field := range []string{`"ID"`, `"Note"`, `"Version"`, `"Addresses"`, `"CreatedAt"`} {
		if strings.Contains(string(b), field) {
			t.Errorf("the zero customer's %s is written: %s", field, b)
		}
	}
}

func TestAppendRefusesWhatJSONCannotKeep(t *testing.T) {
	for name, c := range map[string]*customer.Customer{
		"text that is not UTF-8": {Note: "a\xffb"},
		"NaN":                    {ActiveData: &customer.ActiveData{OrderValue: math.NaN()}},
		"infinity":               {ActiveData: &customer.ActiveData{GiftUnits: math.Inf(1)}},
		"the year 10000":         {Profile: customer.Profile{Birthday: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		if _, err := custjson.Append(nil, c); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("%s: %v, want an error wrapping customer.ErrInvalid", name, err)
		}
	}
}
