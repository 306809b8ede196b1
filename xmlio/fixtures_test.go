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

// xmllint validates doc against the XSD with xmllint --nonet, failing the
// test with xmllint's complaints. Without the schemas or xmllint it skips
// only this step, with a note in the log, so the rest of the test still
// runs (or fails the test when fixtures are required).
func xmllint(tb testing.TB, xsd string, doc []byte) {
	tb.Helper()
	path := filepath.Join(sharedDir, "schemas", "sfcc", xsd)
	if _, err := os.Stat(path); err != nil {
		if requireFixtures() {
			tb.Fatalf("schema %s is missing: %v", path, err)
		}
		tb.Logf("not validated against %s: %v", xsd, err)
		return
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if requireFixtures() {
			tb.Fatalf("xmllint is not installed (Debian: libxml2-utils)")
		}
		tb.Logf("not validated against %s: xmllint is not installed (Debian: libxml2-utils)", xsd)
		return
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
