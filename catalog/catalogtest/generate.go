// Package catalogtest helps test code that uses the catalogue: a
// deterministic generator of realistic multilingual records, shared by
// tests and benchmarks, and a conformance suite every catalog.Store
// implementation must pass.
package catalogtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
)

// GeneratedEventID is the id of the event that generated records belong to.
const GeneratedEventID = "gen-2025"

// GeneratedEvent returns the event generated records refer to.
func GeneratedEvent() catalog.Event {
	return catalog.Event{
		ID: GeneratedEventID, Name: "Generated Conference of Academies", Place: "Jinan, China",
		Start: "2025-06-04", End: "2025-06-06",
		Translations: []catalog.EventTranslation{{Language: "ru", Name: "Сгенерированная конференция академий"},
			{Language: "zh", Name: "生成的科学院会议"}},
		Sessions: []catalog.Session{
			{Key: "life", Title: "Life sciences"}, {Key: "ai", Title: "Microelectronics and AI"},
			{Key: "energy", Title: "Energy"}, {Key: "materials", Title: "New materials"},
			{Key: "culture", Title: "Culture, art and history"},
		},
	}
}

// Generator makes records from a seed: the same seed gives the same records.
// Words follow Zipf's law, as in real text: a few function words are most
// of it, the real content words of each language come next, and a long
// tail of made-up words (up to vocabularySize types per language) makes
// the rest, so that a query word matches a realistic share of records.
type Generator struct {
	rng  *rand.Rand
	zipf *rand.Zipf
	n    int
}

// vocabularySize is how many word types each language's text draws from.
const vocabularySize = 30000

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &Generator{rng: rng, zipf: rand.NewZipf(rng, 1.07, 2, vocabularySize-1)}
}

// Records returns n records, each with an id of the form gen-000042.
func (g *Generator) Records(n int) []catalog.Record {
	out := make([]catalog.Record, n)
	for i := range out {
		out[i] = g.Record()
	}
	return out
}

var sessions = []string{"life", "ai", "energy", "materials", "culture"}

// Record returns the next record: a presentation, report or article in
// English (60%), Russian (25%) or Chinese (15%) with an abstract of 150-250
// words, 1-4 contributors, topics, keywords and often a translated title.
func (g *Generator) Record() catalog.Record {
	g.n++
	lang := g.language()
	r := catalog.Record{
		ID:       fmt.Sprintf("gen-%06d", g.n),
		Kind:     []catalog.Kind{catalog.KindPresentation, catalog.KindPresentation, catalog.KindReport, catalog.KindArticle}[g.rng.IntN(4)],
		Status:   catalog.StatusPublished,
		Language: lang,
		Title:    g.phrase(lang, 4+g.rng.IntN(6), true),
		Abstract: g.phrase(lang, 150+g.rng.IntN(101), false) + ".",
		Event:    GeneratedEventID,
		Session:  sessions[g.rng.IntN(len(sessions))],
		Date:     fmt.Sprintf("2025-06-%02d", 4+g.rng.IntN(3)),
		Topics:   []string{topicKeys[g.rng.IntN(len(topicKeys))]},
		Keywords: []string{g.phrase(lang, 1, true), g.phrase(lang, 2, true)},
	}
	if g.rng.IntN(10) < 2 {
		r.Status = catalog.StatusDraft
	}
	if g.rng.IntN(2) == 0 {
		other := []string{"en", "ru", "zh"}[g.rng.IntN(3)]
		if other != lang {
			r.Translations = []catalog.Translation{{Language: other, Title: g.phrase(other, 4+g.rng.IntN(5), true)}}
		}
	}
	for range 1 + g.rng.IntN(4) {
		r.Contributors = append(r.Contributors, g.person(lang))
	}
	return r
}

func (g *Generator) language() string {
	switch p := g.rng.IntN(100); {
	case p < 60:
		return "en"
	case p < 85:
		return "ru"
	default:
		return "zh"
	}
}

// vocabularies holds each language's words in Zipf rank order, built once.
var vocabularies = map[string][]string{"en": vocabulary("en"), "ru": vocabulary("ru"), "zh": vocabulary("zh")}

// vocabulary orders a language's words by rank: function words first; the
// real content words spread over ranks up to about 4,000 (in real text
// even the commonest content word is in a minority of records); made-up
// words everywhere else.
func vocabulary(lang string) []string {
	v := make([]string, vocabularySize)
	fn := functionWords[lang]
	copy(v, fn)
	for i, w := range wordsOf(lang) {
		r := len(fn) + 10 + (i*37)%4000
		for v[r] != "" {
			r++
		}
		v[r] = w
	}
	for r := range v {
		if v[r] == "" {
			v[r] = madeUpWord(lang, r)
		}
	}
	return v
}

