package web

import "github.com/annals/annals/catalog"

// The page's words come from catalog/i18n, the one place for language;
// these let templates say {{.T "key"}}, {{.Date .R.Date}} and the like.

// T says a message in the page's language: {0}, {1} are replaced by args.
func (v *view) T(key string, args ...any) string { return v.say.T(key, args...) }

// Date writes an ISO date (2025, 2025-06, 2025-06-04) the interface
// language's way: 4 June 2025, 4 июня 2025 г., 2025年6月4日.
func (v *view) Date(s string) string { return v.say.Date(s) }

// DateRange writes the dates of an event: 4–6 June 2025.
func (v *view) DateRange(start, end string) string { return v.say.DateRange(start, end) }

// Num writes a whole number with the language's digit grouping.
func (v *view) Num(n any) string { return v.say.Num(n) }

// LanguageName names a language (ru, zh, en…) in the interface language.
func (v *view) LanguageName(code string) string { return v.say.LanguageName(code) }

// CountryName names a country (ISO 3166 code) in the interface language.
func (v *view) CountryName(code string) string { return v.say.CountryName(code) }

// RoleName names a contributor's role in the interface language.
func (v *view) RoleName(role string) string { return v.say.Role(role) }

// KindName names a kind of record in the interface language.
func (v *view) KindName(k catalog.Kind) string { return v.say.Kind(k) }

// TopicName names a topic in the interface language (English when it has
// no label in it).
func (v *view) TopicName(key string) string { return v.say.Topic(key) }
