package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// oaiResponse is the part of an OAI-PMH response the tests read.
type oaiResponse struct {
	ResponseDate string `xml:"responseDate"`
	Request      struct {
		Verb string `xml:"verb,attr"`
	} `xml:"request"`
	Error *struct {
		Code string `xml:"code,attr"`
		Msg  string `xml:",chardata"`
	} `xml:"error"`
	Headers []oaiHeader `xml:"ListIdentifiers>header"`
	Records []struct {
		Header oaiHeader `xml:"header"`
		Titles []struct {
			Lang  string `xml:"lang,attr"`
			Value string `xml:",chardata"`
		} `xml:"metadata>dc>title"`
	} `xml:"ListRecords>record"`
	Token *struct {
		Value    string `xml:",chardata"`
		Complete int    `xml:"completeListSize,attr"`
		Cursor   int    `xml:"cursor,attr"`
	} `xml:"ListRecords>resumptionToken"`
	IDToken *struct {
		Value string `xml:",chardata"`
	} `xml:"ListIdentifiers>resumptionToken"`
	Sets []string `xml:"ListSets>set>setSpec"`
}

type oaiHeader struct {
	Status     string   `xml:"status,attr"`
	Identifier string   `xml:"identifier"`
	Datestamp  string   `xml:"datestamp"`
	SetSpecs   []string `xml:"setSpec"`
}

// oaiGet asks the repository and checks the answer against the official
// schemas (OAI-PMH 2.0 and oai_dc, resolved offline).
func (e *env) oaiGet(t *testing.T, query string) oaiResponse {
	t.Helper()
	r := e.do("GET", "/oai?"+query, "", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/xml") {
		t.Fatalf("%s: %d %s", query, r.status, r.header.Get("Content-Type"))
	}
	validateOAI(t, r.body)
	var resp oaiResponse
	if err := xml.Unmarshal(r.body, &resp); err != nil {
		t.Fatalf("%s: %v\n%s", query, err, r.body)
	}
	return resp
}

func validateOAI(t *testing.T, body []byte) {
	t.Helper()
	xmllint := catalogtest.RequireTool(t, "xmllint", "apt install libxml2-utils")
	oai, err := filepath.Abs(catalogtest.SharedPath(t, "oai"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "response.xml")
	os.WriteFile(file, body, 0o644)
	cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(oai, "oai-pmh-with-dc.xsd"), file)
	cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+filepath.Join(oai, "catalog.xml"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("not valid OAI-PMH: %v\n%s\n%s", err, out, body)
	}
}

