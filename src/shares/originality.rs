//! How close an ambassador's text is to the suggested caption or to a colleague's share of
//! the same story: word-shingle (3-word) Jaccard similarity on folded words. Identical
//! "corporate robot" posts are what discredit ambassador programmes.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

use super::Channel;
use crate::text::fold;

/// Similarity in [0, 1] of two texts' word shingles; 1 for the same words.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (shingles(a), shingles(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(&b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

fn shingles(text: &str) -> HashSet<String> {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.starts_with("http"))
        .collect();
    if words.len() < 3 {
        return words.iter().map(|w| w.to_string()).collect();
    }
    words.windows(3).map(|w| w.join(" ")).collect()
}

/// What the answer says about a share whose text is nearly someone else's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OriginalityNote {
    pub channel: Channel,
    /// `suggested_caption` or `another_share`.
    pub similar_to: String,
    /// Shingle similarity, 0–1.
    pub similarity: f64,
    pub detail: String,
}

/// The closest text among `others` (name, text) if it is at least `threshold` similar.
pub fn closest<'a>(
    text: &str,
    others: impl IntoIterator<Item = (&'a str, &'a str)>,
    threshold: f64,
) -> Option<(&'a str, f64)> {
    others
        .into_iter()
        .map(|(name, other)| (name, similarity(text, other)))
        .filter(|(_, s)| *s >= threshold)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_are_one_and_different_words_are_zero() {
        let caption = "Our Lyon team shipped the new booking flow this week";
        assert_eq!(similarity(caption, &caption.to_uppercase()), 1.0);
        assert_eq!(
            similarity(caption, "I loved mentoring two interns this summer"),
            0.0
        );
    }

    #[test]
    fn a_small_edit_stays_close_and_a_rewrite_does_not() {
        let caption = "Our Lyon team shipped the new booking flow this week, proud of them";
        let tweak = "Our Lyon team shipped the new booking flow this week, so proud of them!";
        let own = "Pairing with our Lyon team on booking taught me more than any course";
        assert!(similarity(caption, tweak) > 0.6);
        assert!(similarity(caption, own) < 0.2);
        assert_eq!(
            closest(tweak, [("suggested_caption", caption)], 0.6).map(|c| c.0),
            Some("suggested_caption")
        );
        assert!(closest(own, [("suggested_caption", caption)], 0.6).is_none());
    }
}
