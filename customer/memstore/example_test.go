package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
)

// Writes are batches applied all-or-nothing, each put checked against the
// version it was read at.
func Example() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})

	w, _ := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{
		Kind: customer.KindPerson, Number: "1001",
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino@example.com"},
	})})
	c, _ := store.ByEmail(ctx, "", "AINO@example.com")
	fmt.Println(c.DisplayName(), "version", c.Version, "ID", w[0].ID)

	stale := c.Clone()
	c.Note = "first writer"
	store.Write(ctx, []customer.Op{customer.Put(c)})
	stale.Note = "second writer"
	_, err := store.Write(ctx, []customer.Op{customer.Put(stale)})
	fmt.Println("stale write refused:", errors.Is(err, customer.ErrConflict))

	_, err = store.ByNumber(ctx, "", "9999")
	fmt.Println("unknown number:", errors.Is(err, customer.ErrNotFound))
	// Output:
	// Aino Virtanen version 1 ID c0000000001
	// stale write refused: true
	// unknown number: true
}
