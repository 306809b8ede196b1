package impex_test

import (
	"fmt"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"testing"
)

// TestPublicAPIHidesInternalTypes type-checks every public package of the
// module from its export data and fails on any exported name that shows an
// internal type: an alias of one, or a function, method, field, variable or
// constant whose type mentions one. What go doc shows must be all a user
// needs, and everything it shows must be reachable.
func TestPublicAPIHidesInternalTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the export data of every package")
	}
	packages, imp := exportImporter(t, token.NewFileSet())
	var public []string
	for _, path := range packages {
		if !isInternal(path) && !strings.HasPrefix(path, module+"/examples/") {
			public = append(public, path)
		}
	}
	if len(public) < 6 {
		t.Fatalf("found only %d public packages: %v", len(public), public)
	}
	for _, path := range public {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("importing %s: %v", path, err)
		}
		for _, problem := range internalExposure(pkg) {
			t.Errorf("%s", problem)
		}
	}
}

func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/")
}

// internalExposure lists, sorted, every exported name of pkg whose
// declaration shows a type of an internal package.
func internalExposure(pkg *types.Package) []string {
	var problems []string
	report := func(name, what string, t types.Type) {
		if in := internalIn(t, map[types.Type]bool{}); in != "" {
			problems = append(problems, fmt.Sprintf("%s.%s: %s shows the internal type %s", pkg.Path(), name, what, in))
		}
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.TypeName:
			if obj.IsAlias() {
				report(name, "the alias", obj.Type())
				continue
			}
			named, ok := obj.Type().(*types.Named)
			if !ok {
				continue
			}
			report(name, "the underlying type", named.Underlying())
			for m := range named.Methods() {
				if m.Exported() {
					report(name+"."+m.Name(), "the method", m.Type())
				}
			}
		default:
			report(name, "the declaration", obj.Type())
		}
	}
	sort.Strings(problems)
	return problems
}

// internalIn returns the first internal named type t mentions through its
// exported parts, or "".
func internalIn(t types.Type, seen map[types.Type]bool) string {
	if seen[t] {
		return ""
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		if obj := t.Obj(); obj.Pkg() != nil && isInternal(obj.Pkg().Path()) {
			return obj.Pkg().Path() + "." + obj.Name()
		}
		return internalIn(types.Unalias(t), seen)
	case *types.Named:
		if obj := t.Obj(); obj.Pkg() != nil && isInternal(obj.Pkg().Path()) {
			return obj.Pkg().Path() + "." + obj.Name()
		}
		for a := range t.TypeArgs().Types() {
			if in := internalIn(a, seen); in != "" {
				return in
			}
		}
		return ""
	case *types.Pointer:
		return internalIn(t.Elem(), seen)
	case *types.Slice:
		return internalIn(t.Elem(), seen)
	case *types.Array:
		return internalIn(t.Elem(), seen)
	case *types.Map:
		if in := internalIn(t.Key(), seen); in != "" {
			return in
		}
		return internalIn(t.Elem(), seen)
	case *types.Chan:
		return internalIn(t.Elem(), seen)
	case *types.Signature:
		for _, tuple := range []*types.Tuple{t.Params(), t.Results()} {
			for v := range tuple.Variables() {
				if in := internalIn(v.Type(), seen); in != "" {
					return in
				}
			}
		}
		return ""
	case *types.Struct:
		for f := range t.Fields() {
			if f.Exported() || f.Embedded() {
				if in := internalIn(f.Type(), seen); in != "" {
					return in
				}
			}
		}
		return ""
	case *types.Interface:
		for m := range t.Methods() {
			if m.Exported() {
				if in := internalIn(m.Type(), seen); in != "" {
					return in
				}
			}
		}
		for e := range t.EmbeddedTypes() {
			if in := internalIn(e, seen); in != "" {
				return in
			}
		}
		return ""
	}
	return ""
}

// TestInternalExposureFindsAnAlias proves the walk above against a package
// that exposes internal types in each way it looks for.
func TestInternalExposureFindsAnAlias(t *testing.T) {
	internal := types.NewPackage("example.com/m/internal/core", "core")
	secret := types.NewNamed(types.NewTypeName(0, internal, "Secret", nil), types.Typ[types.Int], nil)
	pkg := types.NewPackage("example.com/m/api", "api")
	scope := pkg.Scope()
	scope.Insert(types.NewTypeName(0, pkg, "Plain", types.Typ[types.String]))
	alias := types.NewTypeName(0, pkg, "Options", nil)
	types.NewAlias(alias, secret)
	scope.Insert(alias)
	field := types.NewField(0, pkg, "Limits", types.NewPointer(secret), false)
	holder := types.NewNamed(types.NewTypeName(0, pkg, "Holder", nil), types.NewStruct([]*types.Var{field}, nil), nil)
	scope.Insert(holder.Obj())
	sig := types.NewSignatureType(nil, nil, nil, nil, types.NewTuple(types.NewVar(0, pkg, "", types.NewSlice(secret))), false)
	scope.Insert(types.NewFunc(0, pkg, "Load", sig))
	got := internalExposure(pkg)
	want := []string{
		"example.com/m/api.Holder: the underlying type shows the internal type example.com/m/internal/core.Secret",
		"example.com/m/api.Load: the declaration shows the internal type example.com/m/internal/core.Secret",
		"example.com/m/api.Options: the alias shows the internal type example.com/m/internal/core.Secret",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("internalExposure =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
