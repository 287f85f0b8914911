package i18n_test

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/i18n"
)

func words(t *testing.T) *i18n.Words {
	t.Helper()
	w, err := i18n.Load(assets.FS())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestDatesInEachLanguage(t *testing.T) {
	w := words(t)
	for _, tc := range []struct{ lang, iso, want string }{
		{"en", "2025-06-04", "4 June 2025"}, {"ru", "2025-06-04", "4 июня 2025 г."}, {"zh", "2025-06-04", "2025年6月4日"},
		{"en", "2025-06", "June 2025"}, {"ru", "2025-06", "июнь 2025 г."}, {"zh", "2025-06", "2025年6月"},
		{"en", "2025", "2025"}, {"ru", "2025", "2025 г."}, {"zh-Hans-CN", "2025", "2025年"},
		{"ru-RU", "2025-13-01", "2025-13-01"}, {"en", "sometime", "sometime"}, {"en", "2025-06-04T10:00", "2025-06-04T10:00"},
		{"fr", "2025-01-31", "31 January 2025"},
	} {
		if got := w.In(tc.lang).Date(tc.iso); got != tc.want {
			t.Errorf("%s Date(%q) = %q, want %q", tc.lang, tc.iso, got, tc.want)
		}
	}
	for _, tc := range []struct{ lang, start, end, want string }{
		{"en", "2025-06-04", "2025-06-06", "4–6 June 2025"}, {"ru", "2025-06-04", "2025-06-06", "4–6 июня 2025 г."},
		{"zh", "2025-06-04", "2025-06-06", "2025年6月4—6日"}, {"en", "2025-06-30", "2025-07-01", "30 June 2025 – 1 July 2025"},
		{"en", "2025-06-04", "", "4 June 2025"},
	} {
		if got := w.In(tc.lang).DateRange(tc.start, tc.end); got != tc.want {
			t.Errorf("%s DateRange(%q, %q) = %q, want %q", tc.lang, tc.start, tc.end, got, tc.want)
		}
	}
}

// TestEveryLanguageHasEveryMessage: a key in English is in Russian and
// Chinese too, and every kind and role has a name in each.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	w := words(t)
	data, err := fs.ReadFile(assets.FS(), "i18n/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]string
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages() {
		for key := range en {
			if !w.Has(lang, key) {
				t.Errorf("%s has no message %q", lang, key)
			}
		}
		for _, k := range catalog.Kinds() {
			if !w.Has(lang, "kind."+string(k)) {
				t.Errorf("%s has no name for the kind %s", lang, k)
			}
		}
		for _, r := range catalog.Roles() {
			if !w.Has(lang, "role."+r) {
				t.Errorf("%s has no name for the role %s", lang, r)
			}
		}
	}
}

func TestNamesAndNumbers(t *testing.T) {
	w := words(t)
	ru, zh := w.In("ru"), w.In("zh")
	if got := ru.Num(1234567); got != "1\u00a0234\u00a0567" {
		t.Errorf("ru Num = %q", got)
	}
	if got := w.In("en").Num(-12345); got != "-12,345" {
		t.Errorf("en Num(-12345) = %q", got)
	}
	if got := ru.Role("speaker"); got != "докладчик" {
		t.Errorf("ru speaker = %q", got)
	}
	if got := zh.Kind(catalog.KindReport); got == "kind.report" || !strings.ContainsFunc(got, func(r rune) bool { return r > 0x4e00 }) {
		t.Errorf("zh report = %q", got)
	}
	if got := ru.CountryName("by"); got != "Беларусь" {
		t.Errorf("ru BY = %q", got)
	}
	if got := ru.Topic("no-such-topic"); got != "no-such-topic" {
		t.Errorf("an unknown topic = %q", got)
	}
	topic := catalog.Topics()[0]
	if got := zh.Topic(topic.Key); got != topic.Labels["zh"] {
		t.Errorf("zh %s = %q", topic.Key, got)
	}
	if got := ru.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

// TestOneTakesItsOwnMessage: "1 entry", not "1 entries".
func TestOneTakesItsOwnMessage(t *testing.T) {
	w := words(t)
	en := w.In("en")
	if got := en.T("pdf.entries", "1"); got != "1 entry" {
		t.Errorf("one: %q", got)
	}
	if got := en.T("pdf.entries", 12); got != "12 entries" {
		t.Errorf("twelve: %q", got)
	}
	if got := w.In("ru").T("pdf.entries", 1); got != "Материалов: 1" {
		t.Errorf("ru: %q", got)
	}
}
