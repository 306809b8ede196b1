package repotest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// groupClauses are the promises of groups.Store.
var groupClauses = []clause{
	{name: "The system groups Everyone, Registered and Unregistered are always present", run: systemGroupsPresent},
	{name: "Create stores a group that Group returns as a copy, and an unknown ID fails with ErrNotFound", run: createAndGet},
	{name: "Create of an existing ID fails with ErrExists", run: createExisting},
	{name: "Groups yields every group in ID order", run: groupsOrdered},
	{name: "Assign and Unassign change a customer's explicit membership, its version and the group filter", run: assignUnassign},
	{name: "Assigning to a dynamic or system group fails with ErrNotStatic", run: assignNotStatic},
	{name: "Assigning to an unknown group or customer fails with ErrNotFound", run: assignUnknown},
	{name: "A group batch with one failing operation changes nothing and names that operation", run: groupBatchAtomic},
	{name: "Deleting or replacing a static group keeps its memberships", run: deleteKeepsMemberships},
	{name: "System groups cannot be deleted or changed in kind, but their description can be replaced", run: systemGroupsProtected},
	{name: "Invalid groups are refused with ErrInvalid", run: invalidGroups},
}

func (h *harness) writeGroups(t testing.TB, ops ...groups.Op) {
	t.Helper()
	if err := h.groups.WriteGroups(h.ctx, ops); err != nil {
		t.Fatalf("WriteGroups: unexpected error: %v", err)
	}
}

func (h *harness) allGroups(t testing.TB) []*groups.Group {
	t.Helper()
	var out []*groups.Group
	for g, err := range h.groups.Groups(h.ctx) {
		if err != nil {
			t.Fatalf("Groups: %v", err)
		}
		out = append(out, g)
	}
	return out
}

func wantGroupBatchError(t testing.TB, what string, err error, index int, target error) {
	t.Helper()
	wantErr(t, what, err, target)
	var be *groups.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("%s: error %v is not a *groups.BatchError", what, err)
	}
	if be.Index != index {
		t.Fatalf("%s: BatchError names operation %d, want %d", what, be.Index, index)
	}
}

var groupOpts = cmpopts.EquateEmpty()

func staticGroup(id string) *groups.Group {
	return &groups.Group{ID: id, Kind: groups.Static, Name: id, Description: "static " + id,
		Attributes: []customer.Attribute{{ID: "color", Values: []string{"blue"}}}}
}

func dynamicGroup(id string) *groups.Group {
	return &groups.Group{ID: id, Kind: groups.Dynamic, Name: id,
		Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll,
			Conditions: []groups.Condition{{Path: "customer.registered", Operator: groups.IsTrue}}}}}}
}

func systemGroupsPresent(t testing.TB, h *harness) {
	var got []string
	for _, g := range h.allGroups(t) {
		if g.Kind != groups.System {
			t.Fatalf("a new store holds the %s group %q", g.Kind, g.ID)
		}
		got = append(got, g.ID)
	}
	if diff := cmp.Diff([]string{groups.Everyone, groups.Registered, groups.Unregistered}, got); diff != "" {
		t.Fatalf("groups of a new store (-want +got):\n%s", diff)
	}
	g, err := h.groups.Group(h.ctx, groups.Registered)
	if err != nil || g.Kind != groups.System {
		t.Fatalf("Group(Registered) = %+v, %v; want the system group", g, err)
	}
}

func createAndGet(t testing.TB, h *harness) {
	want := staticGroup("newsletter")
	h.writeGroups(t, groups.Create(want))
	got, err := h.groups.Group(h.ctx, "newsletter")
	if err != nil {
		t.Fatalf("Group(newsletter): %v", err)
	}
	if diff := cmp.Diff(want, got, groupOpts); diff != "" {
		t.Fatalf("stored group differs (-want +got):\n%s", diff)
	}
	got.Attributes[0].Values[0] = "changed by caller"
	again, _ := h.groups.Group(h.ctx, "newsletter")
	if diff := cmp.Diff(want, again, groupOpts); diff != "" {
		t.Fatalf("changing a returned group changed the store (-want +got):\n%s", diff)
	}
	_, err = h.groups.Group(h.ctx, "no-such-group")
	wantErr(t, "Group(no-such-group)", err, groups.ErrNotFound)
}

