package typeset

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
)

func testSet(t testing.TB) *Set {
	t.Helper()
	face := func(name, path string) *Face {
		data, err := fs.ReadFile(assets.FS(), path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := NewFace(name, data)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	return NewSet(face("serif", assets.FontRegular), face("serif-bold", assets.FontBold), face("serif-italic", assets.FontItalic), face("cjk", assets.FontCJK))
}

func TestRunsSwitchFontsByScript(t *testing.T) {
	s := testSet(t)
	runs, err := s.Runs("Доклад 张天 on AI: 人工智能。", Regular)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, r.Face.Name+":"+r.Text)
	}
	want := []string{"serif:Доклад ", "cjk:张天 ", "serif:on AI: ", "cjk:人工智能。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("runs %q, want %q", got, want)
	}
	// Kazakh, Uzbek and Serbian letters are in DejaVu
	if err := s.Check("Жұмабаева Әсел, Oʻzbekiston, Ђорђевић"); err != nil {
		t.Error(err)
	}
}

func TestMissingGlyphIsAnError(t *testing.T) {
	s := testSet(t)
	_, err := s.Runs("Cuneiform 𒀀 sign", Regular)
	var missing *MissingGlyphError
	if !errors.As(err, &missing) || missing.Rune != '𒀀' {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "U+12000") {
		t.Errorf("message %q", err)
	}
	if err := s.Check("a 𒀀"); err == nil {
		t.Error("Check passed a character no font has")
	}
}

func lineTexts(lines []Line) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.Text())
	}
	return out
}

func TestLayoutBreaksAtSpacesWithoutHyphens(t *testing.T) {
	s := testSet(t)
	text := "Международные надзорные механизмы в области защиты прав человека и их эффективность"
	lines, err := s.Layout(text, Regular, 10, 150)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 3 {
		t.Fatalf("%d lines: %q", len(lines), lineTexts(lines))
	}
	if strings.Join(lineTexts(lines), " ") != text {
		t.Errorf("lines do not join back to the text: %q", lineTexts(lines))
	}
	for _, l := range lines {
		if l.Width > 150.0001 {
			t.Errorf("line %q is %.2f wide", l.Text(), l.Width)
		}
		if strings.HasSuffix(l.Text(), "-") {
			t.Errorf("hyphenated: %q", l.Text())
		}
	}
}

func TestLayoutBreaksChineseBetweenCharactersKeepingPunctuation(t *testing.T) {
	s := testSet(t)
	text := "中俄人工智能联合实验室共建协议，旨在推动双方在大模型训练、超级计算与数据安全方面的合作。"
	lines, err := s.Layout(text, Regular, 10, 45)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) < 2 || strings.Join(lineTexts(lines), "") != text {
		t.Fatalf("lines %q", lineTexts(lines))
	}
	for _, l := range lines {
		first := []rune(l.Text())[0]
		if strings.ContainsRune(noStart, first) {
			t.Errorf("line starts with closing punctuation: %q", l.Text())
		}
		if l.Width > 45.0001 {
			t.Errorf("line %q is %.2f wide", l.Text(), l.Width)
		}
	}
}

func TestLayoutMixedScriptsAndLongWords(t *testing.T) {
	s := testSet(t)
	lines, err := s.Layout("ID 10.1000/xyz123456789012345678901234567890 张天 Zhang", Regular, 10, 30)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Width > 30.0001 {
			t.Errorf("line %q is %.2f wide", l.Text(), l.Width)
		}
		for i := 1; i < len(l.Pieces); i++ {
			if l.Pieces[i].X < l.Pieces[i-1].X+l.Pieces[i-1].Width-1e-9 {
				t.Errorf("pieces overlap on %q", l.Text())
			}
		}
	}
	joined := strings.ReplaceAll(strings.Join(lineTexts(lines), ""), " ", "")
	if joined != "ID10.1000/xyz123456789012345678901234567890张天Zhang" {
		t.Errorf("text lost: %q", lineTexts(lines))
	}
}
