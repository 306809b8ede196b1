package customer_test

import (
	"fmt"
	"log"

	"github.com/impexkit/impex/customer"
)

// An SSN is hashed with a key the application supplies; only the hash is
// stored, and after a key rotation old hashes still match.
func ExampleSSNHasher() {
	old, err := customer.NewSSNHasher(customer.SSNKey{ID: "2025", Secret: []byte("an old secret of 32 bytes.......")})
	if err != nil {
		log.Fatal(err)
	}
	stored := old.Hash("131052-308T")

	rotated, err := customer.NewSSNHasher(
		customer.SSNKey{ID: "2026", Secret: []byte("the new secret of 32 bytes......")},
		customer.SSNKey{ID: "2025", Secret: []byte("an old secret of 32 bytes.......")},
	)
	if err != nil {
		log.Fatal(err)
	}
	ok, err := rotated.Match("131052-308T", stored)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("is a hash:", customer.IsSSNHash(stored))
	fmt.Println("still matches after rotation:", ok)
	fmt.Println("made with an older key:", rotated.Stale(stored))
	// Output:
	// is a hash: true
	// still matches after rotation: true
	// made with an older key: true
}

// A Patch gives some fields and leaves the rest alone; a given empty value
// clears its field.
func ExamplePatch() {
	c := &customer.Customer{Kind: customer.KindPerson, Note: "call first",
		Profile: customer.Profile{FirstName: "Aino", Email: "aino@example.com"}}

	var p customer.Patch
	p.Give(customer.FieldFirstName)
	p.Set.Profile.FirstName = "Aino-Maria"
	p.Give(customer.FieldNote) // given, and empty: cleared
	p.Cards = map[int]string{0: "600123451"}

	changed := p.Apply(c)
	fmt.Println(changed, c.Profile.FirstName, c.Profile.Email, fmt.Sprintf("%q", c.Note), c.Identifiers.Cards)
	// Output: true Aino-Maria aino@example.com "" [600123451]
}

// Plain-text passwords are hashed with scrypt at once and verified later.
func ExamplePasswordHasher() {
	h, err := customer.PasswordHasher{LogN: 12}.Hash("correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Scheme, h)
	fmt.Println(customer.VerifyPassword(h, "correct horse battery staple"))
	fmt.Println(customer.VerifyPassword(h, "wrong"))
	// Output:
	// scrypt password hash (scrypt)
	// <nil>
	// password does not match
}
