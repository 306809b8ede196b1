package main

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
)

// pageSize is the customers a page shows.
const pageSize = 50

// filterQuery is the customer filter as the page's form sends it.
type filterQuery struct {
	Search, Kind, Credit, From, To, Group string
}

// errFilter is a filter value the page does not offer.
var errFilter = errors.New("bad filter")

func parseFilterQuery(v url.Values) filterQuery {
	return filterQuery{Search: strings.TrimSpace(v.Get("q")), Kind: v.Get("kind"), Credit: v.Get("credit"),
		From: v.Get("from"), To: v.Get("to"), Group: v.Get("group")}
}

// values returns the query string of q, for links that keep the filter.
func (q filterQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": q.Search, "kind": q.Kind, "credit": q.Credit, "from": q.From, "to": q.To, "group": q.Group} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filter turns the query into the library's filter. Dates are whole days
// in the server's time zone; "updated before" excludes its day.
func (q filterQuery) filter() (customer.Filter, error) {
	f := customer.Filter{Search: q.Search, Group: q.Group}
	switch q.Kind {
	case "":
	case "person":
		f.Kind = customer.KindPerson
	case "company":
		f.Kind = customer.KindCompany
	default:
		return f, fmt.Errorf("%w: kind %q", errFilter, q.Kind)
	}
	switch q.Credit {
	case "":
	case "yes", "no":
		b := q.Credit == "yes"
		f.CreditAllowed = &b
	default:
		return f, fmt.Errorf("%w: credit %q", errFilter, q.Credit)
	}
	for _, d := range []struct {
		name, s string
		dst     *time.Time
	}{{"from", q.From, &f.UpdatedFrom}, {"to", q.To, &f.UpdatedTo}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.s, time.Local)
		if err != nil {
			return f, fmt.Errorf("%w: %s %q", errFilter, d.name, d.s)
		}
		*d.dst = t
	}
	return f, nil
}

// customerRow is one customer as the list shows it: no identity number,
// no password, nothing the list does not need.
type customerRow struct {
	Number, Name, Email, Updated string
	Company, Credit              bool
}

type customersData struct {
	Q          filterQuery
	Export     template.URL // the export of this filter
	Groups     []*groups.Group
	Customers  []customerRow
	Page       int
	Prev, Next template.URL // the neighbouring pages of this filter, when there are some
}

// customersPage lists a page of the customers that pass the filter. The
// listing streams in ID order, so a page is the customers after skipping
// the earlier pages' (the repository has no offset or cursor).
func (a *app) customersPage(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	q := parseFilterQuery(r.URL.Query())
	// The links are built from url.Values, whose encoding is safe in an
	// href; html/template would otherwise escape the query's = and &.
	d := customersData{Q: q, Export: template.URL("/customers/export?" + q.values().Encode()), Page: 1}
	if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && p > 1 && p < 1e6 {
		d.Page = p
	}
	pd := pageData{reqInfo: ri, Title: T(ri.Lang, "nav.customers"), Nav: "customers", Data: &d}
	var err error
	if d.Groups, err = a.staticGroups(r); err != nil {
		a.internal(w, ri, err)
		return
	}
	f, err := q.filter()
	if err != nil {
		pd.Error = T(ri.Lang, "c.badFilter", err)
		a.render(w, http.StatusBadRequest, "customers", pd)
		return
	}
	skip, more := (d.Page-1)*pageSize, false
	for c, err := range a.store.List(r.Context(), f) {
		if err != nil {
			a.internal(w, ri, err)
			return
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(d.Customers) == pageSize {
			more = true
			break
		}
		d.Customers = append(d.Customers, customerRow{Number: c.Number, Name: c.DisplayName(), Email: c.Profile.Email,
			Updated: c.UpdatedAt.Local().Format("2006-01-02 15:04"), Company: c.Kind == customer.KindCompany, Credit: c.Flags.CreditAllowed})
	}
	link := func(page int) template.URL {
		v := q.values()
		v.Set("page", strconv.Itoa(page))
		return template.URL("/customers?" + v.Encode())
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if more {
		d.Next = link(d.Page + 1)
	}
	a.render(w, http.StatusOK, "customers", pd)
}

// staticGroups returns the groups a customer can be filtered by: the
// static ones, whose members the store records.
func (a *app) staticGroups(r *http.Request) ([]*groups.Group, error) {
	var out []*groups.Group
	for g, err := range a.store.Groups(r.Context()) {
		if err != nil {
			return nil, err
		}
		if g.Kind == groups.Static {
			out = append(out, g)
		}
	}
	return out, nil
}

// export streams the ZIP of the two workbooks of the filtered customers
// straight into the response: no temporary file, no buffer of the whole
// archive. A failure after the first byte cannot change the status, so it
// aborts the connection and the browser reports a failed download rather
// than saving a truncated file as if it were whole.
func (a *app) export(w http.ResponseWriter, r *http.Request, ri reqInfo) {
	f, err := parseFilterQuery(r.URL.Query()).filter()
	if err != nil {
		a.fail(w, ri, http.StatusBadRequest, "c.badFilter", err)
		return
	}
	name := "customers-" + a.now().Format("2006-01-02") + ".zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	res, err := excelio.Export(r.Context(), w, a.store, f, excelio.ExportOptions{Now: a.now})
	if err != nil {
		a.logger.Error("export", "user", ri.User, "err", err)
		panic(http.ErrAbortHandler)
	}
	a.logger.Info("export", "user", ri.User, "persons", res.Persons, "companies", res.Companies)
}

// internal logs err and answers 500 without its details.
func (a *app) internal(w http.ResponseWriter, ri reqInfo, err error) {
	a.logger.Error("request", "user", ri.User, "err", err)
	a.fail(w, ri, http.StatusInternalServerError, "e.internal")
}
