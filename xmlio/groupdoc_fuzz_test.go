package xmlio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer/memstore"
)

// FuzzDecodeCustomerGroups decodes and imports arbitrary documents: no
// panic, only document errors, and whatever an import accepts exports to a
// document that imports back to the same groups.
func FuzzDecodeCustomerGroups(f *testing.F) {
	f.Add([]byte(everyValueKind))
	f.Add(groupDoc(`<customer-group group-id="Everyone"><description>d</description><custom-attributes><custom-attribute attribute-id="a" xml:lang="fi"><value>1</value><value>2</value></custom-attribute></custom-attributes></customer-group>` +
		`<customer-group group-id="x" mode="delete"/><customer-group group-id="s"/><group-assignment group-id="s" customer-no="1"/><group-assignment mode="delete" group-id="s"/>`))
	f.Add(groupDoc(`<customer-group group-id="old"><rule><included-customers><condition-group match-mode="any">` +
		`<date-condition><attribute-path>customer.profile.birthday</attribute-path><operator>is-in-range</operator><date-range><from>1990-01-01</from><to>1999-12-31</to></date-range></date-condition>` +
		`<boolean-condition><attribute-path>customer.registered</attribute-path><operator>is-equal</operator><boolean>true</boolean></boolean-condition>` +
		`</condition-group></included-customers></rule></customer-group>`))
	f.Add(groupDoc(`<customer-group group-id="w"><description>   </description><custom-attributes><custom-attribute attribute-id="a"><value> </value><value>x&#xD;y</value></custom-attribute><custom-attribute attribute-id="b">  </custom-attribute></custom-attributes></customer-group>`))
	f.Add(groupDoc(`<customer-group group-id="n"><membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path> customer.activeData.orderValue </attribute-path><operator>is-in-range</operator><number-range><min>+.5</min><max>007.</max></number-range></condition></condition-group></included-customers></membership-rule></customer-group>`))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		d := NewGroupDecoder(bytes.NewReader(doc), DecodeOptions{Limits: Limits{MaxDepth: 64}})
		for {
			_, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var de *impex.FileError
				if !errors.As(err, &de) {
					t.Fatalf("error is not a *impex.FileError: %v", err)
				}
				break
			}
		}
		ctx := context.Background()
		store := memstore.New(memstore.Options{})
		res, err := ImportGroups(ctx, store, bytes.NewReader(doc), GroupImportOptions{Limits: Limits{MaxDepth: 64}})
		var de *impex.FileError
		if err != nil && !errors.As(err, &de) {
			t.Fatalf("import failed: %v", err)
		}
		if err != nil || !res.Applied {
			return
		}
		var out bytes.Buffer
		if _, err := ExportGroups(ctx, &out, store, GroupExportOptions{}); err != nil {
			t.Fatalf("an imported group does not export: %v", err)
		}
		second := memstore.New(memstore.Options{})
		res, err = ImportGroups(ctx, second, bytes.NewReader(out.Bytes()), GroupImportOptions{})
		if err != nil || res.Report.HasErrors() {
			t.Fatalf("the export does not import: %v %v\n%s", err, res.Report.Issues(), out.Bytes())
		}
		if diff := cmp.Diff(storedGroups(t, store), storedGroups(t, second)); diff != "" {
			t.Fatalf("the round trip changed the groups (-first +second):\n%s", diff)
		}
	})
}

// FuzzDecodeSlots decodes arbitrary documents as slot configurations: no
// panic, only document errors, and references that point at real entries.
func FuzzDecodeSlots(f *testing.F) {
	f.Add([]byte(`<slot-configurations xmlns="` + NSSlot + `"><slot-configuration slot-id="s" context="global" configuration-id="c" assigned-to-site="true"><enabled-flag>true</enabled-flag><customer-groups><customer-group group-id="VIP"/></customer-groups></slot-configuration>` +
		`<slot-configuration-campaign-assignment slot-id="s" context="global" configuration-id="c" campaign-id="k"><qualifiers><customer-groups><customer-group group-id="Loyalty"/></customer-groups></qualifiers></slot-configuration-campaign-assignment></slot-configurations>`))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := DecodeSlots(bytes.NewReader(doc), DecodeOptions{Limits: Limits{MaxDepth: 64}})
		if err != nil {
			var de *impex.FileError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *impex.FileError: %v", err)
			}
		}
		if s == nil {
			t.Fatal("nil Slots")
		}
		refs := s.References()
		for _, r := range refs {
			if r.GroupID == "" || r.Where.Line == 0 {
				t.Fatalf("reference without a group or line: %+v", r)
			}
		}
		if got := len(s.Dangling(nil)); got > len(refs) {
			t.Fatalf("%d dangling of %d references", got, len(refs))
		}
		_ = s.For([]string{"VIP"})
		_ = s.CampaignsFor([]string{"Loyalty"})
	})
}
