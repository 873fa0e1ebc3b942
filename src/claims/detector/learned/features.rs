//! Sentence → sparse binary features with readable names, the learned model's only input.
//!
//! Families, by prefix: `rule:` kinds the hand-written rules admitted, `match:` kinds whose
//! pattern matched but whose context (a question, a personal story…) kept it out, `ctx:` the
//! rules' context flags, `w:` words, `w2:` word pairs (`<s>`/`</s>` mark the ends), `s:`
//! Snowball stems, `c:` 3–5 letter pieces of words (`<`/`>` mark the word's ends), `shape:`
//! what the numbers are, `form:` how the sentence is put, `st:` its structure (who it is
//! about, the verb's kind, its mood, what its numbers measure: see `structure`), `len:` its
//! length, `lang:`.
//! Numbers become `<n>` in words and pairs: what a number measures is `shape:`'s business.

// Regex literals, compiled once; every detector test compiles them all.
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use rust_stemmers::{Algorithm, Stemmer};

use super::structure;
use crate::claims::detector::classify::{analyse, Analysis};
use crate::claims::detector::{ClaimKind, Language};

fn rx(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

static STEM_EN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));
static STEM_FR: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));

static URL: LazyLock<Regex> = LazyLock::new(|| rx(r"(?i)\b(?:https?://|www\.)\S+"));
static HASHTAG: LazyLock<Regex> = LazyLock::new(|| rx(r"#[\p{L}_][\p{L}\p{N}_]*"));
static MENTION: LazyLock<Regex> = LazyLock::new(|| rx(r"@[\p{L}_][\p{L}\p{N}_.]*"));

static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| rx(r"\d\s?%|\b(?:percent|per cent|pour cent|pourcents?)\b"));
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"[€$£]\s?\d|\d\s?(?:k|m|bn)?\s?[€$£]|\d\s?(?:k|m|bn|millions?|milliards?|billions?)?\s?(?:eur|euros?|usd|gbp|dollars?|pounds?)\b",
    )
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| rx(r"\b(?:19[5-9]\d|20[0-4]\d)\b"));
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|un|une|deux|trois|quatre|cinq|six|sept|huit|dix|douze|quinze|vingt)[- ]?(?:[\p{L}'-]+\s+)?(?:days?|weeks?|months?|years?|hours?|hrs?|h|jours?|semaines?|mois|ans?|années?|heures?)\b",
    )
});
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b\d+(?:st|nd|rd|th|e|er|re|ère|ème|eme)\b|\b(?:second|third|fourth|fifth|tenth|deuxième|troisième|quatrième|cinquième|dixième)\b",
    )
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}\s?h\s?\d{2}\b|\b\d{1,2}h\b")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b\d{1,2}(?:st|nd|rd|th|er)?\s+(?:january|february|march|april|may|june|july|august|september|october|november|december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\b|\b(?:january|february|march|april|june|july|august|september|october|november|december)\s+\d{1,2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    )
});
static RATIO: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b\d+(?:[.,]\d+)?\s?(?:/|out of|sur)\s?\d+\b|\b(?:\d+|one|two|three|un|une|deux|trois)\s+(?:in|out of|sur)\s+(?:\d+|two|three|four|five|ten|deux|trois|quatre|cinq|dix)\b",
    )
});
static BIG: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"\b\d{1,3}(?:[,. \u{a0}\u{202f}]\d{3})+\b|\b\d{4,}\b|\b\d+\s?(?:k|m|bn)\b")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| rx(r"\d"));
static NUMWORD: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundreds?|thousands?|dozens?|deux|trois|quatre|cinq|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|cinquante|cent|mille|centaines|milliers|dizaines)\b",
    )
});

