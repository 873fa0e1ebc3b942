//! Text normalisation: the public matching key, and the internal form the rules read.

// Regex literals, compiled once; every detector test compiles them all, so a broken one
// fails the tests rather than a request.
#![allow(clippy::expect_used)]

use regex::Regex;
use std::sync::LazyLock;
use unicode_segmentation::UnicodeSegmentation;

/// Digit groups written with a thousands separator: "50,000", "50 000", "50.000", "50'000".
static THOUSANDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,3}(?:[,.\u{A0}\u{202F}\u{2009} '’]\d{3})+").expect("valid regex")
});
static DECIMAL_COMMA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d),(\d)").expect("valid regex"));
static SPACE_BEFORE_UNIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d) (k?[%€$£])").expect("valid regex"));
static SPACE_AFTER_CURRENCY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([€$£]) (\d)").expect("valid regex"));
static URL_TAG_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://|www\.)\S+|[#@][\p{L}_][\p{L}\p{N}_]*").expect("valid regex")
});
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("valid regex"));

/// Symbols that change what a number means ("30%" vs "30€"), so they survive normalisation.
const KEPT_SYMBOLS: &[char] = &['%', '€', '$', '£'];

/// The text used to match a claim across edits: read as a reader sees it (invisible
/// characters, compatibility forms and look-alike letters undone, see [`crate::text::read`],
/// so a claim disguised with them has the plain one's key), lowercase (with full case folding of `ß`),
/// punctuation and emoji removed, whitespace (incl. NBSP/narrow NBSP) collapsed, thousands
/// separators removed ("50,000" / "50 000" / "50.000" → "50000"), decimal commas read as
/// points. Accents are kept ("côte" ≠ "cote"): ambassadors edit wording, not spelling, and
/// folding accents would merge distinct French words. `%`, `€`, `$` and `£` are kept, glued
/// to their number, because "30%" and "30€" are different claims.
pub fn normalize(sentence: &str) -> String {
    // Full case folding: "STRASSE" and "straße" are the same word to a reader.
    // Read again once lower-cased: a capital and its letter are one (`Þ`, `þ` → `p`).
    let lower = crate::text::read(&crate::text::read(sentence).to_lowercase())
        .to_lowercase()
        .replace('ß', "ss");
    // Spacing is collapsed first so "3 000" and "3   000" are read as the same number.
    let spaced = SPACES.replace_all(&lower, " ");
    let grouped = strip_thousands(&spaced);
    // A decimal comma and a decimal point are the same number to a reader.
    let decimals = DECIMAL_COMMA.replace_all(&grouped, "$1.$2");
    let mut out = String::with_capacity(decimals.len());
    let mut prev: Option<&str> = None;
    let mut graphemes = decimals.graphemes(true).peekable();
    while let Some(g) = graphemes.next() {
        let first = g.chars().next().unwrap_or(' ');
        let keep_dot = g == "."
            && prev.is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
            && graphemes
                .peek()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        // Whole grapheme clusters are kept so a combining accent stays on its letter.
        if first.is_alphanumeric() || keep_dot || KEPT_SYMBOLS.contains(&first) {
            out.push_str(g);
        } else {
            out.push(' ');
        }
        prev = Some(g);
    }
    let collapsed = SPACES.replace_all(out.trim(), " ");
    let glued = SPACE_BEFORE_UNIT.replace_all(&collapsed, "$1$2");
    SPACE_AFTER_CURRENCY
        .replace_all(&glued, "$1$2")
        .into_owned()
}

fn strip_thousands(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in THOUSANDS.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let glued_to_digit = before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',')
            || after.is_some_and(|c| c.is_ascii_digit());
        out.push_str(&text[last..m.start()]);
        if glued_to_digit {
            out.push_str(m.as_str());
        } else {
            out.extend(m.as_str().chars().filter(char::is_ascii_digit));
        }
        last = m.end();
    }
    out.push_str(&text[last..]);
    out
}

/// The form the rules match against: lowercase, one apostrophe, one dash, plain spaces,
/// and no URLs, hashtags or mentions (a hashtag names a topic, it asserts nothing).
pub(super) fn match_form(sentence: &str) -> String {
    let cleaned = URL_TAG_MENTION.replace_all(sentence, " ");
    let mapped: String = cleaned
        .chars()
        .map(|c| match c {
            '’' | '‘' | 'ʼ' | '`' | '´' => '\'',
            '–' | '—' | '‑' | '‐' | '−' => '-',
            '“' | '”' | '«' | '»' => '"',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    format!(" {} ", SPACES.replace_all(mapped.trim(), " "))
}
