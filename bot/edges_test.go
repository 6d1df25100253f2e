package bot

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTelegramStaysAtTheEdge fails when a file other than the Telegram
// edge's (bot/telegram*.go) imports the Telegram library: Telegram types
// never reach the core, the registry or the command.
func TestTelegramStaysAtTheEdge(t *testing.T) {
	const lib = "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		seen++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p != lib {
				continue
			}
			rel, _ := filepath.Rel("..", path)
			// The load instrument's bare echo bot is built on the library on
			// purpose: it is what serve is measured against.
			if strings.HasPrefix(rel, filepath.Join("cmd", "tgbench")+string(filepath.Separator)) {
				continue
			}
			if filepath.Dir(rel) != "bot" || !strings.HasPrefix(filepath.Base(rel), "telegram") {
				t.Errorf("%s imports %s: only the Telegram edge (bot/telegram*.go) may", rel, lib)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 30 {
		t.Fatalf("looked at %d files: is the walk right?", seen)
	}
}
