package langid_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/langid"
)

// Article 1 of the Universal Declaration of Human Rights in the languages
// of the catalogue's academies and their neighbours.
var udhr = map[string]string{
	"en":      "All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and should act towards one another in a spirit of brotherhood.",
	"ru":      "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.",
	"kk":      "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып дүниеге келеді. Адамдарға ақыл-парасат, ар-ождан берілген, сондықтан олар бір-бірімен туыстық, бауырмалдық қарым-қатынас жасаулары тиіс.",
	"be":      "Усе людзі нараджаюцца свабоднымі і роўнымі ў сваёй годнасці і правах. Яны надзелены розумам і сумленнем і павінны ставіцца адзін да аднаго ў духу брацтва.",
	"uk":      "Всі люди народжуються вільними і рівними у своїй гідності та правах. Вони наділені розумом і совістю і повинні діяти у відношенні один до одного в дусі братерства.",
	"sr":      "Сва људска бића рађају се слободна и једнака у достојанству и правима. Она су обдарена разумом и свешћу и треба једни према другима да поступају у духу братства.",
	"sr-Latn": "Sva ljudska bića rađaju se slobodna i jednaka u dostojanstvu i pravima. Ona su obdarena razumom i svešću i treba jedni prema drugima da postupaju u duhu bratstva.",
	"uz":      "Barcha odamlar erkin, qadr-qimmat va huquqlarda teng boʻlib tugʻiladilar. Ular aql va vijdon sohibidirlar va bir-birlariga birodarlarcha munosabatda boʻlishlari zarur.",
	"uz-Cyrl": "Барча одамлар эркин, қадр-қиммат ва ҳуқуқларда тенг бўлиб туғиладилар. Улар ақл ва виждон соҳибидирлар ва бир-бирларига биродарларча муносабатда бўлишлари зарур.",
	"de":      "Alle Menschen sind frei und gleich an Würde und Rechten geboren. Sie sind mit Vernunft und Gewissen begabt und sollen einander im Geist der Brüderlichkeit begegnen.",
	"fr":      "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués de raison et de conscience et doivent agir les uns envers les autres dans un esprit de fraternité.",
	"zh":      "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。",
	"ja":      "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。",
	"ko":      "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다.",
	"ar":      "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا وعليهم أن يعامل بعضهم بعضًا بروح الإخاء.",
}

func TestEachLanguageOfTheDeclaration(t *testing.T) {
	for tag, text := range udhr {
		want, _, _ := strings.Cut(tag, "-")
		if got := langid.Detect(text); got != want {
			t.Errorf("%s: detected %q", tag, got)
		}
		// The same sentence with a quoted name of another script keeps
		// its language.
		if got := langid.Detect(text + " (Smith, Иванов, 张)"); got != want {
			t.Errorf("%s with names: detected %q", tag, got)
		}
	}
}

func TestTooLittleTextIsUnknown(t *testing.T) {
	for _, text := range []string{"", "   ", "12345 — 2025", "AI", "Иванов", "x y z"} {
		if got := langid.Detect(text); got != "" {
			t.Errorf("%q: detected %q, want unknown", text, got)
		}
	}
	// Short Chinese is enough: each character is a word.
	if got := langid.Detect("人工智能"); got != "zh" {
		t.Errorf("人工智能: %q", got)
	}
}

// TestRealTitlesAndAbstracts measures the detector on real records with
// their language given by their source: Zotero's items from CNKI, the
// Russian State Library and eLibrary (title and abstract), and the titles
// of 95 Russian journal articles. Titles are the hard case: short, full
// of Latin abbreviations and numbers.
func TestRealTitlesAndAbstracts(t *testing.T) {
	type sample struct{ want, text string }
	var samples []sample
	dir := catalogtest.SharedPath(t, "corpora", "multilingual")
	for _, name := range []string{"CNKI", "Russian_State_Library", "eLibrary.ru"} {
		raw, err := os.ReadFile(filepath.Join(dir, "zotero-translators-testcases", name+".items.json"))
		if err != nil {
			t.Fatal(err)
		}
		var items []struct{ Title, AbstractNote, Language string }
		if err := json.Unmarshal(raw, &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			want := map[string]string{"zh-CN": "zh", "rus": "ru", "ru": "ru", "eng": "en", "en": "en"}[it.Language]
			if want != "" {
				samples = append(samples, sample{want, it.Title + ". " + it.AbstractNote})
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "ru_scientific_journals", "metadata.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		var a struct{ Title string }
		if err := json.Unmarshal(lines.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		samples = append(samples, sample{"ru", a.Title})
	}
	right, unknown := 0, 0
	for _, s := range samples {
		switch got := langid.Detect(s.text); got {
		case s.want:
			right++
		case "":
			unknown++
		default:
			t.Errorf("detected %q, want %q: %.80s", got, s.want, s.text)
		}
	}
	t.Logf("%d samples: %d right, %d unknown, %d wrong", len(samples), right, unknown, len(samples)-right-unknown)
	if len(samples) < 120 || right*100 < len(samples)*97 {
		t.Errorf("%d of %d right, want at least 97%%", right, len(samples))
	}
}

func BenchmarkDetect(b *testing.B) {
	text := strings.Repeat(udhr["ru"]+" ", 600) // about 100,000 letters: the sample a file gives
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		langid.Detect(text)
	}
}

func FuzzDetect(f *testing.F) {
	for _, text := range udhr {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := langid.Detect(text)
		if got != "" && len(got) != 2 {
			t.Fatalf("%q: not a language code: %q", text, got)
		}
	})
}
