//! Text as each network needs it written: LinkedIn's escaped "little text", Bluesky's rich-text
//! facets (UTF-8 byte offsets) and record keys. Lengths are counted by `stories::captions`.

use sha2::{Digest, Sha256};

use super::NetworkKind;

/// The length of `text` as `kind` counts it (one implementation, shared with caption checks).
pub fn length(kind: NetworkKind, text: &str) -> usize {
    kind.measure(text)
}

pub fn max_len(kind: NetworkKind) -> usize {
    kind.limit()
}

/// The characters LinkedIn's "little text" reserves; unescaped, LinkedIn silently cuts the
/// commentary at the first one.
pub const LITTLE_TEXT_RESERVED: &[char] = &[
    '\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~',
];

/// `text` as LinkedIn commentary: every reserved character backslash-escaped, so it reads back
/// exactly as written (hashtags included, as plain text).
pub fn escape_little_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if LITTLE_TEXT_RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Bluesky rich-text facet: `byte_start..byte_end` are UTF-8 byte offsets into the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facet {
    pub byte_start: usize,
    pub byte_end: usize,
    pub feature: Feature,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Feature {
    Link(String),
    /// A hashtag, without its `#`.
    Tag(String),
}

impl Facet {
    pub fn to_json(&self) -> serde_json::Value {
        let feature = match &self.feature {
            Feature::Link(uri) => {
                serde_json::json!({"$type": "app.bsky.richtext.facet#link", "uri": uri})
            }
            Feature::Tag(tag) => {
                serde_json::json!({"$type": "app.bsky.richtext.facet#tag", "tag": tag})
            }
        };
        serde_json::json!({
            "index": {"byteStart": self.byte_start, "byteEnd": self.byte_end},
            "features": [feature],
        })
    }
}

/// Links (http and https URLs) and hashtags of `text`, in order. Bluesky shows a URL in the
/// text as plain text unless a facet makes it a link.
pub fn facets(text: &str) -> Vec<Facet> {
    let mut out = Vec::new();
    let mut word_start = 0;
    // Words are split on whitespace; offsets are `str` byte indices, which are UTF-8 offsets.
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if !c.is_whitespace() {
            continue;
        }
        if word_start < i {
            if let Some(facet) = word_facet(&text[word_start..i], word_start) {
                out.push(facet);
            }
        }
        word_start = i + c.len_utf8();
    }
    out
}

/// Trailing punctuation ends a sentence, not a URL or a tag.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', '\'', '"', ')', ']', '}', '…'];

fn word_facet(word: &str, at: usize) -> Option<Facet> {
    if let Some(start) = [word.find("https://"), word.find("http://")]
        .into_iter()
        .flatten()
        .min()
    {
        let url = word[start..].trim_end_matches(TRAILING);
        if url.len() > "https://".len() && url::Url::parse(url).is_ok() {
            return Some(Facet {
                byte_start: at + start,
                byte_end: at + start + url.len(),
                feature: Feature::Link(url.to_string()),
            });
        }
        return None;
    }
    let tag = word.strip_prefix('#')?.trim_end_matches(TRAILING);
    // Bluesky does not treat a tag of digits alone as a hashtag.
    if tag.is_empty() || tag.chars().all(|c| c.is_ascii_digit()) || tag.contains('#') {
        return None;
    }
    Some(Facet {
        byte_start: at,
        byte_end: at + 1 + tag.len(),
        feature: Feature::Tag(tag.to_string()),
    })
}

const BASE32_SORTABLE: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The record key of a share's post: a valid TID (13 base32-sortable chars) that depends only
/// on `key`, so a retry of the same share collides with the first record instead of
/// duplicating it. A UUIDv7 key (share ids) lends its timestamp, so keys sort by creation.
pub fn rkey_for(key: &str) -> String {
    let hash = Sha256::digest(key.as_bytes());
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&hash[..8]);
    let hashed = u64::from_be_bytes(bits);
    let micros = match uuid::Uuid::parse_str(key)
        .ok()
        .and_then(|u| u.get_timestamp())
    {
        Some(ts) => {
            let (secs, nanos) = ts.to_unix();
            secs * 1_000_000 + u64::from(nanos / 1_000) + hashed % 1_000
        }
        // Somewhere in 2020–2023: plausible, and never in the future.
        None => 1_577_836_800_000_000 + hashed % 100_000_000_000_000,
    };
    let clock_id = (hashed >> 40) & 0x3ff;
    let tid = ((micros & ((1 << 53) - 1)) << 10) | clock_id;
    (0..13)
        .map(|i| BASE32_SORTABLE[((tid >> (60 - i * 5)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reserved_character_is_escaped_once() {
        assert_eq!(escape_little_text("a|b"), "a\\|b");
        assert_eq!(escape_little_text("\\"), "\\\\");
        assert_eq!(escape_little_text("é 1) -- 👋"), "é 1\\) -- 👋");
        let all: String = LITTLE_TEXT_RESERVED.iter().collect();
        assert_eq!(escape_little_text(&all).len(), all.len() * 2);
    }

    #[test]
    fn rkeys_are_stable_valid_tids() {
        let a = rkey_for("0192e4a0-7b3c-7def-8a12-3456789abcde");
        assert_eq!(a, rkey_for("0192e4a0-7b3c-7def-8a12-3456789abcde"));
        assert_ne!(a, rkey_for("0192e4a0-7b3c-7def-8a12-3456789abcdf"));
        for key in [a.as_str(), &rkey_for("not a uuid")] {
            assert_eq!(key.len(), 13);
            assert!(key.bytes().all(|b| BASE32_SORTABLE.contains(&b)), "{key}");
            // The top bit of a TID is 0: the first char is in 2..j.
            assert!(b"234567abcdefghij".contains(&key.as_bytes()[0]), "{key}");
        }
    }

    #[test]
    fn trailing_punctuation_is_not_part_of_a_link() {
        let f = facets("see https://a.example/x. #tag!");
        assert_eq!(f[0].feature, Feature::Link("https://a.example/x".into()));
        assert_eq!(f[1].feature, Feature::Tag("tag".into()));
        assert_eq!(
            &"see https://a.example/x. #tag!"[f[1].byte_start..f[1].byte_end],
            "#tag"
        );
    }
}
