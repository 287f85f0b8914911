package proceedings_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// renderSample writes the sample proceedings to a file.
func renderSample(t *testing.T) (string, *proceedings.Document, proceedings.Stats) {
	t.Helper()
	d := proceedingstest.SampleDocument(t)
	path := filepath.Join(t.TempDir(), "proceedings.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := proceedings.Render(context.Background(), f, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, d, st
}

func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	bin := catalogtest.RequireTool(t, tool, "apt install poppler-utils qpdf")
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// squeeze drops whitespace, so that text wrapped over lines compares with
// the text it came from.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestProceedingsTextHasEveryTitleAndName(t *testing.T) {
	path, d, st := renderSample(t)
	// -raw: in drawing order, hyphens at line ends kept (pdftotext would
	// join "anti-" and "inflammatory")
	text := run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-")
	pages := strings.Split(text, "\f")
	if info := run(t, "pdfinfo", path); !regexp.MustCompile(`(?m)^Pages:\s+` + itoa(st.Pages) + `$`).MatchString(info) {
		t.Errorf("pdfinfo says\n%s\nRender said %d pages", info, st.Pages)
	}
	all := squeeze(text)
	names := 0
	for _, s := range d.Sections {
		for _, r := range s.Records {
			p := st.EntryPages[r.ID]
			if p < 1 || p > len(pages) {
				t.Fatalf("%s: page %d of %d", r.ID, p, len(pages))
			}
			// the entry is on the page the contents give
			if !strings.Contains(squeeze(pages[p-1]), squeeze(r.Title)) {
				t.Errorf("%s: the title %q is not on page %d", r.ID, r.Title, p)
			}
			for _, c := range r.Contributors {
				names++
				if !strings.Contains(all, squeeze(proceedings.DisplayName(c))) {
					t.Errorf("%s: the name %q is not in the text", r.ID, proceedings.DisplayName(c))
				}
			}
		}
	}
	for _, must := range []string{"Алдошин Сергей Михайлович", "张天", "中俄人工智能联合实验室共建协议", "Белорусы в Китае", "Index of contributors"} {
		if !strings.Contains(all, squeeze(must)) {
			t.Errorf("%q is not in the text", must)
		}
	}
	if names < 80 {
		t.Errorf("only %d names checked", names)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestProceedingsFontsOutlineAndStructure(t *testing.T) {
	path, d, st := renderSample(t)
	fonts := run(t, "pdffonts", path)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	var names []string
	for _, row := range rows {
		f := strings.Fields(row)
		if len(f) < 5 || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" {
			t.Errorf("not embedded as a subset: %s", row)
		}
		if _, name, ok := strings.Cut(f[0], "+"); ok {
			names = append(names, name)
		}
	}
	// Latin and Cyrillic in DejaVu Serif, Chinese in the Song face that
	// matches it (AR PL SungtiL GB); the sample needs no fallback face.
	slices.Sort(names)
	if want := []string{"BousungEG-Light-GB", "DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic"}; !slices.Equal(names, want) {
		t.Errorf("fonts %q, want %q:\n%s", names, want, fonts)
	}
	run(t, "qpdf", "--check", path)
	var doc struct {
		Outlines []outline `json:"outlines"`
	}
	if err := json.Unmarshal([]byte(run(t, "qpdf", "--json", "--json-key=outlines", path)), &doc); err != nil {
		t.Fatal(err)
	}
	top := map[string]outline{}
	for _, o := range doc.Outlines {
		top[o.Title] = o
	}
	for _, want := range []string{"Programme", "Contents", "Index of contributors"} {
		if _, ok := top[want]; !ok {
			t.Errorf("no bookmark %q", want)
		}
	}
	lastEntry := 0
	for _, p := range st.EntryPages {
		lastEntry = max(lastEntry, p)
	}
	if got := top["Index of contributors"].Page; got != lastEntry+1 || got > st.Pages {
		t.Errorf("the index bookmark points at page %d; the last entry starts on %d, the last page is %d", got, lastEntry, st.Pages)
	}
	for _, s := range d.Sections {
		o, ok := top[s.Title]
		if !ok {
			t.Errorf("no bookmark for the session %q", s.Title)
			continue
		}
		if len(o.Kids) != len(s.Records) {
			t.Errorf("%s: %d entry bookmarks for %d records", s.Title, len(o.Kids), len(s.Records))
			continue
		}
		for i, r := range s.Records {
			if o.Kids[i].Title != r.Title || o.Kids[i].Page != st.EntryPages[r.ID] {
				t.Errorf("bookmark %q -> page %d; record %q starts on %d", o.Kids[i].Title, o.Kids[i].Page, r.Title, st.EntryPages[r.ID])
			}
		}
	}
}

type outline struct {
	Title string    `json:"title"`
	Page  int       `json:"destpageposfrom1"`
	Kids  []outline `json:"kids"`
}

func TestAnUnprintableCharacterFailsBeforeRendering(t *testing.T) {
	d := proceedingstest.SampleDocument(t)
	rec := &d.Sections[1].Records[0]
	rec.Abstract += " Cuneiform: 𒀀."
	var out bytes.Buffer
	_, err := proceedings.Render(context.Background(), &out, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
	var bad *proceedings.UnprintableError
	if !errors.As(err, &bad) || bad.Record != rec.ID || bad.Field != "abstract" || bad.Err.Rune != '𒀀' {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), rec.ID) || !strings.Contains(err.Error(), "U+12000") {
		t.Errorf("message %q", err)
	}
	if out.Len() != 0 {
		t.Errorf("%d bytes written", out.Len())
	}
}

func TestRenderStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := 0
	_, err := proceedings.Render(ctx, &bytes.Buffer{}, proceedingstest.SampleDocument(t), proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t), Progress: func(n, total int) {
		if done = n; n == 10 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || done != 10 {
		t.Errorf("err %v after %d entries", err, done)
	}
}

func TestArrangeFollowsTheProgramme(t *testing.T) {
	ev := &catalog.Event{ID: "e", Sessions: []catalog.Session{{Key: "b", Title: "B", Order: 2}, {Key: "a", Title: "A", Order: 1}, {Key: "empty", Title: "E", Order: 3}}}
	recs := []catalog.Record{{ID: "3", Session: "b", Date: "2025-06-05"}, {ID: "2", Session: "a"}, {ID: "1", Session: "b", Date: "2025-06-04"}, {ID: "x", Session: "gone"}}
	var got []string
	for _, s := range proceedings.Arrange(ev, recs, "Other") {
		ids := []string{s.Title + ":"}
		for _, r := range s.Records {
			ids = append(ids, r.ID)
		}
		got = append(got, strings.Join(ids, ""))
	}
	if strings.Join(got, " ") != "A:2 B:13 Other:x" {
		t.Errorf("sections %v", got)
	}
}

// TestLongRussianAndChineseAbstractsSurviveLineBreaking sets the real
// eLibrary and CNKI records (long abstracts in Russian and Chinese) and
// finds every word of them in the text poppler extracts.
func TestLongRussianAndChineseAbstractsSurviveLineBreaking(t *testing.T) {
	recs := catalogtest.MultilingualRecords(t)
	d := &proceedings.Document{Title: "Multilingual test records", Sections: proceedings.Arrange(nil, recs, "Records"),
		Style: proceedingstest.Style(t, "china-national-standard-gb-t-7714-2015-numeric")}
	path := filepath.Join(t.TempDir(), "multilingual.pdf")
	f, _ := os.Create(path)
	st, err := proceedings.Render(context.Background(), f, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// -raw keeps the text in the order it was drawn, and keeps hyphens at
	// the ends of lines (without it pdftotext joins "научно-" and
	// "технический"); the running heads and folios of pages that break an
	// abstract are taken out. Russian and English abstracts are hyphenated,
	// so hyphens are left out on both sides: a hyphen put in at a line's
	// end cannot be told from one written there ("научно-технический").
	text := squeeze(run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-"))
	text = regexp.MustCompile(`\d+/`+itoa(st.Pages-st.Front)).ReplaceAllString(text, "")
	text = strings.ReplaceAll(strings.ReplaceAll(text, squeeze(d.Title), ""), "Records", "")
	text = strings.ReplaceAll(text, "-", "")
	checked := 0
	for _, r := range recs {
		for _, s := range []string{r.Title, r.Abstract} {
			if s == "" {
				continue
			}
			checked++
			if want := strings.ReplaceAll(squeeze(s), "-", ""); !strings.Contains(text, want) {
				rs := []rune(want)
				n := 0
				for n < len(rs) && strings.Contains(text, string(rs[:n+1])) {
					n++
				}
				t.Errorf("%s: not found whole in the PDF's text; it goes wrong after %q, at %q", r.ID, string(rs[max(0, n-20):n]), string(rs[n:min(len(rs), n+10)]))
			}
		}
	}
	if checked < 100 || st.Pages >= len(recs) { // entries flow, several to a page
		t.Errorf("%d texts checked, %d pages for %d records", checked, st.Pages, len(recs))
	}
}

// TestEntriesFlowAndKeepTitlesWithTheirAuthors: the sample's 88 entries
// flow several to a page (fewer than half as many pages as with
// OnePerPage), and each entry's title is on the same page as every one of
// its contributors' names.
func TestEntriesFlowAndKeepTitlesWithTheirAuthors(t *testing.T) {
	d := proceedingstest.SampleDocument(t)
	opt := proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)}
	path := filepath.Join(t.TempDir(), "flow.pdf")
	f, _ := os.Create(path)
	st, err := proceedings.Render(context.Background(), f, d, opt)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	one := *d
	one.OnePerPage = true
	var discard bytes.Buffer
	stOne, err := proceedings.Render(context.Background(), &discard, &one, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pages*2 > stOne.Pages {
		t.Errorf("%d pages flowing, %d one per page", st.Pages, stOne.Pages)
	}
	pages := strings.Split(run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-"), "\f")
	for _, s := range d.Sections {
		for _, r := range s.Records {
			page := squeeze(pages[st.EntryPages[r.ID]-1])
			if !strings.Contains(page, squeeze(r.Title)) {
				t.Errorf("%s: the title is not on page %d", r.ID, st.EntryPages[r.ID])
			}
			for _, c := range r.Contributors {
				if name := squeeze(proceedings.DisplayName(c)); !strings.Contains(page, name) {
					t.Errorf("%s: %s is not on the title's page %d", r.ID, name, st.EntryPages[r.ID])
				}
			}
		}
	}
}

// TestTheIndexListsEveryPage: a contributor on 40 entries (one a page) is
// listed in the index with all 40 pages, wrapping, and printed in the
// entries as she writes her name ("Ana Ferreirinha", not "Ferreirinha
// Ana"). (The sample's own Ana Ferreira is merged with her in the index,
// by name: hence a name the sample does not have.)
func TestTheIndexListsEveryPage(t *testing.T) {
	d := proceedingstest.SampleDocument(t)
	d.OnePerPage = true
	ana := catalog.Contributor{Family: "Ferreirinha", Given: "Ana", Country: "PT", Role: catalog.RoleAuthor}
	n := 0
	for i := range d.Sections {
		for j := range d.Sections[i].Records {
			if n < 40 {
				r := &d.Sections[i].Records[j]
				r.Contributors = append(r.Contributors, ana)
				n++
			}
		}
	}
	path := filepath.Join(t.TempDir(), "index.pdf")
	f, _ := os.Create(path)
	st, err := proceedings.Render(context.Background(), f, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-")
	if strings.Contains(text, "Ferreirinha Ana") || !strings.Contains(text, "Ana Ferreirinha") {
		t.Error("the name is not printed as Ana Ferreira")
	}
	pages := strings.Split(text, "\f")
	index := strings.Join(pages[len(pages)-4:], " ")
	at := strings.Index(index, "Ferreirinha, Ana")
	if at < 0 {
		t.Fatalf("no Ferreirinha, Ana in the index:\n%s", index)
	}
	var want []string
	n = 0
	for _, s := range d.Sections {
		for _, r := range s.Records {
			if n < 40 {
				want = append(want, itoa(st.EntryPages[r.ID]-st.Front))
				n++
			}
		}
	}
	// the numbers after the name (a folio "98 / 99" may follow them)
	got := regexp.MustCompile(`^(\s*\d+,)*\s*\d+`).FindString(index[at+len("Ferreirinha, Ana"):])
	if strings.Join(strings.Fields(strings.ReplaceAll(got, ",", " ")), " ") != strings.Join(want, " ") {
		t.Errorf("the index lists %q, want the 40 pages %v", got, want)
	}
}

// TestTheImprintSaysHowToCiteTheVolume: the back of the title page names
// the event, its organisers and what the volume was compiled from, and
// cites the volume in the document's style, published by the organisers.
func TestTheImprintSaysHowToCiteTheVolume(t *testing.T) {
	path, d, _ := renderSample(t)
	imprint := strings.Join(strings.Fields(run(t, "pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"How to cite this volume", "Compiled from the catalogue: 88 entries", d.Event.Organizers[0],
		"Proceedings: International Exchange and Cooperation Conference of Local Academies of Sciences. (2025). " + d.Event.Organizers[0]} {
		if !strings.Contains(imprint, want) {
			t.Errorf("the imprint lacks %q:\n%s", want, imprint)
		}
	}
}

// TestAbstractsAreJustified: the lines of long abstracts (Russian from
// eLibrary) end at the right edge of the measure, all but each
// paragraph's last; before, they were ragged.
func TestAbstractsAreJustified(t *testing.T) {
	recs := catalogtest.MultilingualRecords(t)
	d := &proceedings.Document{Title: "Justified", Sections: proceedings.Arrange(nil, recs, "Records"),
		Style: proceedingstest.Style(t, "apa")}
	path := filepath.Join(t.TempDir(), "justified.pdf")
	f, _ := os.Create(path)
	if _, err := proceedings.Render(context.Background(), f, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	layout := run(t, "pdftotext", "-bbox-layout", "-f", "5", "-l", "30", path, "-")
	flush, lines := 0, 0
	for _, m := range regexp.MustCompile(`<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"`).FindAllStringSubmatch(layout, -1) {
		xMin, _ := strconv.ParseFloat(m[1], 64)
		xMax, _ := strconv.ParseFloat(m[2], 64)
		if xMin > 61 && xMin < 63 && xMax > 300 { // body lines that start at the left margin
			lines++
			if xMax > 595.28-62-1.5 && xMax < 595.28-62+0.5 {
				flush++
			}
		}
	}
	if lines < 100 || flush*2 < lines {
		t.Errorf("%d of %d long lines end at the right margin", flush, lines)
	}
	// Russian and English words are broken with hyphens at the measure:
	// a line that ends in "ла-" and a next that begins "боратория" where the
	// abstracts have "лаборатория" whole.
	var source strings.Builder
	for _, r := range recs {
		source.WriteString(r.Abstract + " ")
		for _, tr := range r.Translations {
			source.WriteString(tr.Abstract + " ")
		}
	}
	raw := run(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-")
	broken := 0
	for _, m := range regexp.MustCompile(`(\p{L}+)-\n(\p{L}+)`).FindAllStringSubmatch(raw, -1) {
		if strings.Contains(source.String(), m[1]+m[2]) && !strings.Contains(source.String(), m[1]+"-"+m[2]) {
			broken++
		}
	}
	if broken < 20 {
		t.Errorf("%d words hyphenated at the ends of lines", broken)
	}
}

// TestFrontMatterIsNumberedInRomanNumerals: the pages before the body
// (cover to contents) are i, ii, iii... and the body's first page is 1, in
// the folios, the contents and the PDF's page labels alike.
func TestFrontMatterIsNumberedInRomanNumerals(t *testing.T) {
	path, d, st := renderSample(t)
	if st.Front < 4 || st.Front >= st.Pages {
		t.Fatalf("%d front pages of %d", st.Front, st.Pages)
	}
	page := func(n int) string { return run(t, "pdftotext", "-f", itoa(n), "-l", itoa(n), path, "-") }
	if last := page(st.Front); !regexp.MustCompile(`(?m)^` + romanOf(st.Front) + `$`).MatchString(last) {
		t.Errorf("the last front page's folio is not %q:\n%s", romanOf(st.Front), last)
	}
	if body := page(st.Front + 1); !strings.Contains(body, "1 / "+itoa(st.Pages-st.Front)) {
		t.Errorf("the first page of the body does not say 1 / %d:\n%s", st.Pages-st.Front, body)
	}
	first := d.Sections[0].Records[0]
	contents := squeeze(page(st.Front-1) + page(st.Front))
	if want := squeeze(first.Title) + itoa(st.EntryPages[first.ID]-st.Front); !strings.Contains(squeeze(run(t, "pdftotext", "-raw", "-f", "1", "-l", itoa(st.Front), path, "-")), want) {
		t.Errorf("the contents do not give %q:\n%.400s", want, contents)
	}
	labels, err := exec.Command("qpdf", "--json", "--json-key=pagelabels", path).Output()
	if l := strings.Join(strings.Fields(string(labels)), ""); err != nil || !strings.Contains(l, `{"index":0,"label":{"/S":"/r"`) ||
		!strings.Contains(l, `{"index":`+itoa(st.Front)+`,"label":{"/S":"/D"`) {
		t.Errorf("page labels: %s %v", labels, err)
	}
}

// romanOf is n in lower-case Roman numerals (up to 39).
func romanOf(n int) string {
	return strings.Repeat("x", n/10) + []string{"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"}[n%10]
}
