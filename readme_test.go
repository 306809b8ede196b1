package impex_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	goimporter "go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// readmePrelude declares what the README's snippets take as given: a
// context, a writer, a file, a store, a hasher, feeds and a customer, as
// package variables that a snippet may shadow. Each snippet becomes the
// body of its own function; one that starts with "func " is a declaration
// of its own.
const readmePrelude = `package readme

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

var (
	ctx    context.Context
	w      io.Writer
	f      *os.File
	store  *memstore.Store
	hasher *customer.SSNHasher
	feeds  *activedata.FeedSet
	c      *customer.Customer
)

// mystore stands for the reader's own repository package.
var mystore = struct {
	New func(customer.Constraints, func() time.Time) customer.Repository
}{}
`

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// TestREADMESnippetsCompile type-checks every Go snippet of README.md
// against the module's packages, so that the README cannot drift from the
// API: a renamed function, a changed argument order or a field that no
// longer exists fails here. Unused variables and imports are allowed, as
// snippets show calls whose results the reader would go on to use.
func TestREADMESnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the export data of every package")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllSubmatch(readme, -1)
	if len(blocks) < 4 {
		t.Fatalf("README.md has only %d Go snippets", len(blocks))
	}
	var src strings.Builder
	src.WriteString(strings.Replace(readmePrelude, `"testing"`, "\"testing\"\n\t\"time\"", 1))
	lineOf := map[int]int{} // line in src -> line in README.md
	for i, b := range blocks {
		body := string(b[1])
		readmeLine := bytes.Count(readme[:bytes.Index(readme, b[0])], []byte("\n")) + 2
		if strings.HasPrefix(body, "func ") {
			src.WriteString("\n")
		} else {
			fmt.Fprintf(&src, "\nfunc snippet%d() {\n", i)
		}
		start := strings.Count(src.String(), "\n") + 1
		for j := range strings.Count(body, "\n") {
			lineOf[start+j] = readmeLine + j
		}
		src.WriteString(body)
		if !strings.HasPrefix(body, "func ") {
			src.WriteString("}\n")
		}
	}

	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "README.go", src.String(), 0)
	if err != nil {
		t.Fatalf("README.md's snippets do not parse: %v", remap(err, lineOf))
	}
	_, imp := exportImporter(t, fset)
	conf := types.Config{Importer: imp, Error: func(err error) {
		var te types.Error
		if errors.As(err, &te) && te.Soft && (strings.Contains(te.Msg, "declared and not used") || strings.Contains(te.Msg, "imported and not used")) {
			return
		}
		t.Errorf("README.md: %v", remap(err, lineOf))
	}}
	conf.Check("readme", fset, []*ast.File{file}, nil)
}

// remap rewrites the README.go line numbers in err as README.md's.
func remap(err error, lineOf map[int]int) string {
	return regexp.MustCompile(`README\.go:(\d+)`).ReplaceAllStringFunc(err.Error(), func(m string) string {
		var n int
		fmt.Sscanf(m, "README.go:%d", &n)
		return fmt.Sprintf("line %d", lineOf[n])
	})
}

// module is the path of the module under test.
const module = "github.com/impexkit/impex"

// exportImporter returns the module's packages and an importer of them and
// their dependencies from the export data go list builds.
func exportImporter(t *testing.T, fset *token.FileSet) (packages []string, imp types.Importer) {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{with .Module}}{{.Path}}{{end}}", "./...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	export := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		export[fields[0]] = fields[1]
		if fields[2] == module {
			packages = append(packages, fields[0])
		}
	}
	return packages, goimporter.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := export[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
}