func createExisting(t testing.TB, h *harness) {
	h.writeGroups(t, groups.Create(staticGroup("a")))
	err := h.groups.WriteGroups(h.ctx, []groups.Op{groups.Create(dynamicGroup("a"))})
	wantGroupBatchError(t, "Create of an existing group", err, 0, groups.ErrExists)
	g, _ := h.groups.Group(h.ctx, "a")
	if g == nil || g.Kind != groups.Static {
		t.Fatalf("a refused Create replaced the group: %+v", g)
	}
	err = h.groups.WriteGroups(h.ctx, []groups.Op{groups.Create(&groups.Group{ID: groups.Everyone, Kind: groups.System})})
	wantGroupBatchError(t, "Create of a system group", err, 0, groups.ErrExists)
}

func groupsOrdered(t testing.TB, h *harness) {
	h.writeGroups(t, groups.Create(staticGroup("zeta")), groups.Create(dynamicGroup("Alpha")), groups.Create(staticGroup("beta")))
	var got []string
	for _, g := range h.allGroups(t) {
		got = append(got, g.ID)
	}
	want := []string{"Alpha", groups.Everyone, groups.Registered, groups.Unregistered, "beta", "zeta"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Groups order (-want +got):\n%s", diff)
	}
}

func assignUnassign(t testing.TB, h *harness) {
	c := h.create(t, bare(1))[0]
	h.writeGroups(t, groups.Create(staticGroup("vip")))
	h.writeGroups(t, groups.Assign("vip", c.ID), groups.Assign("vip", c.ID))
	got := h.get(t, c.ID)
	if !got.InGroup("vip") || got.Version != c.Version+1 {
		t.Fatalf("after Assign twice: groups %v version %d; want member of vip at version %d", got.Groups, got.Version, c.Version+1)
	}
	if members := ids(h.list(t, customer.Filter{Group: "vip"})); len(members) != 1 || members[0] != c.ID {
		t.Fatalf("List(group vip) = %v, want [%s]", members, c.ID)
	}
	h.writeGroups(t, groups.Unassign("vip", c.ID))
	got = h.get(t, c.ID)
	if got.InGroup("vip") || got.Version != c.Version+2 {
		t.Fatalf("after Unassign: groups %v version %d; want no membership at version %d", got.Groups, got.Version, c.Version+2)
	}
	h.writeGroups(t, groups.Unassign("vip", c.ID))
	if again := h.get(t, c.ID); again.Version != got.Version {
		t.Fatalf("Unassign of a non-member changed the version from %d to %d", got.Version, again.Version)
	}
}

func assignNotStatic(t testing.TB, h *harness) {
	c := h.create(t, bare(1))[0]
	h.writeGroups(t, groups.Create(dynamicGroup("big-spenders")))
	for _, id := range []string{"big-spenders", groups.Registered} {
		err := h.groups.WriteGroups(h.ctx, []groups.Op{groups.Assign(id, c.ID)})
		wantGroupBatchError(t, "Assign to "+id, err, 0, groups.ErrNotStatic)
	}
	if got := h.get(t, c.ID); len(got.Groups) != 0 {
		t.Fatalf("refused assignments left memberships %v", got.Groups)
	}
}

func assignUnknown(t testing.TB, h *harness) {
	c := h.create(t, bare(1))[0]
	h.writeGroups(t, groups.Create(staticGroup("vip")))
	err := h.groups.WriteGroups(h.ctx, []groups.Op{groups.Assign("no-such-group", c.ID)})
	wantGroupBatchError(t, "Assign to an unknown group", err, 0, groups.ErrNotFound)
	err = h.groups.WriteGroups(h.ctx, []groups.Op{groups.Assign("vip", "no-such-customer")})
	wantGroupBatchError(t, "Assign of an unknown customer", err, 0, customer.ErrNotFound)
}

func groupBatchAtomic(t testing.TB, h *harness) {
	c := h.create(t, bare(1))[0]
	err := h.groups.WriteGroups(h.ctx, []groups.Op{
		groups.Create(staticGroup("vip")),
		groups.Assign("vip", c.ID),
		groups.Delete(groups.Everyone), // fails
	})
	wantGroupBatchError(t, "batch whose third operation deletes a system group", err, 2, groups.ErrSystemGroup)
	if _, err := h.groups.Group(h.ctx, "vip"); !errors.Is(err, groups.ErrNotFound) {
		t.Fatalf("a failed group batch left its created group (Group error %v)", err)
	}
	if got := h.get(t, c.ID); got.InGroup("vip") || got.Version != c.Version {
		t.Fatalf("a failed group batch left the customer at version %d with groups %v", got.Version, got.Groups)
	}
}

