package intent

// kind is what a word or phrase of the lexicon means to the parser.
type kind uint8

const (
	kStop      kind = iota // a known word with no meaning of its own
	kService               // code: a canonical service code
	kFlag                  // n: an intent cue (a flag bit)
	kNearMe                // "vicino a me", "near me"
	kVicino                // "vicino", "near": near me when no place follows
	kPart                  // code: a part of the day
	kDayRel                // n: days from today; code: an optional part ("stasera")
	kWeekday               // n: time.Weekday; code "weak" when it needs a neighbour
	kMonth                 // n: 1..12; code "weak" when it needs a number beside it
	kNext                  // "prossimo", "next"
	kNow                   // "adesso", "now"
	kNowWeak               // "ora": now only beside "aperto"/"open"
	kOpen                  // "aperto", "open"
	kFrom                  // "dalle", "from", "between"
	kTo                    // "alle", "to", "and"
	kArticle               // "il", "la", "the", "on the"
	kPrep                  // a place preposition
	kPer                   // "per", "for", "x"
	kWeAre                 // "siamo in", "we are"
	kUnit                  // "scrivania", "desk", "persone"
	kNumWord               // n: "due", "three"
	kIndef                 // "un", "una", "a", "an": one, before a unit
	kOrdinal               // n: "primo", "second"
	kOrdRef                // "numero", "option", "of": a bare number after it is an ordinal
	kRefine                // "e", "and", "anche", "what about": a follow-up when first
	kTarget                // code: a language named ("inglese" → "en")
	kTimeUnit              // "giorni", "ore", "hours": a number before it is no quantity
	kQualifier             // "commerciale", "sportivo": the word before keeps its ordinary meaning
	kConnector             // "di", "del", "e": may sit inside a space's name
	kAmPm                  // code: "am" or "pm"
	kAt                    // "alle", "verso le", "at": before a single time
	kPlace                 // code: place ID; weak: an ordinary word or a common-word alias
	kSpaceTok              // n: space index, w: word index in the space's name words
	kSpaceName             // n: space index, w: form index: a whole name of several words
	kRoomTok               // n: space index, room: room index, w: word index in the room's name words
	kRoomName              // n: space index, room: room index: a whole room name of several words
	kRoomNoun              // "sala", "room": before a room's name
	kAfter                 // "dopo le", "after": a time from then on
	kUntil                 // "fino alle", "entro le", "until": a time up to then
	kHoliday               // code: "MM-DD", or "easter+N" for N days after Easter Sunday
	kRange                 // code: a range of days: "weekend", "week", "nextweek", "month", "nextmonth"
	kDateFrom              // "dal", "from": before the first day of a range
	kDateTo                // "al", "to": before the last day of a range
	kOr                    // "o", "oppure", "or": between services, any of them
	kSelf                  // "io", "me": the person, in "io e 2 colleghi"
	kWe                    // "noi": before a count, "noi due"
	kCompanion             // "collega", "friend": someone who comes along
	kOther                 // "altri", "other": "io e altri tre"
	kFree                  // "gratuito", "free of charge"
	kReason                // "a causa di", "due to": before the reason for a closure
	kClock                 // n: minutes since midnight: "mezzogiorno", "midnight"
	kLunch                 // "a pranzo", "at lunchtime": 13:00–14:00, when split hours close
)

// Intent cue bits, set by kFlag senses.
const (
	fSearch = 1 << iota
	fDetails
	fHours
	fPrices
	fContacts
	fBook
	fBookNoun
	fBookings
	fMy
	fHave
	fMine
	fCancel
	fHelp
	fLanguage
	fSubNoun
	fUnsub
	fNeg
	fGreeting
	fThanks
	fWhere
	fShow
	fExplain     // "cos'è", "what is": what something means
	fServicesW   // "servizi", "services": the word itself
	fWhen        // "quando", "when": when, not whether
	fClosed      // "chiuso", "closed", "chiusura"
	fWhatsOn     // "cosa c'è", "what's on": events
	fPrivacy     // "privacy", "informativa", and "how do you use" data
	fData        // "dati", "my data"
	fForget      // "dimenticami", "forget me"
	fNewEvent    // "nuovo evento", "new event"
	fApplyVerb   // "iscrivere", "inserire", "add", "register"
	fOwn         // "gestisco", "I run": the person runs a space
	fGetListed   // "get listed", "essere inserito"
	fSpaceNoun   // "coworking", "spazio", "space": a space, not its services
	fOrganize    // "organizza", "hosts": a space that holds events
	fBookingCode // "codice", "code"
	fHowTo       // "come faccio", "how do I"
)

// Language bits of lexicon entries.
const (
	langIT uint8 = 1 << iota
	langEN
)

// lexDef is one group of the built-in lexicon: phrases separated by '|',
// written as people type them and normalized when the parser is built.
type lexDef struct {
	kind    kind
	code    string
	n       int
	lang    uint8
	phrases string
}

const both = langIT | langEN

