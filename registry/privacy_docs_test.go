package registry

import (
	"os"
	"strings"
	"testing"
)

// TestPrivacyDocsListEveryPersonalColumn: docs/privacy.md (the register of
// processing activities) names every column that holds something about
// people.
func TestPrivacyDocsListEveryPersonalColumn(t *testing.T) {
	for _, doc := range []string{"../docs/privacy.md", "../docs/privacy.it.md"} {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range Tables {
			for _, c := range decl.columns(About, UserID, UserIDNull, Name, FreeText, JSON, JSONWithIDs, Key) {
				if !strings.Contains(string(src), "`"+decl.Name+"."+c+"`") {
					t.Errorf("%s does not list `%s.%s`", doc, decl.Name, c)
				}
			}
		}
	}
}
