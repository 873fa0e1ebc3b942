//! The text that goes out: the ambassador's words (or the suggested caption), the story's
//! link replaced by the tracked link (or appended), and the org's disclosure (appended when
//! missing), measured the way the network measures it.
//!
//! The disclosure counts as there only where it is written as it reads, so networks show and
//! index it: a copy written with look-alike letters, fullwidth forms or invisible characters
//! (`#em\u{200B}ployee`, `＃ｅｍｐｌｏｙｅｅ`) looks like it but is no working hashtag. Such a
//! text is refused rather than given a second, real disclosure beside the fake one, which
//! would read as a doubled tag: the ambassador writes it plainly or leaves it out.

use crate::stories::captions::Network;
use crate::text::{Folded, Written};

/// The disclosure is in the text only written with look-alike or invisible characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisguisedDisclosure {
    /// The copy, as written.
    pub written: String,
}

impl DisguisedDisclosure {
    /// Why the text is refused, naming the disclosure and how to fix it.
    pub fn message(&self, disclosure: &str) -> String {
        format!(
            "writes the disclosure {disclosure} as `{}`, with look-alike or invisible \
             characters, so networks would not show it as {disclosure}: write it plainly, \
             or leave it out and Vouch adds it",
            self.written
        )
    }
}

/// Builds the final text of an external post, or refuses a text whose only copy of the
/// disclosure is disguised.
pub fn compose(
    base: &str,
    story_link: Option<&str>,
    tracked: &str,
    disclosure: &str,
) -> Result<String, DisguisedDisclosure> {
    let mut text = base.trim().to_string();
    let mut tail: Vec<&str> = Vec::new();
    match story_link.map(str::trim).filter(|l| !l.is_empty()) {
        Some(link) if text.contains(link) => text = replace_link(&text, link, tracked),
        Some(_) if !text.contains(tracked) => tail.push(tracked),
        _ => {}
    }
    let disclosure = disclosure.trim();
    if !disclosure.is_empty() {
        let folded = Folded::new(&text);
        match folded.written(disclosure, char::is_alphanumeric) {
            Written::Plainly(..) => {}
            Written::Disguised(start, end) => {
                return Err(DisguisedDisclosure {
                    written: folded.quote(start, end),
                })
            }
            Written::Absent => tail.push(disclosure),
        }
    }
    if !tail.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&tail.join(" "));
    }
    Ok(text)
}

/// Replaces `link` where it stands as a whole URL (not inside a longer one, so
/// `https://acme.example/jobs` does not rewrite `https://acme.example/jobs/42`).
fn replace_link(text: &str, link: &str, tracked: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(link) {
        let after = &rest[at + link.len()..];
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ".,;:!?)]»\"'".contains(c));
        out.push_str(&rest[..at]);
        out.push_str(if whole { tracked } else { link });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Why a text does not fit a network, in the network's own unit (the caption rule, reused).
pub fn check_length(network: Network, text: &str) -> Result<(), String> {
    network
        .check(text)
        .map_err(|m| format!("with the tracked link and the disclosure the post {m}"))
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
