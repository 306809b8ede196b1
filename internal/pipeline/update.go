package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

// UpdateOnly checks the mode of an import that only sets values on
// existing customers, such as active data: merge and update both mean
// "update what exists", so it returns opts with impex.ModeUpdate, under
// which Run creates nothing. Any other mode is a *impex.FileError wrapping
// impex.ErrMode; what names the import's records in its message.
func UpdateOnly(opts impex.Options, what string) (impex.Options, error) {
	if opts.Mode != impex.ModeMerge && opts.Mode != impex.ModeUpdate {
		return opts, FileError(fmt.Errorf("%w: %s are merged or updated, not %v", impex.ErrMode, what, opts.Mode))
	}
	opts.Mode = impex.ModeUpdate
	return opts, nil
}

// UpdateNumbered returns the Plan of an item that changes the customer
// with number in list: set changes the stored customer and reports
// whether anything changed. A number no customer has rejects the item
// with validate.CodeUnknownCustomer at where, naming field.
func UpdateNumbered(repo customer.Repository, list, number string, where validate.Where, field string,
	set func(*customer.Customer) bool) func(context.Context) (Plan, []validate.Issue, error) {
	return func(ctx context.Context) (Plan, []validate.Issue, error) {
		c, err := repo.ByNumber(ctx, list, number)
		if errors.Is(err, customer.ErrNotFound) {
			return Plan{Action: impex.ActionReject}, []validate.Issue{
				validate.New(validate.CodeUnknownCustomer, where).WithField(field).WithValue(number)}, nil
		}
		if err != nil {
			return Plan{}, nil, err
		}
		if !set(c) {
			return Plan{Action: impex.ActionUnchanged, CustomerID: c.ID}, nil, nil
		}
		return Plan{Action: impex.ActionUpdate, Op: customer.Put(c), CustomerID: c.ID}, nil, nil
	}
}
