package xmlio

import (
	"context"
	"errors"
	"io"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// ExportOptions configure ExportCustomers and ExportCustomerList.
type ExportOptions struct {
	// Filter selects the customers, as the repository's listing does; the
	// zero value selects all of them.
	Filter customer.Filter
	// Groups, when set, is asked for the kind of each group a customer is
	// a member of, and memberships of groups that are not static (any
	// more) are left out. customer.Customer.Groups holds static
	// memberships only, so without it every membership is written.
	Groups groups.Store
}

// ExportCustomers writes the customers of repo that pass opts.Filter to w as
// a customers document (customer.xsd), in the repository's listing order,
// one at a time. The same store gives the same bytes. It returns the number
// of customers written and the first error of the listing or of w.
func ExportCustomers(ctx context.Context, w io.Writer, repo customer.Repository, opts ExportOptions) (int, error) {
	return export(ctx, w, repo, DocCustomers, EncodeOptions{}, opts)
}

// ExportCustomerList writes a customer-list document (customerlist2.xsd):
// list's ID and header settings, then the customers of repo that pass
// opts.Filter, without their group memberships. Set opts.Filter.Lists to
// export one list of a multi-list store. It returns the number of
// customers written and the first error of the listing or of w.
func ExportCustomerList(ctx context.Context, w io.Writer, repo customer.Repository, list customer.ListSettings, opts ExportOptions) (int, error) {
	return export(ctx, w, repo, DocCustomerList, EncodeOptions{List: list}, opts)
}

func export(ctx context.Context, w io.Writer, repo customer.Repository, doc DocumentKind, eo EncodeOptions, opts ExportOptions) (int, error) {
	enc, err := NewEncoder(w, doc, eo)
	if err != nil {
		return 0, err
	}
	var keep func(string) bool
	var kindErr error
	if opts.Groups != nil && doc == DocCustomers {
		kinds := make(map[string]groups.Kind)
		keep = func(id string) bool {
			k, ok := kinds[id]
			if !ok {
				g, err := opts.Groups.Group(ctx, id)
				switch {
				case err == nil:
					k = g.Kind
				case errors.Is(err, groups.ErrNotFound):
					k = groups.Static // a deleted group's memberships stay
				default:
					kindErr = err
				}
				kinds[id] = k
			}
			return k == groups.Static
		}
	}
	n := 0
	for c, err := range repo.List(ctx, opts.Filter) {
		if err != nil {
			return n, err
		}
		if err := enc.writeCustomerGroups(c, keep); err != nil {
			return n, err
		}
		if kindErr != nil {
			return n, kindErr
		}
		n++
	}
	return n, enc.Close()
}
