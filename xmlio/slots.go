package xmlio

// This file reads slot-configurations documents (slot.xsd) for what
// customer-group targeting needs, and nothing else. Every identifier it
// adds to the package starts with slot or Slot.

import (
	"io"
	"slices"

	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

// SlotConfiguration is what targeting needs of one <slot-configuration>:
// its identity, its flags and the customer groups it is shown to. Content,
// schedules, templates and the rest are skipped, not kept.
type SlotConfiguration struct {
	Where           validate.Where
	SlotID          string
	Context         string // global, category or folder
	ContextID       string
	ConfigurationID string
	// Default is the default attribute.
	Default bool
	// AssignedToSite is the assigned-to-site attribute, true when absent
	// as the schema says.
	AssignedToSite bool
	// Enabled is the enabled-flag element, false when absent.
	Enabled bool
	// Delete is true for mode="delete".
	Delete bool
	// CustomerGroups are the group-ids of <customer-groups>, in document
	// order; empty when the configuration is not restricted to groups.
	CustomerGroups []string
	// groupLines are the lines of the customer-group elements.
	groupLines []int
}

// SlotCampaignAssignment is one <slot-configuration-campaign-assignment>:
// a configuration shown within a campaign, optionally qualified by customer
// groups.
type SlotCampaignAssignment struct {
	Where           validate.Where
	SlotID          string
	Context         string
	ContextID       string
	ConfigurationID string
	CampaignID      string
	Delete          bool
	// CustomerGroups are the group-ids of qualifiers/customer-groups.
	CustomerGroups []string
	groupLines     []int
}

// SlotReference is one reference to a customer group in a slot document:
// the group, the configuration (or campaign assignment) that names it, and
// where.
type SlotReference struct {
	Where           validate.Where
	GroupID         string
	SlotID          string
	ConfigurationID string
	// CampaignID is set for a reference in a campaign assignment's
	// qualifiers.
	CampaignID string
}

// Slots is the targeting content of a slot-configurations document.
type Slots struct {
	Configurations      []SlotConfiguration
	CampaignAssignments []SlotCampaignAssignment
	// Issues are the document's problems: missing required attributes,
	// customer-group elements without a group-id, unknown elements among
	// the records.
	Issues []validate.Issue
}

const slotMaxRecords = 1_000_000

// DecodeSlots reads a slot-configurations document from r, keeping only
// what targeting needs and skipping the rest of each configuration without
// building it. Of opts it uses Document and Limits. It returns a
// *impex.FileError for a document that cannot be read (see Errors in the package
// documentation), including a root that is not slot-configurations,
// text or elements outside the root, an input that could not be read, and
// more than a million configurations and assignments (impex.ErrTooLarge);
// what was read before an error is returned too.
func DecodeSlots(r io.Reader, opts DecodeOptions) (*Slots, error) {
	d := NewDecoder(r, opts)
	out := &Slots{}
	if err := beginDocument(d, DocSlots); err != nil {
		return out, err
	}
	var issues []validate.Issue
	for nextChild(d) {
		if len(out.Configurations)+len(out.CampaignAssignments) >= slotMaxRecords {
			return out, d.fatal(validate.CodeLimitExceeded, "slot-configurations records")
		}
		switch name := d.elem(); name {
		case "slot-configuration":
			out.Configurations = append(out.Configurations, slotConfiguration(d, &issues))
		case "slot-configuration-campaign-assignment":
			out.CampaignAssignments = append(out.CampaignAssignments, slotCampaign(d, &issues))
		default:
			d.unknownChild()
		}
	}
	out.Issues = append(d.issues, issues...)
	return out, d.checked()
}

// slotAttrs reads the identifying attributes shared by both records.
func slotAttrs(r rec, required []string, set map[string]*string) bool {
	for _, a := range r.d.sc.Attrs() {
		if len(a.Prefix) > 0 {
			continue
		}
		if p, ok := set[string(a.Local)]; ok {
			*p = string(a.Value)
		}
	}
	del := r.deleteMode("@mode")
	for _, name := range required {
		if *set[name] == "" {
			r.add(validate.CodeXMLMissing, "@"+name, name, "", validate.Params{Name: name})
		}
	}
	return del
}

func slotConfiguration(d *Decoder, issues *[]validate.Issue) SlotConfiguration {
	r := d.newRec(countSlot, issues)
	c := SlotConfiguration{Where: r.where, AssignedToSite: true}
	c.Delete = slotAttrs(r, []string{"slot-id"}, map[string]*string{
		"slot-id": &c.SlotID, "context": &c.Context, "context-id": &c.ContextID, "configuration-id": &c.ConfigurationID,
	})
	if v, ok := attr(d.sc, "default"); ok {
		c.Default, _ = parseBool(string(v))
	}
	if v, ok := attr(d.sc, "assigned-to-site"); ok {
		if b, ok := parseBool(string(v)); ok {
			c.AssignedToSite = b
		}
	}
	r.children("", func(name string) {
		switch name {
		case "enabled-flag":
			c.Enabled, _ = r.boolean("", name, "enabled-flag")
		case "customer-groups":
			c.CustomerGroups, c.groupLines = slotGroups(r, name)
		default:
			d.skip()
		}
	})
	return c
}

func slotCampaign(d *Decoder, issues *[]validate.Issue) SlotCampaignAssignment {
	r := d.newRec(countSlotCampaign, issues)
	a := SlotCampaignAssignment{Where: r.where}
	a.Delete = slotAttrs(r, []string{"slot-id", "context", "configuration-id", "campaign-id"}, map[string]*string{
		"slot-id": &a.SlotID, "context": &a.Context, "context-id": &a.ContextID,
		"configuration-id": &a.ConfigurationID, "campaign-id": &a.CampaignID,
	})
	r.children("", func(name string) {
		if name != "qualifiers" {
			d.skip()
			return
		}
		r.children("qualifiers", func(name string) {
			if name != "customer-groups" {
				d.skip()
				return
			}
			a.CustomerGroups, a.groupLines = slotGroups(r, "qualifiers/customer-groups")
		})
	})
	return a
}

// slotGroups reads a customer-groups element at path: the group-id of each
// customer-group, and its line.
func slotGroups(r rec, path string) (ids []string, lines []int) {
	r.children(path, func(name string) {
		if name != "customer-group" {
			r.unknown(path)
			return
		}
		v, ok := attr(r.d.sc, "group-id")
		switch {
		case !ok:
			r.add(validate.CodeXMLMissing, path+"/customer-group", "group-id", "", validate.Params{Name: "group-id"})
		case len(v) == 0:
			r.add(validate.CodeRequired, path+"/customer-group", "group-id", "", validate.Params{Name: "group-id"})
		default:
			ids = append(ids, string(v))
			lines = append(lines, r.d.sc.Line())
		}
		r.d.skip()
	})
	return ids, lines
}

// slotTargets reports whether a list of group-ids names one of member.
func slotTargets(ids []string, member map[string]bool) bool {
	return slices.ContainsFunc(ids, func(id string) bool { return member[id] })
}

func slotSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// For returns the configurations that target at least one of memberGroups
// through their customer-groups, in document order. Configurations without
// customer groups are shown to everyone and are not returned, nor are
// those with mode="delete". Group IDs compare exactly.
func (s *Slots) For(memberGroups []string) []SlotConfiguration {
	member := slotSet(memberGroups)
	var out []SlotConfiguration
	for _, c := range s.Configurations {
		if !c.Delete && slotTargets(c.CustomerGroups, member) {
			out = append(out, c)
		}
	}
	return out
}

// CampaignsFor returns the campaign assignments whose qualifiers name at
// least one of memberGroups, in document order, leaving out those with
// mode="delete".
func (s *Slots) CampaignsFor(memberGroups []string) []SlotCampaignAssignment {
	member := slotSet(memberGroups)
	var out []SlotCampaignAssignment
	for _, a := range s.CampaignAssignments {
		if !a.Delete && slotTargets(a.CustomerGroups, member) {
			out = append(out, a)
		}
	}
	return out
}

// References returns every customer-group reference of the document:
// those of the configurations, then those of the campaign assignments, in
// document order, each located by record, element path and line.
func (s *Slots) References() []SlotReference {
	var out []SlotReference
	for _, c := range s.Configurations {
		for i, id := range c.CustomerGroups {
			w := c.Where
			w.Path += "/customer-groups/customer-group"
			w.Line = c.groupLines[i]
			out = append(out, SlotReference{Where: w, GroupID: id, SlotID: c.SlotID, ConfigurationID: c.ConfigurationID})
		}
	}
	for _, a := range s.CampaignAssignments {
		for i, id := range a.CustomerGroups {
			w := a.Where
			w.Path += "/qualifiers/customer-groups/customer-group"
			w.Line = a.groupLines[i]
			out = append(out, SlotReference{Where: w, GroupID: id, SlotID: a.SlotID, ConfigurationID: a.ConfigurationID, CampaignID: a.CampaignID})
		}
	}
	return out
}

// Dangling returns the references to groups that are neither in
// knownGroups nor system groups (which every site has), in the order of
// References.
func (s *Slots) Dangling(knownGroups []string) []SlotReference {
	known := slotSet(knownGroups)
	var out []SlotReference
	for _, ref := range s.References() {
		if !known[ref.GroupID] && !groups.IsSystemID(ref.GroupID) {
			out = append(out, ref)
		}
	}
	return out
}

// DanglingIssues returns Dangling as validate.CodeGroupUnknown issues, one
// per reference, naming the group, the slot and the configuration.
func (s *Slots) DanglingIssues(knownGroups []string) []validate.Issue {
	var out []validate.Issue
	for _, ref := range s.Dangling(knownGroups) {
		name := ref.GroupID + " (slot " + ref.SlotID + ", configuration " + ref.ConfigurationID
		if ref.CampaignID != "" {
			name += ", campaign " + ref.CampaignID
		}
		out = append(out, validate.New(validate.CodeGroupUnknown, ref.Where).WithParams(validate.Params{Name: name + ")"}))
	}
	return out
}
