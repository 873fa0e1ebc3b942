//! Small text searches shared by the policy check and manual claims, in char offsets.

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
pub fn fold(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
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
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Été à Zürich"), "ete a zurich");
        assert_eq!(fold("ÉCOLE"), fold("école"));
        assert_eq!(fold("ﬁne"), "fine");
    }
}
