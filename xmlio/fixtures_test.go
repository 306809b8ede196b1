package xmlio

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// sharedDir is ../shared as seen from this package's directory.
var sharedDir = filepath.Join("..", "..", "shared")

// requireFixtures reports whether missing fixtures or tools must fail the
// tests rather than skip them (CI sets IMPEX_REQUIRE_FIXTURES=1).
func requireFixtures() bool { return os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" }

// skipOrFail skips the test, or fails it when fixtures are required.
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if requireFixtures() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// fixture returns the path of a real SFCC file in ../shared/testdata/sfcc,
// skipping the test when it is absent.
func fixture(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(sharedDir, "testdata", "sfcc", name)
	if _, err := os.Stat(p); err != nil {
		skipOrFail(tb, "fixture %s is missing: %v", p, err)
	}
	return p
}

// schema returns the path of an SFCC XSD, skipping the test when absent.
func schema(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(sharedDir, "schemas", "sfcc", name)
	if _, err := os.Stat(p); err != nil {
		skipOrFail(tb, "schema %s is missing: %v", p, err)
	}
	return p
}

// xmllint validates doc against the XSD with xmllint --nonet, failing the
// test with xmllint's complaints. It skips when xmllint is not installed.
func xmllint(tb testing.TB, xsd string, doc []byte) {
	tb.Helper()
	path := schema(tb, xsd)
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		skipOrFail(tb, "xmllint is not installed (Debian: libxml2-utils)")
	}
	f := filepath.Join(tb.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "--nonet", "--noout", "--schema", path, f)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		msg := out.Bytes()
		if len(msg) > 4000 {
			msg = msg[:4000]
		}
		tb.Fatalf("xmllint --schema %s: %v\n%s", xsd, err, msg)
	}
}
