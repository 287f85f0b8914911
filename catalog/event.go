package catalog

import "strings"

// Event is a conference, forum or meeting that outputs belong to, with its
// programme of sessions.
type Event struct {
	ID           string             `json:"id"`
	Name         string             `json:"name"`
	Translations []EventTranslation `json:"translations,omitempty"`
	Description  string             `json:"description,omitempty"`
	Place        string             `json:"place,omitempty"`
	Start        string             `json:"start,omitempty"`
	End          string             `json:"end,omitempty"`
	Organizers   []string           `json:"organizers,omitempty"`
	Sessions     []Session          `json:"sessions,omitempty"`
	Bookkeeping
}

// EventTranslation is an event's name in another language.
type EventTranslation struct {
	Language string `json:"language"`
	Name     string `json:"name"`
}

// Session is one part of an event's programme: a track, panel or ceremony.
type Session struct {
	Key          string               `json:"key"`
	Title        string               `json:"title"`
	Order        int                  `json:"order,omitempty"`
	Date         string               `json:"date,omitempty"`
	Translations []SessionTranslation `json:"translations,omitempty"`
}

// TitleIn is the session's title in a language ("ru", "zh-CN"): its
// translation into it when it has one (the language's base tag compared),
// else its title.
func (s Session) TitleIn(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	for _, t := range s.Translations {
		if tb, _, _ := strings.Cut(t.Language, "-"); t.Title != "" && strings.EqualFold(tb, base) {
			return t.Title
		}
	}
	return s.Title
}

// SessionTranslation is a session's title in another language.
type SessionTranslation struct {
	Language string `json:"language"`
	Title    string `json:"title"`
}

// FindSession returns the session with the given key.
func (e *Event) FindSession(key string) (Session, bool) {
	for _, s := range e.Sessions {
		if s.Key == key {
			return s, true
		}
	}
	return Session{}, false
}
