package proceedings

import (
	"bytes"
	"encoding/xml"
	"time"

	"github.com/annals/annals/catalog/markup"
)

// xmpPacket is the XMP metadata of a stamped copy: Dublin Core (title with
// its translations by language, creators in order, the citation as
// description, keywords, identifiers, rights, date, language) and the
// PDF schema's keywords and producer.
func xmpPacket(c *Cover, names []string, citation string) []byte {
	r := c.Record
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	w := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	}
	w(`<?xpacket begin="`, "\uFEFF", `" id="W5M0MpCehiHzreSzNTczkc9d"?>`, "\n",
		`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`, "\n",
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">`, "\n")
	w(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">`, esc(markup.Plain(r.Title)), `</rdf:li>`)
	if r.Language != "" {
		w(`<rdf:li xml:lang="`, esc(r.Language), `">`, esc(markup.Plain(r.Title)), `</rdf:li>`)
	}
	for _, t := range r.Translations {
		if t.Title != "" && t.Language != "" && t.Language != r.Language {
			w(`<rdf:li xml:lang="`, esc(t.Language), `">`, esc(markup.Plain(t.Title)), `</rdf:li>`)
		}
	}
	w(`</rdf:Alt></dc:title>`, "\n")
	if len(names) > 0 {
		w(`<dc:creator><rdf:Seq>`)
		for _, n := range names {
			w(`<rdf:li>`, esc(n), `</rdf:li>`)
		}
		w(`</rdf:Seq></dc:creator>`, "\n")
	}
	w(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">`, esc(citation), `</rdf:li></rdf:Alt></dc:description>`, "\n")
	if len(r.Keywords) > 0 {
		w(`<dc:subject><rdf:Bag>`)
		for _, k := range r.Keywords {
			w(`<rdf:li>`, esc(k), `</rdf:li>`)
		}
		w(`</rdf:Bag></dc:subject>`, "\n")
	}
	if c.URL != "" {
		w(`<dc:identifier>`, esc(c.URL), `</dc:identifier>`, "\n")
	}
	if r.Identifiers.DOI != "" {
		w(`<dc:relation>`, esc("https://doi.org/"+r.Identifiers.DOI), `</dc:relation>`, "\n")
	}
	if r.License != "" {
		w(`<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">`, esc(r.License), `</rdf:li></rdf:Alt></dc:rights>`, "\n")
	}
	if r.Date != "" {
		w(`<dc:date><rdf:Seq><rdf:li>`, esc(r.Date), `</rdf:li></rdf:Seq></dc:date>`, "\n")
	}
	if r.Language != "" {
		w(`<dc:language><rdf:Bag><rdf:li>`, esc(r.Language), `</rdf:li></rdf:Bag></dc:language>`, "\n")
	}
	w(`<dc:format>application/pdf</dc:format>`, "\n")
	w(`<pdf:Producer>Annals</pdf:Producer>`, "\n")
	w(`<xmp:CreateDate>`, c.Made.UTC().Format(time.RFC3339), `</xmp:CreateDate>`, "\n")
	w(`</rdf:Description></rdf:RDF></x:xmpmeta>`, "\n", `<?xpacket end="w"?>`)
	return b.Bytes()
}
