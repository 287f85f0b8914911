package catalog

import "strings"

// iso3166 holds the officially assigned ISO 3166-1 alpha-2 country codes.
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
	"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// iso639 holds the ISO 639-1 two-letter language codes.
const iso639 = "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo " +
	"es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki " +
	"kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr " +
	"nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th " +
	"ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"

func codeSet(list string) map[string]bool {
	set := make(map[string]bool)
	for _, c := range strings.Fields(list) {
		set[c] = true
	}
	return set
}

// Read-only lookup sets, built once at start-up.
var (
	countrySet  = codeSet(iso3166)
	languageSet = codeSet(iso639)
)

// Countries returns the ISO 3166-1 alpha-2 codes in alphabetical order.
func Countries() []string { return strings.Fields(iso3166) }

// ValidCountry reports whether code is an assigned ISO 3166-1 alpha-2 code
// (upper case, as the standard writes it).
func ValidCountry(code string) bool { return countrySet[code] }

// ValidLanguage reports whether tag is a well-formed BCP 47 (RFC 5646)
// language tag whose primary language is an ISO 639 code: a known
// two-letter code or any three-letter one, then optional extlang, script,
// region, variant, extension and private-use subtags. Case is not
// significant.
func ValidLanguage(tag string) bool {
	if tag == "" || len(tag) > 64 {
		return false
	}
	subtags := strings.Split(strings.ToLower(tag), "-")
	for _, s := range subtags {
		if s == "" || len(s) > 8 || !isAlnum(s) {
			return false
		}
	}
	primary := subtags[0]
	switch {
	case len(primary) == 2 && isAlpha(primary):
		if !languageSet[primary] {
			return false
		}
	case len(primary) == 3 && isAlpha(primary):
	default:
		return false
	}
	rest := subtags[1:]
	// extlang: up to three 3-letter subtags.
	for n := 0; n < 3 && len(rest) > 0 && len(rest[0]) == 3 && isAlpha(rest[0]); n++ {
		rest = rest[1:]
	}
	if len(rest) > 0 && len(rest[0]) == 4 && isAlpha(rest[0]) { // script
		rest = rest[1:]
	}
	if len(rest) > 0 { // region
		r := rest[0]
		if len(r) == 2 && isAlpha(r) {
			if !countrySet[strings.ToUpper(r)] {
				return false
			}
			rest = rest[1:]
		} else if len(r) == 3 && isDigits(r) {
			rest = rest[1:]
		}
	}
	for len(rest) > 0 && isVariant(rest[0]) {
		rest = rest[1:]
	}
	// extensions and private use: a singleton followed by 2-8 (or, for x,
	// 1-8) character subtags.
	for len(rest) > 0 {
		single := rest[0]
		if len(single) != 1 {
			return false
		}
		rest = rest[1:]
		n := 0
		for len(rest) > 0 && len(rest[0]) > 1 || (single == "x" && len(rest) > 0) {
			rest = rest[1:]
			n++
		}
		if n == 0 {
			return false
		}
	}
	return true
}

func isVariant(s string) bool {
	if len(s) >= 5 && len(s) <= 8 {
		return true
	}
	return len(s) == 4 && s[0] >= '0' && s[0] <= '9'
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c|0x20 >= 'a' && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}
