package xmlio

import (
	"context"
	"errors"
	"io"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// assignments applies the document's group-assignment elements, starting
// with im.pending, once the customers are written. Nothing is applied when
// the customers' import stopped early or, under impex.AllOrNothing, rejected a
// record. It returns a document error or a repository failure.
func (im *importer) assignments(ctx context.Context) error {
	if im.res.Stopped || im.opts.Policy == impex.AllOrNothing && im.res.Rejected > 0 {
		return nil
	}
	ga := im.pending
	for {
		if ga != nil {
			im.res.Assignments.Read++
			if err := im.assign(ctx, ga); err != nil {
				return pipeline.Fatal(ctx, ga.Where, err)
			}
		}
		rec, err := im.dec.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		// A customer after the assignments breaks the schema's order; the
		// decoder has reported it, and it is not applied.
		ga, _ = rec.(*GroupAssignment)
	}
}

// assign applies one group-assignment. Problems are issues; the error is
// for a repository that could not be asked.
func (im *importer) assign(ctx context.Context, ga *GroupAssignment) error {
	counts := &im.res.Assignments
	rep := &im.res.Report
	reject := func(is validate.Issue) {
		counts.Rejected++
		rep.Add(is)
	}
	rep.Add(ga.Issues...)
	if validate.AnyError(ga.Issues) {
		counts.Rejected++
		return nil
	}
	if im.groups == nil { // a store without groups has none to assign to
		counts.Refused++
		rep.Add(validate.New(validate.CodeGroupUnknown, ga.Where).WithParams(validate.Params{Name: ga.GroupID}).AsWarning())
		return nil
	}
	var cust *customer.Customer
	if ga.CustomerNo != "" {
		c, err := im.repo.ByNumber(ctx, im.list, ga.CustomerNo)
		if errors.Is(err, customer.ErrNotFound) {
			reject(unknownCustomer(ga.Where, "customerNo", ga.CustomerNo))
			return nil
		}
		if err != nil {
			return err
		}
		cust = c
	}
	if ga.GroupID != "" {
		k, err := im.groupKind(ctx, ga.GroupID)
		if err != nil {
			return err
		}
		switch k {
		case 0:
			reject(validate.New(validate.CodeGroupUnknown, ga.Where).WithParams(validate.Params{Name: ga.GroupID}))
			return nil
		case groups.Static:
		default:
			counts.Refused++
			rep.Add(validate.New(refusedCode(k), ga.Where).WithParams(validate.Params{Name: ga.GroupID}).AsWarning())
			return nil
		}
	}
	var ops []groups.Op
	switch {
	case !ga.Delete:
		if !cust.InGroup(ga.GroupID) {
			ops = append(ops, groups.Assign(ga.GroupID, cust.ID))
		}
	case cust != nil && ga.GroupID != "":
		if cust.InGroup(ga.GroupID) {
			ops = append(ops, groups.Unassign(ga.GroupID, cust.ID))
		}
	case cust != nil:
		for _, g := range cust.Groups {
			k, err := im.groupKind(ctx, g)
			if err != nil {
				return err
			}
			if k == groups.Static || k == 0 {
				ops = append(ops, groups.Unassign(g, cust.ID))
			}
		}
	default:
		return im.unassignAll(ctx, ga)
	}
	if len(ops) == 0 {
		counts.Unchanged++
		return nil
	}
	return im.writeGroups(ctx, ga, ops)
}

// unassignAll removes every customer of the list from group ga.GroupID, in
// batches.
func (im *importer) unassignAll(ctx context.Context, ga *GroupAssignment) error {
	size := im.opts.BatchSize
	if size <= 0 {
		size = impex.DefaultBatchSize
	}
	var ops []groups.Op
	n := 0
	for c, err := range im.repo.List(ctx, customer.Filter{Group: ga.GroupID, Lists: []string{im.list}}) {
		if err != nil {
			return err
		}
		ops = append(ops, groups.Unassign(ga.GroupID, c.ID))
		n++
		if len(ops) == size {
			if err := im.writeGroups(ctx, ga, ops); err != nil {
				return err
			}
			ops = ops[:0]
		}
	}
	if n == 0 {
		im.res.Assignments.Unchanged++
		return nil
	}
	if len(ops) > 0 {
		return im.writeGroups(ctx, ga, ops)
	}
	return nil
}

// writeGroups applies the operations of one assignment (all or nothing)
// and counts them; in a dry run it only counts.
func (im *importer) writeGroups(ctx context.Context, ga *GroupAssignment, ops []groups.Op) error {
	if !im.opts.DryRun {
		err := im.groups.WriteGroups(ctx, ops)
		switch {
		case err == nil:
		case errors.Is(err, customer.ErrNotFound) || errors.Is(err, groups.ErrNotFound) || errors.Is(err, groups.ErrNotStatic):
			im.res.Assignments.Rejected++
			im.res.Report.Add(validate.New(validate.CodeWriteFailed, ga.Where).WithParams(validate.Params{Name: err.Error()}))
			return nil
		default:
			return err
		}
	}
	for _, op := range ops {
		if op.Kind == groups.OpAssign {
			im.res.Assignments.Assigned++
		} else {
			im.res.Assignments.Removed++
		}
	}
	return nil
}

// refusedCode is the warning of an assignment to a group of kind k, which
// is not static: its members are computed, by its rule or by the platform.
func refusedCode(k groups.Kind) validate.Code {
	if k == groups.System {
		return validate.CodeSystemGroupAssignmentRefused
	}
	return validate.CodeGroupAssignmentRefused
}
