//! The reading form of a text: the letters a reader sees, whatever characters they are
//! written with. Every rule that judges what people write (the claim detector, the policy's
//! forbidden terms and hashtags, the disclosure) reads this form, so text disguised with
//! look-alike or invisible characters reads as what it shows:
//!
//! - **invisible and format characters go**: default-ignorables and format characters (Cf),
//!   such as zero-width spaces and joiners, the word joiner, the BOM, bidi controls,
//!   variation selectors and tag characters; a soft hyphen goes too, so the word it splits
//!   reads as one. Emoji sequences keep theirs (`👩‍💻` stays one picture).
//! - **compatibility forms become plain ones (NFKC)**: fullwidth and mathematical letters,
//!   ligatures, circled and superscript digits and letters. Whitespace and symbols or
//!   punctuation whose compatibility form spells something else (`™` → "TM", `…` → "...",
//!   `´` → a space and an accent) stay as written; the rules read them as they are.
//! - **look-alike letters become Latin (Unicode TR39 skeletons, from `unicode-security`)**:
//!   a letter that is not plain ASCII whose skeleton is one plain Latin letter (Cyrillic `е`,
//!   Greek `ο`, dotless `ı`, Latin alpha `ɑ`, Cherokee `ꮃ` …) is read as that letter; a
//!   non-Latin letter that only adds an accent to one (Cyrillic `ё`) as the accented letter.
//!   ASCII letters and digits are never touched (the skeleton maps `m` to "rn" and `0` to
//!   "O"), nor are Latin letters with diacritics (`é`, `ç`, `œ`, `ß` stay as written), nor
//!   letters whose skeleton is a digit (Cyrillic `З` does not become a figure).
//!
//! Case is kept: sentence splitting and the detector read capitals. Each char of the
//! reading form remembers the chars of the original it came from (its whole grapheme
//! cluster), so whatever matches on it is reported on the text as written. Nothing is
//! stored in this form.

use caseless::Caseless;
use icu_properties::props::{
    DefaultIgnorableCodePoint, ExtendedPictographic, GeneralCategory, Script,
};
use icu_properties::{CodePointMapData, CodePointSetData};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A text in its reading form, each char with the char span of the original it came from.
#[derive(Debug, Clone)]
pub struct Reading {
    chars: Vec<char>,
    /// For each char, the char offsets `start..end` of the original it came from.
    spans: Vec<(usize, usize)>,
}

impl Reading {
    pub fn new(text: &str) -> Reading {
        let mut chars = Vec::with_capacity(text.len());
        let mut spans = Vec::with_capacity(text.len());
        clusters(text, false, |span, read| {
            for &c in read {
                chars.push(c);
                spans.push(span);
            }
        });
        Reading { chars, spans }
    }

    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// The char offsets in the original of the reading chars `start..end` (`start < end`).
    pub fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.spans.get(start).map_or(0, |s| s.0);
        let to = end
            .checked_sub(1)
            .and_then(|last| self.spans.get(last))
            .map_or(from, |s| s.1);
        (from, to.max(from))
    }
}

/// `text` in its reading form.
pub fn read(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    clusters(text, false, |_, read| out.extend(read));
    out
}

/// Whether `written` is written as it reads: no invisible characters, no compatibility
/// forms, no look-alike letters (a decomposed accent, which shows the same, is plain).
pub fn written_plainly(written: &str) -> bool {
    read(written).chars().eq(written.nfc())
}

/// Calls `f` with each grapheme cluster's char span in `text` and the chars it reads as
/// (none for an invisible one), in order; with `fold_case`, case-folded, and a letter that
/// reads as Latin only once folded (`Þ` → `þ` → `p`) read so.
pub(super) fn clusters(text: &str, fold_case: bool, mut f: impl FnMut((usize, usize), &[char])) {
    let pictographic = CodePointSetData::new::<ExtendedPictographic>();
    let mut at = 0;
    let mut piece = String::new();
    let mut out: Vec<char> = Vec::new();
    // Composition joins a base with its marks, so the work is per grapheme cluster.
    for cluster in text.graphemes(true) {
        let span = (at, at + cluster.chars().count());
        at = span.1;
        out.clear();
        if cluster.is_ascii() {
            let lower = |c: char| if fold_case { c.to_ascii_lowercase() } else { c };
            out.extend(cluster.chars().map(lower));
        } else if cluster
            .chars()
            .any(|c| pictographic.contains(c) || c == '\u{20E3}')
        {
            // An emoji sequence: its joiners and selectors are part of the picture.
            out.extend(cluster.chars());
        } else {
            piece.clear();
            for c in cluster.chars().filter(|c| !invisible(*c)) {
                push_compatibility_form(c, &mut piece);
            }
            let read = piece.nfc().map(latin_look_alike);
            if fold_case {
                out.extend(read.default_case_fold().nfc().map(latin_look_alike));
            } else {
                out.extend(read);
            }
        }
        if !out.is_empty() {
            f(span, &out);
        }
    }
}

/// Default-ignorable and format characters: zero-width spaces and joiners, soft hyphens,
/// BOMs, bidi controls, variation selectors, tags, Hangul fillers …
fn invisible(c: char) -> bool {
    !c.is_ascii()
        && (CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
            || CodePointMapData::<GeneralCategory>::new().get(c) == GeneralCategory::Format)
}

/// Pushes `c`'s compatibility form (NFKC) when it stands for letters, digits or marks, or
/// for one plain character (`＃` → `#`); whitespace, spacing accents and symbols such as
/// `™` or `…` stay as written.
fn push_compatibility_form(c: char, piece: &mut String) {
    if c.is_ascii() || c.is_whitespace() {
        piece.push(c);
        return;
    }
    let start = piece.len();
    piece.extend(std::iter::once(c).nfkc());
    let form = &piece[start..];
    let plain = !form.starts_with(' ')
        && (c.is_alphanumeric() || is_combining_mark(c) || form.chars().count() == 1);
    if !plain {
        piece.truncate(start);
        piece.push(c);
    }
}

/// The Latin letter `c` is a look-alike of (its TR39 skeleton), or `c` itself.
fn latin_look_alike(c: char) -> char {
    if c.is_ascii() || !c.is_alphabetic() {
        return c;
    }
    let mut buf = [0u8; 4];
    let mut skeleton = unicode_security::skeleton(c.encode_utf8(&mut buf)).nfc();
    let (Some(x), None) = (skeleton.next(), skeleton.next()) else {
        return c;
    };
    let latin = x.is_ascii_alphabetic()
        || (x != c
            && CodePointMapData::<Script>::new().get(c) != Script::Latin
            && accented_ascii_letter(x));
    if x == c || !latin {
        return c;
    }
    // Skeletons are case-blind where shapes agree: an uppercase I-like letter is an `I`
    // (the skeleton of `I` itself is `l`), a small letter is read small.
    if c.is_uppercase() && x == 'l' {
        'I'
    } else if c.is_lowercase() && x.is_uppercase() {
        single(x.to_lowercase()).unwrap_or(x)
    } else {
        x
    }
}

/// A plain Latin letter with diacritics: `ë`, `é` …
fn accented_ascii_letter(x: char) -> bool {
    let mut parts = std::iter::once(x).nfd();
    parts.next().is_some_and(|b| b.is_ascii_alphabetic()) && parts.all(is_combining_mark)
}

fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

#[cfg(test)]
#[path = "reading_tests.rs"]
mod tests;
