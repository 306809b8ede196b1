package validate

import (
	"strconv"
	"strings"
)

// catalog holds one language's message templates and the words the text
// form uses around them.
//
// A template is plain text with named placeholders in braces: {max},
// {min}, {got}, {name}, {expected}, {country}, {otherColumn}, and {other},
// which stands for the other row or record of a duplicate with the
// preposition the language needs ("on row 7", "rivillä 7", "på rad 7").
// A placeholder whose parameter is empty inside parentheses drops the
// parentheses as well.
type catalog struct {
	lang     Language
	words    words
	messages map[Code]string
}

// words are the bits of text the location and the summary are made of.
type words struct {
	sheet, row, column, record, line, value string
	otherRow, otherRecord                   string // with %d for the number
	error, errors, warning, warnings        string
	notKept                                 string // with %d for the number
}

// The catalogs are read-only after package initialisation.
var (
	english = &catalog{
		lang: English,
		words: words{
			sheet: "sheet", row: "row", column: "column", record: "record", line: "line", value: "value",
			otherRow: "on row %d", otherRecord: "in record %d",
			error: "error", errors: "errors", warning: "warning", warnings: "warnings",
			notKept: "%d more issues were counted but not kept",
		},
		messages: map[Code]string{
			CodeRequired:         "a value is required",
			CodeRequiredForNew:   "required for a new customer",
			CodeTooLong:          "too long: at most {max} characters, found {got}",
			CodeTooShort:         "too short: at least {min} characters, found {got}",
			CodeWhitespace:       "must not start or end with a space",
			CodeControlCharacter: "contains a control character such as a line break or a tab",
			CodeInvalidBoolean:   "not TRUE or FALSE (true/false and 1/0 also work)",
			CodeInvalidNumber:    "not a whole number",
			CodeNumberPrecision:  "the number has lost digits in Excel; format the column as text and type the value again",
			CodeNumberCell:       "a number cell, read as its digits: leading zeros are lost; format the column as text",
			CodeDateCell:         "a date cell, read as {expected}; format the column as text to keep the text as typed",
			CodeBooleanCell:      "a TRUE or FALSE cell cannot be this value; format the column as text and type the value",
			CodeInvalidValue:     "not an allowed value; expected {expected}",
			CodeInvalidDate:      "not a date: use YYYY-MM-DD, an ISO 8601 date and time, or an Excel date",
			CodeDateRange:        "the date is outside the supported range (years 1 to 9999)",
			CodeInvalidGender:    "not a gender: use male, female or a whole number",
			CodeInvalidLogin:     "a login may contain only the letters A–Z and a–z, digits and . @ _ - # ! & $ % * + / ? = ^ ` ~ } | {; no spaces",

			CodeInvalidEmail:     "not a valid e-mail address",
			CodeEmailNoAt:        "an e-mail address needs an @ between the name and the domain",
			CodeEmailManyAt:      "an e-mail address has exactly one @",
			CodeEmailSpace:       "an e-mail address cannot contain spaces",
			CodeEmailLocal:       "the part before the @ is empty, begins or ends with a dot, has two dots in a row, or has a character that is not allowed",
			CodeEmailDomain:      "the part after the @ is not a domain name such as example.com",
			CodeEmailTooLong:     "the e-mail address is too long: at most 254 characters, 64 before the @ and 63 between two dots of the domain",
			CodeInvalidPhone:     "not a phone number: use digits, spaces and, at the start, an optional +",
			CodePhoneCountryCode: "no country has the calling code that follows + or 00",
			CodePhoneRegion:      "the country of a national number is not known: start the number with + and the country code, such as +358",
			CodePhoneLength:      "too few or too many digits for a phone number ({country})",
			CodePhoneRange:       "no such phone number in {country}: its digits fit no number range the country uses",

			CodeInvalidCountry: "not an ISO 3166-1 country code: use two letters such as FI or SE",
			CodeInvalidLocale:  "not a locale: use a language code with an optional country, such as fi_FI, en_US or sv",

			CodeSSNFormat:         "not in the format of a national identity number ({country})",
			CodeSSNChecksum:       "the check character of the identity number does not match; check for a typing error",
			CodeSSNDate:           "the birth date in the identity number is not a possible one: no such date, before 1800 or in the future",
			CodeSSNIndividual:     "the individual number in the identity number is never issued",
			CodeSSNCountry:        "identity numbers of this country cannot be checked ({country}); FI, SE, NO and DK are supported",
			CodeSSNTemporary:      "a temporary identity number (individual number 900–999)",
			CodeHashNotImportable: "this is a hashed identity number from an export and cannot be imported; type the plain number or clear the cell",

			CodeVATFormat:          "not in the format of a VAT number ({country})",
			CodeVATChecksum:        "the check digit of the VAT number does not match ({country})",
			CodeVATCountry:         "a VAT number starts with its country code, such as FI, SE, DK or NO",
			CodeBusinessIDFormat:   "not in the format of a business identifier ({country})",
			CodeBusinessIDChecksum: "the check digit of the business identifier does not match ({country})",

			CodeUnknownCustomer:              "no customer has this identifier",
			CodeDuplicateInFile:              "the same {name} is also {other}",
			CodeDuplicateInStore:             "another customer already has this {name}",
			CodeBuyerNumber:                  "the customer number is already used as an order buyer number",
			CodeCardTaken:                    "this customer card belongs to another customer",
			CodeInvalidCard:                  "not a valid customer card number",
			CodeGenerateIgnored:              "generate() was ignored: cards are generated only for new customers and customers without cards",
			CodeGenerateMisspelled:           "not a card number; did you mean generate()?",
			CodeGroupNotStatic:               "group {name} is a dynamic or system group; its members are computed and cannot be imported",
			CodeGroupUnknown:                 "there is no customer group {name}",
			CodeGroupNameTaken:               "the group {expected} is already named {name}; use the column group:{expected}",
			CodeGroupAssignmentRefused:       "not added to group {name}: the members of a dynamic group are computed from its rule",
			CodeSystemGroupAssignmentRefused: "not added to group {name}: the platform decides who is in a system group",
			CodeAssignmentInGroupFile:        "group assignments belong in customer files; this one is read as if it were in one",
			CodeReadOnly:                     "{name} is read-only and was not imported",
			CodePasswordScheme:               "unknown password encryption scheme {name}; expected md5, scrypt or s0001",
			CodeSSNRemoved:                   "the identity number was removed from this file to protect it; enter it again",
			CodePasswordHash:                 "the password is marked as encrypted with {name} but is not a {name} hash: {expected}",
			CodeRulePath:                     "the rule names an unknown attribute path {name}",
			CodeRuleOperator:                 "an unknown operator, or a value of the wrong kind for it: {name}",
			CodeRuleCycle:                    "group rules refer to each other in a cycle: {name}",
			CodeConflict:                     "the customer was changed by someone else during the import; import the file again",
			CodeWriteFailed:                  "the row could not be saved",

			CodeUnknownHeader:       "unknown column {name}",
			CodeDuplicateHeader:     "the column {name} is also in column {otherColumn}",
			CodeEmptyHeader:         "the column has values but no header",
			CodeMissingColumn:       "the required column {name} is missing",
			CodeMixedSchemas:        "the file mixes person and company customer columns; use a separate workbook for each",
			CodeCompanyInPersonFile: "this id belongs to a company customer; change it in the company workbook",
			CodePersonInCompanyFile: "this id belongs to a person customer; change it in the person workbook",
			CodeEmptyFile:           "the file is empty: it has no header row",
			CodeNoRows:              "the file holds no customers to import",
			CodeNoValidRows:         "no customer in the file is valid; nothing was imported",
			CodeTooManyRows:         "the file has more than {max} data rows, the most that can be imported at once",
			CodeFileTooLarge:        "the file is larger than the limit of {max} bytes",
			CodeLimitExceeded:       "the file exceeds the limit {name} ({max}): {expected}",
			CodeWrongFormat:         "the file is not an Excel workbook (.xlsx or .xls)",
			CodeZipArchive:          "the file is a ZIP archive, such as an export; unpack it and import one workbook from it",
			CodeCSV:                 "the file is CSV text; open it in Excel and save it as an Excel workbook (.xlsx)",
			CodeEncrypted:           "the workbook is password-protected; remove the password and try again",
			CodeCorrupt:             "the file is damaged or incomplete and cannot be read: {expected}",
			CodeUnreadable:          "the file could not be opened or read ({expected})",
			CodeXMLSyntax:           "the XML is not well-formed: {expected}",
			CodeNotXML:              "the file is not an XML document",
			CodeXMLRoot:             "unknown document: root element {name}",
			CodeXMLNoRoot:           "the document has no root element (is the file empty?)",
			CodeXMLUnknownElement:   "unexpected element or attribute {name}",
			CodeXMLMissing:          "the required element or attribute {name} is missing",
			CodeXMLEntity:           "the document declares a DOCTYPE or entities, which are not accepted",
		},
	}

	finnish = &catalog{
		lang: Finnish,
		words: words{
			sheet: "taulukko", row: "rivi", column: "sarake", record: "tietue", line: "rivi", value: "arvo",
			otherRow: "rivillä %d", otherRecord: "tietueessa %d",
			error: "virhe", errors: "virhettä", warning: "varoitus", warnings: "varoitusta",
			notKept: "%d muuta ongelmaa laskettiin mutta ei tallennettu",
		},
		messages: map[Code]string{
			CodeRequired:         "arvo on pakollinen",
			CodeRequiredForNew:   "pakollinen uudelle asiakkaalle",
			CodeTooLong:          "liian pitkä: enintään {max} merkkiä, nyt {got}",
			CodeTooShort:         "liian lyhyt: vähintään {min} merkkiä, nyt {got}",
			CodeWhitespace:       "ei saa alkaa eikä päättyä välilyöntiin",
			CodeControlCharacter: "sisältää ohjausmerkin, kuten rivinvaihdon tai sarkaimen",
			CodeInvalidBoolean:   "ei ole TRUE tai FALSE (myös true/false ja 1/0 käyvät)",
			CodeInvalidNumber:    "ei ole kokonaisluku",
			CodeNumberPrecision:  "luvusta on kadonnut numeroita Excelissä; muotoile sarake tekstiksi ja kirjoita arvo uudelleen",
			CodeNumberCell:       "lukusolu luettiin numeroinaan: alkunollat katoavat; muotoile sarake tekstiksi",
			CodeDateCell:         "päivämääräsolu luettiin muodossa {expected}; muotoile sarake tekstiksi, niin teksti säilyy kirjoitetun kaltaisena",
			CodeBooleanCell:      "TRUE- tai FALSE-solu ei voi olla tämä arvo; muotoile sarake tekstiksi ja kirjoita arvo",
			CodeInvalidValue:     "arvo ei ole sallittu; odotettiin: {expected}",
			CodeInvalidDate:      "ei ole päivämäärä: käytä muotoa VVVV-KK-PP, ISO 8601 -päivämäärää ja -aikaa tai Excelin päivämäärää",
			CodeDateRange:        "päivämäärä on sallitun välin ulkopuolella (vuodet 1–9999)",
			CodeInvalidGender:    "ei ole sukupuoli: käytä arvoa male, female tai kokonaislukua",
			CodeInvalidLogin:     "käyttäjätunnuksessa saa olla vain kirjaimia A–Z ja a–z, numeroita sekä merkkejä . @ _ - # ! & $ % * + / ? = ^ ` ~ } | {; ei välilyöntejä",

			CodeInvalidEmail:     "ei ole kelvollinen sähköpostiosoite",
			CodeEmailNoAt:        "sähköpostiosoitteesta puuttuu @-merkki nimen ja verkkotunnuksen välistä",
			CodeEmailManyAt:      "sähköpostiosoitteessa on oltava täsmälleen yksi @-merkki",
			CodeEmailSpace:       "sähköpostiosoitteessa ei saa olla välilyöntejä",
			CodeEmailLocal:       "@-merkkiä edeltävä osa on tyhjä, alkaa tai päättyy pisteeseen, sisältää kaksi peräkkäistä pistettä tai kielletyn merkin",
			CodeEmailDomain:      "@-merkin jälkeinen osa ei ole verkkotunnus, kuten example.com",
			CodeEmailTooLong:     "sähköpostiosoite on liian pitkä: enintään 254 merkkiä, ennen @-merkkiä enintään 64 ja verkkotunnuksen pisteiden välissä enintään 63",
			CodeInvalidPhone:     "ei ole puhelinnumero: käytä numeroita, välilyöntejä ja tarvittaessa alussa +-merkkiä",
			CodePhoneCountryCode: "+- tai 00-alun jälkeistä maatunnusta ei ole olemassa",
			CodePhoneRegion:      "kotimaisen numeron maata ei tiedetä: aloita numero +-merkillä ja maatunnuksella, esimerkiksi +358",
			CodePhoneLength:      "puhelinnumerossa on liian vähän tai liikaa numeroita ({country})",
			CodePhoneRange:       "puhelinnumeroa ei ole ({country}): numero ei kuulu mihinkään maan käyttämään numeroalueeseen",

			CodeInvalidCountry: "ei ole ISO 3166-1 -maakoodi: käytä kahta kirjainta, esimerkiksi FI tai SE",
			CodeInvalidLocale:  "ei ole kieliasetus: käytä kielikoodia ja tarvittaessa maata, esimerkiksi fi_FI, en_US tai sv",

			CodeSSNFormat:         "ei ole henkilötunnuksen muotoinen ({country})",
			CodeSSNChecksum:       "henkilötunnuksen tarkistusmerkki ei täsmää; tarkista kirjoitusvirheet",
			CodeSSNDate:           "henkilötunnuksen syntymäaika ei ole mahdollinen: päivää ei ole, se on ennen vuotta 1800 tai tulevaisuudessa",
			CodeSSNIndividual:     "henkilötunnuksen yksilönumeroa ei anneta koskaan",
			CodeSSNCountry:        "tämän maan henkilötunnuksia ei voi tarkistaa ({country}); tuetut maat ovat FI, SE, NO ja DK",
			CodeSSNTemporary:      "väliaikainen henkilötunnus (yksilönumero 900–999)",
			CodeHashNotImportable: "tämä on viennistä peräisin oleva tiivistetty henkilötunnus, eikä sitä voi tuoda; kirjoita tunnus selväkielisenä tai tyhjennä solu",

			CodeVATFormat:          "ei ole arvonlisäverotunnisteen muotoinen ({country})",
			CodeVATChecksum:        "arvonlisäverotunnisteen tarkistusnumero ei täsmää ({country})",
			CodeVATCountry:         "arvonlisäverotunniste alkaa maakoodilla, esimerkiksi FI, SE, DK tai NO",
			CodeBusinessIDFormat:   "ei ole yritystunnuksen muotoinen ({country})",
			CodeBusinessIDChecksum: "yritystunnuksen tarkistusnumero ei täsmää ({country})",

			CodeUnknownCustomer:              "tällä tunnisteella ei ole asiakasta",
			CodeDuplicateInFile:              "sama {name} on myös {other}",
			CodeDuplicateInStore:             "toisella asiakkaalla on jo sama {name}",
			CodeBuyerNumber:                  "asiakasnumero on jo käytössä tilausten ostajanumerona",
			CodeCardTaken:                    "tämä asiakaskortti kuuluu toiselle asiakkaalle",
			CodeInvalidCard:                  "ei ole kelvollinen asiakaskortin numero",
			CodeGenerateIgnored:              "generate() ohitettiin: kortteja luodaan vain uusille asiakkaille ja asiakkaille, joilla ei ole korttia",
			CodeGenerateMisspelled:           "ei ole kortin numero; tarkoititko generate()?",
			CodeGroupNotStatic:               "ryhmä {name} on dynaaminen ryhmä tai järjestelmäryhmä; sen jäsenet lasketaan, eikä niitä voi tuoda",
			CodeGroupUnknown:                 "asiakasryhmää {name} ei ole",
			CodeGroupNameTaken:               "ryhmän {expected} nimi on jo {name}; käytä saraketta group:{expected}",
			CodeGroupAssignmentRefused:       "ei lisätty ryhmään {name}: dynaamisen ryhmän jäsenet lasketaan sen säännöstä",
			CodeSystemGroupAssignmentRefused: "ei lisätty ryhmään {name}: järjestelmäryhmän jäsenet määrää alusta",
			CodeAssignmentInGroupFile:        "ryhmäliitokset kuuluvat asiakastiedostoihin; tämä luetaan kuin se olisi sellaisessa",
			CodeReadOnly:                     "{name} on vain luettavissa, eikä sitä tuotu",
			CodePasswordScheme:               "tuntematon salasanan salausmenetelmä {name}; odotettiin md5, scrypt tai s0001",
			CodeSSNRemoved:                   "henkilötunnus poistettiin tästä tiedostosta sen suojaamiseksi; syötä se uudelleen",
			CodePasswordHash:                 "salasana on merkitty salatuksi menetelmällä {name}, mutta se ei ole {name}-tiiviste: {expected}",
			CodeRulePath:                     "sääntö viittaa tuntemattomaan attribuuttipolkuun {name}",
			CodeRuleOperator:                 "tuntematon operaattori tai sille sopimaton arvo: {name}",
			CodeRuleCycle:                    "ryhmien säännöt viittaavat toisiinsa kehässä: {name}",
			CodeConflict:                     "joku muu muutti asiakasta tuonnin aikana; tuo tiedosto uudelleen",
			CodeWriteFailed:                  "riviä ei voitu tallentaa",

			CodeUnknownHeader:       "tuntematon sarake {name}",
			CodeDuplicateHeader:     "sarake {name} on myös sarakkeessa {otherColumn}",
			CodeEmptyHeader:         "sarakkeessa on arvoja mutta ei otsikkoa",
			CodeMissingColumn:       "pakollinen sarake {name} puuttuu",
			CodeMixedSchemas:        "tiedostossa on sekä henkilö- että yritysasiakkaiden sarakkeita; käytä kummallekin omaa työkirjaa",
			CodeCompanyInPersonFile: "tämä tunniste kuuluu yritysasiakkaalle; muuta sitä yritysasiakkaiden työkirjassa",
			CodePersonInCompanyFile: "tämä tunniste kuuluu henkilöasiakkaalle; muuta sitä henkilöasiakkaiden työkirjassa",
			CodeEmptyFile:           "tiedosto on tyhjä: siinä ei ole otsikkoriviä",
			CodeNoRows:              "tiedostossa ei ole tuotavia asiakkaita",
			CodeNoValidRows:         "tiedoston yksikään asiakas ei ole kelvollinen; mitään ei tuotu",
			CodeTooManyRows:         "tiedostossa on yli {max} tietoriviä, enemmän kuin kerralla voi tuoda",
			CodeFileTooLarge:        "tiedosto on suurempi kuin sallitut {max} tavua",
			CodeLimitExceeded:       "tiedosto ylittää rajan {name} ({max}): {expected}",
			CodeWrongFormat:         "tiedosto ei ole Excel-työkirja (.xlsx tai .xls)",
			CodeZipArchive:          "tiedosto on ZIP-arkisto, kuten vientitiedosto; pura se ja tuo siitä yksi työkirja",
			CodeCSV:                 "tiedosto on CSV-tekstiä; avaa se Excelissä ja tallenna Excel-työkirjana (.xlsx)",
			CodeEncrypted:           "työkirja on suojattu salasanalla; poista salasana ja yritä uudelleen",
			CodeCorrupt:             "tiedosto on vioittunut tai keskeneräinen, eikä sitä voi lukea: {expected}",
			CodeUnreadable:          "tiedostoa ei voitu avata tai lukea ({expected})",
			CodeXMLSyntax:           "XML ei ole oikein muodostettu: {expected}",
			CodeNotXML:              "tiedosto ei ole XML-asiakirja",
			CodeXMLRoot:             "tuntematon asiakirja: juurielementti {name}",
			CodeXMLNoRoot:           "asiakirjassa ei ole juurielementtiä (onko tiedosto tyhjä?)",
			CodeXMLUnknownElement:   "odottamaton elementti tai attribuutti {name}",
			CodeXMLMissing:          "pakollinen elementti tai attribuutti {name} puuttuu",
			CodeXMLEntity:           "asiakirjassa on DOCTYPE- tai entiteettimäärittely, eikä sellaisia hyväksytä",
		},
	}

	swedish = &catalog{
		lang: Swedish,
		words: words{
			sheet: "blad", row: "rad", column: "kolumn", record: "post", line: "rad", value: "värde",
			otherRow: "på rad %d", otherRecord: "i post %d",
			error: "fel", errors: "fel", warning: "varning", warnings: "varningar",
			notKept: "ytterligare %d problem räknades men sparades inte",
		},
		messages: map[Code]string{
			CodeRequired:         "ett värde krävs",
			CodeRequiredForNew:   "obligatoriskt för en ny kund",
			CodeTooLong:          "för lång: högst {max} tecken, nu {got}",
			CodeTooShort:         "för kort: minst {min} tecken, nu {got}",
			CodeWhitespace:       "får inte börja eller sluta med mellanslag",
			CodeControlCharacter: "innehåller ett styrtecken, till exempel en radbrytning eller en tabb",
			CodeInvalidBoolean:   "är inte TRUE eller FALSE (true/false och 1/0 går också)",
			CodeInvalidNumber:    "är inte ett heltal",
			CodeNumberPrecision:  "talet har tappat siffror i Excel; formatera kolumnen som text och skriv in värdet igen",
			CodeNumberCell:       "en talcell lästes som sina siffror: inledande nollor försvinner; formatera kolumnen som text",
			CodeDateCell:         "en datumcell lästes som {expected}; formatera kolumnen som text för att behålla texten som den skrevs",
			CodeBooleanCell:      "en TRUE- eller FALSE-cell kan inte vara det här värdet; formatera kolumnen som text och skriv värdet",
			CodeInvalidValue:     "värdet är inte tillåtet; förväntat: {expected}",
			CodeInvalidDate:      "är inte ett datum: använd ÅÅÅÅ-MM-DD, datum och tid enligt ISO 8601 eller ett Excel-datum",
			CodeDateRange:        "datumet ligger utanför det tillåtna intervallet (år 1–9999)",
			CodeInvalidGender:    "är inte ett kön: använd male, female eller ett heltal",
			CodeInvalidLogin:     "ett inloggningsnamn får bara innehålla bokstäverna A–Z och a–z, siffror och . @ _ - # ! & $ % * + / ? = ^ ` ~ } | {; inga mellanslag",

			CodeInvalidEmail:     "är inte en giltig e-postadress",
			CodeEmailNoAt:        "e-postadressen saknar @ mellan namnet och domänen",
			CodeEmailManyAt:      "en e-postadress har exakt ett @",
			CodeEmailSpace:       "en e-postadress får inte innehålla mellanslag",
			CodeEmailLocal:       "delen före @ är tom, börjar eller slutar med punkt, har två punkter i rad eller ett otillåtet tecken",
			CodeEmailDomain:      "delen efter @ är inte ett domännamn som example.com",
			CodeEmailTooLong:     "e-postadressen är för lång: högst 254 tecken, högst 64 före @ och högst 63 mellan två punkter i domänen",
			CodeInvalidPhone:     "är inte ett telefonnummer: använd siffror, mellanslag och vid behov + i början",
			CodePhoneCountryCode: "landsnumret efter + eller 00 finns inte",
			CodePhoneRegion:      "landet för ett nationellt nummer är okänt: börja numret med + och landsnumret, till exempel +46",
			CodePhoneLength:      "telefonnumret har för få eller för många siffror ({country})",
			CodePhoneRange:       "telefonnumret finns inte ({country}): siffrorna hör inte till någon nummerserie som landet använder",

			CodeInvalidCountry: "är inte en landskod enligt ISO 3166-1: använd två bokstäver, till exempel SE eller FI",
			CodeInvalidLocale:  "är inte en språkinställning: använd en språkkod med land vid behov, till exempel sv_SE, en_US eller fi",

			CodeSSNFormat:         "har inte formen av ett personnummer ({country})",
			CodeSSNChecksum:       "kontrolltecknet i personnumret stämmer inte; kontrollera om det finns ett skrivfel",
			CodeSSNDate:           "födelsedatumet i personnumret är inte möjligt: datumet finns inte, är före 1800 eller i framtiden",
			CodeSSNIndividual:     "individnumret i personnumret delas aldrig ut",
			CodeSSNCountry:        "personnummer från detta land kan inte kontrolleras ({country}); FI, SE, NO och DK stöds",
			CodeSSNTemporary:      "ett tillfälligt personnummer (individnummer 900–999)",
			CodeHashNotImportable: "detta är ett hashat personnummer från en export och kan inte importeras; skriv in numret i klartext eller töm cellen",

			CodeVATFormat:          "har inte formen av ett momsregistreringsnummer ({country})",
			CodeVATChecksum:        "kontrollsiffran i momsregistreringsnumret stämmer inte ({country})",
			CodeVATCountry:         "ett momsregistreringsnummer börjar med landskoden, till exempel SE, FI, DK eller NO",
			CodeBusinessIDFormat:   "har inte formen av ett organisationsnummer ({country})",
			CodeBusinessIDChecksum: "kontrollsiffran i organisationsnumret stämmer inte ({country})",

			CodeUnknownCustomer:              "ingen kund har denna identifierare",
			CodeDuplicateInFile:              "samma {name} finns också {other}",
			CodeDuplicateInStore:             "en annan kund har redan samma {name}",
			CodeBuyerNumber:                  "kundnumret används redan som köparnummer i en order",
			CodeCardTaken:                    "detta kundkort tillhör en annan kund",
			CodeInvalidCard:                  "är inte ett giltigt kundkortsnummer",
			CodeGenerateIgnored:              "generate() ignorerades: kort skapas bara för nya kunder och kunder utan kort",
			CodeGenerateMisspelled:           "inget kortnummer; menade du generate()?",
			CodeGroupNotStatic:               "gruppen {name} är dynamisk eller en systemgrupp; dess medlemmar beräknas och kan inte importeras",
			CodeGroupUnknown:                 "kundgruppen {name} finns inte",
			CodeGroupNameTaken:               "gruppen {expected} heter redan {name}; använd kolumnen group:{expected}",
			CodeGroupAssignmentRefused:       "inte tillagd i gruppen {name}: medlemmarna i en dynamisk grupp beräknas från dess regel",
			CodeSystemGroupAssignmentRefused: "inte tillagd i gruppen {name}: plattformen avgör vilka som är med i en systemgrupp",
			CodeAssignmentInGroupFile:        "grupptilldelningar hör hemma i kundfiler; den här läses som om den fanns i en sådan",
			CodeReadOnly:                     "{name} är skrivskyddad och importerades inte",
			CodePasswordScheme:               "okänd krypteringsmetod för lösenord {name}; förväntat md5, scrypt eller s0001",
			CodeSSNRemoved:                   "personnumret togs bort ur den här filen för att skydda det; ange det igen",
			CodePasswordHash:                 "lösenordet är markerat som krypterat med {name} men är ingen {name}-hash: {expected}",
			CodeRulePath:                     "regeln anger en okänd attributsökväg {name}",
			CodeRuleOperator:                 "okänd operator eller ett värde av fel slag för den: {name}",
			CodeRuleCycle:                    "gruppernas regler hänvisar till varandra i en cirkel: {name}",
			CodeConflict:                     "kunden ändrades av någon annan under importen; importera filen igen",
			CodeWriteFailed:                  "raden kunde inte sparas",

			CodeUnknownHeader:       "okänd kolumn {name}",
			CodeDuplicateHeader:     "kolumnen {name} finns också i kolumn {otherColumn}",
			CodeEmptyHeader:         "kolumnen har värden men ingen rubrik",
			CodeMissingColumn:       "den obligatoriska kolumnen {name} saknas",
			CodeMixedSchemas:        "filen blandar kolumner för privat- och företagskunder; använd en arbetsbok för varje",
			CodeCompanyInPersonFile: "detta id tillhör en företagskund; ändra det i arbetsboken för företagskunder",
			CodePersonInCompanyFile: "detta id tillhör en privatkund; ändra det i arbetsboken för privatkunder",
			CodeEmptyFile:           "filen är tom: den har ingen rubrikrad",
			CodeNoRows:              "filen innehåller inga kunder att importera",
			CodeNoValidRows:         "ingen kund i filen är giltig; inget importerades",
			CodeTooManyRows:         "filen har fler än {max} datarader, fler än som kan importeras åt gången",
			CodeFileTooLarge:        "filen är större än gränsen på {max} byte",
			CodeLimitExceeded:       "filen överskrider gränsen för {name} ({max}): {expected}",
			CodeWrongFormat:         "filen är inte en Excel-arbetsbok (.xlsx eller .xls)",
			CodeZipArchive:          "filen är ett ZIP-arkiv, till exempel en export; packa upp det och importera en arbetsbok ur det",
			CodeCSV:                 "filen är CSV-text; öppna den i Excel och spara den som Excel-arbetsbok (.xlsx)",
			CodeEncrypted:           "arbetsboken är lösenordsskyddad; ta bort lösenordet och försök igen",
			CodeCorrupt:             "filen är skadad eller ofullständig och kan inte läsas: {expected}",
			CodeUnreadable:          "filen kunde inte öppnas eller läsas ({expected})",
			CodeXMLSyntax:           "XML-koden är inte välformad: {expected}",
			CodeNotXML:              "filen är inte ett XML-dokument",
			CodeXMLRoot:             "okänt dokument: rotelement {name}",
			CodeXMLNoRoot:           "dokumentet saknar rotelement (är filen tom?)",
			CodeXMLUnknownElement:   "oväntat element eller attribut {name}",
			CodeXMLMissing:          "det obligatoriska elementet eller attributet {name} saknas",
			CodeXMLEntity:           "dokumentet deklarerar DOCTYPE eller entiteter, vilket inte accepteras",
		},
	}

	catalogs = []*catalog{english, finnish, swedish}
)

