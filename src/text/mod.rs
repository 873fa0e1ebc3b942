//! Text shared by the rules that read what people write: the reading form every rule reads
//! ([`reading`]: invisible characters, compatibility forms and look-alike letters undone,
//! each char mapped back to the text as written), the folded form terms and tags are matched
//! on ([`fold`]), the search key, and char slices.

mod fold;
mod line;
mod reading;

pub use fold::{fold, Folded, Written};
pub use line::one_line;
pub use reading::{read, written_plainly, Reading};

use unicode_normalization::UnicodeNormalization;

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
    fn search_keys_drop_case_and_accents() {
        assert_eq!(search_key("Été à Zürich"), "ete a zurich");
        assert_eq!(search_key("ÉCOLE"), search_key("école"));
        assert_eq!(search_key("ﬁne"), "fine");
    }

    #[test]
    fn char_slices_count_chars() {
        assert_eq!(char_slice("héllo", 1, 3), "él");
        assert_eq!(char_slice("héllo", 4, 9), "o");
    }
}
