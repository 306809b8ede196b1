package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// Store is what the back office needs of a store: the customers and their
// groups. boltstore and pgstore are both.
type Store interface {
	customer.Repository
	groups.Store
}

// importer runs one job's import against the store with the library.
type importer struct {
	store     Store
	ssn       *customer.SSNHasher
	passwords customer.PasswordHasher // hashes plain passwords in XML documents
	now       func() time.Time
	batchSize int
}

// outcome is what an import did, in the form a job keeps.
type outcome struct {
	res       *impex.Result
	fileError bool
	rejected  []byte // the rejected-rows workbook in the job's language, if any
}

// unknownDocumentError is an XML document of a kind the back office does
// not import (slots, active data, customer-list settings), with its root
// element.
type unknownDocumentError struct{ root string }

func (e *unknownDocumentError) Error() string {
	return "a " + e.root + " document holds no customers or customer groups"
}

// run imports the job's upload. A *impex.FileError is an outcome, not an
// error: the file was read and found unusable, which the uploader is told.
// The error is the store's failure or ctx's end.
func (im *importer) run(ctx context.Context, j *Job, up Upload, progress func(impex.Progress)) (*outcome, error) {
	opts := impex.Options{Mode: j.Mode, Policy: j.Policy, DryRun: j.DryRun, BatchSize: im.batchSize,
		Progress: progress, OnRow: func(impex.RowOutcome) {}} // OnRow keeps the result's memory flat
	var out outcome
	var err error
	switch j.Format {
	case FormatExcel:
		var res *excelio.Result
		res, err = excelio.Import(ctx, im.store, up, up.Size(), excelio.ImportOptions{Options: opts, SSN: im.ssn, Now: im.now})
		out.res = &res.Result
		if err == nil && len(res.RejectedRows()) > 0 {
			var buf bytes.Buffer
			if werr := res.WriteRejected(&buf, excelio.RejectedOptions{Language: j.Lang}); werr != nil {
				return nil, fmt.Errorf("writing the rejected rows: %w", werr)
			}
			out.rejected = buf.Bytes()
		}
	case FormatXML:
		out.res, err = im.runXML(ctx, j, up, opts)
	default:
		return nil, fmt.Errorf("job %s: unknown format %q", j.ID, j.Format)
	}
	var fe *impex.FileError
	var unknown *unknownDocumentError
	switch {
	case errors.As(err, &fe):
		out.fileError = true
		return &out, nil
	case errors.As(err, &unknown):
		out.fileError = true
		out.res.Report.Add(validate.New(validate.CodeXMLRoot, validate.Where{Document: j.FileName}).
			WithParams(validate.Params{Name: unknown.root}))
		return &out, nil
	case err != nil:
		return &out, err
	}
	return &out, nil
}

// runXML imports an SFCC document: customers or a customer list into the
// customers, customer groups into the group store.
func (im *importer) runXML(ctx context.Context, j *Job, up Upload, opts impex.Options) (*impex.Result, error) {
	none := &impex.Result{DryRun: j.DryRun}
	doc, r, err := xmlio.Sniff(up)
	if err != nil {
		var fe *impex.FileError
		if errors.As(err, &fe) {
			none.Report.Add(fe.Issues...)
		}
		return none, err
	}
	switch doc {
	case xmlio.DocCustomerGroups:
		gres, err := xmlio.ImportGroups(ctx, im.store, r, xmlio.GroupImportOptions{Document: j.FileName, DryRun: j.DryRun})
		return &gres.Result, err
	case xmlio.DocCustomerLists, xmlio.DocPaymentInstruments, xmlio.DocSlots, xmlio.DocActiveData:
		return none, &unknownDocumentError{root: doc.Root()}
	}
	// Customers, a customer list, or a root no document has, which the
	// import reports by its name.
	res, err := xmlio.Import(ctx, im.store, r, xmlio.ImportOptions{Options: opts, Document: j.FileName,
		DefaultListID: "default", Hasher: im.passwords})
	return &res.Result, err
}
