package catalog

import "slices"

// Kinds lists every record kind in the order forms offer them.
var kinds = []Kind{KindPresentation, KindSpeech, KindReport, KindAgreement, KindBook,
	KindChapter, KindArticle, KindDataset, KindOther}

// Kinds returns every record kind in the order forms offer them.
func Kinds() []Kind { return slices.Clone(kinds) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// RecordStatuses lists the statuses a record may have.
func RecordStatuses() []Status { return []Status{StatusDraft, StatusPublished, StatusWithdrawn} }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusPublished || s == StatusWithdrawn
}

// Contributor roles.
const (
	RoleAuthor      = "author"
	RoleSpeaker     = "speaker"
	RoleEditor      = "editor"
	RoleChair       = "chair"
	RoleOrganizer   = "organizer"
	RoleSignatory   = "signatory"
	RoleParty       = "party"
	RoleTranslator  = "translator"
	RoleContributor = "contributor"
)

var roles = []string{RoleAuthor, RoleSpeaker, RoleEditor, RoleChair, RoleOrganizer,
	RoleSignatory, RoleParty, RoleTranslator, RoleContributor}

// Roles returns every contributor role.
func Roles() []string { return slices.Clone(roles) }

// ValidRole reports whether role is a known contributor role.
func ValidRole(role string) bool { return slices.Contains(roles, role) }

// DefaultRole is the role a contributor gets when none is given: speakers
// give speeches and presentations, parties sign agreements, authors write
// everything else.
func DefaultRole(k Kind) string {
	switch k {
	case KindSpeech, KindPresentation:
		return RoleSpeaker
	case KindAgreement:
		return RoleParty
	default:
		return RoleAuthor
	}
}

// Topic is one term of the controlled subject vocabulary, with its labels in
// the three interface languages.
type Topic struct {
	Key    string            `json:"key"`
	Labels map[string]string `json:"labels"`
}

func topic(key, en, ru, zh string) Topic {
	return Topic{Key: key, Labels: map[string]string{"en": en, "ru": ru, "zh": zh}}
}

// topics is the subject vocabulary. It follows the tracks of academies'
// conferences; librarians extend it by changing this list.
var topics = []Topic{
	topic("life-sciences", "Life sciences", "Науки о жизни", "生命科学"),
	topic("biotechnology", "Biotechnology", "Биотехнология", "生物技术"),
	topic("medicine", "Medicine and health", "Медицина и здравоохранение", "医学与健康"),
	topic("pharmacology", "Pharmacology and natural medicines", "Фармакология и природные лекарственные средства", "药理学与天然药物"),
	topic("agriculture", "Agriculture and food", "Сельское хозяйство и продовольствие", "农业与食品"),
	topic("ecology", "Ecology and environment", "Экология и окружающая среда", "生态与环境"),
	topic("microelectronics", "Microelectronics", "Микроэлектроника", "微电子"),
	topic("artificial-intelligence", "Artificial intelligence", "Искусственный интеллект", "人工智能"),
	topic("computing", "Computing and supercomputing", "Вычисления и суперкомпьютеры", "计算与超级计算"),
	topic("energy", "Energy", "Энергетика", "能源"),
	topic("low-carbon", "Green and low-carbon technology", "Зелёные и низкоуглеродные технологии", "绿色低碳技术"),
	topic("materials", "New materials and technologies", "Новые материалы и технологии", "新材料与新技术"),
	topic("chemistry", "Chemistry", "Химия", "化学"),
	topic("physics", "Physics", "Физика", "物理学"),
	topic("mathematics", "Mathematics", "Математика", "数学"),
	topic("earth-sciences", "Earth sciences", "Науки о Земле", "地球科学"),
	topic("culture", "Culture", "Культура", "文化"),
	topic("art", "Art", "Искусство", "艺术"),
	topic("history", "History", "История", "历史"),
	topic("publishing", "Books, publishing and libraries", "Книжное дело, издательства и библиотеки", "图书、出版与图书馆"),
	topic("education", "Education and talent", "Образование и кадры", "教育与人才"),
	topic("economics", "Economics and innovation policy", "Экономика и инновационная политика", "经济与创新政策"),
	topic("technology-transfer", "Technology transfer", "Трансфер технологий", "技术转移"),
	topic("international-cooperation", "International cooperation", "Международное сотрудничество", "国际合作"),
	topic("think-tanks", "Think tanks", "Аналитические центры", "智库"),
	topic("science-policy", "Science policy and academies", "Научная политика и академии", "科技政策与科学院"),
}

// Topics returns the subject vocabulary.
func Topics() []Topic { return slices.Clone(topics) }

// FindTopic returns the topic with the given key.
func FindTopic(key string) (Topic, bool) {
	for _, t := range topics {
		if t.Key == key {
			return t, true
		}
	}
	return Topic{}, false
}
