//! Who is a person: link-preview crawlers and other bots are told apart by the `isbot`
//! crate's maintained list of user-agent patterns, plus the few preview fetchers of the
//! networks we post to that the list does not name. A verdict is kept per user-agent
//! string, so a storm of identical fetches (a Mastodon post fetched by hundreds of
//! instances) costs one match, then a map lookup each.

use std::sync::OnceLock;

use dashmap::DashMap;

use super::model::Device;

/// Preview fetchers the list misses, lower-case regular expressions (checked by a test).
const SUPPLEMENT: [&str; 6] = [
    // Mastodon: `http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)`
    r"\(mastodon/",
    r"^http\.rb/",
    // Bluesky's card fetcher: `Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:…)`
    r"cardyb",
    r"^whatsapp/",
    r"telegrambot",
    r"skypeuripreview",
];

/// At most this many user-agent strings keep their verdict; past it the map starts over.
const KEPT: usize = 4096;

pub struct Bots {
    list: OnceLock<isbot::Bots>,
    /// Per user-agent string: whether it is a bot, and its device class.
    verdicts: DashMap<Box<str>, (bool, Device)>,
}

impl Default for Bots {
    fn default() -> Self {
        Bots {
            list: OnceLock::new(),
            verdicts: DashMap::new(),
        }
    }
}

impl Bots {
    /// Whether `user_agent` is a crawler, a preview fetcher or another bot. No user agent
    /// at all is not a person's browser either.
    pub fn is_bot(&self, user_agent: &str) -> bool {
        self.classify(user_agent).0
    }

    /// Whether `user_agent` is a bot, and its device class, kept per user-agent string.
    pub fn classify(&self, user_agent: &str) -> (bool, Device) {
        if user_agent.trim().is_empty() {
            return (true, Device::Other);
        }
        if let Some(known) = self.verdicts.get(user_agent) {
            return *known;
        }
        let verdict = (self.list().is_bot(user_agent), Device::of(user_agent));
        if self.verdicts.len() >= KEPT {
            self.verdicts.clear();
        }
        self.verdicts.insert(user_agent.into(), verdict);
        verdict
    }

    fn list(&self) -> &isbot::Bots {
        self.list.get_or_init(|| {
            let mut bots = isbot::Bots::default();
            bots.append(&SUPPLEMENT);
            bots
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Bots;

    /// User agents as the networks' preview fetchers and other crawlers send them.
    pub const CRAWLERS: [&str; 14] = [
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Slack-ImgProxy (+https://api.slack.com/robots)",
        "http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/)",
        "http.rb/5.2.0 (Mastodon/4.3.0; +https://fosstodon.org/) Bot",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "curl/8.5.0",
    ];

    pub const PEOPLE: [&str; 8] = [
        // In-app browsers of the networks: people reading the post.
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8962",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.36.108;FBBV/590000000;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBLC/en_US]",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android",

        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    ];

    #[test]
    fn crawlers_are_bots_and_browsers_are_people() {
        let bots = Bots::default();
        for ua in CRAWLERS {
            assert!(bots.is_bot(ua), "{ua}");
            assert!(bots.is_bot(ua), "{ua} (kept verdict)");
        }
        for ua in PEOPLE {
            assert!(!bots.is_bot(ua), "{ua}");
        }
        assert!(bots.is_bot(""));
    }
}
