package validate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// declaredCodes parses the package's source and returns every exported
// constant of type Code with its value, so a code added without a table
// entry or a translation cannot slip through.
func declaredCodes(t *testing.T) map[string]Code {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Code{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for i, name := range vs.Names {
					lit := vs.Values[i].(*ast.BasicLit)
					v, _ := strconv.Unquote(lit.Value)
					out[name.Name] = Code(v)
				}
			}
		}
	}
	return out
}

func TestEveryDeclaredCodeIsListedOnce(t *testing.T) {
	declared := declaredCodes(t)
	if len(declared) < 40 {
		t.Fatalf("found only %d Code constants; is the parser looking at the right files?", len(declared))
	}
	listed := Codes()
	for name, c := range declared {
		if !slices.Contains(listed, c) {
			t.Errorf("%s (%q) is declared but missing from codeList", name, c)
		}
	}
	seen := map[Code]bool{}
	for _, c := range listed {
		if seen[c] {
			t.Errorf("code %q is listed twice", c)
		}
		seen[c] = true
	}
	if len(listed) != len(declared) {
		t.Errorf("codeList has %d codes, the source declares %d", len(listed), len(declared))
	}
}

func TestCodesAreStableLowerCaseStrings(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$`)
	for _, c := range Codes() {
		if !valid.MatchString(string(c)) {
			t.Errorf("code %q is not a dotted lower-case name", c)
		}
		if !c.Known() {
			t.Errorf("Codes() returned %q but Known says it is not", c)
		}
	}
	if Code("no.such-code").Known() {
		t.Error("Known accepts a made-up code")
	}
}

func TestEveryCodeHasAMessageInEveryLanguage(t *testing.T) {
	placeholder := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	known := []string{"{max}", "{min}", "{got}", "{name}", "{expected}", "{country}", "{otherColumn}", "{other}"}
	for _, cat := range catalogs {
		for _, c := range Codes() {
			msg, ok := cat.messages[c]
			if !ok || strings.TrimSpace(msg) == "" {
				t.Errorf("%s: no message for %q", cat.lang, c)
				continue
			}
			for _, p := range placeholder.FindAllString(msg, -1) {
				if !slices.Contains(known, p) {
					t.Errorf("%s: message for %q uses unknown placeholder %s", cat.lang, c, p)
				}
			}
			// Translations must quote the same parameters as English.
			en := placeholder.FindAllString(english.messages[c], -1)
			got := placeholder.FindAllString(msg, -1)
			slices.Sort(en)
			slices.Sort(got)
			if !slices.Equal(en, got) {
				t.Errorf("%s: message for %q has placeholders %v, English has %v", cat.lang, c, got, en)
			}
		}
		for c := range cat.messages {
			if !c.Known() {
				t.Errorf("%s: message for unknown code %q", cat.lang, c)
			}
		}
	}
}

func TestCodesHaveTheirDocumentedSeverity(t *testing.T) {
	warnings := []Code{CodeSSNTemporary, CodeGenerateIgnored, CodeGroupAssignmentRefused, CodeSystemGroupAssignmentRefused, CodeAssignmentInGroupFile, CodeReadOnly, CodeNoRows, CodeSSNRemoved,
		CodeNumberCell, CodeDateCell}
	for _, c := range Codes() {
		want := Error
		if slices.Contains(warnings, c) {
			want = Warning
		}
		if got := c.Severity(); got != want {
			t.Errorf("%q.Severity() = %s, want %s", c, got, want)
		}
	}
	if got := Code("unknown").Severity(); got != Error {
		t.Errorf("an unknown code's severity = %s, want error", got)
	}
}

func TestLanguagesAreMatchedWithEnglishAsDefault(t *testing.T) {
	tests := []struct {
		tag  string
		want string
	}{
		{"en", "required for a new customer"},
		{"en-GB", "required for a new customer"},
		{"fi", "pakollinen uudelle asiakkaalle"},
		{"fi-FI", "pakollinen uudelle asiakkaalle"},
		{"sv", "obligatoriskt för en ny kund"},
		{"sv-FI", "obligatoriskt för en ny kund"},
		{"de", "required for a new customer"},
		{"nb", "required for a new customer"},
		{"und", "required for a new customer"},
	}
	for _, tt := range tests {
		t.Run("picks the right catalog for "+tt.tag, func(t *testing.T) {
			got := New(CodeRequiredForNew, Where{}).Message(Language(tt.tag))
			if got != tt.want {
				t.Errorf("Message(%s) = %q, want %q", tt.tag, got, tt.want)
			}
		})
	}
	if got := Languages(); !slices.Equal(got, []Language{English, Finnish, Swedish}) {
		t.Errorf("Languages() = %v", got)
	}
}

func TestTemplatesFillTheirParameters(t *testing.T) {
	tests := []struct {
		name string
		code Code
		p    Params
		lang Language
		want string
	}{
		{"fills max and got", CodeTooLong, Params{Max: 300, Got: 312}, English, "too long: at most 300 characters, found 312"},
		{"fills max and got in Finnish", CodeTooLong, Params{Max: 300, Got: 312}, Finnish, "liian pitkä: enintään 300 merkkiä, nyt 312"},
		{"names the other row of a duplicate", CodeDuplicateInFile, Params{Name: "email", OtherRow: 7}, English, "the same email is also on row 7"},
		{"names the other row in Finnish with its case ending", CodeDuplicateInFile, Params{Name: "email", OtherRow: 7}, Finnish, "sama email on myös rivillä 7"},
		{"names the other record in Swedish", CodeDuplicateInFile, Params{Name: "login", OtherRecord: 3}, Swedish, "samma login finns också i post 3"},
		{"keeps the country in parentheses", CodeSSNFormat, Params{Country: "SE"}, English, "not in the format of a national identity number (SE)"},
		{"drops empty parentheses", CodeSSNFormat, Params{}, English, "not in the format of a national identity number"},
		{"renders an unknown code as itself", Code("future.code"), Params{}, English, "future.code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Issue{Code: tt.code, Params: tt.p}).Message(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := Template(CodeTooLong, Swedish); got != "för lång: högst {max} tecken, nu {got}" {
		t.Errorf("Template = %q", got)
	}
}
