package catalog

import (
	"slices"
	"time"
	"unicode"

	"github.com/annals/annals/catalog/markup"
)

// Kind is what sort of output a record describes.
type Kind string

// Kinds of record.
const (
	KindPresentation Kind = "presentation"
	KindSpeech       Kind = "speech"
	KindReport       Kind = "report"
	KindAgreement    Kind = "agreement"
	KindBook         Kind = "book"
	KindChapter      Kind = "chapter"
	KindArticle      Kind = "article"
	KindDataset      Kind = "dataset"
	KindOther        Kind = "other"
)

// Status is where a record is in its life: drafts and withdrawn records are
// visible only to holders of a token.
type Status string

// Statuses of a record.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusWithdrawn Status = "withdrawn"
)

// Record is one catalogued output: a presentation, speech, report,
// agreement, publication or dataset.
type Record struct {
	ID           string        `json:"id"`
	Kind         Kind          `json:"kind"`
	Status       Status        `json:"status"`
	Title        string        `json:"title"`
	Language     string        `json:"language,omitempty"`
	Translations []Translation `json:"translations,omitempty"`
	Abstract     string        `json:"abstract,omitempty"`
	Contributors []Contributor `json:"contributors,omitempty"`
	Event        string        `json:"event,omitempty"`
	Session      string        `json:"session,omitempty"`
	Date         string        `json:"date,omitempty"`
	Topics       []string      `json:"topics,omitempty"`
	Keywords     []string      `json:"keywords,omitempty"`
	Publisher    string        `json:"publisher,omitempty"`
	Place        string        `json:"place,omitempty"`
	Series       string        `json:"series,omitempty"`
	Number       string        `json:"number,omitempty"`
	Pages        string        `json:"pages,omitempty"`
	Source
	Identifiers Identifiers `json:"identifiers,omitzero"`
	License     string      `json:"license,omitempty"`
	// Note is free text for cataloguers (provenance, caveats); it is shown
	// on the record but not cited.
	Note string `json:"note,omitempty"`
	// Files are the files attached, in the order librarians gave them.
	// They change through the files endpoints only (SetRecordFilesIn): a
	// client's files in a record it creates or replaces are ignored.
	Files []File `json:"files,omitempty"`
	// Merged lists the records merged into this one (MergeRecordsIn),
	// oldest first; MergedInto, on a deleted record, names the record it
	// was merged into. Both are kept by the store: a client's are ignored.
	Merged     []string `json:"merged,omitempty"`
	MergedInto string   `json:"merged_into,omitempty"`
	Bookkeeping
}

// Bookkeeping is what the store keeps about every record and event: when it
// was made and last changed, and its version, which starts at 1 and grows by
// one with each change (the ETag of the API). A client's values are ignored.
type Bookkeeping struct {
	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	Version int       `json:"version,omitempty"`
}

// Translation is the title and abstract of a record in another language.
type Translation struct {
	Language string `json:"language"`
	Title    string `json:"title"`
	Abstract string `json:"abstract,omitempty"`
}

