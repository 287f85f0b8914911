package markup

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Span
	}{
		{"plain", []Span{{"plain", 0}}},
		{"", nil},
		{"Nerve fibres of <i>Xenopus laevis</i>", []Span{{"Nerve fibres of ", 0}, {"Xenopus laevis", Italic}}},
		{"<b>Bold <i>both</i></b> H<sub>2</sub>O m<sup>2</sup>", []Span{{"Bold ", Bold}, {"both", Bold | Italic}, {" H", 0}, {"2", Subscript}, {"O m", 0}, {"2", Superscript}}},
		{`<span style="font-variant:small-caps;">Sc</span> <sc>sc</sc> <span class="nocase">iPhone</span>`,
			[]Span{{"Sc", SmallCaps}, {" ", 0}, {"sc", SmallCaps}, {" ", 0}, {"iPhone", NoCase}}},
		// not closed, not a tag, closed out of order: text
		{"x < y <i>open", []Span{{"x < y <i>open", 0}}},
		{"<em>no</em> <i>a<b>b</i>c</b>", []Span{{"<em>no</em> ", 0}, {"a", Italic}, {"b</i>c", Italic | Bold}}},
	} {
		if got := Parse(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestPlainAndHTML(t *testing.T) {
	in := `Fibres of <i>Xenopus</i> & <script>x</script> in H<sub>2</sub>O, <span class="nocase">iPhone</span> <b>"q"</b>`
	if got, want := Plain(in), `Fibres of Xenopus & <script>x</script> in H2O, iPhone "q"`; got != want {
		t.Errorf("Plain = %q, want %q", got, want)
	}
	if got, want := HTML(in), `Fibres of <i>Xenopus</i> &amp; &lt;script&gt;x&lt;/script&gt; in H<sub>2</sub>O, iPhone <b>&#34;q&#34;</b>`; got != want {
		t.Errorf("HTML = %q, want %q", got, want)
	}
	if !Has(in) || Has("x < y") || Has("<i>open") {
		t.Error("Has is wrong")
	}
}

// allowedHTML are the only tags HTML may write.
var allowedHTML = strings.NewReplacer("<i>", "", "</i>", "", "<b>", "", "</b>", "", "<sup>", "", "</sup>", "", "<sub>", "", "</sub>", "",
	`<span style="font-variant:small-caps;">`, "", "</span>", "")

func FuzzMarkup(f *testing.F) {
	for _, s := range []string{"", "plain", "<i>a</i>", "<b><i>x</b></i>", "a <i>b <sup>2</sup></i> <", `<span class="nocase">X</span>`,
		"<sc>a</sc><sc>", "<i><i>a</i></i>", "</i><i>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans := Parse(s)
		var text strings.Builder
		for _, sp := range spans {
			if sp.Text == "" {
				t.Fatalf("an empty span in %q", s)
			}
			text.WriteString(sp.Text)
		}
		if Plain(s) != text.String() {
			t.Fatalf("Plain(%q) = %q, the spans say %q", s, Plain(s), text.String())
		}
		if h := allowedHTML.Replace(HTML(s)); strings.Contains(h, "<") {
			t.Fatalf("HTML(%q) = %q writes a tag of its own", s, HTML(s))
		}
		depth := 0
		for _, tok := range Tokens(s) {
			switch tok.Kind {
			case Open:
				depth++
			case Close:
				depth--
			}
			if depth < 0 {
				t.Fatalf("Tokens(%q) closes a tag it never opened", s)
			}
		}
		if depth != 0 {
			t.Fatalf("Tokens(%q) leaves %d tags open", s, depth)
		}
		if !strings.Contains(s, "<") && Plain(s) != s {
			t.Fatalf("plain text %q changed", s)
		}
	})
}

// A title of nothing but unclosed tags is read in linear time (each "<"
// once, not the rest of the text for each).
func TestManyUnclosedTags(t *testing.T) {
	s := strings.Repeat("<i>", 200_000) + "x"
	if got := Plain(s); got != s {
		t.Errorf("unclosed tags changed: %d bytes", len(got))
	}
	s = strings.Repeat("<i>a", 100_000) + strings.Repeat("</i>", 100_000)
	if got := Plain(s); got != strings.Repeat("a", 100_000) {
		t.Errorf("nested tags: %q", got[:min(len(got), 20)])
	}
}
