package textdoc

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// htmlText is the text a reader sees of an HTML page: no scripts, styles,
// templates or head (but its title); block elements end lines.
func htmlText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // inside script, style...
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(collapseBlankLines(b.String()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case hiddenTags[tag]:
				if t := z.Token(); t.Type == html.StartTagToken {
					skip++
				}
			case tag == "title":
				inTitle = true
			case tag == "br":
				b.WriteString("\n")
			case blockTags[tag]:
				b.WriteString("\n")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case hiddenTags[tag]:
				if skip > 0 {
					skip--
				}
			case tag == "title":
				inTitle = false
				b.WriteString("\n")
			case blockTags[tag]:
				b.WriteString("\n")
			}
		case html.TextToken:
			if skip == 0 {
				text := spaces.ReplaceAllString(string(z.Text()), " ")
				if !inTitle || strings.TrimSpace(text) != "" {
					b.WriteString(text)
				}
			}
		}
	}
}

var hiddenTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true, "iframe": true, "object": true}

var blockTags = map[string]bool{"p": true, "div": true, "li": true, "tr": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "section": true, "article": true, "header": true, "footer": true, "blockquote": true, "pre": true,
	"table": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true, "figcaption": true, "td": true, "th": true}

var (
	blankLines = regexp.MustCompile(`[ \t]*\n[ \t\n]*\n`)
	spaces     = regexp.MustCompile(`[ \t\r\n\f]+`) // HTML's white space (not the no-break space)
)

func collapseBlankLines(s string) string { return blankLines.ReplaceAllString(s, "\n\n") }

var (
	mdImage   = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink    = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdHeading = regexp.MustCompile(`(?m)^[ \t]{0,3}#{1,6}[ \t]+`)
	mdMarks   = regexp.MustCompile("(\\*\\*|__|`+)")
	mdQuote   = regexp.MustCompile(`(?m)^[ \t]{0,3}>[ \t]?`)
	mdList    = regexp.MustCompile(`(?m)^[ \t]*(?:[-*+]|\d+[.)])[ \t]+`)
	mdTag     = regexp.MustCompile(`<[^>\n]+>`)
)

// markdownText is the words of a Markdown file without its syntax: links
// and images keep their text, headings, quotes, lists and emphasis marks
// go.
func markdownText(src string) string {
	s := mdImage.ReplaceAllString(src, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdHeading.ReplaceAllString(s, "")
	s = mdQuote.ReplaceAllString(s, "")
	s = mdList.ReplaceAllString(s, "")
	s = mdMarks.ReplaceAllString(s, "")
	s = mdTag.ReplaceAllString(s, "")
	return s
}