// Contributor is a person (Family, optional Given) or an organisation
// (Literal) with their role in the output.
type Contributor struct {
	Family      string `json:"family,omitempty"`
	Given       string `json:"given,omitempty"`
	Literal     string `json:"literal,omitempty"`
	Role        string `json:"role,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
	Country     string `json:"country,omitempty"`
	ORCID       string `json:"orcid,omitempty"`
	// Translations are the same name written in other scripts or
	// languages ("Алдошин" beside "Aldoshin").
	Translations []NameTranslation `json:"translations,omitempty"`
}

// NameTranslation is a contributor's name in another language or script.
type NameTranslation struct {
	Language string `json:"language"`
	Family   string `json:"family,omitempty"`
	Given    string `json:"given,omitempty"`
	Literal  string `json:"literal,omitempty"`
}

// IsPerson reports whether c names a person rather than an organisation.
func (c Contributor) IsPerson() bool { return c.Literal == "" }

// DisplayName is the name as it is sorted and listed: "Family, Given" for a
// person, the literal for an organisation.
func (c Contributor) DisplayName() string {
	if c.Literal != "" {
		return c.Literal
	}
	if c.Given == "" {
		return c.Family
	}
	if isHan(c.Family) && isHan(c.Given) { // 张天, family then given, as written
		return c.Family + c.Given
	}
	return c.Family + ", " + c.Given
}

// isHan reports whether s is all Han characters.
func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// Source is where an output was published when it is part of something
// else (an article in a journal, a chapter in a book, a paper in
// proceedings), and the bibliographic details that real records carry
// beside the title. Series (CSL's collection title) and Number are on the
// record itself.
type Source struct {
	// ContainerTitle is the journal, book or proceedings the output is in.
	ContainerTitle string `json:"container_title,omitempty"`
	Volume         string `json:"volume,omitempty"`
	Issue          string `json:"issue,omitempty"`
	Edition        string `json:"edition,omitempty"`
	// Chapter is the chapter's number in its book.
	Chapter string `json:"chapter,omitempty"`
	// NumberOfPages is how many pages the whole output has (a book's 320);
	// Pages is where in its container it is (45-67).
	NumberOfPages string `json:"number_of_pages,omitempty"`
	// OriginalDate is when the work first appeared (a reprint's original).
	OriginalDate string `json:"original_date,omitempty"`
	// Genre is the output's type as its publisher names it ("Working
	// paper", "Аналитический доклад").
	Genre  string `json:"genre,omitempty"`
	Medium string `json:"medium,omitempty"`
	// EventName names an event the output belongs to that is not in the
	// catalogue (a paper given at another conference); Event links one
	// that is.
	EventName string `json:"event_name,omitempty"`
	// CitationKey is the key the record had in the file it was imported
	// from ("Ivanov2020:energy"), kept as written and exported back.
	CitationKey string `json:"citation_key,omitempty"`
}

// Identifiers are the external identifiers of a record. ISBN and ISSN are
// the ones cited; an output with several (print and electronic) keeps the
// others in OtherISBNs and OtherISSNs.
type Identifiers struct {
	DOI        string   `json:"doi,omitempty"`
	ISBN       string   `json:"isbn,omitempty"`
	OtherISBNs []string `json:"other_isbns,omitempty"`
	ISSN       string   `json:"issn,omitempty"`
	OtherISSNs []string `json:"other_issns,omitempty"`
	// PMID is the PubMed id (digits), PMCID the PubMed Central one (PMC…).
	PMID  string `json:"pmid,omitempty"`
	PMCID string `json:"pmcid,omitempty"`
	// ArXiv is the arXiv id (2101.00001 or hep-th/9901001), Handle a
	// Handle System id (10568/12345), each without its resolver.
	ArXiv  string `json:"arxiv,omitempty"`
	Handle string `json:"handle,omitempty"`
	URL    string `json:"url,omitempty"`
}

// RecordFilter selects records for a listing. Empty fields do not filter.
type RecordFilter struct {
	Kind     Kind
	Event    string
	Session  string
	Topic    string
	Statuses []Status // empty: every status
	// After is the cursor returned as Next by the previous page.
	After string
	// Size is the page size; 0 means DefaultPageSize.
	Size int
}

// Page sizes for listings.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// RecordPage is one page of a listing, newest first.
type RecordPage struct {
	Total   int      `json:"total"`
	Records []Record `json:"records"`
	// Next is the cursor of the following page, empty on the last one.
	Next string `json:"next"`
}

// WithPlainTitles is r with the markup of its titles (its own, translated,
// container and series; package markup) taken off, for what reads text,
// not styles: search, Dublin Core, feeds, a PDF's headings, duplicates.
func (r Record) WithPlainTitles() Record {
	r.Title, r.Series, r.Source.ContainerTitle = markup.Plain(r.Title), markup.Plain(r.Series), markup.Plain(r.Source.ContainerTitle)
	for i, t := range r.Translations {
		if markup.Plain(t.Title) != t.Title {
			r.Translations = slices.Clone(r.Translations)
			for j := i; j < len(r.Translations); j++ {
				r.Translations[j].Title = markup.Plain(r.Translations[j].Title)
			}
			break
		}
	}
	return r
}
