package customer_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
)

// full returns a customer with every field set to a non-zero value.
func full() *customer.Customer {
	yes := true
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	return &customer.Customer{
		ID: "c1", Version: 3, Kind: customer.KindPerson, List: "RefArch", Number: "00001",
		Credentials: customer.Credentials{Login: "anna", Password: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$x"},
			Disabled: true, Question: "pet", Answer: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$y"},
			ExternalProfiles: []customer.ExternalProfile{{ProviderID: "p", ExternalID: "e", Email: "m", LastLoginTime: at}}},
		Profile: customer.Profile{Salutation: "Ms", Title: "Dr", FirstName: "Anna", SecondName: "Maria", LastName: "Virtanen",
			Suffix: "Jr", CompanyName: "Oy", TaxCode: "FI1", JobTitle: "CEO", Email: "anna@example.com", EmailVerified: &yes,
			Phones:   customer.Phones{Home: "1", Business: "2", Mobile: "3", Fax: "4"},
			Birthday: time.Date(1990, 2, 28, 0, 0, 0, 0, time.UTC), Gender: customer.GenderFemale,
			CreationDate: at, LastLoginTime: at, LastVisitTime: at, PreferredLocale: "fi_FI",
			PaymentProfiles: []customer.PaymentProfile{{AccountID: "a", AccountType: "STRIPE_TEST", AccountCustomerID: "c", CreationDate: at}}},
		Flags:         customer.Flags{GDPRRestricted: true, CreditAllowed: true, MarketingEmail: true, MarketingSMS: true},
		Note:          "note",
		GlobalPartyID: "gp",
		Addresses: []customer.Address{{ID: " Home ", Preferred: true, Salutation: "s", Title: "t", FirstName: "f", SecondName: "s2",
			LastName: "l", Suffix: "x", CompanyName: "c", JobTitle: "j", Address1: "a1", Address2: "a2", Suite: "su", Postbox: "pb",
			City: "Espoo", PostalCode: "02100", StateCode: "ES", CountryCode: "FI", Phone: "5",
			Attributes: []customer.Attribute{{ID: "door", Lang: "fi", Values: []string{"A"}}}}},
		Identifiers: customer.Identifiers{Cards: []string{"C1", "C2"}, SSNHash: "$ssn1$k$h", ExternalID: "x1",
			Custom: map[string]string{"loyalty": "L1"}},
		Groups:     []string{"a", "b"},
		Attributes: []customer.Attribute{{ID: "size", Values: []string{"38", "39"}}},
		ActiveData: &customer.ActiveData{VisitsWeek: 1, VisitsMonth: 2, VisitsYear: 3, Orders: 4, Returns: 5, ReturnValue: 6,
			OrderValue: 7, OrderValueMonth: 8, AvgOrderValue: 9, DiscountValueWithoutCoupon: 10, DiscountValueWithCoupon: 11,
			SourceCodeOrders: 12, GiftUnits: 13, GiftOrders: 14, TopCategoriesOrdered: []string{"c"}, ProductsOrdered: []string{"p"},
			ProductMastersOrdered: []string{"m"}, ProductsViewedMonth: []string{"v"}, ProductsAbandonedMonth: []string{"a"},
			LastOrderDate: at, Custom: []customer.Attribute{{ID: "tier", Values: []string{"gold"}}}},
		CreatedAt: at, UpdatedAt: at,
	}
}

// leaves calls visit with a setter for every scalar leaf reachable from v
// (through structs, pointers and the first element of slices).
func leaves(path string, v reflect.Value, visit func(path string, mutate func())) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		visit(path, func() { v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Second))) })
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			leaves(path+"."+v.Type().Field(i).Name, v.Field(i), visit)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			leaves(path, v.Elem(), visit)
		}
	case reflect.Slice:
		if v.Len() > 0 {
			leaves(path+"[0]", v.Index(0), visit)
		}
	case reflect.Map:
		visit(path, func() { v.SetMapIndex(reflect.ValueOf("new"), reflect.ValueOf("v")) })
	case reflect.String:
		visit(path, func() { v.SetString(v.String() + "x") })
	case reflect.Bool:
		visit(path, func() { v.SetBool(!v.Bool()) })
	case reflect.Int, reflect.Int64, reflect.Int32:
		visit(path, func() { v.SetInt(v.Int() + 1) })
	case reflect.Uint8:
		visit(path, func() { v.SetUint(v.Uint() + 1) })
	case reflect.Float64:
		visit(path, func() { v.SetFloat(v.Float() + 1) })
	default:
		panic("leaves: unhandled " + path)
	}
}

