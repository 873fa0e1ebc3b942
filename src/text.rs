//! Small text searches shared by the policy check and manual claims, in char offsets, and
//! the folded form the policy matches on, so what a reader sees is what gets checked.

use caseless::Caseless;
use icu_properties::props::DefaultIgnorableCodePoint;
use icu_properties::CodePointSetData;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A text as a reader sees it, for matching: NFKC (fullwidth letters, ligatures and other
/// compatibility forms become plain ones), case-folded, without default-ignorable
/// characters (zero-width spaces and joiners, soft hyphens, BOMs …), every whitespace run
/// (non-breaking spaces included) one space. Each folded char remembers which chars of the
/// original it came from, so a match is reported on the text as written.
pub struct Folded {
    chars: Vec<char>,
    /// For each folded char, the char offsets `start..end` of the original it came from.
    spans: Vec<(usize, usize)>,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>();
        let mut chars: Vec<char> = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut at = 0;
        // Normalisation composes a base with its marks, so it works on whole grapheme
        // clusters; every char a cluster yields maps back to the whole cluster.
        for cluster in text.graphemes(true) {
            let span = (at, at + cluster.chars().count());
            at = span.1;
            for c in cluster.chars().nfkc().default_case_fold().nfkc() {
                if ignorable.contains(c) {
                    continue;
                }
                if c.is_whitespace() {
                    if let (Some(' '), Some(last)) = (chars.last(), spans.last_mut()) {
                        last.1 = span.1;
                        continue;
                    }
                    chars.push(' ');
                } else {
                    chars.push(c);
                }
                spans.push(span);
            }
        }
        Folded { chars, spans }
    }

    /// The folded text.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// First occurrence of `needle` (folded the same way), as char offsets into the original
    /// text; with `whole_words`, only where neither folded neighbour is a letter or digit.
    pub fn find(&self, needle: &str, whole_words: bool) -> Option<(usize, usize)> {
        let needle = Folded::new(needle).chars;
        let needle = trim_spaces(&needle);
        let hay = &self.chars;
        if needle.is_empty() || needle.len() > hay.len() {
            return None;
        }
        let boundary = |at: Option<usize>| match at {
            None => true,
            Some(i) => hay.get(i).is_none_or(|c| !c.is_alphanumeric()),
        };
        let i = (0..=hay.len() - needle.len()).find(|&i| {
            hay[i..i + needle.len()] == needle[..]
                && (!whole_words
                    || (boundary(i.checked_sub(1)) && boundary(Some(i + needle.len()))))
        })?;
        Some((self.spans[i].0, self.spans[i + needle.len() - 1].1))
    }
}

/// `text` folded as [`Folded`] does, for comparing terms and tags.
pub fn fold(text: &str) -> String {
    Folded::new(text).as_string().trim().to_string()
}

fn trim_spaces(chars: &[char]) -> &[char] {
    let start = chars.iter().position(|c| *c != ' ').unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|c| *c != ' ')
        .map_or(start, |i| i + 1);
    &chars[start..end]
}

/// First case-insensitive occurrence of `needle` in `haystack`, as char offsets; with
/// `whole_words`, only where neither neighbour is a letter or digit.
pub fn find_ignoring_case(
    haystack: &str,
    needle: &str,
    whole_words: bool,
) -> Option<(usize, usize)> {
    let hay: Vec<char> = haystack.chars().collect();
    let lower: Vec<char> = hay.iter().map(|c| single_lower(*c)).collect();
    let needle: Vec<char> = needle.trim().chars().map(single_lower).collect();
    if needle.is_empty() || needle.len() > lower.len() {
        return None;
    }
    let boundary = |at: Option<usize>| match at {
        None => true,
        Some(i) => lower.get(i).is_none_or(|c| !c.is_alphanumeric()),
    };
    (0..=lower.len() - needle.len())
        .find(|&i| {
            lower[i..i + needle.len()] == needle[..]
                && (!whole_words
                    || (boundary(i.checked_sub(1)) && boundary(Some(i + needle.len()))))
        })
        .map(|i| (i, i + needle.len()))
}

