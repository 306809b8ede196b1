package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/impexkit/impex/validate"
)

// Every text the templates and the code ask for is in the English
// catalog, and every English text has a Finnish one: a page never shows a
// key, and a Finnish page is Finnish throughout. Swedish may fall back to
// English.
func TestEveryTextIsTranslated(t *testing.T) {
	keyRefs := []*regexp.Regexp{
		regexp.MustCompile(`\bt \S+ "([a-zA-Z.]+)"`),           // templates: {{t $l "key"}}
		regexp.MustCompile(`\bT\([^,()]+, "([a-zA-Z.]+)"[,)]`), // code: T(lang, "key", ...)
		regexp.MustCompile(`&uploadError\{[^,]+, "([a-zA-Z.]+)"\}`),
		regexp.MustCompile(`"(j\.(?:queued|running|done|failed))"`),
	}
	used := map[string]bool{}
	for _, s := range []State{StateQueued, StateRunning, StateDone, StateFailed} {
		used["j."+string(s)] = true // built with print "j." .State
	}
	var files []string
	tmpl, _ := fs.Glob(templateFS, "templates/*.html")
	files = append(files, tmpl...)
	code, _ := filepath.Glob("*.go")
	for _, f := range code {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	for _, f := range files {
		var b []byte
		var err error
		if filepath.Ext(f) == ".html" {
			b, err = fs.ReadFile(templateFS, f)
		} else {
			b, err = os.ReadFile(f)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range keyRefs {
			for _, m := range re.FindAllSubmatch(b, -1) {
				used[string(m[1])] = true
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; the patterns are out of date", len(used))
	}
	for k := range used {
		if _, ok := catalog[validate.English][k]; !ok {
			t.Errorf("%q is used but not in the English catalog", k)
		}
	}
	for k := range catalog[validate.English] {
		if _, ok := catalog[validate.Finnish][k]; !ok {
			t.Errorf("%q has no Finnish text", k)
		}
	}
	for l, texts := range catalog {
		for k := range texts {
			if _, ok := catalog[validate.English][k]; !ok {
				t.Errorf("%s: %q is not an English key", l, k)
			}
		}
	}
}
