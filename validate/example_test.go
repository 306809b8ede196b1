package validate_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/impexkit/impex/validate"
)

// Validate a Finnish henkilötunnus. The info says who the number belongs
// to without printing the number itself.
func ExampleNationalID() {
	today := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

	info, code := validate.NationalIDAt("FI", "131052-308T", today)
	fmt.Println(code == "", info.Birthdate.Format(time.DateOnly), info)

	_, code = validate.NationalIDAt("FI", "131052-308U", today)
	fmt.Println(code)

	// Numbers with the century signs added in 2023 work the same way.
	info, code = validate.NationalIDAt("FI", "010516B903X", today)
	fmt.Println(info.Birthdate.Year(), info.Kind, code == "")
	// Output:
	// true 1952-10-13 FI 1952-10-13 personal [redacted]
	// ssn.checksum
	// 2016 temporary true
}

// Build a report while checking rows, then print it in Finnish. The SSN
// in row 3 never appears in the output.
func ExampleReport() {
	var r validate.Report

	r.Add(validate.New(validate.CodeRequiredForNew, validate.Cell("", 2, 3, "lastName")).
		WithField("lastName"))

	if _, code := validate.NationalID("FI", "131052-308U"); code != "" {
		r.Add(validate.New(code, validate.Cell("", 3, 5, "ssn")).
			WithField("ssn").WithValue("131052-308U"))
	}

	r.Add(validate.New(validate.CodeDuplicateInFile, validate.Cell("", 4, 2, "email")).
		WithParams(validate.Params{Name: "email", OtherRow: 2}).
		WithValue("anna@example.fi"))

	r.Add(validate.New(validate.CodeGenerateIgnored, validate.Cell("", 4, 9, "customerCard:1")))

	if err := r.WriteText(os.Stdout, validate.Finnish); err != nil {
		fmt.Println(err)
	}
	fmt.Println(r.ByRow())
	// Output:
	// virhe: rivi 2, sarake D (lastName): pakollinen uudelle asiakkaalle
	// virhe: rivi 3, sarake F (ssn): henkilötunnuksen tarkistusmerkki ei täsmää; tarkista kirjoitusvirheet; arvo [redacted]
	// virhe: rivi 4, sarake C (email): sama email on myös rivillä 2; arvo "anna@example.fi"
	// varoitus: rivi 4, sarake J (customerCard:1): generate() ohitettiin: kortteja luodaan vain uusille asiakkaille ja asiakkaille, joilla ei ole korttia
	// 3 virhettä, 1 varoitus
	// map[2:1 3:1 4:2]
}

// A schema lists a rule per field; the rules chain, normalise, and report
// problems that become issues at the right cell.
func ExampleChain() {
	schema := []validate.Field{
		{Name: "email", Rule: validate.Optional(validate.EmailRule())},
		{Name: "lastName", Rule: validate.Chain(validate.RequiredForNew, validate.SingleLine, validate.MaxLen(validate.MaxXSDString))},
		{Name: "phone", Rule: validate.Optional(validate.PhoneRule("FI"), validate.MaxLen(validate.MaxXSDPhone))},
		{Name: "customNote", Rule: validate.CustomNote()},
	}
	row := []string{"Anna.Virtanen@Example.FI", "", "040 123 4567", "VIP"}

	for col, field := range schema {
		value, issue, ok := field.Check(validate.Cell("", 7, col, field.Name), row[col])
		if !ok {
			fmt.Println(issue)
			continue
		}
		fmt.Printf("%s = %q\n", field.Name, value)
	}
	// Output:
	// email = "Anna.Virtanen@example.fi"
	// row 7, column B (lastName): required for a new customer
	// phone = "+358401234567"
	// customNote = "VIP"
}

// Programs can act on codes: errors.Is finds a code through any wrapping.
func ExampleCode() {
	issue := validate.New(validate.CodeTooLong, validate.Cell("", 5, 4, "customNote")).
		WithParams(validate.Params{Max: 300, Got: 312})
	err := fmt.Errorf("row rejected: %w", issue)

	fmt.Println(errors.Is(err, validate.CodeTooLong))
	fmt.Println(issue.Text(validate.Swedish))
	// Output:
	// true
	// rad 5, kolumn E (customNote): för lång: högst 300 tecken, nu 312
}

func ExampleEmail() {
	show(validate.Email("Matti.Meikalainen@Example.FI"))
	show(validate.Email("matti.example.fi"))
	// Output:
	// "Matti.Meikalainen@example.fi" ""
	// "" "email.no-at"
}

func ExamplePhone() {
	show(validate.Phone("040 123 4567", "FI"))
	show(validate.Phone("+46 (0)70-123 45 67", "FI"))
	show(validate.Phone("040 123 4567", ""))
	// Output:
	// "+358401234567" ""
	// "+46701234567" ""
	// "" "phone.region"
}

func ExampleVAT() {
	show(validate.VAT("fi 0112038-9"))
	show(validate.VAT("NO 974 760 673"))
	show(validate.VAT("SE556012579002"))
	// Output:
	// "FI01120389" ""
	// "NO974760673MVA" ""
	// "" "vat.format"
}

func ExampleExcelSerial() {
	t, code := validate.ExcelSerial(45351.5, false)
	fmt.Println(t, code == "")
	_, code = validate.ExcelSerial(60, false)
	fmt.Println(code)
	// Output:
	// 2024-02-29 12:00:00 +0000 UTC true
	// date
}

func ExampleLocale() {
	show(validate.Locale("en-us"))
	show(validate.LocaleTag("sv_FI"))
	// Output:
	// "en_US" ""
	// "sv-FI" ""
}

// show prints a validator's result quoted, so empty values are visible.
func show(v string, code validate.Code) { fmt.Printf("%q %q\n", v, code) }