/// Lower-cases one char to one char, so offsets stay those of the original text.
fn single_lower(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Text folded for search: compatibility forms unified, accents dropped, lower case. Stored
/// beside the story and applied to the query alike, so `été` finds `Été` and `ete` on both
/// databases (their own `LOWER()` disagree beyond ASCII).
pub fn search_key(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The chars `start..end` of `text`.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_in_char_offsets() {
        assert_eq!(
            find_ignoring_case("Élue N°1 en France", "n°1", true),
            Some((5, 8))
        );
        assert_eq!(
            find_ignoring_case("İstanbul office", "office", true),
            Some((9, 15))
        );
        assert_eq!(find_ignoring_case("bestseller", "best", true), None);
        assert_eq!(
            find_ignoring_case("bestseller", "best", false),
            Some((0, 4))
        );
        assert_eq!(char_slice("héllo", 1, 3), "él");
    }

    #[test]
    fn search_keys_drop_case_and_accents() {
        assert_eq!(search_key("Été à Zürich"), "ete a zurich");
        assert_eq!(search_key("ÉCOLE"), search_key("école"));
        assert_eq!(search_key("ﬁne"), "fine");
    }

    /// The folded match, and the text as written at its span.
    fn folded_match(text: &str, needle: &str) -> Option<(usize, usize, String)> {
        Folded::new(text)
            .find(needle, true)
            .map(|(start, end)| (start, end, char_slice(text, start, end)))
    }

    #[test]
    fn whitespace_runs_and_non_breaking_spaces_are_one_space() {
        assert_eq!(
            folded_match("We are number  one", "number one"),
            Some((7, 18, "number  one".into()))
        );
        for space in ['\u{a0}', '\u{202f}', '\u{2007}', '\u{3000}', '\t', '\n'] {
            let text = format!("We are number{space}one!");
            let (_, _, matched) = folded_match(&text, "number one").unwrap();
            assert_eq!(matched, format!("number{space}one"));
        }
        assert_eq!(
            folded_match("number \u{200b} one", "number one"),
            Some((0, 12, "number \u{200b} one".into()))
        );
    }

    #[test]
    fn invisible_characters_are_ignored() {
        for hidden in [
            '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}',
        ] {
            let text = format!("Bonus guar{hidden}anteed.");
            assert_eq!(
                folded_match(&text, "guaranteed"),
                Some((6, 17, format!("guar{hidden}anteed"))),
                "{hidden:?}"
            );
        }
        assert_eq!(
            folded_match("\u{feff}guaranteed\u{200b}", "guaranteed"),
            Some((1, 11, "guaranteed".into()))
        );
    }

    #[test]
    fn compatibility_forms_and_case_are_folded() {
        assert_eq!(
            folded_match("Bonus ｇｕａｒａｎｔｅｅｄ!", "guaranteed"),
            Some((6, 16, "ｇｕａｒａｎｔｅｅｄ".into()))
        );
        assert_eq!(
            folded_match("GUARANTEED", "ｇｕａｒａｎｔｅｅｄ"),
            Some((0, 10, "GUARANTEED".into()))
        );
        // Ligature, circled digit, decomposed accent, German sharp s.
        assert_eq!(folded_match("ﬁnest", "finest").unwrap().2, "ﬁnest");
        assert_eq!(folded_match("We are #① here", "#1").unwrap().2, "#①");
        assert_eq!(
            folded_match("Une e\u{301}quipe", "équipe").unwrap().2,
            "e\u{301}quipe"
        );
        assert_eq!(folded_match("STRASSE", "Straße").unwrap().2, "STRASSE");
    }

    #[test]
    fn folded_matches_keep_whole_words() {
        assert_eq!(folded_match("unguaranteed", "guaranteed"), None);
        assert_eq!(folded_match("un\u{200b}guaranteed", "guaranteed"), None);
        assert_eq!(folded_match("ｇｕａｒａｎｔｅｅｄｌｙ", "guaranteed"), None);
        assert_eq!(folded_match("anything", "\u{200b}"), None);
        assert_eq!(fold("  Number\u{a0}\u{a0}ONE "), "number one");
    }
}