// Template returns the message template for code in the language that
// best matches lang, with its placeholders ({max}, {name}, ...) unfilled,
// for programs that render messages their own way. It returns "" for an
// unknown code.
func Template(code Code, lang Language) string {
	return catalogFor(lang).messages[code]
}

// render fills the template of code with p. An unknown code renders as
// the code itself, so nothing is ever lost.
func render(c *catalog, code Code, p Params) string {
	t, ok := c.messages[code]
	if !ok {
		t, ok = english.messages[code]
	}
	if !ok {
		return string(code)
	}
	if strings.IndexByte(t, '{') < 0 {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + 16)
	for {
		open := strings.IndexByte(t, '{')
		if open < 0 {
			b.WriteString(t)
			break
		}
		end := strings.IndexByte(t[open:], '}')
		if end < 0 {
			b.WriteString(t)
			break
		}
		name := t[open+1 : open+end]
		val, known := param(c, name, p)
		if !known {
			b.WriteString(t[:open+end+1])
			t = t[open+end+1:]
			continue
		}
		before := t[:open]
		after := t[open+end+1:]
		switch {
		case val == "" && strings.HasSuffix(before, "(") && strings.HasPrefix(after, ")"):
			// "(…{country})" with no country: drop the parentheses and
			// the space before them.
			before = strings.TrimSuffix(strings.TrimSuffix(before, "("), " ")
			after = after[1:]
		case val == "" && strings.HasSuffix(before, ": ") && after == "":
			// "…: {expected}" at the end with no detail: drop the colon.
			before = strings.TrimSuffix(before, ": ")
		}
		b.WriteString(before)
		b.WriteString(val)
		t = after
	}
	return b.String()
}

// param returns the text of one placeholder, and false for a name that is
// no placeholder.
func param(c *catalog, name string, p Params) (string, bool) {
	switch name {
	case "max":
		if p.Max == 0 {
			return "", true // no bound given; "(…{max})" is dropped
		}
		return strconv.Itoa(p.Max), true
	case "min":
		return strconv.Itoa(p.Min), true
	case "got":
		return strconv.Itoa(p.Got), true
	case "name":
		return p.Name, true
	case "expected":
		return p.Expected, true
	case "country":
		return p.Country, true
	case "otherColumn":
		return p.OtherColumn, true
	case "other":
		switch {
		case p.OtherRow > 0:
			return strings.Replace(c.words.otherRow, "%d", strconv.Itoa(p.OtherRow), 1), true
		case p.OtherRecord > 0:
			return strings.Replace(c.words.otherRecord, "%d", strconv.Itoa(p.OtherRecord), 1), true
		}
		return "", true
	}
	return "", false
}
