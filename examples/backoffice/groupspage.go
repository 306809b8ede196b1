package main

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// groupRow is a group as the pages show it, its rule as readable lines.
type groupRow struct {
	ID, Name, Description string
	Kind                  groups.Kind
	Rule                  []string
}

func rowOf(g *groups.Group) groupRow {
	return groupRow{ID: g.ID, Name: g.Name, Description: g.Description, Kind: g.Kind, Rule: g.Rule.Lines()}
}

func (a *app) groupsPage(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	var rows []groupRow
	for g, err := range a.store.Groups(r.Context()) {
		if err != nil {
			a.internal(w, ri, err)
			return
		}
		rows = append(rows, rowOf(g))
	}
	a.render(w, http.StatusOK, "groups", pageData{reqInfo: ri, Title: T(ri.Lang, "g.title"), Nav: "groups",
		Data: struct{ Groups []groupRow }{rows}})
}

// previewLimit is how many members a group's page lists.
const previewLimit = 10

type groupData struct {
	Group       groupRow
	Preview     groups.PreviewResult
	Number      string
	Explanation string
}

// groupPage shows a group's rule, a preview of its members (a count over
// the whole store and the first few) and, given a customer number, why
// that customer is or is not a member.
func (a *app) groupPage(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	ctx := r.Context()
	id := r.PathValue("id")
	var all []*groups.Group
	var g *groups.Group
	for x, err := range a.store.Groups(ctx) {
		if err != nil {
			a.internal(w, ri, err)
			return
		}
		all = append(all, x)
		if x.ID == id {
			g = x
		}
	}
	if g == nil {
		a.fail(w, ri, http.StatusNotFound, "e.notFound")
		return
	}
	set, err := groups.NewSet(all, groups.Options{Location: time.Local, Now: a.now})
	if err != nil {
		a.internal(w, ri, err)
		return
	}
	d := groupData{Group: rowOf(g), Number: strings.TrimSpace(r.URL.Query().Get("customer"))}
	pd := pageData{reqInfo: ri, Title: g.Name, Nav: "groups", Data: &d}
	if d.Preview, err = set.Preview(ctx, a.store, id, groups.PreviewOptions{Limit: previewLimit}); err != nil {
		a.internal(w, ri, err)
		return
	}
	if d.Number != "" {
		c, err := a.store.ByNumber(ctx, "", d.Number)
		switch {
		case errors.Is(err, customer.ErrNotFound):
			pd.Error = T(ri.Lang, "g.noCustomer")
		case err != nil:
			a.internal(w, ri, err)
			return
		default:
			x, err := set.Explain(&groups.Subject{Customer: c}, id)
			if err != nil {
				a.internal(w, ri, err)
				return
			}
			d.Explanation = x.String()
		}
	}
	a.render(w, http.StatusOK, "group", pd)
}
