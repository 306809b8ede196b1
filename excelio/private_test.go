package excelio_test

import (
	"strings"
	"testing"

	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/internal/benchdata"
	"github.com/impexkit/impex/internal/memtest"
)

// The store keeps values read from a row; it must not keep the row's plain
// identity number in memory with them, as it did while every text of a row
// was part of one string (or of the shared-string table) that the identity
// number was part of too.
func TestAStoredCustomerKeepsNoPlainIdentityNumberInMemory(t *testing.T) {
	row := benchdata.PersonRow(0)
	ssn := row[5].(string)
	store := newStore()
	res, err := importBytes(t, store, workbook(t, "Asiakkaat", benchdata.PersonHeader, row), excelio.ImportOptions{SSNCountry: "FI"})
	if err != nil || res.Created != 1 {
		t.Fatalf("created %d: %v %v", res.Created, err, res.Report.Issues())
	}
	c := snapshot(t, store)[0]
	// The e-mail address is read before the identity number, the external
	// ID after it.
	email, ext := c.Profile.Email, c.Identifiers.ExternalID
	if email == "" || ext == "" {
		t.Fatalf("e-mail %q, external ID %q", email, ext)
	}
	if between := memtest.Span(email, ext); strings.Contains(between, ssn) {
		t.Errorf("the memory from the stored e-mail address to the external ID holds the plain identity number: %q", between)
	}
}
