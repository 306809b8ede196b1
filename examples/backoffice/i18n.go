package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/impexkit/impex/validate"
)

// The page languages: the library's message languages, so a page and the
// issues on it speak the same one.
var pageLanguages = validate.Languages()

// catalog holds the pages' and e-mails' texts per language, by key. A key
// missing in a language falls back to English; one missing in English
// shows the key, which a test catches.
var catalog = map[validate.Language]map[string]string{
	validate.English: {
		"app":            "Back office",
		"lang.name":      "English",
		"nav.customers":  "Customers",
		"nav.import":     "Import",
		"nav.groups":     "Groups",
		"nav.signout":    "Sign out",
		"signin.title":   "Sign in",
		"signin.email":   "E-mail",
		"signin.pw":      "Password",
		"signin.submit":  "Sign in",
		"signin.failed":  "The e-mail address or password is wrong.",
		"c.search":       "Search",
		"c.kind":         "Customer type",
		"c.any":          "Any",
		"c.person":       "Private",
		"c.company":      "Company",
		"c.credit":       "Credit allowed",
		"c.yes":          "Yes",
		"c.no":           "No",
		"c.from":         "Updated from",
		"c.to":           "Updated before",
		"c.group":        "Group",
		"c.apply":        "Apply filters",
		"c.export":       "Export",
		"c.exportHint":   "A ZIP of two workbooks, private and company customers, with these filters.",
		"c.number":       "Number",
		"c.name":         "Name",
		"c.email":        "E-mail",
		"c.updated":      "Updated",
		"c.none":         "No customers match.",
		"c.prev":         "Previous",
		"c.next":         "Next",
		"c.page":         "Page %d",
		"c.badFilter":    "A filter was not understood: %s",
		"i.title":        "Import customers",
		"i.file":         "File (.xlsx, .xls or SFCC .xml)",
		"i.mode":         "Mode",
		"i.merge":        "Create and update",
		"i.update":       "Update existing only",
		"i.replace":      "Replace",
		"i.delete":       "Delete",
		"i.policy":       "Invalid rows",
		"i.skip":         "Skip them, import the rest",
		"i.stopFirst":    "Stop at the first",
		"i.allOrNothing": "Import nothing unless all are valid",
		"i.dryRun":       "Check data only (nothing is saved)",
		"i.submit":       "Upload",
		"i.help":         "The file is scheduled for processing; you get an e-mail with the result.",
		"i.yours":        "Your imports",
		"i.none":         "No imports yet.",
		"i.when":         "Uploaded",
		"j.title":        "Import of %s",
		"j.queued":       "Queued",
		"j.running":      "Running",
		"j.done":         "Done",
		"j.failed":       "Failed",
		"j.checkOnly":    "Data check: nothing was saved.",
		"j.importNow":    "Import this file now",
		"j.rate":         "%.0f rows/s",
		"j.of":           "%d of %d rows",
		"j.rows":         "%d rows",
		"j.read":         "Read",
		"j.valid":        "Valid",
		"j.rejected":     "Rejected",
		"j.created":      "Created",
		"j.updated":      "Updated",
		"j.unchanged":    "Unchanged",
		"j.deleted":      "Deleted",
		"j.issues":       "Issues",
		"j.noIssues":     "No issues.",
		"j.more":         "%d more issues are not shown; every rejected row's reasons are in the workbook.",
		"j.sheet":        "Sheet",
		"j.row":          "Row",
		"j.column":       "Column",
		"j.message":      "Message",
		"j.download":     "Download the rejected rows",
		"j.fileError":    "The file could not be imported; nothing was saved.",
		"j.error":        "The import failed. Try again later or ask the administrator.",
		"j.mailed":       "The result was e-mailed to you.",
		"g.title":        "Customer groups",
		"g.id":           "ID",
		"g.kind":         "Kind",
		"g.rule":         "Rule",
		"g.preview":      "Preview",
		"g.members":      "%d of %d customers are members.",
		"g.explain":      "Explain for a customer",
		"g.number":       "Customer number",
		"g.explainGo":    "Explain",
		"g.noCustomer":   "No customer has that number.",
		"m.subject":      "Import of %s: %d created, %d updated, %d rejected",
		"m.subjectCheck": "Data check of %s: %d valid, %d rejected",
		"m.subjectFail":  "Import of %s could not be done",
		"m.hello":        "Your file %s has been processed.",
		"m.attached":     "The rejected rows are attached with the reason for each; fix them and import the file again.",
		"m.fileError":    "The file could not be imported; nothing was saved. The reasons:",
		"m.failed":       "The import failed; ask the administrator.",
		"m.link":         "Details: %s",
		"e.forbidden":    "The request was refused: reload the page and try again.",
		"e.notFound":     "Not found.",
		"e.tooLarge":     "The file is larger than %d MB.",
		"e.type":         "Only .xlsx, .xls and SFCC .xml files can be imported, and the file's content must match its name.",
		"e.name":         "The file name is not acceptable.",
		"e.noFile":       "Choose a file to upload.",
		"e.option":       "An option was not understood.",
		"e.internal":     "Something went wrong on the server.",
	},
	validate.Finnish: {
		"app":            "Taustajärjestelmä",
		"lang.name":      "Suomi",
		"nav.customers":  "Asiakkaat",
		"nav.import":     "Tuonti",
		"nav.groups":     "Ryhmät",
		"nav.signout":    "Kirjaudu ulos",
		"signin.title":   "Kirjaudu sisään",
		"signin.email":   "Sähköposti",
		"signin.pw":      "Salasana",
		"signin.submit":  "Kirjaudu",
		"signin.failed":  "Sähköpostiosoite tai salasana on väärä.",
		"c.search":       "Haku",
		"c.kind":         "Asiakastyyppi",
		"c.any":          "Kaikki",
		"c.person":       "Yksityinen",
		"c.company":      "Yritys",
		"c.credit":       "Luotto sallittu",
		"c.yes":          "Kyllä",
		"c.no":           "Ei",
		"c.from":         "Päivitetty alkaen",
		"c.to":           "Päivitetty ennen",
		"c.group":        "Ryhmä",
		"c.apply":        "Käytä suodattimia",
		"c.export":       "Vie",
		"c.exportHint":   "ZIP-tiedosto, jossa on kaksi työkirjaa, yksityis- ja yritysasiakkaat, näillä suodattimilla.",
		"c.number":       "Numero",
		"c.name":         "Nimi",
		"c.email":        "Sähköposti",
		"c.updated":      "Päivitetty",
		"c.none":         "Yksikään asiakas ei vastaa hakua.",
		"c.prev":         "Edellinen",
		"c.next":         "Seuraava",
		"c.page":         "Sivu %d",
		"c.badFilter":    "Suodatinta ei ymmärretty: %s",
		"i.title":        "Tuo asiakkaita",
		"i.file":         "Tiedosto (.xlsx, .xls tai SFCC .xml)",
		"i.mode":         "Tila",
		"i.merge":        "Luo ja päivitä",
		"i.update":       "Päivitä vain olemassa olevat",
		"i.replace":      "Korvaa",
		"i.delete":       "Poista",
		"i.policy":       "Virheelliset rivit",
		"i.skip":         "Ohita ne, tuo muut",
		"i.stopFirst":    "Pysähdy ensimmäiseen",
		"i.allOrNothing": "Älä tuo mitään, ellei kaikki ole kunnossa",
		"i.dryRun":       "Tarkista tiedot vain (mitään ei tallenneta)",
		"i.submit":       "Lähetä",
		"i.help":         "Tiedosto ajastetaan käsiteltäväksi; saat tuloksen sähköpostilla.",
		"i.yours":        "Omat tuontisi",
		"i.none":         "Ei vielä tuonteja.",
		"i.when":         "Lähetetty",
		"j.title":        "Tuonti: %s",
		"j.queued":       "Jonossa",
		"j.running":      "Käynnissä",
		"j.done":         "Valmis",
		"j.failed":       "Epäonnistui",
		"j.checkOnly":    "Tietojen tarkistus: mitään ei tallennettu.",
		"j.importNow":    "Tuo tämä tiedosto nyt",
		"j.rate":         "%.0f riviä/s",
		"j.of":           "%d / %d riviä",
		"j.rows":         "%d riviä",
		"j.read":         "Luettu",
		"j.valid":        "Kelvollisia",
		"j.rejected":     "Hylätty",
		"j.created":      "Luotu",
		"j.updated":      "Päivitetty",
		"j.unchanged":    "Ennallaan",
		"j.deleted":      "Poistettu",
		"j.issues":       "Huomautukset",
		"j.noIssues":     "Ei huomautuksia.",
		"j.more":         "%d huomautusta lisää ei näytetä; jokaisen hylätyn rivin syyt ovat työkirjassa.",
		"j.sheet":        "Taulukko",
		"j.row":          "Rivi",
		"j.column":       "Sarake",
		"j.message":      "Viesti",
		"j.download":     "Lataa hylätyt rivit",
		"j.fileError":    "Tiedostoa ei voitu tuoda; mitään ei tallennettu.",
		"j.error":        "Tuonti epäonnistui. Yritä myöhemmin uudelleen tai kysy ylläpitäjältä.",
		"j.mailed":       "Tulos lähetettiin sinulle sähköpostilla.",
		"g.title":        "Asiakasryhmät",
		"g.id":           "Tunnus",
		"g.kind":         "Laji",
		"g.rule":         "Sääntö",
		"g.preview":      "Esikatselu",
		"g.members":      "%d / %d asiakkaasta on jäseniä.",
		"g.explain":      "Selitä asiakkaalle",
		"g.number":       "Asiakasnumero",
		"g.explainGo":    "Selitä",
		"g.noCustomer":   "Millään asiakkaalla ei ole tätä numeroa.",
		"m.subject":      "Tuonti %s: %d luotu, %d päivitetty, %d hylätty",
		"m.subjectCheck": "Tietojen tarkistus %s: %d kelvollista, %d hylätty",
		"m.subjectFail":  "Tuontia %s ei voitu tehdä",
		"m.hello":        "Tiedostosi %s on käsitelty.",
		"m.attached":     "Hylätyt rivit ovat liitteenä syineen; korjaa ne ja tuo tiedosto uudelleen.",
		"m.fileError":    "Tiedostoa ei voitu tuoda; mitään ei tallennettu. Syyt:",
		"m.failed":       "Tuonti epäonnistui; kysy ylläpitäjältä.",
		"m.link":         "Tiedot: %s",
		"e.forbidden":    "Pyyntö hylättiin: lataa sivu uudelleen ja yritä uudestaan.",
		"e.notFound":     "Ei löytynyt.",
		"e.tooLarge":     "Tiedosto on suurempi kuin %d Mt.",
		"e.type":         "Vain .xlsx-, .xls- ja SFCC .xml -tiedostoja voi tuoda, ja sisällön on vastattava nimeä.",
		"e.name":         "Tiedoston nimi ei kelpaa.",
		"e.noFile":       "Valitse lähetettävä tiedosto.",
		"e.option":       "Valintaa ei ymmärretty.",
		"e.internal":     "Palvelimella tapahtui virhe.",
	},
	validate.Swedish: {
		"app":           "Backoffice",
		"lang.name":     "Svenska",
		"nav.customers": "Kunder",
		"nav.import":    "Import",
		"nav.groups":    "Grupper",
		"nav.signout":   "Logga ut",
		"signin.title":  "Logga in",
		"signin.email":  "E-post",
		"signin.pw":     "Lösenord",
		"signin.submit": "Logga in",
		"signin.failed": "E-postadressen eller lösenordet är fel.",
		"c.search":      "Sök",
		"c.kind":        "Kundtyp",
		"c.any":         "Alla",
		"c.person":      "Privat",
		"c.company":     "Företag",
		"c.credit":      "Kredit tillåten",
		"c.yes":         "Ja",
		"c.no":          "Nej",
		"c.group":       "Grupp",
		"c.apply":       "Använd filter",
		"c.export":      "Exportera",
		"c.name":        "Namn",
		"c.number":      "Nummer",
		"c.updated":     "Uppdaterad",
		"i.title":       "Importera kunder",
		"i.submit":      "Ladda upp",
		"i.dryRun":      "Kontrollera bara data (inget sparas)",
		"j.download":    "Ladda ner de avvisade raderna",
		"j.issues":      "Anmärkningar",
		"m.subject":     "Import av %s: %d skapade, %d uppdaterade, %d avvisade",
		"m.hello":       "Din fil %s har behandlats.",
		"m.attached":    "De avvisade raderna bifogas med orsaken till var och en; rätta dem och importera filen igen.",
	},
}

// T returns the text of key in lang, formatted with args when given.
func T(lang validate.Language, key string, args ...any) string {
	s, ok := catalog[lang][key]
	if !ok {
		if s, ok = catalog[validate.English][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// langCookie keeps the language the user chose.
const langCookie = "lang"

// requestLanguage picks the page language: a ?lang= choice (which is kept
// in a cookie), the cookie, then the browser's Accept-Language, then
// English.
func requestLanguage(w http.ResponseWriter, r *http.Request) validate.Language {
	if l, ok := pageLanguage(r.URL.Query().Get("lang")); ok {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := pageLanguage(c.Value); ok {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(tag, "-")
		if l, ok := pageLanguage(base); ok {
			return l
		}
	}
	return validate.English
}

// pageLanguage returns the page language named s.
func pageLanguage(s string) (validate.Language, bool) {
	for _, l := range pageLanguages {
		if strings.EqualFold(s, string(l)) {
			return l, true
		}
	}
	return "", false
}