func TestOAIVerbs(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	id := e.oaiGet(t, "verb=Identify")
	if id.Error != nil || id.Request.Verb != "Identify" {
		t.Errorf("Identify: %+v", id)
	}
	if r := e.oaiGet(t, "verb=ListMetadataFormats"); r.Error != nil {
		t.Errorf("ListMetadataFormats: %+v", r.Error)
	}
	if r := e.oaiGet(t, "verb=ListMetadataFormats&identifier=oai:annals.local:jinan-2025-aldoshin"); r.Error != nil {
		t.Errorf("ListMetadataFormats for an item: %+v", r.Error)
	}
	sets := e.oaiGet(t, "verb=ListSets").Sets
	for _, want := range []string{"kind", "kind:speech", "event", "event:jinan-2025", "topic", "topic:energy"} {
		if !slices.Contains(sets, want) {
			t.Errorf("ListSets lacks %s", want)
		}
	}
	recs := e.oaiGet(t, "verb=ListRecords&metadataPrefix=oai_dc")
	if len(recs.Records) != 88 || recs.Token != nil {
		t.Fatalf("ListRecords: %d records, token %+v", len(recs.Records), recs.Token)
	}
	var aldoshin []string
	for _, r := range recs.Records {
		if r.Header.Identifier == "oai:annals.local:jinan-2025-aldoshin" {
			for _, title := range r.Titles {
				aldoshin = append(aldoshin, title.Lang+":"+title.Value)
			}
		}
	}
	if !slices.Equal(aldoshin, []string{"ru:Приветственное слово", "en:Opening address", "zh:开幕致辞"}) {
		t.Errorf("titles with xml:lang: %v", aldoshin)
	}
	speeches := e.oaiGet(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:speech")
	if len(speeches.Headers) != 6 {
		t.Errorf("set kind:speech: %d", len(speeches.Headers))
	}
	if r := e.oaiGet(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=event"); len(r.Headers) != 88 {
		t.Errorf("set event: %d", len(r.Headers))
	}
	get := e.do("GET", "/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:annals.local:jinan-2025-aldoshin", "", nil)
	validateOAI(t, get.body)
	if !strings.Contains(string(get.body), "<dc:creator>Алдошин, Сергей Михайлович</dc:creator>") {
		t.Errorf("GetRecord: %s", get.body)
	}
	post := e.do("POST", "/oai", "", []byte("verb=ListIdentifiers&metadataPrefix=oai_dc&set=kind:report"),
		"Content-Type: application/x-www-form-urlencoded")
	if !strings.Contains(string(post.body), "jinan-2025-belarusians-in-china") {
		t.Errorf("POST: %s", post.body)
	}
	day := time.Now().UTC().Format("2006-01-02")
	if r := e.oaiGet(t, "verb=ListIdentifiers&metadataPrefix=oai_dc&from="+day+"&until="+day); len(r.Headers) != 88 {
		t.Errorf("day granularity: %d", len(r.Headers))
	}
}

func TestOAIErrors(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.OAITokenTTL = time.Nanosecond; c.OAIPageSize = 5 })
	e.loadSample()
	page := e.oaiGet(t, "verb=ListIdentifiers&metadataPrefix=oai_dc")
	expired := page.IDToken.Value
	time.Sleep(time.Millisecond)
	for query, code := range map[string]string{
		"":                            "badVerb",
		"verb=Frobnicate":             "badVerb",
		"verb=Identify&verb=Identify": "badVerb",
		"verb=Identify&extra=1":       "badArgument",
		"verb=ListRecords":            "badArgument",
		"verb=ListRecords&metadataPrefix=oai_dc&from=2025-13-01":                               "badArgument",
		"verb=ListRecords&metadataPrefix=oai_dc&from=2025-06-01&until=2025-06-02T00:00:00Z":    "badArgument",
		"verb=ListRecords&metadataPrefix=oai_dc&from=2025-06-02&until=2025-06-01":              "badArgument",
		"verb=ListRecords&metadataPrefix=oai_dc&set=kind:speech&set=kind:report":               "badArgument",
		"verb=GetRecord&metadataPrefix=oai_dc":                                                 "badArgument",
		"verb=ListRecords&metadataPrefix=marc21":                                               "cannotDisseminateFormat",
		"verb=GetRecord&metadataPrefix=marc21&identifier=oai:annals.local:jinan-2025-aldoshin": "cannotDisseminateFormat",
		"verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:annals.local:nope":                "idDoesNotExist",
		"verb=GetRecord&metadataPrefix=oai_dc&identifier=jinan-2025-aldoshin":                  "idDoesNotExist",
		"verb=ListMetadataFormats&identifier=oai:other:x":                                      "idDoesNotExist",
		"verb=ListRecords&metadataPrefix=oai_dc&set=topic:astrology":                           "noRecordsMatch",
		"verb=ListRecords&metadataPrefix=oai_dc&from=2099-01-01":                               "noRecordsMatch",
		"verb=ListRecords&resumptionToken=garbage":                                             "badResumptionToken",
		"verb=ListRecords&resumptionToken=" + url.QueryEscape(expired):                         "badResumptionToken",
		"verb=ListIdentifiers&resumptionToken=" + url.QueryEscape(expired):                     "badResumptionToken",
		"verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=x":                             "badArgument",
		"verb=ListSets&resumptionToken=x":                                                      "badResumptionToken",
	} {
		r := e.oaiGet(t, query)
		if r.Error == nil || r.Error.Code != code {
			t.Errorf("%q: got %+v, want %s", query, r.Error, code)
		}
	}
}