/// Imperatives and invitations that open a sentence.
const IMPERATIVES: &[&str] = &[
    "join",
    "come",
    "apply",
    "send",
    "meet",
    "discover",
    "check",
    "find",
    "drop",
    "bring",
    "tell",
    "share",
    "click",
    "follow",
    "see",
    "read",
    "learn",
    "watch",
    "explore",
    "register",
    "sign",
    "book",
    "grab",
    "ask",
    "reach",
    "get",
    "take",
    "let's",
    "don't",
    "do",
    "say",
    "help",
    "stay",
    "keep",
    "go",
    "visit",
    "contact",
    "dm",
    "swipe",
    "scroll",
    "tag",
    "like",
    "vote",
    "imagine",
    "picture",
    "save",
    "hit",
    "feel",
    "give",
    "try",
    "start",
    "write",
    "make",
    "venez",
    "rejoignez",
    "postulez",
    "découvrez",
    "envoyez",
    "retrouvez",
    "suivez",
    "contactez",
    "rencontrez",
    "inscrivez",
    "écrivez",
    "partagez",
    "cliquez",
    "lisez",
    "regardez",
    "candidatez",
    "passez",
    "parlez",
    "dites",
    "imaginez",
    "n'hésitez",
    "hésitez",
    "prenez",
    "testez",
    "osez",
    "allez",
    "faites",
    "rendez",
    "rdv",
    "bienvenue",
    "welcome",
];
/// Phrases that ask the reader to act.
static INVITATION: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:join us|join the|come and|come say|apply (?:now|here|today|via|through|online)|get in touch|reach out|feel free|sign up|link in|dm me|drop me|drop us|let's|rejoignez|venez|postulez|n'hésitez|contactez|écrivez-nous|inscrivez|à vos candidatures|on recrute|we're hiring|we are hiring|nous recrutons)\b",
    )
});
/// Words that open a sentence without naming anyone: a capitalised first word outside this
/// list is probably a name ("Acme pays…", "Northwind was…").
const STARTERS: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "there",
    "here",
    "we",
    "we're",
    "we've",
    "we'll",
    "our",
    "us",
    "i",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "my",
    "you",
    "you're",
    "you'll",
    "your",
    "he",
    "she",
    "they",
    "their",
    "his",
    "her",
    "and",
    "but",
    "or",
    "so",
    "if",
    "when",
    "while",
    "after",
    "before",
    "since",
    "as",
    "at",
    "in",
    "on",
    "for",
    "from",
    "with",
    "without",
    "by",
    "to",
    "of",
    "about",
    "all",
    "every",
    "each",
    "no",
    "not",
    "some",
    "most",
    "many",
    "more",
    "one",
    "two",
    "three",
    "what",
    "why",
    "how",
    "who",
    "which",
    "where",
    "thanks",
    "thank",
    "today",
    "yesterday",
    "tomorrow",
    "now",
    "then",
    "also",
    "just",
    "yes",
    "still",
    "even",
    "over",
    "last",
    "next",
    "new",
    "first",
    "after",
    "because",
    "hello",
    "hi",
    "happy",
    "proud",
    "big",
    "huge",
    "great",
    "so",
    "le",
    "la",
    "les",
    "l'",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d'",
    "ce",
    "cet",
    "cette",
    "ces",
    "c'est",
    "c'",
    "il",
    "elle",
    "ils",
    "elles",
    "on",
    "nous",
    "notre",
    "nos",
    "je",
    "j'",
    "mon",
    "ma",
    "mes",
    "vous",
    "votre",
    "vos",
    "tu",
    "et",
    "mais",
    "ou",
    "donc",
    "si",
    "quand",
    "lorsque",
    "après",
    "avant",
    "depuis",
    "chez",
    "dans",
    "en",
    "pour",
    "par",
    "avec",
    "sans",
    "sur",
    "tous",
    "toutes",
    "tout",
    "chaque",
    "aucun",
    "aucune",
    "pas",
    "plus",
    "quel",
    "quelle",
    "pourquoi",
    "comment",
    "qui",
    "que",
    "qu'",
    "merci",
    "aujourd'hui",
    "hier",
    "demain",
    "ici",
    "là",
    "aussi",
    "encore",
    "oui",
    "non",
    "bonjour",
    "bravo",
    "fiers",
    "fière",
    "fier",
    "ça",
    "cela",
    "voici",
    "voilà",
    "premier",
    "première",
    "nouveau",
    "nouvelle",
    "dernier",
    "dernière",
];
/// The employer named as an organisation, whoever writes.
static COMPANY_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"^(?:the|our|l'|le|la|notre)\s?(?:company|firm|group|employer|business|organi[sz]ation|entreprise|société|groupe|employeur|maison|cabinet)\b",
    )
});
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:not|no|never|don't|doesn't|didn't|won't|isn't|aren't|wasn't|can't|cannot|ne|n'|pas|jamais|aucun|aucune|sans|without)\b",
    )
});
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:will|'ll|going to|plan to|plans to|aim to|aims to|by 20\d\d|d'ici|allons|va|vont|prévoyons|prévoit|visons|vise)\b",
    )
});
/// Hand-made word classes (`lex:`): evidence the corpus is too small to learn word by word.
static LEXICONS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        // What an employer does for its people or the world: the verbs of a practice.
        ("practice", r"\b(?:offers?|offered|provides?|provided|pays?|paid|covers?|covered|funds?|funded|reimburses?|reimbursed|matches|matched|donates?|donated|publish(?:es|ed)?|sources?|sourced|runs? on|recycles?|recycled|trains?|trained|hires?|hired|promotes?|promoted|gives?|lends?|lent|buys?|bought|sponsors?|subsidi[sz]es?|grants?|granted|guarantees?|allows?|lets|closes?|shuts?|tops? up|rembourse\w*|financ\w*|propos\w*|offr\w*|offert\w*|verse\w*|pren\w* en charge|pris\w* en charge|publi\w*|recrut\w*|form(?:e|ons|ent|és?|ées?)|accord\w*|prêt\w*|achet\w*|fourni\w*|met(?:tons|tent)? à disposition|mis\w* à (?:votre |leur )?disposition|garanti\w*|permet\w*|autoris\w*|ferm\w*|abond\w*|subventionn\w*)\b"),
        // Benefits and facilities beyond the rules' pay-and-leave list.
        ("benefit", r"\b(?:glasses|eye tests?|therapy|counsell?ing|laptops?|equipment|bikes?|cycle|car|cars|parking|canteen|cafeteria|nap|showers?|dogs?|pets?|gym|fitness|massages?|coaching|mentors?|mentoring|training|courses?|bursary|scholarships?|tuition|insurance|nursery|childcare|crèches?|cantine|restaurant d'entreprise|lunettes|thérapie|psychologue|ordinateurs?|matériel|vélos?|voitures?|véhicules?|sieste|douches?|chiens?|animaux|sport|massages?|formations?|tutorat|mentorat|bourses?|assurance|logement|navettes?|shuttle|free|gratuit\w*|offert\w*)\b"),
        // The hiring process, which candidates can check.
        ("process", r"\b(?:candidates?|applicants?|applications?|interviews?|feedback|cv|cvs|résumés?|cover letter|shortlist\w*|onboarding|probation|notice period|candidat\w*|entretiens?|retours?|lettre de motivation|intégration|période d'essai|préavis)\b"),
        // What a job ad asks of the reader: requirements, not facts about the employer.
        ("requirement", r"\b(?:must|required|requirements?|essential|a plus|is a bonus|ideally|desirable|preferred|experience (?:in|with|of)|years' experience|years of experience|fluen\w*|degree|qualifications?|you have|you are|you're|you'll need|you will need|skills?|comfortable|exigée?s?|requise?s?|souhaitée?s?|appréciée?s?|idéalement|expérience|maîtrise|diplôme|bac ?\+|profil|vous (?:avez|êtes|maîtrisez|parlez|savez)|compétences?|qualités|niveau)\b"),
        // Values, beliefs and hopes: what the employer wants to be, not what it does.
        ("belief", r"\b(?:believe|believes|belief|convinced|hope|hopes|ambitions?|aspire\w*|vision|values?|mission|purpose|committed to|commitment|matters?|fundamental|at the heart|core|journey|responsibility|croy\w*|crois|convaincue?s?|espér\w*|espoir|valeurs?|ambitions?|vision|raison d'être|au cœur|au coeur|engagée?s?|fondamenta\w*|essentiel\w*|enjeux?|défis?|responsabilité|démarche|préoccupations?)\b"),
        // Feelings and personal moments.
        ("feeling", r"\b(?:proud|pride|love|loved|loving|happy|thrilled|excited|grateful|thankful|honou?red|delighted|lucky|amazing|incredible|fun|brilliant|scary|miss|missed|enjoy\w*|smiling|heureu\w*|fière?s?|fierté|ravie?s?|chanceu\w*|adore|aime|incroyable|génial\w*|super|merci|émue?|hâte|plaisir|kiff\w*|bonheur)\b"),
        // Events, dates and announcements.
        ("event", r"\b(?:today|tonight|tomorrow|yesterday|this (?:week|morning|afternoon|evening|month)|next (?:week|month)|last (?:week|night|month)|webinar|party|meetup|meet-up|event|open day|quiz|celebrat\w*|replay|livestream|launch\w*|deadline|closing date|aujourd'hui|ce (?:matin|soir)|cette semaine|demain|hier|prochaine?|webinaire|soirée|fête|afterwork|événement|salon|journée portes ouvertes|célébr\w*|lancement|date limite)\b"),
        // A report or page talking about itself.
        ("document", r"\b(?:this (?:report|section|chapter|page|issue|newsletter|document)|in this|below|above|appendix|annex|table|chapter|section|page|figures? in|see |source ?:|ce (?:rapport|numéro|document|chapitre)|ci-(?:après|dessous|dessus)|annexe|tableau|chapitre|partie|colonne|page|voir |source ?:)"),
    ]
    .into_iter()
    .map(|(name, pattern)| (name, rx(pattern)))
    .collect()
});
/// A present passive: "are shown", "is reimbursed", "sont lues", a practice stated as a rule.
static PASSIVE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:is|are|gets?)\s+(?:\w+ly\s+|also\s+|all\s+)?\w+(?:ed|en|id|wn|ht)\b|\b(?:est|sont)\s+(?:\w+ment\s+|aussi\s+|toutes?\s+|tous\s+)?\w+(?:é|ée|és|ées|ie|is|ies|ue|ues|us|te|tes|ert|erts|erte|ertes)\b",
    )
});
/// What the reader can do there: "you can bring your dog", "vous pouvez".
static CAN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:you can|you may|you'll be able|can choose|vous pouvez|vous pourrez|on peut|peuvent|possibilité de)\b",
    )
});
static QUOTE: LazyLock<Regex> = LazyLock::new(|| rx("[\"“”«»]"));

