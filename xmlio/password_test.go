package xmlio

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/internal/memtest"
	"github.com/impexkit/impex/validate"
)

// A password marked as encrypted must have the form of its scheme: plain
// text, a cut hash or hostile scrypt parameters are row errors that never
// show the value, and a real SFCC hash imports and can be verified.
func TestEncryptedPasswordsMustBeHashes(t *testing.T) {
	const demo = "$s0$b0401$rvu/18rJfLaPIoU760nGrA==$AxXOcPIjdnAMNQ46kGxIJFKheG2iepaA8H5uSZdoPWM=" // SFRA demo data
	tests := []struct {
		name, scheme, value string
		ok                  bool
	}{
		{"plain text labelled scrypt", "scrypt", "Tr0ub4dor-3", false},
		{"a cut scrypt hash", "scrypt", demo[:40], false},
		{"a cut scrypt key that is still base64", "scrypt", "$s0$b0401$rvu/18rJfLaPIoU760nGrA==$AxXOcPIjdnAMNQ46kGxIJFKh", false},
		{"hostile scrypt parameters", "scrypt", "$s0$140810$rvu/18rJfLaPIoU760nGrA==$AxXOcPIjdnAMNQ46kGxIJFKheG2iepaA8H5uSZdoPWM=", false},
		{"plain text labelled md5", "md5", "secret-password", false},
		{"an md5 hash in hex", "md5", "5f4dcc3b5aa765d61d8327deb882cf99", true},
		{"an md5 hash in base64", "md5", "X03MO1qnZdYdgyfeuILPmQ==", true},
		{"plain text with a space labelled s0001", "s0001", "my password", false},
		{"an s0001 token", "s0001", "e3b0c44298fc1c149afbf4c8996fb924", true},
		{"a valid SFRA demo hash", "scrypt", demo, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := memstore.New(memstore.Options{})
			doc := customersDoc(`<customer customer-no="1"><credentials><login>a@example.com</login><password encrypted="true" encryptionScheme="` +
				tc.scheme + `">` + tc.value + `</password></credentials></customer>`)
			res, err := Import(context.Background(), st, strings.NewReader(string(doc)), ImportOptions{Hasher: cheapHasher})
			if err != nil {
				t.Fatal(err)
			}
			if !tc.ok {
				if res.Report.ByCode()[validate.CodePasswordHash] != 1 || st.Len() != 0 {
					t.Fatalf("want one %s issue and nothing stored; got %d stored:\n%s", validate.CodePasswordHash, st.Len(), res.Report.Text(validate.English))
				}
				if text := res.Report.Text(validate.English); !strings.Contains(text, "not a "+tc.scheme+" hash: ") {
					t.Errorf("the message does not name the cause:\n%s", text)
				}
				for _, lang := range []validate.Language{validate.English, validate.Finnish, validate.Swedish} {
					if text := res.Report.Text(lang); strings.Contains(text, tc.value) {
						t.Fatalf("the report shows the value:\n%s", text)
					}
				}
				return
			}
			c, err := st.ByNumber(context.Background(), "", "1")
			if err != nil || c.Credentials.Password.Hash != tc.value {
				t.Fatalf("stored %v, %v; want the hash as given", c, err)
			}
			if tc.scheme == "scrypt" {
				start := time.Now()
				if err := customer.VerifyPassword(c.Credentials.Password, "not the password"); !errors.Is(err, customer.ErrPasswordMismatch) {
					t.Fatalf("VerifyPassword: %v, want ErrPasswordMismatch", err)
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("verifying took %v", d)
				}
			}
		})
	}
}

