package proceedings

import (
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export/typeset"
)

// titleSpans are a title's spans (its markup: package markup) in the
// styles of a heading set in base: what the title sets in italics is
// italic in a regular or bold heading and upright in an italic one, bold
// is bold; superscripts and subscripts are raised or lowered and smaller,
// small capitals set as smaller capitals.
func titleSpans(title string, base typeset.Style) []typeset.Span {
	baseBold := base == typeset.Bold || base == typeset.BoldItalic
	baseItalic := base == typeset.Italic || base == typeset.BoldItalic
	var out []typeset.Span
	for _, sp := range markup.Parse(title) {
		bold, italic := baseBold || sp.Style&markup.Bold != 0, baseItalic != (sp.Style&markup.Italic != 0)
		style := typeset.Regular
		switch {
		case bold && italic:
			style = typeset.BoldItalic
		case bold:
			style = typeset.Bold
		case italic:
			style = typeset.Italic
		}
		out = append(out, typeset.Span{Text: sp.Text, Style: style, Variant: variantOf(sp.Style&markup.Superscript != 0,
			sp.Style&markup.Subscript != 0, sp.Style&markup.SmallCaps != 0)})
	}
	return out
}

// variantOf is the variant of text that is superscript, subscript or in
// small capitals.
func variantOf(sup, sub, smallCaps bool) typeset.Variant {
	switch {
	case sup:
		return typeset.Superscript
	case sub:
		return typeset.Subscript
	case smallCaps:
		return typeset.SmallCaps
	}
	return typeset.Normal
}

// translatedTitleSpans are a translated title and its language tag ("…
// [en]"), set in italics.
func translatedTitleSpans(title, lang string) []typeset.Span {
	return append(titleSpans(title, typeset.Italic), typeset.Span{Text: " [" + lang + "]", Style: typeset.Italic})
}
