package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// TestFieldMessagesSpeakThePageLanguage: a validation message is said in
// Russian or Chinese with its arguments written as in English; English,
// or a message a language lacks, stays as validation wrote it.
func TestFieldMessagesSpeakThePageLanguage(t *testing.T) {
	w := words(t)
	long := catalog.FieldError{Field: "title", Message: "is 300 characters long; at most 200 are allowed",
		Format: "is %d characters long; at most %d are allowed", Args: []any{300, 200}}
	control := catalog.FieldError{Field: "abstract", Message: "contains the control character U+0007",
		Format: "contains the control character U+%04X", Args: []any{rune(7)}}
	quoted := catalog.FieldError{Field: "date", Message: `"2025-13" must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date`,
		Format: "%q must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date", Args: []any{"2025-13"}}
	unknown := catalog.FieldError{Field: "x", Message: "something new", Format: "something %s", Args: []any{"new"}}
	for _, tc := range []struct {
		lang string
		fe   catalog.FieldError
		want string
	}{
		{"ru", long, "длина 300 символов; допускается не более 200"},
		{"zh", long, "长度为 300 个字符；最多允许 200 个"},
		{"ru", control, "содержит управляющий символ U+0007"},
		{"zh", quoted, `"2025-13" 应为 YYYY、YYYY-MM 或 YYYY-MM-DD 格式的真实日期`},
		{"en", long, long.Message},
		{"ru", unknown, "something new"},
		{"ru", catalog.FieldError{Message: "no format"}, "no format"},
	} {
		if got := w.In(tc.lang).FieldMessage(tc.fe); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.lang, tc.fe.Format, got, tc.want)
		}
	}
}

// TestEveryValidationMessageIsTranslated reads the catalogue's validation
// code for the messages it can give (the formats of fieldErrors.add) and
// asks that Russian and Chinese have each, with a placeholder for each of
// its arguments and none more.
func TestEveryValidationMessageIsTranslated(t *testing.T) {
	w := words(t)
	paths, _ := filepath.Glob(filepath.Join("..", "*.go"))
	verbs := regexp.MustCompile(`%[-+# 0-9]*[a-zA-Z]`)
	placeholders := regexp.MustCompile(`\{(\d+)\}`)
	// messages whose arguments are English text themselves stay English
	english := map[string]bool{"%q %v": true, "%s": true}
	found := 0
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "add" {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			if english[format] {
				return true
			}
			found++
			args := len(verbs.FindAllString(format, -1))
			for _, lang := range []string{"ru", "zh"} {
				if !w.Has(lang, "invalid:"+format) {
					t.Errorf("%s: %s has no message for %q", filepath.Base(path), lang, format)
					continue
				}
				msg := w.In(lang).T("invalid:" + format)
				for _, m := range placeholders.FindAllStringSubmatch(msg, -1) {
					if i, _ := strconv.Atoi(m[1]); i >= args {
						t.Errorf("%s %q: {%d}, but the format has %d arguments", lang, format, i, args)
					}
				}
				if args > 0 && !strings.Contains(msg, "{0}") {
					t.Errorf("%s %q: the message does not show its first argument", lang, format)
				}
			}
			return true
		})
	}
	if found < 40 {
		t.Errorf("only %d messages found in the catalogue's code", found)
	}
}

// TestRoleCode: a role is read from its code or its name in any interface
// language, whatever its case; anything else stays as typed.
func TestRoleCode(t *testing.T) {
	w := words(t)
	for in, want := range map[string]string{"speaker": "speaker", " Докладчик ": "speaker", "报告人": "speaker", "Author": "author",
		"председатель": "chair", "автор": "author", "poet": "poet", "": ""} {
		if got := w.RoleCode(in); got != want {
			t.Errorf("RoleCode(%q) = %q, want %q", in, got, want)
		}
	}
}