// A missing or empty encryption scheme is named as such in the message.
func TestMissingSchemeIsNamed(t *testing.T) {
	for attr, want := range map[string]string{
		``:                      "(no encryptionScheme attribute)",
		` encryptionScheme=""`:  `"" (empty)`,
		` encryptionScheme="x"`: `"x"`,
	} {
		doc := customersDoc(`<customer customer-no="1"><credentials><login>a@example.com</login><password encrypted="true"` + attr + `>h</password></credentials></customer>`)
		res, err := Import(context.Background(), memstore.New(memstore.Options{}), strings.NewReader(string(doc)), ImportOptions{Hasher: cheapHasher})
		if err != nil {
			t.Fatal(err)
		}
		if text := res.Report.Text(validate.English); !strings.Contains(text, "unknown password encryption scheme "+want+";") {
			t.Errorf("scheme%s: %s", attr, text)
		}
	}
}

// Importing the same plain-text password and answer again leaves the
// customer unchanged: the stored hashes verify against them, so they are
// kept rather than replaced by new hashes of the same secrets. Another
// password is an update.
func TestTheSamePlainPasswordAgainIsUnchanged(t *testing.T) {
	st := memstore.New(memstore.Options{})
	doc := func(password string) string {
		return string(customersDoc(`<customer customer-no="1"><credentials><login>a@example.com</login>` +
			`<password encrypted="false">` + password + `</password><password-question>pet</password-question>` +
			`<password-answer>Rex</password-answer></credentials></customer>`))
	}
	var first customer.Credentials
	for i, tc := range []struct {
		password string
		want     impex.Counts
	}{
		{"s3cret!", impex.Counts{Read: 1, Valid: 1, Created: 1}},
		{"s3cret!", impex.Counts{Read: 1, Valid: 1, Unchanged: 1}},
		{"other", impex.Counts{Read: 1, Valid: 1, Updated: 1}},
	} {
		res, err := Import(context.Background(), st, strings.NewReader(doc(tc.password)), ImportOptions{Hasher: cheapHasher})
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts != tc.want {
			t.Fatalf("import %d: %+v, want %+v", i+1, res.Counts, tc.want)
		}
		c, err := st.ByNumber(context.Background(), "", "1")
		if err != nil {
			t.Fatal(err)
		}
		if err := customer.VerifyPassword(c.Credentials.Password, tc.password); err != nil {
			t.Fatalf("import %d: the stored password does not verify: %v", i+1, err)
		}
		if i == 0 {
			first = c.Credentials
		} else if c.Credentials.Answer != first.Answer {
			t.Fatalf("import %d: the answer's hash changed", i+1)
		}
	}
}

// The values of a record share blocks of memory (see texts); a plain
// password and answer are hashed at once and must not be in a block with
// values the store keeps, which would keep them in memory as long.
func TestAStoredCustomerKeepsNoPlainPasswordInMemory(t *testing.T) {
	const password, answer = "plain-password-1", "plain-answer-22"
	st := memstore.New(memstore.Options{})
	doc := customersDoc(`<customer customer-no="1"><credentials><login>first@example.com</login>` +
		`<password encrypted="false">` + password + `</password>` +
		`<password-question>Pet?</password-question><password-answer>` + answer + `</password-answer>` +
		`</credentials><profile><first-name>Last</first-name></profile></customer>`)
	res, err := Import(context.Background(), st, strings.NewReader(string(doc)), ImportOptions{Hasher: cheapHasher})
	if err != nil || res.Created != 1 {
		t.Fatalf("created %d: %v\n%s", res.Created, err, res.Report.Text(validate.English))
	}
	c, err := st.ByNumber(context.Background(), "", "1")
	if err != nil {
		t.Fatal(err)
	}
	login, first := c.Credentials.Login, c.Profile.FirstName
	between := memtest.Span(login, first)
	if between == "" || !strings.Contains(between, c.Credentials.Question) {
		t.Fatalf("the login, question and first name are not in one block of memory: the test proves nothing")
	}
	for _, secret := range []string{password, answer} {
		if strings.Contains(between, secret) {
			t.Errorf("the memory from the stored login to the first name holds %q: %q", secret, between)
		}
	}
}
