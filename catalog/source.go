package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	pmidPattern   = regexp.MustCompile(`^[1-9]\d{0,8}$`)
	pmcidPattern  = regexp.MustCompile(`^PMC\d{1,9}$`)
	arxivPattern  = regexp.MustCompile(`^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/\d{7})(v\d+)?$`)
	handlePattern = regexp.MustCompile(`^\d[\d.]*/\S+$`)
)

// normalizeSource tidies the fields of where an output was published.
func normalizeSource(s *Source) {
	for _, f := range []*string{&s.ContainerTitle, &s.Volume, &s.Issue, &s.Edition, &s.Chapter,
		&s.NumberOfPages, &s.Genre, &s.Medium, &s.EventName, &s.CitationKey} {
		*f = line(*f)
	}
	s.OriginalDate = strings.TrimSpace(s.OriginalDate)
}

// normalizeIdentifiers strips resolvers and prefixes people paste
// ("https://doi.org/", "arXiv:", "hdl:"), and writes codes in their case.
func normalizeIdentifiers(ids *Identifiers) {
	ids.DOI = normalizeDOI(ids.DOI)
	ids.ISBN = strings.TrimSpace(ids.ISBN)
	ids.ISSN = strings.ToUpper(strings.TrimSpace(ids.ISSN))
	ids.OtherISBNs = tidyList(ids.OtherISBNs, nil)
	ids.OtherISSNs = tidyList(ids.OtherISSNs, strings.ToUpper)
	ids.PMID = trimPrefixFold(strings.TrimSpace(ids.PMID), "pmid:", "https://pubmed.ncbi.nlm.nih.gov/")
	ids.PMID = strings.TrimSpace(strings.TrimSuffix(ids.PMID, "/"))
	ids.PMCID = strings.ToUpper(strings.TrimSpace(ids.PMCID))
	if ids.PMCID != "" && pmidPattern.MatchString(ids.PMCID) { // the digits alone
		ids.PMCID = "PMC" + ids.PMCID
	}
	ids.ArXiv = trimPrefixFold(strings.TrimSpace(ids.ArXiv), "arxiv:", "https://arxiv.org/abs/", "http://arxiv.org/abs/")
	ids.Handle = trimPrefixFold(strings.TrimSpace(ids.Handle), "hdl:", "https://hdl.handle.net/", "http://hdl.handle.net/")
	ids.URL = strings.TrimSpace(ids.URL)
}

// trimPrefixFold removes the first of prefixes s starts with, in any case.
func trimPrefixFold(s string, prefixes ...string) string {
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}

func validateSource(fe *fieldErrors, r *Record) {
	s := r.Source
	fe.text("container_title", s.ContainerTitle, maxTitle, false)
	for _, f := range []struct{ name, value string }{{"volume", s.Volume}, {"issue", s.Issue}, {"edition", s.Edition},
		{"chapter", s.Chapter}, {"number_of_pages", s.NumberOfPages}, {"genre", s.Genre}, {"medium", s.Medium},
		{"event_name", s.EventName}, {"citation_key", s.CitationKey}} {
		fe.text(f.name, f.value, maxShort, false)
	}
	if s.OriginalDate != "" && !ValidDate(s.OriginalDate) {
		fe.add("original_date", "%q must be YYYY, YYYY-MM or YYYY-MM-DD and a real calendar date", s.OriginalDate)
	}
	if s.EventName != "" && r.Event != "" {
		fe.add("event_name", "names an event outside the catalogue; this record is linked to the event %q, so leave event_name empty", r.Event)
	}
}

func validateIdentifiers(fe *fieldErrors, ids Identifiers) {
	if ids.DOI != "" && !doiPattern.MatchString(ids.DOI) {
		fe.add("identifiers.doi", "%q must look like 10.1234/abc", ids.DOI)
	}
	checkISBN := func(field, v string) {
		if !ValidISBN(v) {
			fe.add(field, "%q is not an ISBN-10 or ISBN-13 with a correct check digit", v)
		}
	}
	checkISSN := func(field, v string) {
		if !issnPattern.MatchString(v) {
			fe.add(field, "%q must look like 1234-567X", v)
		}
	}
	if ids.ISBN != "" {
		checkISBN("identifiers.isbn", ids.ISBN)
	}
	if ids.ISSN != "" {
		checkISSN("identifiers.issn", ids.ISSN)
	}
	for _, l := range []struct {
		name   string
		values []string
		check  func(field, v string)
		single string
	}{{"other_isbns", ids.OtherISBNs, checkISBN, ids.ISBN}, {"other_issns", ids.OtherISSNs, checkISSN, ids.ISSN}} {
		if len(l.values) > 0 && l.single == "" {
			fe.add("identifiers."+l.name, "needs identifiers.%s: the first one goes there", strings.TrimSuffix(strings.TrimPrefix(l.name, "other_"), "s"))
		}
		if len(l.values) > 20 {
			fe.add("identifiers."+l.name, "has %d entries; at most 20 are allowed", len(l.values))
		}
		for i, v := range l.values {
			l.check(fmt.Sprintf("identifiers.%s[%d]", l.name, i), v)
		}
	}
	for _, f := range []struct {
		name, value string
		re          *regexp.Regexp
		example     string
	}{{"pmid", ids.PMID, pmidPattern, "31452104 (digits only)"}, {"pmcid", ids.PMCID, pmcidPattern, "PMC6711212"},
		{"arxiv", ids.ArXiv, arxivPattern, "2101.00001 or hep-th/9901001"}, {"handle", ids.Handle, handlePattern, "10568/12345"}} {
		if f.value != "" && !f.re.MatchString(f.value) {
			fe.add("identifiers."+f.name, "%q must look like %s", f.value, f.example)
		}
	}
	if ids.URL != "" {
		if err := checkURL(ids.URL); err != nil {
			fe.add("identifiers.url", "%q %v", ids.URL, err)
		}
	}
}
