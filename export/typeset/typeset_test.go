package typeset

import (
	"errors"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
)

func testSet(t testing.TB) *Set {
	t.Helper()
	set, err := LoadSet(assets.FS(), FaceFiles{Regular: assets.FontRegular, Bold: assets.FontBold,
		Italic: assets.FontItalic, BoldItalic: assets.FontBoldItalic, CJK: []string{assets.FontCJK, assets.FontCJKFallback, assets.FontHangul}})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// faceRuns are the runs of text in a regular style as "Face:text".
func faceRuns(t *testing.T, s *Set, text string) []string {
	t.Helper()
	runs, err := s.Runs(text, Regular)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range runs {
		out = append(out, r.Face.Name+":"+r.Text)
	}
	return out
}

func TestRunsSwitchFontsByScript(t *testing.T) {
	s := testSet(t)
	got := faceRuns(t, s, "Доклад 张天 on AI: 人工智能。")
	want := []string{"DejaVuSerif:Доклад ", "BousungEG-Light-GB:张天 ", "DejaVuSerif:on AI: ", "BousungEG-Light-GB:人工智能。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("runs %q, want %q", got, want)
	}
	// Kazakh, Uzbek and Serbian letters are in DejaVu
	if err := s.Check("Жұмабаева Әсел, Oʻzbekiston, Ђорђевић"); err != nil {
		t.Error(err)
	}
}

// Simplified Chinese is set in the Song face; what it lacks (traditional
// characters, Japanese shinjitai) falls back to the next CJK face,
// character by character; Hangul is set in the Myeongjo face.
func TestCJKFallsBackFaceByFace(t *testing.T) {
	s := testSet(t)
	got := faceRuns(t, s, "科学院 語言論 栄誉 ひらがな 学院")
	song, sans := "BousungEG-Light-GB:", "DroidSansFallback:"
	want := []string{song + "科学院 ", sans + "語", song + "言", sans + "論 栄", song + "誉 ひらがな 学院"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("runs %q, want %q", got, want)
	}
	if n := len(s.Faces()); n != 7 {
		t.Errorf("%d faces, want 7 (four text, three CJK)", n)
	}
	// Hangul, which neither Chinese face has, in the Myeongjo face
	got = faceRuns(t, s, "한국어 논문 韓國")
	if want := []string{"NanumMyeongjo:한국어 논문 ", sans + "韓國"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Korean runs %q, want %q", got, want)
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
