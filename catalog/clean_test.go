package catalog

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestCleanImportedMendsWhatToolsWrite: the identifiers and dates real
// exports carry (Scopus, EndNote, CNKI, Better BibTeX, GB/T 7714 examples)
// are mended or left out with a warning, never refusing the record;
// Annals' own form of an impossible date is left for validation.
func TestCleanImportedMendsWhatToolsWrite(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       Record
		want     Record
		warnings []string // fields warned about
	}{
		{"Scopus ISSN with its label", Record{Identifiers: Identifiers{ISSN: "23993642 (ISSN)"}},
			Record{Identifiers: Identifiers{ISSN: "2399-3642"}}, nil},
		{"EndNote glued ISSNs", Record{Identifiers: Identifiers{ISSN: "1932-84941932-8486"}},
			Record{Identifiers: Identifiers{ISSN: "1932-8494", OtherISSNs: []string{"1932-8486"}}}, nil},
		{"the same ISSN twice", Record{Identifiers: Identifiers{ISSN: "0021-3624, 0021-3624"}},
			Record{Identifiers: Identifiers{ISSN: "0021-3624"}}, nil},
		{"CNKI: an ISSN in the ISBN field", Record{Identifiers: Identifiers{ISBN: "1000-8713"}},
			Record{Identifiers: Identifiers{ISSN: "1000-8713"}}, []string{"identifiers.isbn"}},
		{"two ISBNs", Record{Identifiers: Identifiers{ISBN: "9783161484100; 0-306-40615-2"}},
			Record{Identifiers: Identifiers{ISBN: "9783161484100", OtherISBNs: []string{"0-306-40615-2"}}}, nil},
		{"PubMed ids as links", Record{Identifiers: Identifiers{PMID: "https://pubmed.ncbi.nlm.nih.gov/31452104/", PMCID: "6711212", ArXiv: "arXiv:2101.00001v2", Handle: "hdl:10568/12345"}},
			Record{Identifiers: Identifiers{PMID: "31452104", PMCID: "PMC6711212", ArXiv: "2101.00001v2", Handle: "10568/12345"}}, nil},
		{"not a PMID", Record{Identifiers: Identifiers{PMID: "PMID pending"}}, Record{}, []string{"identifiers.pmid"}},
		{"a DOI as a link", Record{Identifiers: Identifiers{DOI: "https://doi.org/10.1371/journal.pone.0123456"}},
			Record{Identifiers: Identifiers{DOI: "10.1371/journal.pone.0123456"}}, nil},
		{"not a DOI", Record{Identifiers: Identifiers{DOI: "n/a"}}, Record{}, []string{"identifiers.doi"}},
		{"not an ISBN", Record{Identifiers: Identifiers{ISBN: "ISBN unknown"}}, Record{}, []string{"identifiers.isbn"}},
		{"a date with a time", Record{Date: "2016-01-01T00:00:00"}, Record{Date: "2016-01-01"}, nil},
		{"a date with its Chinese calendar", Record{Date: "1887（光绪十三年三月十三日）"},
			Record{Date: "1887", Note: "Date as given: 1887（光绪十三年三月十三日）"}, []string{"date"}},
		{"a date with slashes", Record{Date: "2007/06/04/", Note: "Old note."},
			Record{Date: "2007-06-04", Note: "Old note.\nDate as given: 2007/06/04/"}, []string{"date"}},
		{"no date at all", Record{Date: "n.d."}, Record{Note: "Date as given: n.d."}, []string{"date"}},
		{"Annals' form, impossible: validation's", Record{Date: "2025-02-30"}, Record{Date: "2025-02-30"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.in
			warn := CleanImported(&r)
			var fields []string
			for _, w := range warn {
				fields = append(fields, w.Field)
			}
			if !reflect.DeepEqual(r.Identifiers, tc.want.Identifiers) || r.Date != tc.want.Date || r.Note != tc.want.Note ||
				strings.Join(fields, " ") != strings.Join(tc.warnings, " ") {
				t.Errorf("got %+v %q %q, warnings %v; want %+v %q %q, warnings on %v", r.Identifiers, r.Date, r.Note, warn,
					tc.want.Identifiers, tc.want.Date, tc.want.Note, tc.warnings)
			}
		})
	}
}

// TestIDFromKey: other tools' keys make the same id every time.
func TestIDFromKey(t *testing.T) {
	for key, want := range map[string]string{"Li2020": "li2020", "gbt7714.7.1.1:11": "gbt7714.7.1.1-11", "Doe 2020 (a)": "doe-2020-a",
		"tolkien:single": "tolkien-single", "Иванов2020": "", "张三": "", ":::": "", "": "", "a--b": "a--b"} {
		if got := IDFromKey(key); got != want {
			t.Errorf("IDFromKey(%q) = %q, want %q", key, got, want)
		}
	}
}

// TestValidIDIsItsPattern: ValidID, read byte by byte, says what the
// pattern ^[a-z0-9][a-z0-9._-]{0,127}$ says, on ids made of the letters
// that matter.
func TestValidIDIsItsPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,127}$`)
	alphabet := []byte("az09._-A:é ")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, id := range []string{strings.Repeat("a", 128), strings.Repeat("a", 129), "a-", "-a", "0", ""} {
		if ValidID(id) != pattern.MatchString(id) {
			t.Errorf("ValidID(%q) = %v", id, ValidID(id))
		}
	}
	for range 20000 {
		b := make([]byte, rng.IntN(132))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		id := string(b)
		if ValidID(id) != pattern.MatchString(id) {
			t.Fatalf("ValidID(%q) = %v, the pattern says %v", id, ValidID(id), !ValidID(id))
		}
		if got := IDFromKey(id); got != "" && !pattern.MatchString(got) {
			t.Fatalf("IDFromKey(%q) = %q, not an id", id, got)
		}
	}
}
