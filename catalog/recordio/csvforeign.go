package recordio

import (
	"strings"

	"github.com/annals/annals/catalog"
)

// A foreign CSV layout: the columns another tool writes, read into a
// record. Zotero's and Scopus's exports are recognised by their headers.
type foreignLayout struct {
	name string
	// is tells the layout by its header (the cells trimmed).
	is func(header map[string]bool) bool
	// read makes a record's JSON object from a row, by column name.
	read func(cell func(string) string) map[string]any
}

var foreignLayouts = []foreignLayout{
	{name: "Zotero", is: func(h map[string]bool) bool {
		return h["Item Type"] && h["Title"] && (h["Author"] || h["Publication Year"])
	},
		read: zoteroRow},
	{name: "Scopus", is: func(h map[string]bool) bool { return h["Authors"] && h["Title"] && h["Source title"] },
		read: scopusRow},
}

// zoteroKinds map Zotero's item types to kinds.
var zoteroKinds = map[string]catalog.Kind{"book": catalog.KindBook, "bookSection": catalog.KindChapter,
	"journalArticle": catalog.KindArticle, "magazineArticle": catalog.KindArticle, "newspaperArticle": catalog.KindArticle,
	"report": catalog.KindReport, "conferencePaper": catalog.KindPresentation, "presentation": catalog.KindPresentation,
	"dataset": catalog.KindDataset, "thesis": catalog.KindOther}

func zoteroRow(cell func(string) string) map[string]any {
	obj := map[string]any{"title": cell("Title")}
	kind := zoteroKinds[cell("Item Type")]
	if kind == "" {
		kind = catalog.KindOther
	}
	obj["kind"] = string(kind)
	obj["date"] = firstNonEmpty(cell("Date"), cell("Publication Year"))
	var people []any
	for role, col := range map[string]string{catalog.RoleAuthor: "Author", catalog.RoleEditor: "Editor"} {
		for _, n := range strings.Split(cell(col), ";") {
			if n = strings.TrimSpace(n); n != "" {
				people = append(people, personObject(n, role))
			}
		}
	}
	if len(people) > 0 {
		obj["contributors"] = people
	}
	ids := map[string]any{}
	for key, col := range map[string]string{"doi": "DOI", "isbn": "ISBN", "issn": "ISSN", "url": "Url"} {
		if v := cell(col); v != "" {
			ids[key] = v
		}
	}
	if len(ids) > 0 {
		obj["identifiers"] = ids
	}
	for key, col := range map[string]string{"abstract": "Abstract Note", "publisher": "Publisher", "place": "Place",
		"pages": "Pages", "series": "Series", "number": "Number", "container_title": "Publication Title", "volume": "Volume",
		"issue": "Issue", "edition": "Edition", "number_of_pages": "Num Pages", "genre": "Type", "event_name": "Conference Name"} {
		if v := cell(col); v != "" {
			obj[key] = v
		}
	}
	if tags := cell("Manual Tags"); tags != "" {
		obj["keywords"] = splitList(tags)
	}
	if lang := catalog.LanguageFromName(cell("Language")); lang != "" {
		obj["language"] = lang
	}
	obj["note"] = cell("Notes")
	return obj
}

// scopusKinds map Scopus's document types to kinds.
var scopusKinds = map[string]catalog.Kind{"Article": catalog.KindArticle, "Article in Press": catalog.KindArticle,
	"Review": catalog.KindArticle, "Letter": catalog.KindArticle, "Editorial": catalog.KindArticle, "Note": catalog.KindArticle,
	"Conference Paper": catalog.KindPresentation, "Book Chapter": catalog.KindChapter, "Book": catalog.KindBook,
	"Data Paper": catalog.KindDataset}

func scopusRow(cell func(string) string) map[string]any {
	obj := map[string]any{"title": cell("Title"), "date": cell("Year")}
	kind := scopusKinds[cell("Document Type")]
	if kind == "" {
		kind = catalog.KindOther
	}
	obj["kind"] = string(kind)
	var people []any
	for _, n := range scopusAuthors(cell("Authors")) {
		people = append(people, personObject(n, catalog.RoleAuthor))
	}
	if len(people) > 0 {
		obj["contributors"] = people
	}
	ids := map[string]any{}
	for key, col := range map[string]string{"doi": "DOI", "isbn": "ISBN", "issn": "ISSN", "url": "Link", "pmid": "PubMed ID"} {
		if v := cell(col); v != "" {
			ids[key] = v
		}
	}
	if len(ids) > 0 {
		obj["identifiers"] = ids
	}
	if v := cell("Abstract"); v != "" && v != "[No abstract available]" {
		obj["abstract"] = v
	}
	if v := cell("Publisher"); v != "" {
		obj["publisher"] = v
	}
	if start, end := cell("Page start"), cell("Page end"); start != "" {
		obj["pages"] = start
		if end != "" {
			obj["pages"] = start + "-" + end
		}
	}
	if kw := firstNonEmpty(cell("Author Keywords"), cell("Index Keywords")); kw != "" {
		obj["keywords"] = splitList(kw)
	}
	if lang := catalog.LanguageFromName(cell("Language of Original Document")); lang != "" {
		obj["language"] = lang
	}
	for key, col := range map[string]string{"container_title": "Source title", "volume": "Volume", "issue": "Issue",
		"number": "Art. No.", "number_of_pages": "Page count", "event_name": "Conference name"} {
		if v := cell(col); v != "" {
			obj[key] = v
		}
	}
	return obj
}

// scopusAuthors splits Scopus's author list: "Zolfaghari, S., Francis,
// K.E." (older exports: family and initials, all separated by commas) or
// "Zolfaghari S.; Francis K.E." (newer ones), each as "Family, Initials".
func scopusAuthors(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || s == "[No author name available]" {
		return nil
	}
	var out []string
	if strings.Contains(s, ";") {
		for _, n := range strings.Split(s, ";") {
			n = strings.TrimSpace(n)
			if i := strings.LastIndex(n, " "); i > 0 {
				n = n[:i] + ", " + n[i+1:]
			}
			if n != "" {
				out = append(out, n)
			}
		}
		return out
	}
	parts := strings.Split(s, ", ")
	for i := 0; i < len(parts); i += 2 {
		if i+1 < len(parts) {
			out = append(out, parts[i]+", "+parts[i+1])
		} else {
			out = append(out, parts[i])
		}
	}
	return out
}

// personObject is a contributor from "Family, Given" (or one name).
func personObject(name, role string) map[string]any {
	if family, given, ok := strings.Cut(name, ","); ok && strings.TrimSpace(given) != "" {
		return map[string]any{"family": strings.TrimSpace(family), "given": strings.TrimSpace(given), "role": role}
	}
	return map[string]any{"literal": strings.TrimSpace(strings.TrimSuffix(name, ",")), "role": role}
}

func splitList(s string) []any {
	var out []any
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' }) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