func deleteKeepsMemberships(t testing.TB, h *harness) {
	c := h.create(t, bare(1))[0]
	h.writeGroups(t, groups.Create(staticGroup("vip")), groups.Create(staticGroup("club")))
	h.writeGroups(t, groups.Assign("vip", c.ID), groups.Assign("club", c.ID))
	replaced := staticGroup("club")
	replaced.Description = "replaced"
	h.writeGroups(t, groups.Delete("vip"), groups.Put(replaced))
	_, err := h.groups.Group(h.ctx, "vip")
	wantErr(t, "Group after Delete", err, groups.ErrNotFound)
	got := h.get(t, c.ID)
	if !got.InGroup("vip") || !got.InGroup("club") {
		t.Fatalf("after deleting vip and replacing club the customer's groups are %v; want both kept", got.Groups)
	}
	h.writeGroups(t, groups.Create(staticGroup("vip")))
	if members := ids(h.list(t, customer.Filter{Group: "vip"})); len(members) != 1 {
		t.Fatalf("a re-created group has members %v, want the kept membership", members)
	}
	err = h.groups.WriteGroups(h.ctx, []groups.Op{groups.Delete("never-created")})
	wantGroupBatchError(t, "Delete of an unknown group", err, 0, groups.ErrNotFound)
}

func systemGroupsProtected(t testing.TB, h *harness) {
	err := h.groups.WriteGroups(h.ctx, []groups.Op{groups.Delete(groups.Unregistered)})
	wantGroupBatchError(t, "Delete of a system group", err, 0, groups.ErrSystemGroup)
	err = h.groups.WriteGroups(h.ctx, []groups.Op{groups.Put(staticGroup(groups.Registered))})
	wantGroupBatchError(t, "Put of a system ID as a static group", err, 0, groups.ErrSystemGroup)
	err = h.groups.WriteGroups(h.ctx, []groups.Op{groups.Put(&groups.Group{ID: "mine", Kind: groups.System})})
	wantGroupBatchError(t, "Put of a system group with another ID", err, 0, groups.ErrSystemGroup)
	desc := &groups.Group{ID: groups.Everyone, Kind: groups.System, Name: groups.Everyone, Description: "All shoppers",
		Attributes: []customer.Attribute{{ID: "note", Values: []string{"x"}}}}
	h.writeGroups(t, groups.Put(desc))
	got, err := h.groups.Group(h.ctx, groups.Everyone)
	if err != nil {
		t.Fatalf("Group(Everyone): %v", err)
	}
	if diff := cmp.Diff(desc, got, groupOpts); diff != "" {
		t.Fatalf("system group after Put (-want +got):\n%s", diff)
	}
}

func invalidGroups(t testing.TB, h *harness) {
	for _, tc := range []struct {
		name string
		g    *groups.Group
	}{
		{"a dynamic group without a rule", &groups.Group{ID: "d", Kind: groups.Dynamic}},
		{"a dynamic group whose rule includes nothing", &groups.Group{ID: "e", Kind: groups.Dynamic, Rule: &groups.Rule{}}},
		{"a dynamic group whose rule tests an unknown attribute", &groups.Group{ID: "u", Kind: groups.Dynamic, Rule: &groups.Rule{
			Included: []groups.ConditionGroup{{Conditions: []groups.Condition{{Path: "customer.nonsense", Operator: groups.Exists}}}}}}},
		{"a static group with a rule", &groups.Group{ID: "s", Kind: groups.Static, Rule: &groups.Rule{}}},
		{"a group of no kind", &groups.Group{ID: "k"}},
		{"a group without an ID", &groups.Group{Kind: groups.Static}},
	} {
		err := h.groups.WriteGroups(h.ctx, []groups.Op{groups.Create(tc.g)})
		wantGroupBatchError(t, tc.name, err, 0, groups.ErrInvalid)
	}
	if n := len(h.allGroups(t)); n != 3 {
		t.Fatalf("refused groups were stored: %d groups, want the 3 system groups", n)
	}
}
