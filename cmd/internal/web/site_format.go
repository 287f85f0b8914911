package web

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"ru": {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
}

var monthNamesAlone = map[string][12]string{
	"en": monthNames["en"],
	"ru": {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
}

// Date writes an ISO date (2025, 2025-06, 2025-06-04) the interface
// language's way: 4 June 2025, 4 июня 2025 г., 2025年6月4日.
func (v *view) Date(s string) string {
	var y, m, d int
	n, _ := fmt.Sscanf(s, "%d-%d-%d", &y, &m, &d)
	if n < 1 || (n >= 2 && (m < 1 || m > 12)) {
		return s
	}
	switch v.Lang {
	case "zh":
		switch n {
		case 1:
			return fmt.Sprintf("%d年", y)
		case 2:
			return fmt.Sprintf("%d年%d月", y, m)
		}
		return fmt.Sprintf("%d年%d月%d日", y, m, d)
	case "ru":
		switch n {
		case 1:
			return fmt.Sprintf("%d г.", y)
		case 2:
			return fmt.Sprintf("%s %d г.", monthNamesAlone["ru"][m-1], y)
		}
		return fmt.Sprintf("%d %s %d г.", d, monthNames["ru"][m-1], y)
	}
	switch n {
	case 1:
		return fmt.Sprint(y)
	case 2:
		return fmt.Sprintf("%s %d", monthNames["en"][m-1], y)
	}
	return fmt.Sprintf("%d %s %d", d, monthNames["en"][m-1], y)
}

// DateRange writes the dates of an event.
func (v *view) DateRange(start, end string) string {
	if end == "" || end == start {
		return v.Date(start)
	}
	return v.Date(start) + " – " + v.Date(end)
}

// LanguageName names a language (ru, zh, en…) in the interface language.
func (v *view) LanguageName(code string) string {
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	if n := display.Languages(language.Make(v.Lang)).Name(t); n != "" {
		return n
	}
	return code
}

// CountryName names a country (ISO 3166 code) in the interface language.
func (v *view) CountryName(code string) string {
	r, err := language.ParseRegion(strings.ToUpper(code))
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(v.Lang)).Name(r); n != "" {
		return n
	}
	return code
}