// madeUpWord builds a word of 2-4 syllables of the language, the same
// word for the same rank.
func madeUpWord(lang string, rank int) string {
	syl := syllables[lang]
	h := uint64(rank)*0x9e3779b97f4a7c15 + 1
	var b strings.Builder
	for range 2 + rank%3 {
		h ^= h >> 29
		h *= 0xbf58476d1ce4e5b9
		b.WriteString(syl[h%uint64(len(syl))])
	}
	return b.String()
}

func word(lang string, rank int) string { return vocabularies[lang][rank] }

// phrase makes n words of lang; titles (content) skip function words.
func (g *Generator) phrase(lang string, n int, content bool) string {
	sep := " "
	if lang == "zh" {
		sep = ""
	}
	parts := make([]string, n)
	for i := range parts {
		rank := int(g.zipf.Uint64())
		if content {
			rank = min(rank+len(functionWords[lang]), vocabularySize-1)
		}
		parts[i] = word(lang, rank)
	}
	s := strings.Join(parts, sep)
	if sep == " " {
		first, size := utf8.DecodeRuneInString(s)
		s = string(unicode.ToUpper(first)) + s[size:]
	}
	return s
}

func (g *Generator) person(lang string) catalog.Contributor {
	pick := func(list []string) string { return list[g.rng.IntN(len(list))] }
	countries := map[string][]string{"en": {"RS", "KZ", "UZ", "AM", "BR", "CA"}, "ru": {"RU", "BY", "KG"}, "zh": {"CN"}}
	c := catalog.Contributor{Country: pick(countries[lang]), Affiliation: pick(affiliations[lang])}
	switch lang {
	case "ru":
		c.Family, c.Given = pick(ruFamily), pick(ruGiven)
	case "zh":
		c.Family, c.Given = pick(zhFamily), pick(zhGiven)
	default:
		c.Family, c.Given = pick(enFamily), pick(enGiven)
	}
	return c
}

func wordsOf(lang string) []string {
	switch lang {
	case "ru":
		return ruWords
	case "zh":
		return zhWords
	}
	return enWords
}

var topicKeys = []string{"life-sciences", "artificial-intelligence", "energy", "materials", "culture", "history",
	"medicine", "microelectronics", "chemistry", "international-cooperation"}

var enWords = strings.Fields(`analysis new method model data system energy materials
	cooperation science research technology development artificial intelligence network learning neural deep
	protein cell gene genome plant medicinal active ingredient extraction synthesis catalyst polymer composite
	alloy thin film semiconductor chip microelectronic sensor laser optical quantum battery hydrogen solar wind
	grid storage carbon emission climate soil water river lake agriculture crop yield heritage history culture
	art museum manuscript archive language literature regional local academy institute international joint
	laboratory platform transfer innovation policy economic growth industrial digital computing supercomputer
	simulation algorithm optimisation control robot image recognition speech translation evaluation measurement
	structure property performance stability efficiency temperature pressure flow thermal mechanical electrical
	chemical biological clinical medical health disease treatment drug diagnosis population survey study review
	results evidence approach framework toward towards based using under between across during via`)

// functionWords are the most frequent words of each language.
var functionWords = map[string][]string{
	"en": strings.Fields("the of and in a to for with on is by as from that this are at an be which"),
	"ru": strings.Fields("и в на с по для о при из к что как от это не"),
	"zh": strings.Fields("的 和 在 与 对 中 为 及"),
}

// syllables make the long tail of made-up words.
var syllables = map[string][]string{
	"en": strings.Fields("ka lo ter mi sun ra ve tion dor pel an gri mo stal ex tri ven cor pha li"),
	"ru": strings.Fields("ка ло тер ми сун ра ве ция дор пел ан гри мо стал эк три вен кор фа ли"),
	"zh": strings.Fields("光 谱 流 体 电 磁 热 声 波 场 晶 链 膜 核 酶 藻 矿 岩 土 风"),
}