func TestEqualNoticesEveryField(t *testing.T) {
	n := 0
	leaves("Customer", reflect.ValueOf(full()).Elem(), func(path string, _ func()) {
		c := full()
		i := 0
		leaves("Customer", reflect.ValueOf(c).Elem(), func(p string, mutate func()) {
			if p == path && i == 0 {
				mutate()
				i++
			}
		})
		if customer.Equal(full(), c) {
			t.Errorf("Equal does not notice a change of %s", path)
		}
		n++
	})
	if n < 90 {
		t.Fatalf("only %d leaves visited; the walk is broken", n)
	}
}

func TestEqualTreatsNilAndEmptyAlikeAndComparesInstants(t *testing.T) {
	a := &customer.Customer{Kind: customer.KindPerson, Groups: nil, UpdatedAt: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
	b := &customer.Customer{Kind: customer.KindPerson, Groups: []string{},
		UpdatedAt: time.Date(2025, 1, 1, 14, 0, 0, 0, time.FixedZone("EET", 2*3600))}
	if !customer.Equal(a, b) {
		t.Fatal("a nil and an empty slice, or one instant in two zones, compared unequal")
	}
	if customer.Equal(a, nil) || !customer.Equal(nil, nil) {
		t.Fatal("nil handling is wrong")
	}
}

func TestCloneIsDeep(t *testing.T) {
	orig := full()
	c := orig.Clone()
	if diff := cmp.Diff(orig, c); diff != "" {
		t.Fatalf("clone differs (-orig +clone):\n%s", diff)
	}
	leaves("Customer", reflect.ValueOf(c).Elem(), func(_ string, mutate func()) { mutate() })
	if diff := cmp.Diff(full(), orig); diff != "" {
		t.Fatalf("changing every leaf of the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestPatch(t *testing.T) {
	repoOwned := cmpopts.IgnoreFields(customer.Customer{}, "ID", "Version", "CreatedAt", "UpdatedAt")
	t.Run("fields outside the set are left alone whatever Set holds", func(t *testing.T) {
		c := full()
		p := customer.Patch{Set: customer.Customer{}, Fields: customer.Fields(customer.FieldNote)}
		p.Set.Note = "new note"
		if !p.Apply(c) {
			t.Fatal("Apply reported no change")
		}
		want := full()
		want.Note = "new note"
		if diff := cmp.Diff(want, c); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a given empty value clears the field", func(t *testing.T) {
		c := full()
		p := customer.Patch{Fields: customer.Fields(customer.FieldEmail, customer.FieldGender, customer.FieldEmailVerified)}
		p.Apply(c)
		if c.Profile.Email != "" || c.Profile.Gender.Valid || c.Profile.EmailVerified != nil {
			t.Fatalf("email %q gender %v verified %v; want all cleared", c.Profile.Email, c.Profile.Gender, c.Profile.EmailVerified)
		}
	})
	t.Run("every field copies its value and all of them make the record", func(t *testing.T) {
		var all customer.FieldSet
		for f := customer.FieldKind; f.String() != "Field(41)"; f++ {
			if f > 60 {
				t.Fatal("runaway field enumeration")
			}
			all = all.With(f)
			single := customer.Patch{Set: *full(), Fields: customer.Fields(f)}
			if !single.Apply(&customer.Customer{}) {
				t.Errorf("field %v copied nothing", f)
			}
		}
		got := &customer.Customer{}
		p := customer.Patch{Set: *full(), Fields: all}
		p.Apply(got)
		want := full()
		want.Identifiers.Cards, want.Identifiers.Custom, want.Groups, want.Attributes = nil, nil, nil, nil
		if diff := cmp.Diff(want, got, repoOwned); diff != "" {
			t.Fatalf("all fields applied to an empty record (-want +got):\n%s", diff)
		}
		if all.Len() != 41 {
			t.Fatalf("%d fields, the test expects 41: update it with the new field", all.Len())
		}
	})
	t.Run("applying the same patch twice changes nothing the second time", func(t *testing.T) {
		c := full()
		p := customer.Patch{Fields: customer.Fields(customer.FieldFirstName), Groups: map[string]bool{"z": true, "a": false},
			Cards: map[int]string{2: "C3"}, Identifiers: map[string]string{"loyalty": ""},
			Attributes: []customer.Attribute{{ID: "size"}, {ID: "color", Lang: "en", Values: []string{"red"}}}}
		p.Set.Profile.FirstName = "Aino"
		if !p.Apply(c) {
			t.Fatal("first Apply reported no change")
		}
		if p.Apply(c) {
			t.Fatal("second Apply reported a change")
		}
		if diff := cmp.Diff([]string{"b", "z"}, c.Groups); diff != "" {
			t.Errorf("groups (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"C1", "C2", "C3"}, c.Identifiers.Cards); diff != "" {
			t.Errorf("cards (-want +got):\n%s", diff)
		}
		if _, ok := c.Identifiers.Custom["loyalty"]; ok {
			t.Error("an empty identifier value did not remove the identifier")
		}
		if diff := cmp.Diff([]customer.Attribute{{ID: "color", Lang: "en", Values: []string{"red"}}}, c.Attributes); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
	})
	t.Run("an emptied card shifts the later cards down", func(t *testing.T) {
		c := full()
		p := customer.Patch{Cards: map[int]string{0: ""}}
		p.Apply(c)
		if diff := cmp.Diff([]string{"C2"}, c.Identifiers.Cards); diff != "" {
			t.Fatalf("cards (-want +got):\n%s", diff)
		}
	})
	t.Run("an empty patch is empty and changes nothing", func(t *testing.T) {
		var p customer.Patch
		if !p.IsEmpty() || p.Apply(full()) {
			t.Fatal("the zero Patch is not empty")
		}
	})
}

func TestIdentifiersAll(t *testing.T) {
	ids := customer.Identifiers{Cards: []string{"C1", "C2"}, SSNHash: "h", ExternalID: "e",
		Custom: map[string]string{"z": "1", "a": "2", "empty": ""}}
	want := []customer.Identifier{{Type: customer.IdentCard, Value: "C1"}, {Type: customer.IdentCard, Value: "C2"},
		{Type: customer.IdentSSNHash, Value: "h"}, {Type: customer.IdentExternal, Value: "e"}, {Type: "a", Value: "2"}, {Type: "z", Value: "1"}}
	if diff := cmp.Diff(want, ids.All()); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestFilterMatch(t *testing.T) {
	c := full()
	yes, no := true, false
	for _, tc := range []struct {
		name string
		f    customer.Filter
		want bool
	}{
		{"the zero filter matches", customer.Filter{}, true},
		{"another kind does not match", customer.Filter{Kind: customer.KindCompany}, false},
		{"credit allowed matches", customer.Filter{CreditAllowed: &yes}, true},
		{"credit not allowed does not match", customer.Filter{CreditAllowed: &no}, false},
		{"an update range holding UpdatedAt matches", customer.Filter{UpdatedFrom: c.UpdatedAt, UpdatedTo: c.UpdatedAt.Add(time.Second)}, true},
		{"the range end is exclusive", customer.Filter{UpdatedTo: c.UpdatedAt}, false},
		{"a group the customer is in matches", customer.Filter{Group: "b"}, true},
		{"another list does not match", customer.Filter{Lists: []string{""}}, false},
		{"a search in the last name ignoring case matches", customer.Filter{Search: "VIRTA"}, true},
		{"a search for text the customer lacks does not match", customer.Filter{Search: "Helsinki"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Match(c); got != tc.want {
				t.Fatalf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

// Clone copies every pointer field of ListSettings, so a field added to
// the type and left out of Clone fails here.
func TestListSettingsCloneSharesNothing(t *testing.T) {
	var s customer.ListSettings
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.String:
			f.SetString("x")
		default:
			t.Fatalf("ListSettings.%s is a %v; teach this test and Clone about it", v.Type().Field(i).Name, f.Kind())
		}
	}
	c := s.Clone()
	cv := reflect.ValueOf(c)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && f.Pointer() == cv.Field(i).Pointer() {
			t.Errorf("Clone shares ListSettings.%s", v.Type().Field(i).Name)
		}
	}
	if !reflect.DeepEqual(s, c) {
		t.Errorf("Clone changed a value: %+v, %+v", s, c)
	}
}

func TestSortedGroupsSortsAndDropsRepeatsCopyingOnlyWhenNeeded(t *testing.T) {
	sorted := []string{"a", "b", "c"}
	if got := customer.SortedGroups(sorted); &got[0] != &sorted[0] {
		t.Error("groups already sorted were copied")
	}
	given := []string{"c", "a", "c", "b", "a"}
	got := customer.SortedGroups(given)
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SortedGroups(%q) = %q", given, got)
	}
	if !slices.Equal(given, []string{"c", "a", "c", "b", "a"}) {
		t.Errorf("the caller's slice changed to %q", given)
	}
	if got := customer.SortedGroups(nil); got != nil {
		t.Errorf("SortedGroups(nil) = %q", got)
	}
}

func TestKeyNotFoundErrorNamesTheKeyAndMatchesErrNotFound(t *testing.T) {
	var err error = &customer.KeyNotFoundError{Key: customer.IndexKey{Key: customer.KeyNumber, List: "b2c", Value: "42"}}
	if !errors.Is(err, customer.ErrNotFound) {
		t.Error("it does not match ErrNotFound")
	}
	if want := `customer not found: number "42" in list "b2c"`; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	err = &customer.KeyNotFoundError{Key: customer.Lookup{Key: customer.Key(customer.IdentCard), Value: "6001"}.IndexKey()}
	if want := `customer not found: customerCard "6001"`; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}