var lexicon = []lexDef{
	// Services.
	{kService, "cobaby", 0, langIT, "cobaby|co baby|co-baby|spazio bimbi|spazio bambini|per i bambini|bambini|bambino|bimbi|bimbo|asilo|asilo nido|ludoteca|figli|figlio|figlia"},
	{kService, "cobaby", 0, both, "baby parking"},
	{kService, "cobaby", 0, langEN, "childcare|child care|kids|kid friendly|kid|children|baby|babies|creche|nursery"},
	{kService, "fiber", 0, langIT, "fibra|fibra ottica|banda ultralarga|banda larga|internet veloce|connessione veloce|wifi veloce|wi fi veloce"},
	{kService, "fiber", 0, langEN, "fiber|fibre|fiber internet|fibre internet|fast internet|fast wifi|fast wi fi|high speed internet|broadband"},
	{kService, "wifi", 0, both, "wifi|wi fi|wireless|internet|connessione|wlan"},
	{kService, "meeting_room", 0, langIT, "sala riunioni|sale riunioni|sala riunione|saletta|salette|saletta riunioni|sala meeting|sale meeting|stanza riunioni|sala per riunioni|riunioni|riunione"},
	{kService, "meeting_room", 0, langEN, "meeting room|meeting rooms|meetings room|boardroom|meeting"},
	{kService, "conference_room", 0, langIT, "sala conferenze|sale conferenze|sala conferenza|sala convegni|sala corsi|sala formazione|auditorium"},
	{kService, "conference_room", 0, langEN, "conference room|conference rooms|conference hall|training room"},
	{kService, "printer", 0, langIT, "stampante|stampanti|fotocopiatrice|fotocopiatrici|fotocopie|stampare|stampa|scanner"},
	{kService, "printer", 0, langEN, "printer|printers|print|printing|photocopier|copier"},
	{kService, "reception", 0, langIT, "portierato|portineria|accoglienza"},
	{kService, "reception", 0, both, "reception"},
	{kService, "reception", 0, langEN, "concierge|front desk|receptionist"},
	{kService, "cleaning", 0, langIT, "pulizie|pulizia|pulito"},
	{kService, "cleaning", 0, langEN, "cleaning|cleaner"},
	{kService, "secretary", 0, langIT, "segreteria|segretariato|segretaria|servizio di segreteria"},
	{kService, "secretary", 0, langEN, "secretary|secretarial|secretary services"},
	{kService, "parking", 0, langIT, "parcheggio|parcheggi|posteggio|posteggi|parcheggiare|posto auto"},
	{kService, "parking", 0, langEN, "parking|car park|parking lot"},
	{kService, "accessible", 0, langIT, "accessibile|accessibili|disabili|disabile|carrozzina|sedia a rotelle|senza barriere|barriere architettoniche|ascensore"},
	{kService, "accessible", 0, langEN, "wheelchair|wheelchairs|step free|accessible|accessibility|disabled|disabled access"},
	{kService, "kitchen", 0, langIT, "cucina|cucine|angolo cottura|cucinetta|microonde"},
	{kService, "kitchen", 0, langEN, "kitchen|kitchenette|microwave"},
	{kService, "h24", 0, langIT, "24 ore|24 ore su 24|h24|h 24|24h|24/7|sempre aperto|sempre aperta|sempre aperti|di notte|la notte|notturno|notte"},
	{kService, "h24", 0, both, "h24|h 24|24h|24/7"},
	{kService, "h24", 0, langEN, "24 hours|24 7|always open|open 24 hours|at night|night|overnight|around the clock"},
	{kService, "lockers", 0, langIT, "armadietti|armadietto|cassettiera"},
	{kService, "lockers", 0, langEN, "lockers|locker"},
	{kService, "events", 0, langIT, "eventi|evento|corsi|corso|workshop|seminari|seminario|corsi di formazione"},
	{kService, "events", 0, langEN, "events|event|courses|course|workshops|seminars"},

	// Intent cues.
	{kFlag, "", fSearch, langIT, "cerco|cerchiamo|cercavo|trovo|trovare|trova|c e|ce|c sono|ci sono|ce ne|dove posso|posso lavorare|lavorare|spazio|spazi|postazione|spazio di lavoro|spazi di lavoro|qualcosa|disponibile|disponibili|libero|libera|liberi|serve|servono|bisogno|mi serve|dove trovo"},
	{kFlag, "", fSearch, both, "coworking|cowork|co working|coworking space"},
	{kFlag, "", fSearch, langIT, "con privacy|con un po di privacy|con la privacy|piu privacy"},
	{kFlag, "", fSearch, langEN, "with privacy|with some privacy|more privacy"},
	{kFlag, "", fSearch, langEN, "looking for|find|search|is there|are there|any|anything|somewhere|workspace|work space|working space|where can i work|place to work|need|hot desk|available|free desk"},
	{kFlag, "", fDetails, langIT, "info|informazioni|dettagli|dettaglio|dimmi di piu|parlami di|com e|cosa offre|servizi|fammi vedere|scheda|descrizione"},
	{kFlag, "", fDetails, langEN, "details|detail|tell me about|more info|info on|information|what does|offer|show me|about"},
	{kFlag, "", fHours, langIT, "orari|orario|apertura|orari di apertura|orari di chiusura|a che ora apre|a che ora chiude|a che ora aprite|a che ora chiudete|fino a che ora|che orari|che orario|che orari fa"},
	{kFlag, "", fHours, langEN, "hours|opening hours|opening times|opening|closing time|closing times|what time|when does|what time does|how late"},
	{kFlag, "", fPrices, langIT, "quanto costa|quanto costano|costa|costano|costo|costi|prezzo|prezzi|tariffa|tariffe|listino|quanto si paga|paga|pagare|gratis|abbonamento|abbonamenti|quanto viene|qnt costa|qnt|euro"},
	{kFlag, "", fPrices, langEN, "how much|price|prices|pricing|cost|costs|rate|rates|fee|fees|monthly fee"},
	{kFlag, "", fContacts, langIT, "contatti|contatto|contattare|contatto il|telefono|tel|cellulare|indirizzo|sito|sito web|web|chiamare|chiamo|numero|numero di telefono|recapiti"},
	{kFlag, "", fContacts, both, "email|e mail|mail"},
	{kFlag, "", fContacts, langEN, "contact|contacts|contact details|phone|phone number|number|address|website|call|reach|email address"},
	{kFlag, "", fBook, langIT, "prenota|prenotare|prenotami|prenoto|prenotiamo|riserva|riservare|riservami|riservo|blocca|vorrei prenotare"},
	{kFlag, "", fBook, langEN, "book|reserve|book me"},
	{kFlag, "", fBookNoun, langIT, "prenotazione|riservazione"},
	{kFlag, "", fBookNoun, langEN, "booking|reservation|a reservation"},
	{kFlag, "", fBookings, langIT, "prenotazioni"},
	{kFlag, "", fBookings, langEN, "bookings|reservations"},
	{kFlag, "", fMy, langIT, "mie|mia|miei|mio"},
	{kFlag, "", fMy, langEN, "my"},
	{kFlag, "", fHave, langIT, "ho|abbiamo"},
	{kFlag, "", fMine, langIT, "ho prenotato|abbiamo prenotato"},
	{kFlag, "", fMine, langEN, "did i book|have i booked|i booked"},
	{kFlag, "", fShow, langIT, "mostrami|mostra|vedi|vedere|elenco|lista"},
	{kFlag, "", fShow, langEN, "show|list"},
	{kFlag, "", fCancel, langIT, "lascia stare|lascia perdere|lasciamo perdere|non importa|annulla|annullare|annullami|annullalo|annullala|cancella|cancellare|cancellami|cancello|cancellate|disdici|disdire|disdetta|elimina|eliminare|elimino|eliminate|rimuovi|rimuovere|rimuovete"},
	{kFlag, "", fCancel, langEN, "cancel|cancellation|delete|erase|remove|wipe|never mind|nevermind|forget it"},
	{kFlag, "", fHelp, langIT, "aiuto|aiutami|aiutatemi|come funziona|come funzioni|cosa sai fare|cosa puoi fare|che sai fare|comandi|istruzioni|come si usa|come ti uso|come ti si usa|guida"},
	{kFlag, "", fHelp, langEN, "help|how does this work|how does it work|what can you do|commands|instructions|how do i use"},
	{kFlag, "", fLanguage, langIT, "lingua|cambia lingua|parli|parla|parlare|scrivere in"},
	{kFlag, "", fLanguage, langEN, "language|change language|switch to|speak|talk in"},
	{kFlag, "", fSubNoun, langIT, "avvisi|avviso|notizie|novita|aggiornamenti|notifiche|newsletter|annunci|comunicazioni|iscrizione"},
	{kFlag, "", fSubNoun, langEN, "news|announcements|updates|notifications|newsletter"},
	{kFlag, "", fSubNoun, langIT, "iscrivimi|iscrivermi|iscrivere|iscrivi|iscriviti|disiscrivimi|disiscrivi|disiscrivere|disiscrizione"},
	{kFlag, "", fSubNoun, langEN, "subscribe|sign me up|sign up|unsubscribe|opt out"},
	{kFlag, "", fUnsub, langIT, "disiscrivimi|disiscrivi|disiscrivere|disiscrizione|disattiva|disattivare|basta|togli|toglimi|stop|smetti"},
	{kFlag, "", fUnsub, langEN, "unsubscribe|stop|no more|opt out"},
	{kFlag, "", fNeg, langIT, "non|nn|no"},
	{kFlag, "", fNeg, langEN, "not|dont|don t|no"},
	{kFlag, "", fGreeting, langIT, "ciao|buongiorno|buonasera|buon pomeriggio|salve|ehi|ehila|buondi"},
	{kFlag, "", fGreeting, both, "hey"},
	{kFlag, "", fGreeting, langEN, "hello|hi|hi there|good morning|good afternoon|good evening|hey there|howdy"},
	{kFlag, "", fThanks, langIT, "grazie|grazie mille|grz|ti ringrazio|vi ringrazio|perfetto grazie|ok grazie"},
	{kFlag, "", fThanks, langEN, "thanks|thank you|thx|ty|cheers|thanks a lot|many thanks"},
	{kFlag, "", fWhere, langIT, "dove|dove si trova|dove sta|dov e|come arrivo|come si arriva|come ci si arriva|come raggiungo|come si raggiunge|come ci arrivo"},
	{kFlag, "", fWhere, langEN, "where|where is|where s|how do i get to|how to get to|how do i reach|how can i get to|directions to"},
	{kFlag, "", fExplain, langIT, "cos e|cosa e|che cos e|che cosa e|cosa significa|che significa|significa|cosa vuol dire|che vuol dire|vuol dire|cosa si intende per|cosa intendete per|spiegami|mi spieghi"},
	{kFlag, "", fExplain, langEN, "what is|what s|what are|what does it mean|mean|means|meaning|explain|what is a|what s a"},
	{kFlag, "", fServicesW, langIT, "servizi|servizio|quali servizi|che servizi"},
	{kFlag, "", fServicesW, langEN, "services|service|amenities|facilities|which services|what services"},
	{kFlag, "", fWhen, langIT, "quando|da quando|fino a quando|a che ora|a che ore|che ora|fino a che ora|da che ora"},
	{kFlag, "", fWhen, langEN, "when|until when|what time|at what time"},
	{kFlag, "", fClosed, langIT, "chiuso|chiusa|chiusi|chiuse|chiude|chiudono|chiudiamo|chiusura|chiusure"},
	{kFlag, "", fClosed, langEN, "closed|close|closes|closure|closing"},
	{kFlag, "", fWhatsOn, langIT, "cosa c e|che c e|cosa ce|che ce|cosa succede|cosa si fa|che si fa|cosa fate|cosa organizzate|in programma|cosa c e in programma"},
	{kFlag, "", fWhatsOn, langEN, "what s on|what is on|whats on|what s happening|what is happening|anything on|what s going on"},
	{kFlag, "", fPrivacy, langIT, "privacy|informativa|informativa privacy|trattamento dei dati|trattamento dati|gdpr|protezione dei dati|come trattate|come usate|cosa fate con"},
	{kFlag, "", fPrivacy, langEN, "privacy|privacy policy|privacy notice|gdpr|data protection|how do you use|how do you process|what do you do with"},
	{kFlag, "", fData, langIT, "dati|dati personali|i miei dati|miei dati|su di me|sapete di me"},
	{kFlag, "", fData, langEN, "my data|personal data|what data|which data|data about me|my personal data|all my data|data you have|data do you have|data do you keep|data you keep|know about me|about me|my information|my details"},
	{kFlag, "", fForget, langIT, "dimenticami|dimenticatemi|diritto all oblio|oblio|cancellami del tutto|elimina il mio account|cancella il mio account|elimina il mio profilo|cancella il mio profilo"},
	{kFlag, "", fForget, langEN, "forget me|delete me|erase me|right to be forgotten|delete my account|remove my account|close my account|delete my profile"},
	{kFlag, "", fNewEvent, langIT, "nuovo evento|nuovo corso|nuovo workshop|nuovo seminario|crea evento|crea un evento|creare un evento|pubblica evento|pubblica un evento|pubblicare un evento|aggiungi evento|aggiungi un evento|organizzo un evento|inserisci evento|inserisci un evento"},
	{kFlag, "", fNewEvent, langEN, "new event|create event|create an event|add event|add an event|publish event|publish an event|post an event|new workshop|new course"},
	{kFlag, "", fApplyVerb, langIT, "iscrivere|iscrivo|iscrive|iscriversi|inserire|inserisco|inserite|aggiungere|aggiungo|aggiungete|registrare|registro|registra|registrarmi|registrarsi|segnalare|segnalo|candidare|candidarmi|proporre|elenco|comparire|apparire"},
	{kFlag, "", fApplyVerb, langEN, "add|list|register|submit|include|sign up my|put my"},
	{kFlag, "", fOwn, langIT, "gestisco|gestiamo|gestore|gestrice|titolare|proprietario|proprietaria|ho un coworking|abbiamo un coworking|ho uno spazio|abbiamo uno spazio"},
	{kFlag, "", fOwn, langEN, "i run|we run|i manage|we manage|i own|we own|owner|manager of"},
	{kFlag, "", fGetListed, langIT, "essere inserito|essere inserita|essere inseriti|farmi inserire|farci inserire|entrare nell elenco|entrare in elenco|comparire nell elenco|come mi registro|come ci registriamo|come mi iscrivo come gestore"},
	{kFlag, "", fGetListed, langEN, "get listed|be listed|get on the list|listed on|join the list|list my space|add my space|add my coworking"},
	{kFlag, "", fSpaceNoun, langIT, "spazio|spazi|struttura|attivita"},
	{kFlag, "", fSpaceNoun, both, "coworking|cowork|co working|coworking space"},
	{kFlag, "", fSpaceNoun, langEN, "space|spaces|workspace|venue"},
	{kFlag, "", fOrganize, langIT, "organizza|organizzano|ospita|ospitano|tiene|tengono|fa|fanno|propone|propongono"},
	{kFlag, "", fOrganize, langEN, "organizes|organises|organize|organise|hosts|host|runs|holds|offers"},
	{kFlag, "", fBookingCode, langIT, "codice|codice prenotazione|codice di prenotazione"},
	{kFlag, "", fBookingCode, langEN, "code|booking code|reference"},
	{kFlag, "", fHowTo, langIT, "come faccio|come posso|come si|come devo|come fare|come funziona per"},
	{kFlag, "", fHowTo, langEN, "how do i|how can i|how to|how does one|how do we|how can we"},

	// Places: near me.
	{kNearMe, "", 0, langIT, "qui vicino|qua vicino|vicino a me|nei paraggi|qui intorno|qua intorno|dove sono|intorno a me|da queste parti"},
	{kNearMe, "", 0, langEN, "near me|nearby|close to me|close by|around here|near here|around me"},
	{kVicino, "", 0, langIT, "vicino|vicini|vicina|in zona"},
	{kVicino, "", 0, langEN, "near"},
	{kPrep, "", 0, langIT, "a|ad|in|da|di|presso|verso|zona|vicino a|vicino al|vicino alla|in zona|dalle parti di|nei pressi di"},
	{kPrep, "", 0, langEN, "near|in|at|around|to|near to|close to"},

	// Time.
	{kPart, "morning", 0, langIT, "mattina|mattino|mattinata|di mattina|la mattina"},
	{kPart, "morning", 0, langEN, "morning|in the morning"},
	{kPart, "afternoon", 0, langIT, "pomeriggio|pome|primo pomeriggio|nel pomeriggio|di pomeriggio"},
	{kPart, "afternoon", 0, langEN, "afternoon|in the afternoon"},
	{kPart, "evening", 0, langIT, "sera|serata|di sera|la sera"},
	{kPart, "evening", 0, langEN, "evening|in the evening|open late|until late|late evening"},
	{kPart, "evening", 0, langIT, "fino a tardi|fino a sera|fino a sera tardi|in serata"},
	{kLunch, "", 0, langIT, "a pranzo|all ora di pranzo|in pausa pranzo|pausa pranzo|ora di pranzo|durante la pausa pranzo|a mezzogiorno"},
	{kLunch, "", 0, langEN, "at lunch|lunchtime|at lunchtime|over lunch|during lunch|lunch break"},
	{kPart, "day", 0, langIT, "tutto il giorno|tutta la giornata|giornata intera|intera giornata|giorno intero|tutto il di"},
	{kPart, "day", 0, langEN, "all day|full day|whole day|the whole day|all day long"},
	{kDayRel, "", 0, langIT, "oggi|in giornata"},
	{kDayRel, "", 0, langEN, "today"},
	{kDayRel, "evening", 0, langIT, "stasera|stanotte"},
	{kDayRel, "evening", 0, langEN, "tonight|this evening"},
	{kDayRel, "morning", 0, langIT, "stamattina|stamani|stamane"},
	{kDayRel, "morning", 0, langEN, "this morning"},
	{kDayRel, "afternoon", 0, langIT, "oggi pomeriggio"},
	{kDayRel, "afternoon", 0, langEN, "this afternoon"},
	{kDayRel, "", 1, langIT, "domani|dmn"},
	{kDayRel, "", 1, langEN, "tomorrow|tmrw|tmr|tomorow"},
	{kDayRel, "evening", 1, langEN, "tomorrow night|tomorrow evening"},
	{kDayRel, "morning", 1, langEN, "tomorrow morning"},
	{kDayRel, "afternoon", 1, langEN, "tomorrow afternoon"},
	{kDayRel, "morning", 1, langIT, "domattina"},
	{kDayRel, "", 2, langIT, "dopodomani|dopo domani"},
	{kDayRel, "", 2, langEN, "day after tomorrow|the day after tomorrow"},
	{kWeekday, "", 1, langIT, "lunedi|lun"},
	{kWeekday, "", 2, langIT, "martedi"},
	{kWeekday, "weak", 2, langIT, "mar"},
	{kWeekday, "", 3, langIT, "mercoledi|mer"},
	{kWeekday, "", 4, langIT, "giovedi|gio"},
	{kWeekday, "", 5, langIT, "venerdi|ven"},
	{kWeekday, "", 6, langIT, "sabato|sab"},
	{kWeekday, "", 0, langIT, "domenica|dom"},
	{kWeekday, "", 1, langEN, "monday|mon|mondays"},
	{kWeekday, "", 2, langEN, "tuesday|tue|tues|tuesdays"},
	{kWeekday, "", 3, langEN, "wednesday|wed|wednesdays"},
	{kWeekday, "", 4, langEN, "thursday|thu|thur|thurs|thursdays"},
	{kWeekday, "", 5, langEN, "friday|fri|fridays"},
	{kWeekday, "", 6, langEN, "saturday|sat|saturdays"},
	{kWeekday, "", 0, langEN, "sunday|sun|sundays"},
	{kMonth, "", 1, langIT, "gennaio|gen"},
	{kMonth, "", 2, langIT, "febbraio|feb"},
	{kMonth, "", 3, langIT, "marzo"},
	{kMonth, "weak", 3, both, "mar"},
	{kMonth, "", 4, langIT, "aprile|apr"},
	{kMonth, "", 5, langIT, "maggio|mag"},
	{kMonth, "", 6, langIT, "giugno|giu"},
	{kMonth, "", 7, langIT, "luglio|lug"},
	{kMonth, "", 8, langIT, "agosto|ago"},
	{kMonth, "", 9, langIT, "settembre|set"},
	{kMonth, "", 10, langIT, "ottobre|ott"},
	{kMonth, "", 11, langIT, "novembre|nov"},
	{kMonth, "", 12, langIT, "dicembre|dic"},
	{kMonth, "", 1, langEN, "january|jan"},
	{kMonth, "", 2, langEN, "february"},
	{kMonth, "", 3, langEN, "march"},
	{kMonth, "", 4, langEN, "april"},
	{kMonth, "weak", 5, langEN, "may"},
	{kMonth, "", 6, langEN, "june|jun"},
	{kMonth, "", 7, langEN, "july|jul"},
	{kMonth, "", 8, langEN, "august|aug"},
	{kMonth, "", 9, langEN, "september|sep|sept"},
	{kMonth, "", 10, langEN, "october|oct"},
	{kMonth, "", 11, langEN, "november"},
	{kMonth, "", 12, langEN, "december|dec"},
	{kNext, "", 0, langIT, "prossimo|prossima|prox|dopo"},
	{kAfter, "", 0, langIT, "dopo le|dopo l|dopo|a partire dalle|a partire dall"},
	{kAfter, "", 0, langEN, "after|later than"},
	{kUntil, "", 0, langIT, "fino alle|fino all|fino a|fino alle ore|entro le|entro l|entro|prima delle|prima dell|non oltre le"},
	{kUntil, "", 0, langEN, "until|till|by|before|no later than|up to"},
	{kHoliday, "12-25", 0, langIT, "natale|giorno di natale|il giorno di natale"},
	{kHoliday, "12-24", 0, langIT, "vigilia di natale|la vigilia di natale|la vigilia|vigilia"},
	{kHoliday, "12-26", 0, langIT, "santo stefano|s stefano"},
	{kHoliday, "01-01", 0, langIT, "capodanno|primo dell anno|il primo dell anno|primo gennaio"},
	{kHoliday, "12-31", 0, langIT, "san silvestro|ultimo dell anno|l ultimo dell anno|vigilia di capodanno"},
	{kHoliday, "01-06", 0, langIT, "epifania|befana|la befana"},
	{kHoliday, "easter+0", 0, langIT, "pasqua|domenica di pasqua"},
	{kHoliday, "easter+1", 0, langIT, "pasquetta|lunedi dell angelo|lunedi di pasqua"},
	{kHoliday, "04-25", 0, langIT, "festa della liberazione|liberazione|anniversario della liberazione"},
	{kHoliday, "05-01", 0, langIT, "primo maggio|festa dei lavoratori|festa del lavoro"},
	{kHoliday, "06-02", 0, langIT, "festa della repubblica"},
	{kHoliday, "08-15", 0, both, "ferragosto"},
	{kHoliday, "11-01", 0, langIT, "ognissanti|tutti i santi|festa di ognissanti"},
	{kHoliday, "12-08", 0, langIT, "immacolata|festa dell immacolata|immacolata concezione"},
	{kHoliday, "12-25", 0, langEN, "christmas|christmas day|xmas"},
	{kHoliday, "12-24", 0, langEN, "christmas eve"},
	{kHoliday, "12-26", 0, langEN, "boxing day|st stephen s day|saint stephen s day"},
	{kHoliday, "01-01", 0, langEN, "new year s day|new years day|new year|new year s|new years"},
	{kHoliday, "12-31", 0, langEN, "new year s eve|new years eve"},
	{kHoliday, "01-06", 0, langEN, "epiphany"},
	{kHoliday, "easter+0", 0, langEN, "easter|easter sunday|easter day"},
	{kHoliday, "easter+1", 0, langEN, "easter monday"},
	{kHoliday, "04-25", 0, langEN, "liberation day"},
	{kHoliday, "05-01", 0, langEN, "labour day|labor day|may day|workers day"},
	{kHoliday, "06-02", 0, langEN, "republic day"},
	{kHoliday, "08-15", 0, langEN, "assumption day|the assumption"},
	{kHoliday, "11-01", 0, langEN, "all saints|all saints day|all saints  day|all saints s day"},
	{kHoliday, "12-08", 0, langEN, "immaculate conception|feast of the immaculate conception"},
	{kRange, "weekend", 0, langIT, "weekend|week end|fine settimana|questo weekend|questo fine settimana|nel weekend|nel fine settimana|il weekend|sabato e domenica|sabato o domenica"},
	{kRange, "weekend", 0, langEN, "weekend|this weekend|the weekend|over the weekend|at the weekend|on the weekend|saturday and sunday|saturday or sunday"},
	{kRange, "nextweekend", 0, langIT, "weekend prossimo|prossimo weekend|il prossimo weekend|il weekend prossimo|prossimo fine settimana|il prossimo fine settimana"},
	{kRange, "nextweekend", 0, langEN, "next weekend|the coming weekend|coming weekend"},
	{kRange, "week", 0, langIT, "questa settimana|in settimana|entro la settimana|entro questa settimana"},
	{kRange, "week", 0, langEN, "this week|during the week|later this week"},
	{kRange, "nextweek", 0, langIT, "settimana prossima|la settimana prossima|prossima settimana|la prossima settimana|settimana che viene|la settimana che viene"},
	{kRange, "nextweek", 0, langEN, "next week|the coming week|the week after|coming week"},
	{kRange, "month", 0, langIT, "questo mese|entro il mese|entro fine mese"},
	{kRange, "month", 0, langEN, "this month"},
	{kRange, "nextmonth", 0, langIT, "mese prossimo|il mese prossimo|prossimo mese|il prossimo mese"},
	{kRange, "nextmonth", 0, langEN, "next month"},
	{kDateFrom, "", 0, langIT, "dal|dall|da|a partire dal|a partire da|tra il|fra il"},
	{kDateFrom, "", 0, langEN, "from|between"},
	{kDateTo, "", 0, langIT, "al|all|a|fino al|fino all|e"},
	{kDateTo, "", 0, langEN, "to|until|till|through|and"},
	{kNext, "", 0, langEN, "next|coming"},
	{kNow, "", 0, langIT, "adesso|subito|in questo momento|ora come ora|al momento|attualmente"},
	{kNow, "", 0, langEN, "now|right now|currently|at the moment"},
	{kNowWeak, "", 0, langIT, "ora"},
	{kOpen, "", 0, langIT, "aperto|aperta|aperti|aperte|apre|aprono"},
	{kOpen, "", 0, langEN, "open|opens"},
	{kFrom, "", 0, langIT, "dalle|dalle ore|dall|dalla|tra le|fra le|tra|fra|da"},
	{kFrom, "", 0, langEN, "from|between"},
	{kTo, "", 0, langIT, "alle|alle ore|a|fino alle|e le|e|al"},
	{kTo, "", 0, langEN, "to|till|until|and|through"},
	{kAt, "", 0, langIT, "alle|alle ore|verso le|verso|per le|ore"},
	{kAt, "", 0, langEN, "at|around"},
	{kClock, "", 12 * 60, langIT, "mezzogiorno|mezzodi"},
	{kClock, "", 24 * 60, langIT, "mezzanotte"},
	{kClock, "", 12 * 60, langEN, "noon|midday"},
	{kClock, "", 24 * 60, langEN, "midnight"},
	{kAmPm, "am", 0, langEN, "am|a m"},
	{kAmPm, "pm", 0, langEN, "pm|p m"},
	{kArticle, "", 0, langIT, "il|lo|la|l|i|gli|le|del|dello|della|dell|dei|degli|delle|al|allo|alla|all|ai|agli|alle|sul|sullo|sulla|sull|sui|sugli|sulle|nel|nella|nell|nei|negli|nelle|dal|dalla|dall|dai|dagli|dalle|per il|per la|col|coi"},
	{kArticle, "", 0, langEN, "the|on the|on|for the|of the"},
	{kTimeUnit, "", 0, langIT, "giorni|giorno|ore|ora|minuti|settimane|settimana|mesi|mese|anni|euro|volte"},
	{kTimeUnit, "", 0, langEN, "days|day|hours|hour|minutes|weeks|week|months|month|years|euros|times"},

	// Quantities and references.
	{kPer, "", 0, langIT, "per|x"},
	{kPer, "", 0, langEN, "for"},
	{kWeAre, "", 0, langIT, "siamo in|siamo"},
	{kWeAre, "", 0, langEN, "we are|there are|we re"},
	{kUnit, "desk", 0, langIT, "scrivania|scrivanie|postazione|postazioni|posto|posti|posto di lavoro|posti di lavoro"},
	{kUnit, "", 0, langIT, "persona|persone|pax|sedia|sedie|partecipanti|iscritti|posti a sedere"},
	{kUnit, "desk", 0, langEN, "desk|desks|spot|spots|workstation|workstations|hot desk|hot desks"},
	{kUnit, "", 0, langEN, "seat|seats|people|person|persons|pax|participants|attendees|places"},
	{kSelf, "", 0, langIT, "io|me|me stesso|me stessa"},
	{kSelf, "", 0, langEN, "i|me|myself"},
	{kWe, "", 0, langIT, "noi|in"},
	{kCompanion, "", 0, langIT, "collega|colleghi|colleghe|collaboratore|collaboratori|collaboratrice|collaboratrici|amico|amica|amici|amiche|socio|socia|soci|socie|persona|persone|cliente|clienti|ospite|ospiti|moglie|marito|compagno|compagna|fidanzato|fidanzata|ragazzo|ragazza|dipendente|dipendenti"},
	{kCompanion, "", 0, langEN, "colleague|colleagues|friend|friends|coworker|coworkers|co worker|co workers|partner|partners|person|people|guest|guests|client|clients|wife|husband|boss|teammate|teammates|employee|employees"},
	{kOther, "", 0, langIT, "altri|altre|altro|altra"},
	{kOther, "", 0, langEN, "other|others|more"},
	{kOr, "", 0, langIT, "o|oppure|o anche|o la|o il|o lo|o una|o un|o con|oppure con"},
	{kOr, "", 0, langEN, "or|or a|or an|or the|or with|either"},
	{kFree, "", 0, langIT, "gratuito|gratuita|gratuiti|gratuite|gratis|ingresso libero|ingresso gratuito|senza costi|a costo zero|partecipazione gratuita"},
	{kFree, "", 0, langEN, "free|free of charge|no charge|free entry|at no cost"},
	{kReason, "", 0, langIT, "a causa di|a causa del|a causa della|a causa dei|causa|per via di|per via del|per via dei|motivo"},
	{kReason, "", 0, langEN, "due to|because of|reason"},
	{kRoomNoun, "", 0, langIT, "sala|stanza|saletta|aula|salone"},
	{kRoomNoun, "", 0, langEN, "room|hall"},
	{kIndef, "", 1, langIT, "un|una|uno"},
	{kIndef, "", 1, langEN, "a|an|one"},
	{kNumWord, "", 1, langIT, "uno"},
	{kNumWord, "", 2, langIT, "due"},
	{kNumWord, "", 3, langIT, "tre"},
	{kNumWord, "", 4, langIT, "quattro"},
	{kNumWord, "", 5, langIT, "cinque"},
	{kNumWord, "", 6, langIT, "sei"},
	{kNumWord, "", 7, langIT, "sette"},
	{kNumWord, "", 8, langIT, "otto"},
	{kNumWord, "", 9, langIT, "nove"},
	{kNumWord, "", 10, langIT, "dieci"},
	{kNumWord, "", 11, langIT, "undici"},
	{kNumWord, "", 12, langIT, "dodici"},
	{kNumWord, "", 15, langIT, "quindici"},
	{kNumWord, "", 20, langIT, "venti"},
	{kNumWord, "", 30, langIT, "trenta"},
	{kNumWord, "", 1, langEN, "one"},
	{kNumWord, "", 2, langEN, "two"},
	{kNumWord, "", 3, langEN, "three"},
	{kNumWord, "", 4, langEN, "four"},
	{kNumWord, "", 5, langEN, "five"},
	{kNumWord, "", 6, langEN, "six"},
	{kNumWord, "", 7, langEN, "seven"},
	{kNumWord, "", 8, langEN, "eight"},
	{kNumWord, "", 9, langEN, "nine"},
	{kNumWord, "", 10, langEN, "ten"},
	{kNumWord, "", 12, langEN, "twelve"},
	{kNumWord, "", 15, langEN, "fifteen"},
	{kNumWord, "", 20, langEN, "twenty"},
	{kNumWord, "", 30, langEN, "thirty"},
	{kOrdinal, "", 1, langIT, "primo|prima"},
	{kOrdinal, "", 2, langIT, "secondo|seconda"},
	{kOrdinal, "", 3, langIT, "terzo|terza"},
	{kOrdinal, "", 4, langIT, "quarto|quarta"},
	{kOrdinal, "", 5, langIT, "quinto|quinta"},
	{kOrdinal, "", 1, langEN, "first"},
	{kOrdinal, "", 2, langEN, "second"},
	{kOrdinal, "", 3, langEN, "third"},
	{kOrdinal, "", 4, langEN, "fourth"},
	{kOrdinal, "", 5, langEN, "fifth"},
	{kOrdRef, "", 0, langIT, "numero|n|nr|num|opzione|risultato"},
	{kOrdRef, "", 0, langEN, "number|no|option|result|of"},
	{kRefine, "", 0, langIT, "e|ed|anche|invece|solo|e se|e invece|e per|con|col|coi"},
	{kRefine, "", 0, langEN, "and|also|what about|how about|only|and what about|and also|with"},
	{kTarget, "en", 0, langIT, "inglese|in inglese"},
	{kTarget, "en", 0, langEN, "english|in english"},
	{kTarget, "it", 0, langIT, "italiano|italiana|in italiano"},
	{kTarget, "it", 0, langEN, "italian|in italian"},
	{kQualifier, "", 0, langIT, "commerciale|commerciali|sportivo|sportiva|medico|medica|estetico|congressi|benessere|storico|per l impiego|di"},
	{kQualifier, "", 0, langEN, "mall|shopping|of"},
	{kConnector, "", 0, 0, "di|del|della|e|and|&"},

	// Known words: they are never "corrected" into something else, and they
	// tell the language of the text.
	{kStop, "", 0, langIT, "il|lo|gli|le|un|uno|una|di|da|in|con|su|per|tra|fra|del|della|dello|dei|degli|delle|al|alla|allo|ai|agli|alle|dal|dalla|dai|nel|nella|nei|sul|sulla|col|o|ma|che|chi|cosa|come|dove|quando|quanto|quanti|quale|quali|perche|xke|xche|ke|cmq|non|si|mi|ti|ci|vi|ne|me|te|se|anche|solo|gia|ancora|piu|meno|molto|poco|tutto|tutti|tutte|qui|qua|li|sono|sei|siamo|era|ho|hai|ha|hanno|vorrei|voglio|volevo|vorremmo|posso|puoi|puo|possiamo|devo|dobbiamo|serve|servono|bisogno|trovo|lavoro|lavori|lavorare|posto|posti|oggi|favore|per favore|qualcosa|qualcuno|altro|altra|altri|questo|questa|quello|quella|quelli|quelle|mio|mia|tuo|tua|suo|sua|fare|fa|fanno|faccio|fammi|andare|vado|vai|va|venire|vengo|vieni|viene|dire|dimmi|dare|dai|dammi|sapere|so|sai|tempo|partita|vinto|robot|piace|treno|passa|gente|piena|pieno|finito|pepe|bella|bello|buono|buona|economico|economici|economica|incluse|inclusi|incluso|documenti|cose|lasciare|organizza|organizzano|residenti|giorno|giorni|giornaliero|giornaliera|mensile|settimana|anno|ore|ora|minuti|euro|media|medio|sala|sale|stanza|stanze|ufficio|uffici|casa|bar|centro|stazione|dopo|presto|tardi|sempre|mai|lontano|citta|paese|comune|collega|colleghi|capito|usa|uso|formazione|attive|attivi|attivo|vita|mezza|mezzo|ok|okay|boh|bene|male|grande|piccolo|piccola|tranquillo|tranquilla|silenzioso|silenziosa|ciascuno|ognuno|ogni|mese|mesi|orari|apre|chiude|costa|offre|volessi|volete|vuoi|scusa|scusate|salve|perfetto|ottimo|certo|allora|poi|quindi|tipo|proprio|davvero|magari|verso|zona|presso|fino|entro|circa|ancora|tanto|troppo|niente|nulla|nessuno|caso|modo|parte|dentro|fuori|sopra|sotto|prima|ultimo|ultima|nuovo|nuova|vecchio|costo|pranzo|cena|caffe|ospiti|ospite|clienti|cliente|studio|studiare|studente|studenti|chiamata|chiamate|privato|privata|aperto|aperta|chiuso|chiusa|libero|ricevere|vengo|venire|vedi|visto|fatto|detto|dato|stare|sto|stai|sta|stiamo|essere|avere|tempo|giorno|tutta|via|piazza|corso|strada|numero|friendly|pet|cani|cane|animali|siete|sei|condiviso|condivisa|condivisi|condivise|condivisione|affitto|noleggio|regola|pausa|creativo|creativa|creativi|creative|tedesco|francese|spagnolo|ferie|vacanze|lavori|inventario|manutenzione|nome|conto|ordine|orario|tutto|insieme|nuovi|nuove|comuni|nel corso|nel corso di|nel corso della|nel corso del|in corso|centrale|centrali|verde|verdi|digitale|digitali|urbano|urbana|urbani|sociale|sociali|locale|locali|moderno|moderna|antico|antica|piano|angolo|punto"},
	{kStop, "", 0, langEN, "the|a|an|of|to|in|on|at|for|with|and|or|but|is|are|was|be|been|am|i|you|he|she|it|we|they|me|my|your|our|this|that|these|those|there|here|what|which|who|whom|how|when|where|why|can|could|would|should|will|do|does|did|have|has|had|need|want|like|looking|get|go|come|cant|can t|please|some|any|anything|something|somewhere|place|places|space|spaces|work|working|office|quiet|free|available|weather|bus|late|lol|more|much|many|just|very|good|great|nice|ok|okay|yes|so|if|then|than|too|also|only|ones|one|day|time|sorry|thanks|from|by|about|up|out|into|over|after|before|use|using|laptop|documents|stuff|let|lets|i d|id|d|s|t|m|ll|ve|whats|what s|it s|its|im|i m|don t|isn t|aren t|cheap|big|small|friendly|pet|dog|dogs|someone|anyone|us|them|him|her|his|their|were|being|same|other|another|most|best|better|a lot|lot|so much|much|so|tell|give|show|make|see|look|know|think|talk|try|wait|still|again|already|soon|later|early|today|tonight|people|person|shared|creative|german|french|spanish|holidays|holiday|vacation|rent|together|new|old|central|digital|urban|social|local|modern|library|corner"},
}

// commonPlaceWords are single words that name a place in the gazetteer and
// are also everyday words: they count as the place only after a preposition
// or an article, and not before a qualifier ("centro commerciale").
var commonPlaceWords = map[string]bool{"centro": true, "stazione": true, "center": true, "centre": true, "station": true}