var ruWords = strings.Fields(`анализ метод модель данные система энергия материалы сотрудничество наука
	исследование исследования технология технологии развитие искусственный интеллект сеть обучение нейронная
	белок клетка ген геном растение лекарственное активный компонент синтез катализатор полимер композит сплав
	плёнка полупроводник датчик лазер оптический квантовый аккумулятор водород солнечная ветровая углерод климат
	почва вода река озеро сельское хозяйство урожай наследие история истории культура искусство музей рукопись
	архив язык литература региональный академия академии института институт международный совместная
	лаборатория платформа трансфер инноваций политика экономический промышленный цифровой вычисления
	суперкомпьютер моделирование алгоритм оптимизация управление робот изображение распознавание перевод оценка
	структура свойства эффективность температура давление тепловой механический химический биологический
	клинический медицинский здоровье болезнь лечение препарат диагностика население обзор результаты подход`)

var zhWords = strings.Fields(`分析 方法 模型 数据 系统 能源 材料 合作 科学 研究 技术 发展 人工智能 网络 学习 神经 深度
	蛋白质 细胞 基因 基因组 植物 药用 活性 成分 提取 合成 催化剂 聚合物 复合 合金 薄膜 半导体 芯片 微电子 传感器
	激光 光学 量子 电池 氢能 太阳能 风能 电网 储能 碳 排放 气候 土壤 水 河流 农业 作物 产量 遗产 历史 文化 艺术
	博物馆 手稿 档案 语言 文学 地方 科学院 研究所 国际 联合 实验室 平台 转移 创新 政策 经济 工业 数字 计算
	超级计算 模拟 算法 优化 控制 机器人 图像 识别 翻译 评价 结构 性能 稳定性 效率 温度 压力 热 机械 化学 生物
	临床 医学 健康 疾病 治疗 药物 诊断 调查 综述 结果 方法论 框架 中俄 上合组织 一带一路`)

var (
	enFamily = []string{"Petrović", "Jovanović", "Nikolić", "Abenov", "Karimov", "Yusupova", "Hakobyan", "Silva",
		"Santos", "Tremblay", "Martin", "Smith", "Aliyev", "Mammadova", "Tashkentova", "Ismoilov", "Sadykov"}
	enGiven  = []string{"Marko", "Ana", "Dragan", "Aigerim", "Nurlan", "Dilnoza", "Aram", "Lucas", "Mariana", "Émilie", "John", "Leyla", "Rustam", "Bekzod"}
	ruFamily = []string{"Иванов", "Петрова", "Смирнов", "Кузнецова", "Соколов", "Попова", "Лебедев", "Козлова",
		"Новиков", "Морозова", "Волков", "Алексеева", "Гусаков", "Алдошин", "Дудик", "Орлов"}
	ruGiven  = []string{"Александр", "Мария", "Сергей", "Елена", "Дмитрий", "Ольга", "Андрей", "Наталья", "Владимир", "Татьяна"}
	zhFamily = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "段", "朱"}
	zhGiven  = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "天", "海生", "培永", "春燕"}

	affiliations = map[string][]string{
		"en": {"Serbian Academy of Sciences and Arts", "Academy of Sciences of Uzbekistan", "National Academy of Sciences of Kazakhstan",
			"National Academy of Sciences of Armenia", "University of São Paulo", "University of Toronto"},
		"ru": {"Российская академия наук", "Национальная академия наук Беларуси", "Национальная академия наук Кыргызской Республики"},
		"zh": {"齐鲁工业大学（山东省科学院）", "中国科学院", "黑龙江省科学院"},
	}
)

// Page returns the text of a page of a document in lang: about words words
// in sentences of 8-20 words, a line break every dozen words or so.
func (g *Generator) Page(lang string, words int) string {
	var b strings.Builder
	for n := 0; n < words; {
		k := 8 + g.rng.IntN(13)
		b.WriteString(g.phrase(lang, k, false))
		if lang == "zh" {
			b.WriteString("。")
		} else {
			b.WriteString(". ")
		}
		if g.rng.IntN(2) == 0 {
			b.WriteString("\n")
		}
		n += k
	}
	return b.String()
}

// Word returns a content word of lang drawn as the text draws words (a
// query a reader might type).
func (g *Generator) Word(lang string) string {
	rank := min(int(g.zipf.Uint64())+len(functionWords[lang]), vocabularySize-1)
	return word(lang, rank)
}

// Query is the k-th query of a benchmark over generated text: a word of
// the language, and a second one for every other query.
func (g *Generator) Query(lang string, k int) string {
	q := g.Word(lang)
	if k%2 == 1 {
		q += " " + g.Word(lang)
	}
	return q
}
