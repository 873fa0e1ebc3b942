//! Suggested captions per network, each measured the way that network measures it:
//! LinkedIn counts characters, X weighs them (URLs 23, wide scripts and emoji 2), Mastodon
//! counts characters with URLs as 23, Bluesky counts graphemes.

use unicode_segmentation::UnicodeSegmentation;

/// The networks are one type across Vouch (`networks::NetworkKind`); captions add how each
/// one measures a text.
pub use crate::networks::NetworkKind as Network;

/// Every URL counts as this many characters on X and Mastodon, whatever its length.
const SHORT_URL: usize = 23;

impl Network {
    /// The network's post length limit, in its own unit.
    pub fn limit(self) -> usize {
        match self {
            Network::Linkedin => 3000,
            Network::X => 280,
            Network::Mastodon => 500,
            Network::Bluesky => 300,
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Network::X => "weighted characters",
            Network::Bluesky => "graphemes",
            _ => "characters",
        }
    }

    /// The length of `text` as this network counts it.
    pub fn measure(self, text: &str) -> usize {
        match self {
            Network::Linkedin => text.chars().count(),
            Network::Bluesky => text.graphemes(true).count(),
            Network::Mastodon => with_short_urls(text, |t| t.chars().count()),
            Network::X => with_short_urls(text, x_weight),
        }
    }

    /// `Err` says how far over the limit the text is.
    pub fn check(self, text: &str) -> Result<(), String> {
        let length = self.measure(text);
        if length > self.limit() {
            Err(format!(
                "is {length} {} long; {} allows {}",
                self.unit(),
                self.as_str(),
                self.limit()
            ))
        } else {
            Ok(())
        }
    }
}

/// Measures the text around URLs with `measure` and adds 23 per URL.
fn with_short_urls(text: &str, measure: impl Fn(&str) -> usize) -> usize {
    let mut total = 0;
    let mut rest = text;
    while let Some(at) = find_url(rest) {
        total += measure(&rest[..at]) + SHORT_URL;
        let end = rest[at..]
            .find(char::is_whitespace)
            .map(|i| at + i)
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    total + measure(rest)
}

fn find_url(text: &str) -> Option<usize> {
    [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()
}

/// X's weighting (twitter-text v3): Latin and common punctuation weigh 1, everything else
/// (CJK, most other scripts, emoji) weighs 2; an emoji sequence counts once.
fn x_weight(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            let first = g.chars().next().map(u32::from).unwrap_or(0);
            let light = matches!(first, 0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247);
            if light && g.chars().count() == 1 {
                1
            } else if light {
                // A base letter with combining marks is one character per code point on X.
                g.chars().count()
            } else {
                2
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::Network::*;

    #[test]
    fn each_network_counts_its_own_way() {
        let url = "https://example.com/a/very/long/path/that/is/much/longer/than/23";
        assert_eq!(X.measure(&format!("Hi {url}")), 3 + 23);
        assert_eq!(Mastodon.measure(&format!("Hi {url} !")), 3 + 23 + 2);
        assert_eq!(
            Linkedin.measure(&format!("Hi {url}")),
            3 + url.chars().count()
        );
        assert_eq!(X.measure("日本語"), 6);
        assert_eq!(X.measure("👩‍💻"), 2);
        assert_eq!(Bluesky.measure("👩‍💻 é"), 3);
        assert!(X.check(&"a".repeat(280)).is_ok());
        assert!(X.check(&"a".repeat(281)).unwrap_err().contains("281"));
        assert!(X.check(&"日".repeat(141)).is_err());
        assert!(Bluesky.check(&"👍".repeat(300)).is_ok());
    }
}