// TestOAIHarvestDuringWrites pages through ListRecords while the catalogue
// changes, then harvests incrementally: nothing is repeated or lost.
func TestOAIHarvestDuringWrites(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.OAIPageSize = 10 })
	e.loadSample()
	ctx := context.Background()
	// Datestamps have one-second granularity: let the sample's second pass,
	// so that a harvest "from" the first response's date holds only what
	// changed after it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	first := e.oaiGet(t, "verb=ListRecords&metadataPrefix=oai_dc")
	if len(first.Records) != 10 || first.Token == nil || first.Token.Complete != 88 || first.Token.Cursor != 0 {
		t.Fatalf("first page: %d records, token %+v", len(first.Records), first.Token)
	}
	seen := map[string]bool{}
	for _, r := range first.Records {
		seen[r.Header.Identifier] = true
	}
	harvested := strings.TrimPrefix(first.Records[0].Header.Identifier, "oai:annals.local:")
	// Writes in the middle of the harvest: one record already harvested
	// and one not yet are changed, one not yet is deleted, one is added.
	var notYet []string
	page, _ := e.store.FindHarvestItems(ctx, catalog.HarvestFilter{Limit: 100})
	for _, it := range page[10:] {
		notYet = append(notYet, it.Record.ID)
	}
	for _, id := range []string{harvested, notYet[5]} {
		r, _ := e.store.FindRecordByID(ctx, id)
		r.Pages = "1-2"
		if err := e.store.UpdateRecord(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.DeleteRecord(ctx, notYet[20], 0); err != nil {
		t.Fatal(err)
	}
	added := catalog.Record{ID: "added-during-harvest", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: "Новый отчёт",
		Contributors: []catalog.Contributor{{Family: "Новиков"}}}
	if err := e.store.CreateRecord(ctx, &added); err != nil {
		t.Fatal(err)
	}
	token := first.Token.Value
	cursor := 10
	for token != "" {
		r := e.oaiGet(t, "verb=ListRecords&resumptionToken="+url.QueryEscape(token))
		if r.Error != nil {
			t.Fatalf("page after %d: %+v", cursor, r.Error)
		}
		if r.Token.Cursor != cursor {
			t.Errorf("cursor %d, want %d", r.Token.Cursor, cursor)
		}
		for _, rec := range r.Records {
			if seen[rec.Header.Identifier] {
				t.Errorf("%s repeated within the harvest", rec.Header.Identifier)
			}
			seen[rec.Header.Identifier] = true
		}
		cursor += len(r.Records)
		token = r.Token.Value
	}
	// The record changed after it was harvested was seen once; the one
	// changed and the one deleted before their turn wait for the next
	// harvest, as does the one added: 88 - 2 = 86.
	if len(seen) != 86 {
		t.Errorf("the harvest saw %d items, want 86", len(seen))
	}
	got := map[string]string{}
	query := "verb=ListIdentifiers&metadataPrefix=oai_dc&from=" + first.ResponseDate
	for {
		r := e.oaiGet(t, query)
		for _, h := range r.Headers {
			got[strings.TrimPrefix(h.Identifier, "oai:annals.local:")] = h.Status
		}
		if r.IDToken == nil || r.IDToken.Value == "" {
			break
		}
		query = "verb=ListIdentifiers&resumptionToken=" + url.QueryEscape(r.IDToken.Value)
	}
	want := map[string]string{harvested: "", notYet[5]: "", notYet[20]: "deleted", "added-during-harvest": ""}
	if len(got) != len(want) {
		t.Errorf("the incremental harvest has %d items, want exactly the %d changed: %v", len(got), len(want), got)
	}
	for id, status := range want {
		if s, ok := got[id]; !ok || s != status {
			t.Errorf("incremental harvest: %s status %q present %v", id, s, ok)
		}
	}
}

// TestForgedResumptionToken: a token with its cursor or window changed (the
// payload is readable base64) no longer matches its signature.
func TestForgedResumptionToken(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.OAIPageSize = 5 })
	e.loadSample()
	first := e.oaiGet(t, "verb=ListRecords&metadataPrefix=oai_dc")
	if first.Token == nil || first.Token.Value == "" {
		t.Fatal("no resumption token")
	}
	payload, mac, _ := strings.Cut(first.Token.Value, ".")
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]any
	json.Unmarshal(raw, &tok)
	tok["c"] = -50
	forgedRaw, _ := json.Marshal(tok)
	for _, forged := range []string{base64.RawURLEncoding.EncodeToString(forgedRaw) + "." + mac, payload, payload + ".AAAA"} {
		resp := e.oaiGet(t, "verb=ListRecords&resumptionToken="+url.QueryEscape(forged))
		if resp.Error == nil || resp.Error.Code != "badResumptionToken" {
			t.Errorf("a forged token %q was accepted: %+v", forged, resp)
		}
	}
	if next := e.oaiGet(t, "verb=ListRecords&resumptionToken="+url.QueryEscape(first.Token.Value)); next.Error != nil || next.Token.Cursor != 5 {
		t.Errorf("the real token: %+v", next)
	}
}
