package registry

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// constValues returns the values of the string constants whose names start
// with prefix, declared in the package's non-test files.
func constValues(t *testing.T, prefix string) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, prefix) || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out[id.Name] = v
					}
				}
			}
		}
	}
	return out
}

// TestListsAreComplete checks that Reasons and ProblemCodes hold every
// constant declared, so that a caller ranging over them misses none.
func TestListsAreComplete(t *testing.T) {
	reasons := constValues(t, "Reason")
	if len(reasons) < 10 {
		t.Fatalf("found %d Reason constants, want more: is the parser right?", len(reasons))
	}
	for name, v := range reasons {
		if !slices.Contains(Reasons, Reason(v)) {
			t.Errorf("Reasons lacks %s (%q)", name, v)
		}
	}
	if len(Reasons) != len(reasons) {
		t.Errorf("Reasons has %d entries, there are %d constants", len(Reasons), len(reasons))
	}
	actions := constValues(t, "Action")
	for name, v := range actions {
		if !slices.Contains(Actions, v) {
			t.Errorf("Actions lacks %s (%q)", name, v)
		}
	}
	if len(Actions) != len(actions) {
		t.Errorf("Actions has %d entries, there are %d constants", len(Actions), len(actions))
	}
	probs := constValues(t, "Prob")
	for name, v := range probs {
		if !slices.Contains(ProblemCodes, v) {
			t.Errorf("ProblemCodes lacks %s (%q)", name, v)
		}
	}
	if len(ProblemCodes) != len(probs) {
		t.Errorf("ProblemCodes has %d entries, there are %d constants", len(ProblemCodes), len(probs))
	}
}
