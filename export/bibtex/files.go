package bibtex

import (
	"strings"

	"github.com/annals/annals/catalog"
)

// entryFiles reads the files an entry links to. The file field is written
// as JabRef, Zotero and Mendeley write it: entries "Description:Path:Type"
// separated by ";", with \: \; \\ escaping those characters inside (and
// Mendeley's $\backslash$ for a backslash); a bare path is taken too. The
// pdf field (one path) is read as well. Each becomes a linked import file:
// ResolveImportFiles finds it among the import's files, or warns.
func entryFiles(e parsedEntry) []catalog.ImportFile {
	var out []catalog.ImportFile
	seen := map[string]bool{}
	add := func(p string) {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, catalog.ImportFile{Path: p, Linked: true})
		}
	}
	raw := strings.ReplaceAll(e.Fields["file"], `$\backslash$`, `\`)
	for _, item := range splitEscaped(raw, ';') {
		parts := splitEscaped(item, ':')
		for i := range parts {
			parts[i] = unescapeFileField(parts[i])
		}
		switch {
		case len(parts) == 0:
		case len(parts) == 1:
			add(parts[0])
		case len(parts) == 2 && isDriveLetter(parts[0]):
			add(parts[0] + ":" + parts[1]) // C:\paper.pdf, written unescaped
		case len(parts) == 2:
			add(parts[1])
		default: // description, path (which may hold unescaped colons), type
			add(strings.Join(parts[1:len(parts)-1], ":"))
		}
	}
	add(unescapeFileField(e.Fields["pdf"]))
	catalog.LabelFirstPDFFulltext(out)
	return out
}

// splitEscaped splits s at each sep not escaped by a backslash, keeping
// the escapes (unescapeFileField removes them).
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" || len(parts) > 0 {
		parts = append(parts, s[start:])
	}
	return parts
}

// unescapeFileField removes the backslashes that escape : ; \ { } in a
// file field. Other backslashes (a Windows path written unescaped) stay.
func unescapeFileField(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`:;\{}`, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDriveLetter(s string) bool {
	return len(s) == 1 && ('a' <= s[0]|0x20 && s[0]|0x20 <= 'z')
}
