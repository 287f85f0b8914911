package catalog

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestValidORCID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0000-0002-1825-0097", true}, // ORCID's own example
		{"0000-0001-5109-3700", true},
		{"0000-0002-1694-233X", true}, // X check digit
		{"0000-0002-1825-0098", false},
		{"0000-0002-1694-2330", false},
		{"0000000218250097", false},
		{"", false},
	} {
		if got := ValidORCID(tc.in); got != tc.want {
			t.Errorf("ValidORCID(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidISBN(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"978-3-16-148410-0", true},
		{"9780306406157", true},
		{"0-306-40615-2", true},
		{"0-8044-2957-X", true},
		{"9780306406158", false},
		{"0-306-40615-3", false},
		{"12345", false},
	} {
		if got := ValidISBN(tc.in); got != tc.want {
			t.Errorf("ValidISBN(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"2025", true}, {"2025-06", true}, {"2025-06-04", true}, {"2024-02-29", true},
		{"2025-02-30", false}, {"2025-02-29", false}, {"2025-13", false}, {"2025-6-4", false},
		{"25", false}, {"2025-06-04T10:00", false}, {"", false},
	} {
		if got := ValidDate(tc.in); got != tc.want {
			t.Errorf("ValidDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestValidLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"en", true}, {"ru", true}, {"zh", true}, {"zh-Hans", true}, {"zh-Hans-CN", true},
		{"sr-Latn", true}, {"sr-Cyrl-RS", true}, {"uz-Latn", true}, {"kk", true}, {"en-US", true},
		{"es-419", true}, {"de-CH-1901", true}, {"en-x-annals", true}, {"yue", true}, {"zh-yue-HK", true},
		{"xx", false}, {"english", false}, {"en-", false}, {"en--US", false}, {"en-ZZ", false},
		{"e", false}, {"en_US!", false}, {"en-a", false},
	} {
		if got := ValidLanguage(tc.in); got != tc.want {
			t.Errorf("ValidLanguage(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalLanguage(t *testing.T) {
	for in, want := range map[string]string{"ZH-hans-cn": "zh-Hans-CN", "sr_latn": "sr-Latn", " ru ": "ru", "en-x-ab": "en-x-ab"} {
		if got := canonicalLanguage(in); got != want {
			t.Errorf("canonicalLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func jinan() *Event {
	return &Event{ID: "jinan-2025", Name: "Conference", Sessions: []Session{{Key: "opening", Title: "Opening"}, {Key: "ai", Title: "AI"}}}
}

func findJinan(id string) (*Event, bool) {
	if id == "jinan-2025" {
		return jinan(), true
	}
	return nil, false
}

func TestValidateRecordReportsEveryField(t *testing.T) {
	r := &Record{
		ID: "Bad ID", Kind: "poster", Status: "secret", Title: "  ", Language: "english",
		Contributors: []Contributor{
			{Family: "Алдошин", Given: "Сергей", ORCID: "0000-0002-1825-0098", Country: "XX"},
			{Given: "only"},
			{Family: "A", Literal: "B"},
		},
		Event: "nowhere", Date: "2025-02-30", Topics: []string{"astrology"},
		Source: Source{OriginalDate: "1887年", EventName: "Another conference", Volume: strings.Repeat("9", 600)},
		Identifiers: Identifiers{DOI: "doi", ISBN: "123", URL: "ftp://x", OtherISBNs: []string{"978-0"}, OtherISSNs: []string{"1234-5679"},
			PMID: "PMID 12", PMCID: "12a", ArXiv: "see paper", Handle: "nothing"},
	}
	NormalizeRecord(r)
	err := ValidateRecord(r, findJinan)
	if ErrorCode(err) != EINVALID {
		t.Fatalf("code = %q, want invalid (%v)", ErrorCode(err), err)
	}
	got := map[string]bool{}
	for _, f := range ErrorFields(err) {
		got[f.Field] = true
	}
	for _, want := range []string{"id", "kind", "status", "title", "language", "contributors[0].orcid",
		"contributors[0].country", "contributors[1].family", "contributors[2]", "event", "date",
		"topics[0]", "identifiers.doi", "identifiers.isbn", "identifiers.url", "original_date", "event_name", "volume",
		"identifiers.other_isbns[0]", "identifiers.other_issns", "identifiers.pmid", "identifiers.pmcid", "identifiers.arxiv",
		"identifiers.handle"} {
		if !got[want] {
			t.Errorf("no error for %s; got %v", want, err)
		}
	}
}

// TestIdentifiersAsPeopleWriteThem: resolver links and prefixes are taken
// off, and the result is valid.
func TestIdentifiersAsPeopleWriteThem(t *testing.T) {
	r := &Record{Kind: KindArticle, Title: "x", Identifiers: Identifiers{PMID: "https://pubmed.ncbi.nlm.nih.gov/31452104/",
		PMCID: "pmc6711212", ArXiv: "arXiv:hep-th/9901001v2", Handle: "https://hdl.handle.net/10568/12345"}}
	NormalizeRecord(r)
	want := Identifiers{PMID: "31452104", PMCID: "PMC6711212", ArXiv: "hep-th/9901001v2", Handle: "10568/12345"}
	if !reflect.DeepEqual(r.Identifiers, want) {
		t.Errorf("got %+v", r.Identifiers)
	}
	if err := ValidateRecord(r, findJinan); err != nil {
		t.Error(err)
	}
}

func TestValidateRecordAcceptsMultilingual(t *testing.T) {
	r := &Record{
		Kind: KindSpeech, Status: StatusPublished, Title: "Приветственное слово", Language: "ru",
		Translations: []Translation{{Language: "en", Title: "Opening address"}, {Language: "zh", Title: "开幕致辞"}},
		Contributors: []Contributor{{Family: "Алдошин", Given: "Сергей Михайлович", Country: "ru",
			ORCID:        "https://orcid.org/0000-0002-1825-0097",
			Translations: []NameTranslation{{Language: "en", Family: "Aldoshin", Given: "Sergey"}}}},
		Event: "jinan-2025", Session: "opening", Date: "2025-06-04", Topics: []string{"Science-Policy"},
		Identifiers: Identifiers{DOI: "https://doi.org/10.1234/ABC"},
	}
	NormalizeRecord(r)
	if err := ValidateRecord(r, findJinan); err != nil {
		t.Fatal(err)
	}
	if r.Contributors[0].Role != RoleSpeaker || r.Contributors[0].Country != "RU" || r.Contributors[0].ORCID != "0000-0002-1825-0097" {
		t.Errorf("contributor not normalised: %+v", r.Contributors[0])
	}
	if r.Identifiers.DOI != "10.1234/ABC" || r.Topics[0] != "science-policy" {
		t.Errorf("not normalised: %q %q", r.Identifiers.DOI, r.Topics)
	}
}

func TestValidateRecordSessionOfEvent(t *testing.T) {
	r := &Record{Kind: KindOther, Title: "x", Event: "jinan-2025", Session: "banquet"}
	NormalizeRecord(r)
	err := ValidateRecord(r, findJinan)
	fields := ErrorFields(err)
	if len(fields) != 1 || fields[0].Field != "session" || !strings.Contains(fields[0].Message, "opening, ai") {
		t.Fatalf("got %v", err)
	}
}

func TestNormalizeJoinsLines(t *testing.T) {
	r := &Record{Kind: KindOther, Title: "Line one\r\nline  two\t end ", Keywords: []string{"a\nb"},
		Contributors: []Contributor{{Family: "中\u3000村", Given: "Sergey\u00a0M."}}}
	NormalizeRecord(r)
	if r.Title != "Line one line two end" || r.Keywords[0] != "a b" {
		t.Errorf("title %q keywords %q", r.Title, r.Keywords)
	}
	if r.Contributors[0].Family != "中\u3000村" || r.Contributors[0].Given != "Sergey\u00a0M." {
		t.Errorf("non-ASCII spaces changed: %q %q", r.Contributors[0].Family, r.Contributors[0].Given)
	}
}

func TestValidateRecordControlCharacters(t *testing.T) {
	r := &Record{Kind: KindOther, Title: "bell\x07", Abstract: "two\nlines"}
	NormalizeRecord(r)
	fields := ErrorFields(ValidateRecord(r, findJinan))
	if len(fields) != 1 || fields[0].Field != "title" {
		t.Fatalf("got %v", fields)
	}
}

func TestValidateEvent(t *testing.T) {
	e := &Event{Name: "", Start: "2025-06-06", End: "2025-06-04",
		Sessions: []Session{{Key: "Opening Ceremony", Title: "x"}, {Key: "ai"}, {Key: "ai", Title: "y"}}}
	NormalizeEvent(e)
	fields := ErrorFields(ValidateEvent(e))
	got := map[string]bool{}
	for _, f := range fields {
		got[f.Field] = true
	}
	for _, want := range []string{"name", "end", "sessions[0].key", "sessions[1].title", "sessions[2].key"} {
		if !got[want] {
			t.Errorf("no error for %s; got %v", want, fields)
		}
	}
}

func TestNewID(t *testing.T) {
	id := NewID("record", "Opening Address: Science & Cooperation!")
	if !strings.HasPrefix(id, "opening-address-science-cooperation-") || !ValidID(id) {
		t.Errorf("NewID = %q", id)
	}
	id = NewID("record", "中俄人工智能联合实验室")
	if !strings.HasPrefix(id, "record-") || !ValidID(id) {
		t.Errorf("NewID for Chinese title = %q", id)
	}
	if a, b := NewID("x", "same"), NewID("x", "same"); a == b {
		t.Error("two ids for the same title collide")
	}
}

func TestErrorHelpers(t *testing.T) {
	err := Errorf(ENOTFOUND, "no record %q", "x")
	wrapped := errors.Join(errors.New("context"), err)
	if ErrorCode(wrapped) != ENOTFOUND || ErrorMessage(wrapped) != `no record "x"` {
		t.Errorf("got %q %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	plain := errors.New("disk on fire")
	if ErrorCode(plain) != EINTERNAL || ErrorMessage(plain) != "Internal error." {
		t.Error("internal errors must not leak their text")
	}
}

func TestDiffDocuments(t *testing.T) {
	ch, err := DiffDocuments([]byte(`{"title":"a","date":"2025","version":1}`), []byte(`{"title":"b","date":"2025","version":2,"pages":"3"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch) != 2 || ch[0].Field != "pages" || ch[1].Field != "title" || string(ch[1].Before) != `"a"` {
		t.Errorf("got %+v", ch)
	}
}

func TestRoles(t *testing.T) {
	if !RoleAdmin.AtLeast(RoleLibrarian) || RoleLibrarian.AtLeast(RoleAdmin) || Role("x").AtLeast(RoleLibrarian) {
		t.Error("role ranking wrong")
	}
	secret, hash := NewTokenSecret()
	if !strings.HasPrefix(secret, "annals_") || string(HashTokenSecret(secret)) != string(hash) {
		t.Error("token secret/hash mismatch")
	}
}

func TestTextControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		bad       bool
	}{
		{"plain Кириллица 中文", false, false},
		{"two\nlines\tand tab", true, false},
		{"two\nlines", false, true},
		{"nul\x00", true, true},
		{"del\x7f", true, true},
		{"c1 \u0085 next line", true, true},
		{"latin-1 é and ¢", false, false}, // 0xC3 0xA9 and 0xC2 0xA2 are not controls
		{"bad \xff utf8", false, true},
	} {
		var fe fieldErrors
		fe.text("f", tc.in, 100, tc.multiline)
		if (len(fe) > 0) != tc.bad {
			t.Errorf("text(%q, multiline=%v) errors = %v, want bad=%v", tc.in, tc.multiline, fe, tc.bad)
		}
	}
	var fe fieldErrors
	fe.text("f", "Шесть", 5, false)
	fe.text("g", "Шестьь", 5, false)
	if len(fe) != 1 || fe[0].Field != "g" {
		t.Errorf("length counts characters, not bytes: %v", fe)
	}
}
