//! Claim detector: finds sentences that assert checkable facts about the employer, so Vouch
//! can hold them for verification before they go out under an employee's name.
//!
//! Rule used for labels and rules alike: a sentence is a claim when it asserts something
//! checkable about the EMPLOYER (people, headcount, pay, policies, benefits, figures, rankings,
//! awards). The author's own experiences and feelings ("I joined 3 years ago") are not, except
//! what they say they receive in pay, hours, leave, remote work or benefits ("I got a 12%
//! raise"), since that tells readers what the employer gives. Questions, invitations and thanks
//! are not claims unless they carry a specific fact; puffery that ranks the employer ("the best
//! team in Paris") is a ranking claim precisely because nobody can verify it.
//!
//! The hand-written rules (`rules`, `classify`) find claims with a marker: a figure, a
//! superlative, an award, an absolute, a pay or benefit promise. The learned model (`learned`)
//! reads their hits along with the words and the sentence's form, and has the last word: it
//! also catches checkable statements with no marker and drops chatty sentences that have one.

mod classify;
pub mod learned;
mod normalize;
mod rules;
mod sentences;
mod vocab;

#[cfg(test)]
mod tests;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::Reading;

pub use normalize::normalize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    En,
    Fr,
}

impl Language {
    /// Accepts BCP 47-ish codes in any case: "en", "en-GB", "FR", "fr_CA".
    pub fn parse(code: &str) -> Option<Language> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" | "eng" | "english" => Some(Language::En),
            "fr" | "fra" | "fre" | "french" | "français" | "francais" => Some(Language::Fr),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// A sentence reports the strongest kind it contains, by `priority`:
/// Award > Ranking > Promise > Absolute > Number > Statement. Figures or universals about pay and
/// benefits are reported as `Promise`, the thing a reviewer must check with HR.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Numbers, percentages, money, counts.
    Number,
    /// Superlatives and rankings: best, leading, first, only, #1.
    Ranking,
    /// Awards, labels and certifications.
    Award,
    /// Universal statements about people or policy: every, all our, never, always.
    Absolute,
    /// Promises about pay, hours, leave, remote work and benefits.
    Promise,
    /// A checkable statement with no marker: a practice, benefit, policy or fact that no rule
    /// names but the learned model recognises ("Acme pays for its employees' glasses.").
    Statement,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Number => "number",
            ClaimKind::Ranking => "ranking",
            ClaimKind::Award => "award",
            ClaimKind::Absolute => "absolute",
            ClaimKind::Promise => "promise",
            ClaimKind::Statement => "statement",
        }
    }

    /// Higher wins when a sentence matches several kinds: the rarer, more specific
    /// evidence is what a reviewer should check first.
    pub fn priority(self) -> u8 {
        match self {
            ClaimKind::Award => 5,
            ClaimKind::Ranking => 4,
            ClaimKind::Promise => 3,
            ClaimKind::Absolute => 2,
            ClaimKind::Number => 1,
            ClaimKind::Statement => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DetectedClaim {
    /// Char offset (Unicode scalar values, not bytes), inclusive.
    pub start: usize,
    /// Char offset, exclusive.
    pub end: usize,
    /// The sentence as written (trimmed); equals the input's chars `start..end`.
    pub text: String,
    /// The rules' kind when one fired, else `Statement`.
    pub kind: ClaimKind,
    pub normalized: String,
    /// The calibrated probability that this is a claim (at least the threshold for a claim,
    /// below it for a hint).
    pub score: f32,
    /// Why, as reasons a reviewer can act on ("a figure about the employer").
    pub why: Vec<String>,
}

/// Splits `text` into sentences and returns one DetectedClaim per claim-like sentence, in order.
pub fn detect(text: &str, language: Language) -> Vec<DetectedClaim> {
    detect_adjusted(text, language, None)
}

/// `detect` with an organisation's adjustment of the learned model (see `learned::refit`).
///
/// Sentences are split and judged on the text's reading form ([`crate::text::Reading`]:
/// invisible characters, compatibility forms and look-alike letters undone), so a claim
/// disguised with them is found as the plain one is; spans and text are those of the text
/// as written.
pub fn detect_adjusted(
    text: &str,
    language: Language,
    adjustment: Option<&learned::Adjustment>,
) -> Vec<DetectedClaim> {
    judge(text, language, adjustment).claims
}

/// What the detector makes of a text: the claims it holds, and the sentences that came close,
/// shown to their author as hints that hold nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Judged {
    pub claims: Vec<DetectedClaim>,
    pub hints: Vec<DetectedClaim>,
}

/// Judges every sentence of `text` once, on its reading form: claims above the threshold,
/// hints just below it, both with spans and text as written.
pub fn judge(text: &str, language: Language, adjustment: Option<&learned::Adjustment>) -> Judged {
    let mut judged = Judged::default();
    for sentence in read_sentences(text) {
        let assessment = learned::assess(&sentence.reading, language, adjustment);
        if !assessment.claim && !assessment.close {
            continue;
        }
        let found = DetectedClaim {
            start: sentence.start,
            end: sentence.end,
            normalized: normalize(&sentence.written),
            text: sentence.written,
            kind: assessment.kind,
            score: assessment.score,
            why: assessment.why,
        };
        if assessment.claim {
            judged.claims.push(found);
        } else {
            judged.hints.push(found);
        }
    }
    judged
}

/// The sentences the hand-written rules alone flag, with their kind: the detector as it was
/// before the learned model, kept for comparison (`examples/claims_eval.rs --report`).
pub fn detect_rules(text: &str, language: Language) -> Vec<(usize, usize, ClaimKind)> {
    read_sentences(text)
        .filter_map(|s| {
            let kind = classify::analyse(&s.reading, language).verdict?;
            Some((s.start, s.end, kind))
        })
        .collect()
}

/// A sentence of a text: its reading form, and where and how it is written.
struct Sentence {
    reading: String,
    /// Char offsets into the text as written.
    start: usize,
    end: usize,
    written: String,
}

/// The sentences of `text`, split on its reading form.
fn read_sentences(text: &str) -> impl Iterator<Item = Sentence> {
    let reading = Reading::new(text);
    let original: Vec<char> = text.chars().collect();
    let mut previous_end = 0;
    sentences::split(reading.chars())
        .into_iter()
        .filter_map(move |(start, end)| {
            let (from, to) = reading.original(start, end);
            // One written char can read as several (`ﬁ`): sentences never share it.
            let from = from.max(previous_end);
            if from >= to {
                return None;
            }
            previous_end = to;
            Some(Sentence {
                reading: reading.chars()[start..end].iter().collect(),
                start: from,
                end: to,
                written: original[from..to].iter().collect(),
            })
        })
}

/// French words that are not also common English words.
const FR_WORDS: &[&str] = &[
    "le",
    "la",
    "les",
    "des",
    "du",
    "et",
    "est",
    "une",
    "nous",
    "notre",
    "nos",
    "vous",
    "votre",
    "pour",
    "dans",
    "sur",
    "avec",
    "pas",
    "que",
    "qui",
    "je",
    "au",
    "aux",
    "ce",
    "cette",
    "chez",
    "sont",
    "être",
    "mais",
    "ou",
    "où",
    "très",
    "tous",
    "toutes",
    "chaque",
    "aussi",
    "depuis",
    "entreprise",
    "équipe",
    "salariés",
    "collaborateurs",
    "ans",
    "jours",
    "avons",
    "sommes",
];
const EN_WORDS: &[&str] = &[
    "the",
    "and",
    "is",
    "are",
    "we",
    "our",
    "you",
    "your",
    "for",
    "with",
    "to",
    "of",
    "in",
    "that",
    "this",
    "it",
    "i",
    "my",
    "be",
    "have",
    "has",
    "at",
    "from",
    "by",
    "not",
    "all",
    "every",
    "team",
    "company",
    "employees",
    "years",
    "days",
    "was",
    "were",
    "will",
    "join",
];

/// Detect when the language is unknown: guesses fr vs en from stopwords/accents, defaulting to En.
pub fn guess_language(text: &str) -> Language {
    let lower = crate::text::read(text).to_lowercase();
    let mut fr = 0usize;
    let mut en = 0usize;
    for word in lower.unicode_words() {
        // unicode_words keeps elisions attached ("l'entreprise"), which are French.
        if word.contains(['\'', '’']) {
            let head = word.split(['\'', '’']).next().unwrap_or("");
            if matches!(head, "l" | "d" | "j" | "qu" | "n" | "s" | "c" | "m" | "t") {
                fr += 2;
                continue;
            }
        }
        if FR_WORDS.contains(&word) {
            fr += 2;
        }
        if EN_WORDS.contains(&word) {
            en += 2;
        }
        fr += word
            .chars()
            .filter(|c| "éèêëàâçùûôîïœ".contains(*c))
            .count();
    }
    if fr > en {
        Language::Fr
    } else {
        Language::En
    }
}
