// Package benchdata makes the generated files the benchmarks of several
// packages and modules share, so that a figure measured in excelio and one
// measured in customer/pgstore are about the same input.
package benchdata

import (
	"fmt"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// PersonHeader is the header row of the person workbook: 30 columns, the
// ones a back office fills in.
var PersonHeader = []string{"id", "sequenceNumber", "email", "firstName", "lastName", "ssn", "gdprRestricted",
	"customNote", "creditAllowed", "marketingSms", "marketingEmail", "externalId", "phone", "language",
	"customerCard:1", "customerCard:2", "customerCard:3",
	"address:1:id", "address:1:preferred", "address:1:firstName", "address:1:lastName", "address:1:companyName",
	"address:1:address1", "address:1:address2", "address:1:postalCode", "address:1:city", "address:1:stateCode",
	"address:1:countryCode", "address:1:phone", "group:vip"}

// PersonRow is data row i of the person workbook, a new customer with a
// unique number, e-mail, identity number, external ID and two cards.
func PersonRow(i int) []any {
	born := time.Date(1930+(i/800)%70, time.Month(1+(i/56000)%12), 1+(i/672000)%28, 0, 0, 0, 0, time.UTC)
	return []any{"", fmt.Sprint(100000 + i), fmt.Sprintf("person%d@example.fi", i), "Aino", fmt.Sprintf("Virtanen%d", i),
		FinnishSSN(born, 2+i%800), i%7 == 0, "Asiakas soitti\nja kysyi tilauksesta", i%2 == 0, i%3 == 0, i%5 == 0,
		fmt.Sprintf("ext-%d", i), fmt.Sprintf("+35840%07d", i), "fi_FI",
		fmt.Sprintf("6001%08d", i), fmt.Sprintf("6002%08d", i), "",
		"home", true, "Aino", fmt.Sprintf("Virtanen%d", i), "", fmt.Sprintf("Mannerheimintie %d", i%200), "",
		fmt.Sprintf("%05d", i%99999), "Helsinki", "", "FI", "+358401234567", i%4 == 0}
}

// FinnishSSN returns a valid Finnish identity number for a birth date and
// an individual number (2 to 899).
func FinnishSSN(d time.Time, individual int) string {
	sign := "-"
	if d.Year() >= 2000 {
		sign = "A"
	}
	datePart := d.Format("020106")
	n, _ := strconv.Atoi(datePart + fmt.Sprintf("%03d", individual))
	return datePart + sign + fmt.Sprintf("%03d", individual) + string("0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31])
}

// WritePersonWorkbook writes the person workbook of n data rows to path,
// with excelize's StreamWriter.
func WritePersonWorkbook(path string, n int) error {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	header := make([]any, len(PersonHeader))
	for i, h := range PersonHeader {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, PersonRow(i)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}