/// French elisions split off their word: "l'entreprise" → "l'", "entreprise".
const ELISIONS: &[&str] = &[
    "l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quelqu",
];

/// One lowercased word, or `<n>` for anything with a digit.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub text: String,
    /// Written with a capital first letter.
    pub capital: bool,
}

/// Words of `text`: letters and digits, apostrophes inside words kept (English contractions),
/// French elisions split off, hyphens splitting. Hashtags, mentions and URLs are not words.
pub(super) fn tokens(text: &str, language: Language) -> Vec<Token> {
    let text = URL.replace_all(text, " ");
    let text = HASHTAG.replace_all(&text, " ");
    let text = MENTION.replace_all(&text, " ");
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    let flush = |current: &mut String, out: &mut Vec<Token>| {
        if current.is_empty() {
            return;
        }
        let word = current.trim_matches('\'').to_string();
        current.clear();
        if word.is_empty() {
            return;
        }
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        let lower = word.to_lowercase();
        if lower.chars().any(|c| c.is_ascii_digit()) {
            out.push(Token {
                text: "<n>".to_string(),
                capital: false,
            });
            return;
        }
        if let Some((head, rest)) = lower.split_once('\'') {
            if language == Language::Fr && !rest.is_empty() && ELISIONS.contains(&head) {
                out.push(Token {
                    text: format!("{head}'"),
                    capital,
                });
                out.push(Token {
                    text: rest.to_string(),
                    capital: false,
                });
                return;
            }
        }
        out.push(Token {
            text: lower,
            capital,
        });
    };
    for (i, &c) in chars.iter().enumerate() {
        let c = match c {
            '’' | '‘' | 'ʼ' | '`' | '´' => '\'',
            c => c,
        };
        let inner_mark = (c == '\'' || c == '.' || c == ',')
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
            // "4.5" and "3,400" stay one number; "a.b" splits.
            && (c == '\'' || (chars[i - 1].is_ascii_digit() && chars[i + 1].is_ascii_digit()));
        if c.is_alphanumeric() || inner_mark {
            current.push(c);
        } else {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

fn stem(word: &str, language: Language) -> String {
    let stemmer = match language {
        Language::En => &*STEM_EN,
        Language::Fr => &*STEM_FR,
    };
    stemmer.stem(word).into_owned()
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF)
}

/// The sorted, distinct feature names of `sentence`.
pub fn features(sentence: &str, language: Language) -> Vec<String> {
    extract(sentence, language, &analyse(sentence, language))
}

/// `features` when the rules' analysis is already at hand.
pub(crate) fn extract(sentence: &str, language: Language, analysis: &Analysis) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut add = |name: String| {
        out.insert(name);
    };
    add(format!("lang:{}", language.code()));
    rule_features(analysis, &mut add);

    let lower = sentence.to_lowercase().replace(['’', '‘'], "'");
    let words = tokens(sentence, language);

    // Words, pairs, stems, letter pieces.
    let mut previous = "<s>".to_string();
    for token in &words {
        let word = token.text.as_str();
        add(format!("w:{word}"));
        add(format!("w2:{previous} {word}"));
        if word != "<n>" {
            let s = stem(word.trim_end_matches('\''), language);
            if s.chars().count() >= 2 {
                add(format!("s:{s}"));
            }
            let padded: Vec<char> = format!("<{}>", word).chars().collect();
            for n in 3..=5 {
                if padded.len() < n {
                    break;
                }
                for piece in padded.windows(n) {
                    add(format!("c:{}", piece.iter().collect::<String>()));
                }
            }
        }
        previous = word.to_string();
    }
    add(format!("w2:{previous} </s>"));
    add(match words.len() {
        0..=4 => "len:1-4",
        5..=8 => "len:5-8",
        9..=15 => "len:9-15",
        16..=25 => "len:16-25",
        _ => "len:26+",
    }
    .to_string());

    // Numbers: what they measure.
    let plain = URL.replace_all(&lower, " ");
    let mut shaped = false;
    for (re, name) in [
        (&*PERCENT, "percent"),
        (&*MONEY, "money"),
        (&*YEAR, "year"),
        (&*DURATION, "duration"),
        (&*ORDINAL, "ordinal"),
        (&*CLOCK, "clock"),
        (&*DATE, "date"),
        (&*RATIO, "ratio"),
        (&*BIG, "big"),
    ] {
        if re.is_match(&plain) {
            add(format!("shape:{name}"));
            shaped = true;
        }
    }
    if NUMBER.is_match(&plain) && !shaped {
        add("shape:count".to_string());
    }
    if NUMBER.is_match(&plain) {
        add("shape:digits".to_string());
    }
    if NUMWORD.is_match(&plain) {
        add("shape:number_word".to_string());
    }

    form_features(sentence, &lower, &words, language, &mut add);
    let rules: Vec<&str> = analysis.fired.iter().map(|k| k.as_str()).collect();
    structure::read(&words, sentence, &lower, language).features(&rules, &mut add);
    out.into_iter().collect()
}

fn rule_features(analysis: &Analysis, add: &mut impl FnMut(String)) {
    for kind in &analysis.fired {
        add(format!("rule:{}", kind.as_str()));
    }
    for kind in &analysis.matched {
        if !analysis.fired.contains(kind) {
            add(format!("match:{}", kind.as_str()));
        }
    }
    if let Some(kind) = analysis.verdict {
        add("rule:any".to_string());
        if kind == ClaimKind::Promise && !analysis.fired.contains(&ClaimKind::Promise) {
            add("rule:promise".to_string());
        }
    }
    for (flag, name) in [
        (analysis.personal, "personal"),
        (analysis.org, "org"),
        (analysis.asks, "question"),
        (analysis.thanks, "thanks"),
        (analysis.anchored, "anchored"),
        (analysis.policy, "policy"),
        (analysis.offer, "offer"),
        (analysis.quantity, "quantity"),
    ] {
        if flag {
            add(format!("ctx:{name}"));
        }
    }
}

fn form_features(
    sentence: &str,
    lower: &str,
    words: &[Token],
    language: Language,
    add: &mut impl FnMut(String),
) {
    let has = |list: &[&str]| words.iter().any(|t| list.contains(&t.text.as_str()));
    let singular: &[&str] = &[
        "i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself", "je", "j'", "moi", "mon",
        "ma", "mes", "m'",
    ];
    let plural: &[&str] = &[
        "we",
        "we're",
        "we've",
        "we'll",
        "we'd",
        "us",
        "our",
        "ours",
        "ourselves",
        "nous",
        "notre",
        "nos",
    ];
    let second: &[&str] = &[
        "you", "your", "you're", "you'll", "you've", "yours", "vous", "votre", "vos", "tu", "ton",
        "ta", "tes", "t'",
    ];
    if has(singular) {
        add("form:first_singular".to_string());
    }
    if has(plural) || (language == Language::Fr && has(&["on"])) {
        add("form:first_plural".to_string());
    }
    if has(second) {
        add("form:second_person".to_string());
    }
    // The subject: who the sentence opens on ("n'oubliez" opens on its verb).
    let opening = match words {
        [clitic, rest @ ..] if clitic.text == "n'" => rest.first(),
        _ => words.first(),
    };
    if let Some(first) = opening {
        let word = first.text.as_str();
        if singular.contains(&word) {
            add("form:subject_i".to_string());
        } else if plural.contains(&word) || (language == Language::Fr && word == "on") {
            add("form:subject_we".to_string());
        } else if second.contains(&word) {
            add("form:subject_you".to_string());
        } else if first.capital && word != "<n>" && !STARTERS.contains(&word) {
            let imperative =
                IMPERATIVES.contains(&word) || (language == Language::Fr && word.ends_with("ez"));
            if !imperative {
                add("form:subject_company".to_string());
            }
        }
        if IMPERATIVES.contains(&word)
            || (language == Language::Fr && word.ends_with("ez") && word != "chez")
        {
            add("form:imperative".to_string());
        }
    }
    if COMPANY_NOUN.is_match(lower.trim_start()) {
        add("form:subject_company".to_string());
    }
    // A capitalised word after the first: a name (a company, a place, a person, a label).
    if words.iter().skip(1).any(|t| t.capital) {
        add("form:name".to_string());
    }
    if INVITATION.is_match(lower) {
        add("form:invitation".to_string());
    }
    if sentence.contains('?') {
        add("form:question".to_string());
    }
    if sentence.contains('!') {
        add("form:exclamation".to_string());
    }
    if HASHTAG.is_match(sentence) {
        add("form:hashtag".to_string());
    }
    if MENTION.is_match(sentence) {
        add("form:mention".to_string());
    }
    if URL.is_match(sentence) {
        add("form:url".to_string());
    }
    if sentence.chars().any(is_emoji) {
        add("form:emoji".to_string());
    }
    if QUOTE.is_match(sentence) {
        add("form:quote".to_string());
    }
    if NEGATION.is_match(lower) {
        add("form:negation".to_string());
    }
    if FUTURE.is_match(lower) {
        add("form:future".to_string());
    }
    if sentence.contains(':') {
        add("form:colon".to_string());
    }
    if PASSIVE.is_match(lower) {
        add("form:passive".to_string());
    }
    if CAN.is_match(lower) {
        add("form:can".to_string());
    }
    for (name, re) in LEXICONS.iter() {
        if re.is_match(lower) {
            add(format!("lex:{name}"));
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn tokens_split_elisions_and_hide_numbers() {
        let t: Vec<String> = tokens("L'entreprise paie 3 400 € d’ici 2026.", Language::Fr)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            t,
            ["l'", "entreprise", "paie", "<n>", "<n>", "d'", "ici", "<n>"]
        );
        let t: Vec<String> = tokens("We don't pay 4.5 #hiring @acme", Language::En)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, ["we", "don't", "pay", "<n>"]);
    }

    #[test]
    fn features_have_readable_names() {
        let f = features("Acme pays for its employees' glasses.", Language::En);
        for name in [
            "w:pays",
            "w2:pays for",
            "s:pay",
            "c:ays",
            "form:subject_company",
            "lang:en",
        ] {
            assert!(f.contains(&name.to_string()), "{name} in {f:?}");
        }
        let f = features("We offer 25 days of paid leave.", Language::En);
        assert!(f.contains(&"rule:promise".to_string()), "{f:?}");
        assert!(f.contains(&"shape:duration".to_string()), "{f:?}");
        let f = features("Did you know 40% of us are women?", Language::En);
        assert!(f.contains(&"shape:percent".to_string()), "{f:?}");
        assert!(f.contains(&"form:question".to_string()), "{f:?}");
    }
}
