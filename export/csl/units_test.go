package csl

import "testing"

func TestInitials(t *testing.T) {
	for _, tc := range []struct {
		given, with string
		initialize  bool
		want        string
	}{
		{"Сергей Михайлович", ". ", true, "С. М."},
		{"А.В.", ". ", true, "А. В."},
		{"А.В.", ".", true, "А.В."},
		{"Jean-Paul", ". ", true, "J.-P."},
		{"John Quincy", "", true, "JQ"},
		{"John Q", ". ", false, "John Q."},
		{"Ст.преподаватель", ". ", true, "Ст. преподаватель"},
		{"E-mail", ". ", true, "E."},
		{"Әсел", ". ", true, "Ә."},
		{"(бакалавриат)", ". ", true, "(бакалавриат)"},
		// initials typed with their hyphen: kept where the style
		// initialises, normalised to "P. G." where it only normalises (as
		// citeproc-js writes them)
		{"P.-G.", ". ", true, "P.-G."},
		{"P.-G.", ". ", false, "P. G."},
		{"Jean-Paul", ". ", false, "Jean-Paul"},
	} {
		if got := initials(tc.given, tc.with, tc.initialize, true); got != tc.want {
			t.Errorf("initials(%q, %q, %v) = %q, want %q", tc.given, tc.with, tc.initialize, got, tc.want)
		}
	}
	// initialize-with-hyphen="false" (GB/T 7714): a hyphenated name is two
	// initials, spaced as the style spaces initials; a whole name keeps it
	for _, tc := range []struct{ given, with, want string }{
		{"Xiao-Lun", " ", "X L"}, {"Jean-Paul", ".", "J.P."}, {"Jean-Paul", ". ", "J. P."},
	} {
		if got := initials(tc.given, tc.with, true, false); got != tc.want {
			t.Errorf("initials(%q, %q) without hyphens = %q, want %q", tc.given, tc.with, got, tc.want)
		}
	}
	if got := initials("Xiao-Lun", " ", false, false); got != "Xiao-Lun" {
		t.Errorf("a whole hyphenated name: %q", got)
	}
}

// TestUppercaseAsJavaScript: text-case="uppercase" writes ß as SS (GB/T's
// family names: "PREISSINGER"), as citeproc-js does.
func TestUppercaseAsJavaScript(t *testing.T) {
	if got := textCase("Preißinger", "uppercase", "de"); got != "PREISSINGER" {
		t.Errorf("uppercase: %q", got)
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"rare-earth magnets without heavy rare earths": "Rare-Earth Magnets without Heavy Rare Earths",
		"the DNA of iPhones: a study":                  "The DNA of iPhones: A Study",
		"a tale of two cities":                         "A Tale of Two Cities",
		// a single letter joined by a hyphen is a word of its own only
		// when the compound is all lower case (as citeproc-js)
		"surface doses of x-ray beams in b cells": "Surface Doses of X-Ray Beams in b Cells",
		"conference on e-Science":                 "Conference on e-Science",
	} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
	// capitalize-first capitalises the first word with letters
	if got := applyCase("3., aktualisierte Auflage", "capitalize-first", "de"); got != "3., Aktualisierte Auflage" {
		t.Errorf("capitalize-first: %q", got)
	}
	// text marked nocase in the data keeps its case, and counts as a word
	// (the stop word after it stays lower case, as citeproc-js)
	for in, want := range map[string]string{
		`the <span class="nocase">iPhone</span> and ebola`:         "The iPhone and Ebola",
		`<span class="nocase">AI</span> and the future of banking`: "AI and the Future of Banking",
		`aging: <span class="nocase">What We Fear</span> and more`: "Aging: What We Fear and More",
		"release of ibuprofen in β-cyclodextrin":                   "Release of Ibuprofen in β-Cyclodextrin",
	} {
		if got := textCase(richText(in), "title", "en"); plain(got) != want {
			t.Errorf("title case of %q: %q, want %q", in, plain(got), want)
		}
	}
}

func TestPageRanges(t *testing.T) {
	for _, tc := range []struct{ in, format, want string }{
		{"321-28", "expanded", "321–328"},
		{"321-328", "chicago", "321–28"},
		{"101-108", "chicago", "101–8"},
		{"42-45", "minimal", "42–5"},
		{"42-45", "minimal-two", "42–45"},
		{"e9612", "chicago", "e9612"},
		{"15-10", "expanded", "15–10"},
		// as citeproc-js: without a format a short end stays short, and a
		// range from a page to itself is not shortened
		{"1204-22", "", "1204–22"},
		{"1204-1222", "", "1204–1222"},
		{"294-294", "minimal-two", "294–294"},
	} {
		if got := pageRange(tc.in, tc.format, nil); got != tc.want {
			t.Errorf("pageRange(%q, %s) = %q, want %q", tc.in, tc.format, got, tc.want)
		}
	}
}

func TestTypographicQuotes(t *testing.T) {
	for in, want := range map[string]string{
		`Students' work`: "Students’ work",
		`"Газпром", акционерное общество`: "\uE010Газпром\uE011\uE012, акционерное общество",
		`Simple 'title' here`:  "Simple \uE010title\uE011 here",
		`d ' eau`:              "d ’ eau",
		`an "unbalanced quote`: `an "unbalanced quote`,
		`система "Боярские списки XVIII века"`: "система \uE010Боярские списки XVIII века\uE011",
	} {
		if got := typographic(in); got != want {
			t.Errorf("typographic(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScriptOrderFollowsTheLanguage(t *testing.T) {
	cyr, lat, han := "Абрамов", "Abdyldaev", "王"
	ru, zh := firstScripts("ru-RU"), firstScripts("zh-CN")
	if !(scriptRank(cyr, ru) < scriptRank(lat, ru)) {
		t.Error("Russian: Cyrillic does not come first")
	}
	if !(scriptRank(han, zh) < scriptRank(lat, zh)) {
		t.Error("Chinese: Han does not come first")
	}
	if scriptRank(cyr, firstScripts("en-US")) != scriptRank(lat, firstScripts("en-US")) {
		t.Error("English: scripts are ranked")
	}
}
