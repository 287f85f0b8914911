package recordio

import (
	"os"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

func fieldsOf(err error) map[string]string {
	out := map[string]string{}
	for _, f := range catalog.ErrorFields(err) {
		out[f.Field] = f.Message
	}
	return out
}

func TestDecodeRecordReportsEveryShapeError(t *testing.T) {
	_, err := DecodeRecord([]byte(`{"titel": "x", "kind": 3, "contributors": [{"family": "A"}, {"family": ["B"], "orcid": 1}],
		"topics": "ai", "identifiers": {"doi": "10.1/x", "wikidata": "h"}}`))
	if catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Fatalf("code %q: %v", catalog.ErrorCode(err), err)
	}
	got := fieldsOf(err)
	want := map[string]string{
		"titel":                  `is not a known field; did you mean "title"?`,
		"kind":                   "must be a string, not a number",
		"contributors[1].family": "must be a string, not an array",
		"contributors[1].orcid":  "must be a string, not a number",
		"topics":                 "must be an array, not a string",
		"identifiers.wikidata":   "is not a known field",
	}
	for field, msg := range want {
		if got[field] != msg {
			t.Errorf("%s: got %q, want %q", field, got[field], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(got), len(want), got)
	}
}

func TestDecodeRecordIgnoresBookkeeping(t *testing.T) {
	r, err := DecodeRecord([]byte(`{"kind":"report","title":"T","created":"not a date","version":"x","updated":7}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 0 || !r.Created.IsZero() || r.Title != "T" {
		t.Errorf("bookkeeping leaked in: %+v", r)
	}
}

func TestDecodeRecordMalformed(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"empty":        {"  ", "The body is empty"},
		"not object":   {`["a"]`, "must be a JSON object describing one record, not an array"},
		"syntax":       {"{\n  \"title\": \"x\",\n}", "Line 3, column 1: invalid character '}'"},
		"truncated":    {`{"title": "x`, "ends too early"},
		"trailing":     {`{"title":"x"} {"title":"y"}`, "unexpected data after the JSON value"},
		"invalid utf8": {"{\"title\": \"ok\",\n \"abstract\": \"bad \xff\"}", "Line 2, column 19: the data is not valid UTF-8 (byte 0xFF)"},
		"null":         {`null`, "not null"},
	} {
		_, err := DecodeRecord([]byte(tc.body))
		if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want malformed containing %q", name, err, tc.want)
		}
	}
}

func TestReadJSONArray(t *testing.T) {
	data := []byte("[\n  {\"id\": \"a\", \"kind\": \"report\", \"title\": \"Один\"},\n  {\"id\": \"b\", \"title\": 5},\n  \"oops\",\n  {\"kind\": \"report\", \"title\": \"三\"}\n]\n")
	items, err := ReadJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 4 {
		t.Fatalf("%d items", len(items))
	}
	if items[0].Record.Title != "Один" || items[0].Line != 2 || len(items[0].Errors) != 0 {
		t.Errorf("item 0: %+v", items[0])
	}
	if items[1].Record.ID != "b" || items[1].Line != 3 || items[1].Errors[0].Field != "title" {
		t.Errorf("item 1 should name the bad field and keep its id: %+v", items[1])
	}
	if len(items[2].Errors) != 1 || items[3].Record.Title != "三" || items[3].Index != 3 || items[3].Line != 5 {
		t.Errorf("items 2-3: %+v %+v", items[2], items[3])
	}
	if _, err := ReadJSON([]byte(`[{"title":"a"}, {"title": }]`)); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("syntax error inside the array: %v", err)
	}
	if _, err := ReadJSON([]byte(`"just a string"`)); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("not an array: %v", err)
	}
	one, err := ReadJSON([]byte(`{"kind":"report","title":"single"}`))
	if err != nil || len(one) != 1 {
		t.Errorf("single object: %v %v", one, err)
	}
}

func TestReadNDJSON(t *testing.T) {
	data := []byte("\xef\xbb\xbf{\"kind\":\"report\",\"title\":\"a\"}\r\n\r\n{\"kind\":\"report\",\"title\":\"Сербия\",\"extra\":1}\r\n")
	items, err := ReadNDJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[1].Line != 3 || items[1].Errors[0].Field != "extra" || items[0].Record.Title != "a" {
		t.Errorf("items: %+v", items)
	}
	_, err = ReadNDJSON([]byte("{\"title\":\"a\"}\n{\"title\":\n"))
	if !strings.Contains(catalog.ErrorMessage(err), "Line 2,") {
		t.Errorf("syntax error should name line 2: %v", err)
	}
}

func TestReadCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/records.csv")
	if err != nil {
		t.Fatal(err)
	}
	items, err := ReadCSV(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	r := items[0].Record
	if r.ID != "csv-aldoshin" || r.Title != "Приветственное слово" || r.Translations[0].Title != "Opening address" ||
		r.Contributors[0].Family != "Алдошин" || r.Contributors[0].Translations[0].Family != "Aldoshin" ||
		r.Contributors[1].Literal != "Russian Academy of Sciences" || r.Contributors[1].Role != "organizer" ||
		strings.Join(r.Topics, "|") != "international-cooperation|science-policy" ||
		strings.Join(r.Keywords, "|") != "академии наук|сотрудничество" || r.Identifiers.DOI != "10.1234/abc" {
		t.Errorf("row 1: %+v", r)
	}
	lab := items[1].Record
	if len(lab.Contributors) != 1 || lab.Contributors[0].Literal == "" || lab.Title != "中俄人工智能联合实验室共建协议" || items[1].Line != 3 {
		t.Errorf("row 2 (empty cells are absent fields): %+v", lab)
	}
}

func TestReadCSVBOMAndWindowsLineEndings(t *testing.T) {
	data, err := os.ReadFile("testdata/bom-crlf.csv")
	if err != nil {
		t.Fatal(err)
	}
	items, err := ReadCSV(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Record.ID != "crlf-1" || items[0].Record.Title != "Title, with comma" ||
		items[1].Record.Contributors[0].Family != "Jovanović" || items[1].Line != 4 {
		t.Fatalf("items: %+v", items)
	}
	if items[1].Record.Title != "Line one\nline two" {
		t.Errorf("quoted multi-line cell: %q", items[1].Record.Title)
	}
}

func TestReadCSVRejectsWholeFile(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"ragged row":      {"id,title\na,b\nc,d,e\n", "Line 3: this row has a different number of cells"},
		"unknown column":  {"id,titel\na,b\n", `"titel" is not a field of a record; did you mean "title"?`},
		"group column":    {"id,contributors\na,b\n", "names a group of fields"},
		"index on scalar": {"title[0]\na\n", "is not a list"},
		"duplicate":       {"title,title\na,b\n", "appears twice"},
		"bare quote":      {"title\na\"b\n", "Line 2"},
		"header only":     {"id,title\n", "no records"},
		"empty":           {"", "The file is empty"},
		"invalid utf8":    {"title\n\xc3\x28\n", "not valid UTF-8"},
	} {
		_, err := ReadCSV([]byte(tc.data))
		if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want malformed containing %q", name, err, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	f, ok := FormatForMediaType(Formats(), "text/csv; charset=utf-8")
	if !ok || f.Name != "csv" {
		t.Errorf("text/csv: %v %v", f.Name, ok)
	}
	if _, ok := FormatForMediaType(Formats(), "application/pdf"); ok {
		t.Error("pdf is not an import format")
	}
	f, ok = FormatForFile(Formats(), "dump.JSONL")
	if !ok || f.Name != "ndjson" {
		t.Errorf("dump.JSONL: %v %v", f.Name, ok)
	}
}

// TestJSONThatWouldBeQuietlyChanged: a key given twice (encoding/json keeps
// the last) and a lone surrogate escape (it becomes U+FFFD) are refused,
// naming the key or the escape; a real pair of surrogates is read.
func TestJSONThatWouldBeQuietlyChanged(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"kind":"report","title":"A","title":"B","contributors":[{"family":"X"}]}`, `"title" is given twice`},
		{`{"kind":"report","title":"A","contributors":[{"family":"X","family":"Y"}]}`, `"family" is given twice`},
		{`{"kind":"report","title":"\ud800","contributors":[{"family":"X"}]}`, `\ud800 is half`},
		{`{"kind":"report","title":"x\udc00y","contributors":[{"family":"X"}]}`, `\udc00 is half`},
		{`{"kind":"report","title":"\ud83d\u0041","contributors":[{"family":"X"}]}`, `\ud83d is half`},
	} {
		_, err := DecodeRecord([]byte(tc.body))
		if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want EMALFORMED saying %s", tc.body, err, tc.want)
		}
	}
	r, err := DecodeRecord([]byte(`{"kind":"report","title":"\ud83d\ude00 \\u0041 and a \"quote\"","contributors":[{"family":"X"}],"keywords":["a","a"]}`))
	if err != nil || r.Title != "😀 \\u0041 and a \"quote\"" {
		t.Errorf("a surrogate pair and escapes: %q %v", r.Title, err)
	}
	items, err := ReadJSON([]byte(`[{"kind":"report","title":"A","contributors":[{"family":"X"}]},{"kind":"report","title":"B","title":"C"}]`))
	if err == nil && (len(items) != 2 || len(items[1].Errors) == 0) {
		t.Errorf("an import with a duplicate key was read without complaint: %+v", items)
	}
}
