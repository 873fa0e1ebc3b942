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

mod classify;
mod normalize;
mod rules;
mod sentences;
mod vocab;

#[cfg(test)]
mod tests;

use unicode_segmentation::UnicodeSegmentation;

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
/// Award > Ranking > Promise > Absolute > Number. Figures or universals about pay and
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
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Number => "number",
            ClaimKind::Ranking => "ranking",
            ClaimKind::Award => "award",
            ClaimKind::Absolute => "absolute",
            ClaimKind::Promise => "promise",
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
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectedClaim {
    /// Char offset (Unicode scalar values, not bytes), inclusive.
    pub start: usize,
    /// Char offset, exclusive.
    pub end: usize,
    /// The sentence as written (trimmed); equals the input's chars `start..end`.
    pub text: String,
    pub kind: ClaimKind,
    pub normalized: String,
}

/// Splits `text` into sentences and returns one DetectedClaim per claim-like sentence, in order.
pub fn detect(text: &str, language: Language) -> Vec<DetectedClaim> {
    let chars: Vec<char> = text.chars().collect();
    sentences::split(&chars)
        .into_iter()
        .filter_map(|(start, end)| {
            let sentence: String = chars[start..end].iter().collect();
            let kind = classify::classify(&sentence, language)?;
            Some(DetectedClaim {
                start,
                end,
                normalized: normalize(&sentence),
                text: sentence,
                kind,
            })
        })
        .collect()
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
    let lower = text.to_lowercase();
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
