package textdoc

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// pager gathers text into pages.
type pager struct {
	pages []string
	cur   strings.Builder
	size  int
}

func (p *pager) write(s string) error {
	p.size += len(s)
	if p.size > MaxText {
		return ErrTooLarge
	}
	p.cur.WriteString(s)
	return nil
}

// breakPage ends the page, unless nothing was written on it since the
// last break (an explicit break is often followed by Word's rendered one).
func (p *pager) breakPage() {
	if strings.TrimSpace(p.cur.String()) == "" {
		return
	}
	p.pages = append(p.pages, strings.TrimRight(p.cur.String(), "\n"))
	p.cur.Reset()
}

func (p *pager) done() []string {
	if s := strings.TrimRight(p.cur.String(), "\n"); s != "" || len(p.pages) == 0 {
		p.pages = append(p.pages, s)
	}
	return p.pages
}

// walk calls fn for each token of an XML part; skip names elements whose
// content is not text of the document (field codes, deleted text).
func walk(data []byte, skip map[string]bool, fn func(tok xml.Token) error) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	depth := 0 // inside skipped elements
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("damaged XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth > 0 || skip[t.Name.Local] {
				depth++
				continue
			}
		case xml.EndElement:
			if depth > 0 {
				depth--
				continue
			}
		case xml.CharData:
			if depth > 0 {
				continue
			}
		}
		if err := fn(tok); err != nil {
			return err
		}
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// relID is the r:id of an element (its relationship), not its plain id.
func relID(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// maxSpaces bounds one run of spaces an OpenDocument writes as text:s.
const maxSpaces = 1000

// docxPages reads word/document.xml: paragraphs are lines; an explicit
// page break, or where Word last broke pages, starts a page.
func docxPages(z *zip.Reader) ([]string, error) {
	part := findPart(z, "word/document.xml")
	if part == nil {
		return nil, errors.New("a DOCX file without word/document.xml")
	}
	data, err := readPart(part)
	if err != nil {
		return nil, err
	}
	var p pager
	inText := false
	err = walk(data, map[string]bool{"instrText": true, "delText": true}, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				return p.write("\t")
			case "br", "cr":
				if attr(t, "type") == "page" {
					p.breakPage()
					return nil
				}
				return p.write("\n")
			case "lastRenderedPageBreak":
				p.breakPage()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				return p.write("\n")
			}
		case xml.CharData:
			if inText {
				return p.write(string(t))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p.done(), nil
}

var slideName = regexp.MustCompile(`^ppt/slides/slide(\d+)\.xml$`)

// pptxPages reads each slide, in the presentation's order, as a page.
func pptxPages(z *zip.Reader) ([]string, error) {
	names := slideOrder(z)
	if len(names) == 0 {
		return nil, errors.New("a PPTX file without slides")
	}
	var pages []string
	size := 0
	for _, name := range names {
		part := findPart(z, name)
		if part == nil {
			continue
		}
		data, err := readPart(part)
		if err != nil {
			return nil, err
		}
		var p pager
		p.size = size
		inText := false
		err = walk(data, nil, func(tok xml.Token) error {
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "t":
					inText = true
				case "br":
					return p.write("\n")
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "t":
					inText = false
				case "p":
					return p.write("\n")
				}
			case xml.CharData:
				if inText {
					return p.write(string(t))
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		size = p.size
		pages = append(pages, strings.TrimRight(p.cur.String(), "\n"))
	}
	return pages, nil
}

// slideOrder is the slides' part names in the presentation's order (its
// slide list and relationships), or by number when those cannot be read.
func slideOrder(z *zip.Reader) []string {
	var byNumber []string
	for _, f := range z.File {
		if slideName.MatchString(f.Name) {
			byNumber = append(byNumber, f.Name)
		}
	}
	number := func(name string) int {
		n, _ := strconv.Atoi(slideName.FindStringSubmatch(name)[1])
		return n
	}
	sort.Slice(byNumber, func(i, j int) bool { return number(byNumber[i]) < number(byNumber[j]) })
	pres, rels := findPart(z, "ppt/presentation.xml"), findPart(z, "ppt/_rels/presentation.xml.rels")
	if pres == nil || rels == nil {
		return byNumber
	}
	targets := map[string]string{}
	if data, err := readPart(rels); err == nil {
		walk(data, nil, func(tok xml.Token) error {
			if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "Relationship" {
				targets[attr(t, "Id")] = path.Join("ppt", attr(t, "Target"))
			}
			return nil
		})
	}
	var ordered []string
	if data, err := readPart(pres); err == nil {
		walk(data, nil, func(tok xml.Token) error {
			if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "sldId" {
				if target, ok := targets[relID(t)]; ok && slideName.MatchString(target) {
					ordered = append(ordered, target)
				}
			}
			return nil
		})
	}
	if len(ordered) == 0 {
		return byNumber
	}
	return ordered
}

// odfPages reads content.xml of an OpenDocument file: paragraphs and
// headings are lines; in a presentation each draw:page is a page, in a
// text document a soft page break (where the editor last broke pages)
// starts one.
func odfPages(z *zip.Reader, presentation bool) ([]string, error) {
	part := findPart(z, "content.xml")
	if part == nil {
		return nil, errors.New("an OpenDocument file without content.xml")
	}
	data, err := readPart(part)
	if err != nil {
		return nil, err
	}
	var p pager
	var slides []string
	inPara := 0 // inside text:p or text:h
	err = walk(data, map[string]bool{"annotation": true, "notes": true}, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p", "h":
				inPara++
			case "page":
				if presentation {
					p.cur.Reset()
				}
			case "soft-page-break":
				if !presentation {
					p.breakPage()
				}
			case "s":
				n, _ := strconv.Atoi(attr(t, "c"))
				return p.write(strings.Repeat(" ", min(max(n, 1), maxSpaces)))
			case "tab":
				return p.write("\t")
			case "line-break":
				return p.write("\n")
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p", "h":
				inPara--
				return p.write("\n")
			case "page":
				if presentation {
					slides = append(slides, strings.TrimRight(p.cur.String(), "\n"))
					p.cur.Reset()
				}
			}
		case xml.CharData:
			if inPara > 0 {
				return p.write(string(t))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if presentation {
		if len(slides) == 0 {
			return []string{""}, nil
		}
		return slides, nil
	}
	return p.done(), nil
}
