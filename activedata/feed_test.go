package activedata_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/groups"
)

func feed(id string, attrs ...activedata.Attribute) activedata.Feed {
	return activedata.Feed{ID: id, Attributes: attrs}
}

func attr(id string, t activedata.Type) activedata.Attribute {
	return activedata.Attribute{ID: id, Type: t}
}

func nFeeds(n int) []activedata.Feed {
	var out []activedata.Feed
	for i := range n {
		id := string(rune('a' + i))
		out = append(out, feed("feed_"+id, attr("attr_"+id, activedata.TypeInt)))
	}
	return out
}

// Each feed rule has a definition that breaks it and one that keeps it.
func TestNewFeedSetRules(t *testing.T) {
	tests := []struct {
		name     string
		reserved int
		feeds    []activedata.Feed
		want     error  // nil: the set is valid
		feed     string // the feed the error names
		attr     string // the attribute the error names
	}{
		{name: "five feeds with none reserved are allowed", feeds: nFeeds(5)},
		{name: "six feeds are too many", feeds: nFeeds(6), want: activedata.ErrTooManyFeeds, feed: "feed_f"},
		{name: "four feeds with one reserved are allowed", reserved: 1, feeds: nFeeds(4)},
		{name: "five feeds with one reserved are too many", reserved: 1, feeds: nFeeds(5), want: activedata.ErrTooManyFeeds, feed: "feed_e"},
		{name: "no feeds with all five reserved are allowed", reserved: 5},
		{name: "one feed with all five reserved is too many", reserved: 5, feeds: nFeeds(1), want: activedata.ErrTooManyFeeds, feed: "feed_a"},
		{name: "a negative reserved count is refused", reserved: -1, want: activedata.ErrReserved},
		{name: "more than five reserved is refused", reserved: 6, want: activedata.ErrReserved},
		{name: "an attribute in two feeds is refused",
			feeds: []activedata.Feed{feed("crm", attr("tier", activedata.TypeString)), feed("erp", attr("tier", activedata.TypeString))},
			want:  activedata.ErrDuplicateAttribute, feed: "erp", attr: "tier"},
		{name: "an attribute twice in one feed is refused",
			feeds: []activedata.Feed{feed("crm", attr("tier", activedata.TypeString), attr("tier", activedata.TypeInt))},
			want:  activedata.ErrDuplicateAttribute, feed: "crm", attr: "tier"},
		{name: "distinct attributes in two feeds are allowed",
			feeds: []activedata.Feed{feed("crm", attr("tier", activedata.TypeString)), feed("erp", attr("credit", activedata.TypeNumber))}},
		{name: "two feeds with one ID are refused",
			feeds: []activedata.Feed{feed("crm", attr("a", activedata.TypeString)), feed("crm", attr("b", activedata.TypeString))},
			want:  activedata.ErrDuplicateFeed, feed: "crm"},
		{name: "a feed without attributes is refused", feeds: []activedata.Feed{feed("crm")}, want: activedata.ErrEmptyFeed, feed: "crm"},
		{name: "an empty feed ID is refused", feeds: []activedata.Feed{feed("", attr("a", activedata.TypeString))}, want: activedata.ErrInvalidID},
		{name: "an attribute ID with a space is refused",
			feeds: []activedata.Feed{feed("crm", attr("loyalty tier", activedata.TypeString))}, want: activedata.ErrInvalidID, feed: "crm", attr: "loyalty tier"},
		{name: "an attribute ID starting with a digit is refused",
			feeds: []activedata.Feed{feed("crm", attr("1st", activedata.TypeString))}, want: activedata.ErrInvalidID, feed: "crm", attr: "1st"},
		{name: "an attribute of no type is refused",
			feeds: []activedata.Feed{feed("crm", attr("tier", 0))}, want: activedata.ErrInvalidType, feed: "crm", attr: "tier"},
		{name: "an attribute named like a system field is refused",
			feeds: []activedata.Feed{feed("crm", attr("orderValueMonth", activedata.TypeNumber))}, want: activedata.ErrSystemAttribute, feed: "crm", attr: "orderValueMonth"},
		{name: "an attribute named customerNo is refused",
			feeds: []activedata.Feed{feed("crm", attr("customerNo", activedata.TypeString))}, want: activedata.ErrSystemAttribute, feed: "crm", attr: "customerNo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := activedata.NewFeedSet(tc.reserved, tc.feeds...)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("NewFeedSet: %v", err)
				}
				if got := len(set.Feeds()); got != len(tc.feeds) {
					t.Errorf("the set has %d feeds, want %d", got, len(tc.feeds))
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("NewFeedSet error = %v, want %v", err, tc.want)
			}
			var fe *activedata.FeedError
			if !errors.As(err, &fe) {
				t.Fatalf("the error %v holds no *FeedError", err)
			}
			if fe.Feed != tc.feed || fe.Attribute != tc.attr {
				t.Errorf("FeedError names feed %q attribute %q, want %q %q", fe.Feed, fe.Attribute, tc.feed, tc.attr)
			}
			if tc.attr != "" && !strings.Contains(err.Error(), tc.attr) {
				t.Errorf("the message %q does not name the attribute", err)
			}
		})
	}
}

func TestFeedSetLookupsAndCustomTypes(t *testing.T) {
	set, err := activedata.NewFeedSet(0,
		feed("crm", attr("tier", activedata.TypeString), attr("points", activedata.TypeInt), attr("vip", activedata.TypeBoolean)),
		feed("erp", attr("credit", activedata.TypeNumber), attr("since", activedata.TypeDate), attr("seen", activedata.TypeDateTime),
			attr("brands", activedata.TypeStringSet), attr("sizes", activedata.TypeIntSet)))
	if err != nil {
		t.Fatal(err)
	}
	a, owner, ok := set.Attribute("credit")
	if !ok || owner != "erp" || a.Type != activedata.TypeNumber {
		t.Errorf("Attribute(credit) = %v %q %v", a, owner, ok)
	}
	if _, _, ok := set.Attribute("nope"); ok {
		t.Error("Attribute(nope) found")
	}
	want := map[string]groups.AttrType{
		"customer.activeData.custom.tier":   groups.TypeString,
		"customer.activeData.custom.points": groups.TypeInt,
		"customer.activeData.custom.vip":    groups.TypeBool,
		"customer.activeData.custom.credit": groups.TypeNumber,
		"customer.activeData.custom.since":  groups.TypeDate,
		"customer.activeData.custom.seen":   groups.TypeDateTime,
		"customer.activeData.custom.brands": groups.TypeStringSet,
		"customer.activeData.custom.sizes":  groups.Untyped,
	}
	if diff := cmp.Diff(want, set.CustomTypes()); diff != "" {
		t.Errorf("CustomTypes (-want +got):\n%s", diff)
	}
}

func TestParseType(t *testing.T) {
	for _, name := range []string{"string", "int", "number", "boolean", "date", "datetime", "set-of-string", "set-of-int", "set-of-number"} {
		typ, err := activedata.ParseType(name)
		if err != nil || typ.String() != name {
			t.Errorf("ParseType(%q) = %v, %v", name, typ, err)
		}
	}
	if typ, err := activedata.ParseType("double"); err != nil || typ != activedata.TypeNumber {
		t.Errorf("ParseType(double) = %v, %v", typ, err)
	}
	if _, err := activedata.ParseType("decimal"); !errors.Is(err, activedata.ErrInvalidType) {
		t.Errorf("ParseType(decimal) error = %v", err)
	}
}
