package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
)

// Writes are batches applied all-or-nothing, each put checked against the
// version it was read at.
func Example() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})

	w, err := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{
		Kind: customer.KindPerson, Number: "1001",
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino@example.com"},
	})})
	if err != nil {
		log.Fatal(err)
	}
	c, err := store.ByEmail(ctx, "", "AINO@example.com")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.DisplayName(), "version", c.Version, "ID", w[0].ID)

	stale := c.Clone()
	c.Note = "first writer"
	if _, err := store.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
		log.Fatal(err)
	}
	stale.Note = "second writer"
	_, err = store.Write(ctx, []customer.Op{customer.Put(stale)})
	fmt.Println("stale write refused:", errors.Is(err, customer.ErrConflict))

	_, err = store.ByNumber(ctx, "", "9999")
	fmt.Println("unknown number:", errors.Is(err, customer.ErrNotFound))
	// Output:
	// Aino Virtanen version 1 ID c0000000001
	// stale write refused: true
	// unknown number: true
}

// A new store is empty but for the platform's three system groups, and
// refuses a second customer with a login already taken.
func ExampleNew() {
	ctx := context.Background()
	store := memstore.New(memstore.Options{})
	for g, err := range store.Groups(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("group", g.ID)
	}

	put := func(number string) error {
		_, err := store.Write(ctx, []customer.Op{customer.Put(&customer.Customer{
			Kind: customer.KindPerson, Number: number, Credentials: customer.Credentials{Login: "aino"},
		})})
		return err
	}
	if err := put("1001"); err != nil {
		log.Fatal(err)
	}
	err := put("1002")
	fmt.Println("duplicate login refused:", errors.Is(err, customer.ErrDuplicate), store.Len())
	// Output:
	// group Everyone
	// group Registered
	// group Unregistered
	// duplicate login refused: true 1
}
