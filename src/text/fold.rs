//! The folded form that terms, tags and disclosures are matched on: the reading form (see
//! [`super::reading`]) case-folded, every whitespace run one space.

use super::reading::{clusters, written_plainly};

/// A text as a reader sees it, for matching: its reading form (invisible characters gone,
/// compatibility forms and look-alike letters plain), case-folded, every whitespace run
/// (non-breaking spaces included) one space. Each folded char remembers which chars of the
/// original it came from, so a match is reported on the text as written.
pub struct Folded {
    chars: Vec<char>,
    /// For each folded char, the char offsets `start..end` of the original it came from.
    spans: Vec<(usize, usize)>,
    /// The original, to quote it.
    written: Vec<char>,
}

/// Where a needle stands in a text, as [`Folded::written`] tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written as it reads, at these char offsets of the original.
    Plainly(usize, usize),
    /// Only written with invisible characters, compatibility forms or look-alike letters,
    /// first here: it shows as the needle, but is not those characters.
    Disguised(usize, usize),
    Absent,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let mut chars: Vec<char> = Vec::with_capacity(text.len());
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len());
        clusters(text, true, |span, read| {
            for &c in read {
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
        });
        Folded {
            chars,
            spans,
            written: text.chars().collect(),
        }
    }

    /// The folded text.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }

    /// The original text's chars `start..end`, as written.
    pub fn quote(&self, start: usize, end: usize) -> String {
        self.written
            .get(start..end.min(self.written.len()))
            .unwrap_or_default()
            .iter()
            .collect()
    }

    /// First occurrence of `needle` (folded the same way), as char offsets into the original
    /// text; with `whole_words`, only where neither folded neighbour is a letter or digit.
    pub fn find(&self, needle: &str, whole_words: bool) -> Option<(usize, usize)> {
        let inside = |c: char| whole_words && c.is_alphanumeric();
        self.occurrences(needle, inside).into_iter().next()
    }

    /// Every occurrence of `needle` (folded the same way), as char offsets into the
    /// original, where neither folded neighbour is `inside` a word.
    pub fn occurrences(&self, needle: &str, inside: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
        let needle = Folded::new(needle).chars;
        let needle = trim_spaces(&needle);
        let (hay, n) = (&self.chars, needle.len());
        if n == 0 || n > hay.len() {
            return Vec::new();
        }
        let boundary = |at: Option<usize>| match at {
            None => true,
            Some(i) => hay.get(i).is_none_or(|c| !inside(*c)),
        };
        (0..=hay.len() - n)
            .filter(|&i| {
                hay[i..i + n] == needle[..] && boundary(i.checked_sub(1)) && boundary(Some(i + n))
            })
            .map(|i| (self.spans[i].0, self.spans[i + n - 1].1))
            .collect()
    }

    /// Whether `needle` is in the text, and whether it is written there as it reads: what a
    /// network reads as a hashtag or a disclosure. A copy written with invisible characters,
    /// fullwidth or look-alike letters shows as the needle but is other characters.
    pub fn written(&self, needle: &str, inside: impl Fn(char) -> bool) -> Written {
        let mut disguised = None;
        for (start, end) in self.occurrences(needle, inside) {
            if written_plainly(&self.quote(start, end)) {
                return Written::Plainly(start, end);
            }
            disguised.get_or_insert((start, end));
        }
        match disguised {
            Some((start, end)) => Written::Disguised(start, end),
            None => Written::Absent,
        }
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

#[cfg(test)]
#[path = "fold_tests.rs"]
mod tests;
