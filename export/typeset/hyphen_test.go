package typeset

import (
	"os"
	"strings"
	"testing"
)

func loadPatterns(t testing.TB, name string) *Patterns {
	t.Helper()
	data, err := os.ReadFile("../../assets/hyphenation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePatterns(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPatternsHyphenateAsTeXDoes: the English and Russian patterns break
// words where a dictionary does, keeping two letters before a break and
// three (English) or two (Russian) after it.
func TestPatternsHyphenateAsTeXDoes(t *testing.T) {
	en, ru := loadPatterns(t, "hyph_en_US.dic"), loadPatterns(t, "hyph_ru_RU.dic")
	for _, c := range []struct {
		p          *Patterns
		word, want string
	}{
		{en, "hyphenation", "hy-phen-ation"},
		{en, "computer", "com-puter"},
		{en, "proceedings", "pro-ceed-ings"},
		{en, "Academies", "Acad-e-mies"},
		{en, "cat", "cat"},
		{ru, "технический", "тех-ни-че-ский"},
		{ru, "Сибирского", "Си-бир-ско-го"},
		{ru, "лаборатория", "ла-бо-ра-то-рия"},
		{ru, "кот", "кот"},
	} {
		if got := c.p.Hyphenate(c.word); got != c.want {
			t.Errorf("%s: %s, want %s", c.word, got, c.want)
		}
	}
}

// TestLayoutInHyphenates: a justified measure fills its lines by breaking
// words at their hyphenation points; every line fits, only words of the
// language with patterns are broken, and joining the lines gives the text
// back.
func TestLayoutInHyphenates(t *testing.T) {
	set := testSet(t).WithHyphenation(map[string]*Patterns{"ru": loadPatterns(t, "hyph_ru_RU.dic")})
	text := "Исследование посвящено технологическим платформам и лабораториям искусственного интеллекта в регионах Российской Федерации"
	const size, width = 10.0, 150.0
	plain, err := set.Layout(text, Regular, size, width)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := set.LayoutIn("ru-RU", text, Regular, size, width)
	if err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	broken := 0
	for i, l := range lines {
		if l.Width > width+1e-9 {
			t.Errorf("line %d is %.1f wide, more than %v", i, l.Width, width)
		}
		s := l.Text()
		if strings.HasSuffix(s, "-") {
			broken++
			s = strings.TrimSuffix(s, "-")
		} else if i < len(lines)-1 {
			s += " "
		}
		joined.WriteString(s)
	}
	if joined.String() != text {
		t.Errorf("the lines joined give %q", joined.String())
	}
	if broken == 0 || len(lines) > len(plain) {
		t.Errorf("%d words broken; %d lines hyphenated, %d without", broken, len(lines), len(plain))
	}
	if english, _ := set.LayoutIn("en", "Technological platforms and laboratories of artificial intelligence", Regular, size, width); strings.Contains(english[0].Text(), "-") {
		t.Errorf("English broken without English patterns: %q", english[0].Text())
	}
}
