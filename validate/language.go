package validate

import "golang.org/x/text/language"

// Language chooses the language of messages. It is a BCP 47 tag, such as
// "fi", "sv-FI" or "en-GB", so a program passes what its user or an
// Accept-Language header says without importing a language package.
// Messages exist in English, Finnish and Swedish; any tag is matched to
// the closest of them, and the zero value, a tag that does not parse and a
// language without messages read English.
type Language string

// The languages messages exist in.
const (
	English Language = "en"
	Finnish Language = "fi"
	Swedish Language = "sv"
)

// Languages returns the languages messages exist in, English first.
func Languages() []Language {
	out := make([]Language, len(catalogs))
	for i, c := range catalogs {
		out[i] = c.lang
	}
	return out
}

// Matched returns the language whose messages l reads: English, Finnish
// or Swedish.
func (l Language) Matched() Language { return catalogFor(l).lang }

// matcher matches any tag to the languages of the catalogs.
var matcher = language.NewMatcher([]language.Tag{language.English, language.Finnish, language.Swedish})

// catalogFor picks the catalog that best matches lang, English when none
// matches well.
func catalogFor(lang Language) *catalog {
	switch lang {
	case English, "":
		return english
	case Finnish:
		return finnish
	case Swedish:
		return swedish
	}
	tag, err := language.Parse(string(lang))
	if err != nil {
		return english
	}
	_, i, conf := matcher.Match(tag)
	if conf < language.High {
		return english
	}
	return catalogs[i]
}
