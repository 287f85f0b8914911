package web

import (
	"encoding/json"
	"fmt"

	"github.com/annals/annals/export"
)

// describeFormats fills the OpenAPI description's lists of formats from
// the format registry (export.Formats), so that a format added there is
// described without editing the description: the format parameter and
// response media types of GET /api/v1/records/{id} and GET /api/v1/search,
// and the media types POST /api/v1/import reads. Media types the
// description already has keep their schemas.
func describeFormats(description []byte, importFormats []string) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(description, &doc); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	operation := func(path, method string) map[string]any {
		p, _ := paths[path].(map[string]any)
		op, _ := p[method].(map[string]any)
		return op
	}
	var recordTypes, recordNames []string
	for _, f := range export.RecordFormats() {
		recordTypes, recordNames = append(recordTypes, f.MediaType), append(recordNames, f.Name)
	}
	searchTypes, searchNames := []string{"application/json"}, []string{"json"}
	for _, name := range export.StreamNames() {
		f, _ := export.FindFormat(name)
		searchTypes, searchNames = append(searchTypes, f.MediaType), append(searchNames, f.Name)
	}
	if op := operation("/api/v1/records/{id}", "get"); op != nil {
		setFormatEnum(op, recordNames)
		addContent(responseContent(op), recordTypes)
	}
	if op := operation("/api/v1/search", "get"); op != nil {
		setFormatEnum(op, searchNames)
		addContent(responseContent(op), searchTypes)
	}
	if op := operation("/api/v1/import", "post"); op != nil {
		body, _ := op["requestBody"].(map[string]any)
		content, _ := body["content"].(map[string]any)
		addContent(content, importFormats)
	}
	return json.MarshalIndent(doc, "", " ")
}

func setFormatEnum(op map[string]any, names []string) {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		if m, ok := p.(map[string]any); ok && m["name"] == "format" {
			if schema, ok := m["schema"].(map[string]any); ok {
				schema["enum"] = names
			}
		}
	}
}

func responseContent(op map[string]any) map[string]any {
	responses, _ := op["responses"].(map[string]any)
	ok, _ := responses["200"].(map[string]any)
	content, _ := ok["content"].(map[string]any)
	return content
}

func addContent(content map[string]any, mediaTypes []string) {
	if content == nil {
		return
	}
	for _, mt := range mediaTypes {
		if _, ok := content[mt]; !ok {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
	}
}
