//! The org's editorial policy: forbidden words and phrases, and hashtags every caption must
//! carry. Checked by the same gate as claims.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};
use crate::text::{fold, written_plainly, Folded, Written};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Policy {
    /// Words or phrases that may not appear (matched case-insensitively, on word boundaries,
    /// on the text as it reads: look-alike letters and invisible characters do not hide one).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Hashtags every caption must contain, e.g. `#LifeAtAcme`.
    #[serde(default)]
    pub required_hashtags: Vec<String>,
    /// Four eyes: whoever wrote a story or a claim may not verify its claims or approve it.
    #[serde(default)]
    pub separate_verifier: bool,
    /// Carried by every external post (appended when the text lacks it), e.g.
    /// `#AcmeEmployee`. Omitted or empty in a `PUT`: unchanged.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub disclosure: String,
    /// The disclosure for stories in a given language, e.g. `{"fr": "#Salarié"}`.
    #[serde(default)]
    pub disclosure_by_language: BTreeMap<String, String>,
    /// Shares one ambassador may create in 24 hours (default 15).
    #[serde(default = "default_shares_per_day")]
    #[schema(minimum = 1, maximum = 1000)]
    pub shares_per_day: u32,
    /// Shares of one story to one channel by one ambassador in 24 hours (default 5).
    #[serde(default = "default_shares_per_story_channel")]
    #[schema(minimum = 1, maximum = 1000)]
    pub shares_per_story_channel_per_day: u32,
    /// Channels where a share must be written in the ambassador's own words: a text nearly
    /// the suggested caption or another ambassador's share of the story is refused (422).
    #[serde(default)]
    pub require_personal_text: Vec<String>,
    /// Earned media value in analytics: what 1,000 impressions would cost as an ad, per
    /// channel, e.g. `{"linkedin": 30}`. Empty (with `cpc_rates`): no value is shown.
    #[serde(default)]
    pub cpm_rates: BTreeMap<String, f64>,
    /// … and what one click would cost, per channel.
    #[serde(default)]
    pub cpc_rates: BTreeMap<String, f64>,
    /// Where a tracked link (`/r/{code}`) sends people once its share or story was
    /// withdrawn (retracted, cancelled, or back in review), e.g. the careers page: a public
    /// http(s) URL. Absent: such links answer 410 Gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2048)]
    pub retracted_link_fallback_url: Option<String>,
    /// What happens to a story's posts already out when it stops being publishable (a claim
    /// added, disputed or lapsed, an edit back to review, a policy breach, an expiry):
    /// `take_down` (default) deletes them at the networks at once; `hold_for_review` keeps
    /// them up and mails the comms team, who take them down with
    /// `POST /stories/{id}/take-down` or let them stand by approving the story again. A
    /// judgement against the story (a claim refuted, changes requested, a rejection, a
    /// retraction) takes them down either way.
    #[serde(default)]
    pub when_unpublishable: WhenUnpublishable,
}

/// What happens to a story's posts out there when it stops being publishable: `take_down`
/// (deleted at the networks at once) or `hold_for_review` (kept up until a moderator decides).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WhenUnpublishable {
    /// Delete the story's posts at the networks, cancel what waits: nothing stays out.
    #[default]
    TakeDown,
    /// Keep the posts up and tell the moderators, who decide.
    HoldForReview,
}

impl WhenUnpublishable {
    pub fn as_str(self) -> &'static str {
        match self {
            WhenUnpublishable::TakeDown => "take_down",
            WhenUnpublishable::HoldForReview => "hold_for_review",
        }
    }
}

fn default_shares_per_day() -> u32 {
    15
}

fn default_shares_per_story_channel() -> u32 {
    5
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            forbidden: Vec::new(),
            required_hashtags: Vec::new(),
            separate_verifier: false,
            disclosure: String::new(),
            disclosure_by_language: BTreeMap::new(),
            shares_per_day: default_shares_per_day(),
            shares_per_story_channel_per_day: default_shares_per_story_channel(),
            require_personal_text: Vec::new(),
            cpm_rates: BTreeMap::new(),
            cpc_rates: BTreeMap::new(),
            retracted_link_fallback_url: None,
            when_unpublishable: WhenUnpublishable::TakeDown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViolationRule {
    Forbidden,
    MissingHashtag,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PolicyViolation {
    pub rule: ViolationRule,
    /// Which text: `body`, `title`, `captions.x` … (`text` for a free-text check).
    pub field: String,
    /// The forbidden term or the missing hashtag.
    pub term: String,
    /// The text as written where a forbidden term matched, or where a required hashtag is
    /// written with look-alike or invisible characters (so it is no working hashtag).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// Char offsets of `matched`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

const MAX_TERMS: usize = 200;

impl Policy {
    pub fn from_json(raw: &str) -> Policy {
        serde_json::from_str(raw).unwrap_or_default()
    }

    /// Trims, drops empties and duplicates (as matching sees them), and checks sizes;
    /// hashtags get their `#`.
    pub fn normalized(self) -> Result<Policy, AppError> {
        let mut errors = Vec::new();
        let clean = |list: Vec<String>, field: &str, errors: &mut Vec<FieldError>| {
            let mut out: Vec<String> = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            for term in list {
                let term = term.trim().to_string();
                let folded = fold(&term);
                if folded.is_empty() {
                    continue;
                }
                if term.chars().count() > 100 {
                    errors.push(FieldError::new(
                        field,
                        format!("`{term}` is longer than 100 characters"),
                    ));
                    continue;
                }
                if !seen.contains(&folded) {
                    seen.push(folded);
                    out.push(term);
                }
            }
            if out.len() > MAX_TERMS {
                errors.push(FieldError::new(
                    field,
                    format!("at most {MAX_TERMS} entries"),
                ));
            }
            out
        };
        let forbidden = clean(self.forbidden, "forbidden", &mut errors);
        let mut required_hashtags = clean(self.required_hashtags, "required_hashtags", &mut errors);
        for tag in required_hashtags.iter_mut() {
            if !tag.starts_with('#') {
                tag.insert(0, '#');
            }
            if tag.chars().skip(1).any(|c| c.is_whitespace()) || tag.len() < 2 {
                errors.push(FieldError::new(
                    "required_hashtags",
                    format!("`{tag}` is not a hashtag"),
                ));
            } else if !written_plainly(tag) {
                errors.push(FieldError::new(
                    "required_hashtags",
                    format!("`{tag}` {LOOK_ALIKES}"),
                ));
            }
        }
        let disclosure = self.disclosure.trim().to_string();
        check_disclosure("disclosure", &self.disclosure, &disclosure, &mut errors);
        let mut disclosure_by_language = BTreeMap::new();
        for (language, text) in self.disclosure_by_language {
            let field = format!("disclosure_by_language.{language}");
            let language = language.trim().to_lowercase();
            if language.len() != 2 || !language.chars().all(|c| c.is_ascii_lowercase()) {
                errors.push(FieldError::new(
                    &field,
                    "keys are two-letter language codes, e.g. `fr`",
                ));
            }
            let trimmed = text.trim().to_string();
            if trimmed.is_empty() {
                errors.push(FieldError::new(&field, "is empty"));
            }
            check_disclosure(&field, &text, &trimmed, &mut errors);
            let text = trimmed;
            disclosure_by_language.insert(language, text);
        }
        for (field, value) in [
            ("shares_per_day", self.shares_per_day),
            (
                "shares_per_story_channel_per_day",
                self.shares_per_story_channel_per_day,
            ),
        ] {
            if !(1..=1000).contains(&value) {
                errors.push(FieldError::new(field, "must be between 1 and 1000"));
            }
        }
        let mut require_personal_text: Vec<String> = Vec::new();
        for channel in self.require_personal_text {
            let channel = channel.trim().to_lowercase();
            if !crate::shares::Channel::ALL
                .iter()
                .any(|c| c.as_str() == channel)
            {
                errors.push(FieldError::new(
                    "require_personal_text",
                    format!(
                        "`{channel}` is not a channel: use linkedin, x, mastodon, bluesky or careers_page"
                    ),
                ));
            } else if !require_personal_text.contains(&channel) {
                require_personal_text.push(channel);
            }
        }
        for (field, rates) in [
            ("cpm_rates", &self.cpm_rates),
            ("cpc_rates", &self.cpc_rates),
        ] {
            for (channel, rate) in rates {
                if crate::shares::Channel::parse(channel).is_none() {
                    errors.push(FieldError::new(
                        format!("{field}.{channel}"),
                        "is not a channel: use linkedin, x, mastodon, bluesky or careers_page",
                    ));
                } else if !(0.0..=100_000.0).contains(rate) {
                    errors.push(FieldError::new(
                        format!("{field}.{channel}"),
                        "must be between 0 and 100000",
                    ));
                }
            }
        }
        if let Some(url) = &self.retracted_link_fallback_url {
            // The document's maxLength counts the value as sent.
            if url.chars().count() > 2048 {
                errors.push(FieldError::new(
                    "retracted_link_fallback_url",
                    "is longer than 2048 characters",
                ));
            }
        }
        let retracted_link_fallback_url = self
            .retracted_link_fallback_url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if errors.is_empty() {
            Ok(Policy {
                forbidden,
                required_hashtags,
                separate_verifier: self.separate_verifier,
                disclosure,
                disclosure_by_language,
                shares_per_day: self.shares_per_day,
                shares_per_story_channel_per_day: self.shares_per_story_channel_per_day,
                require_personal_text,
                cpm_rates: self.cpm_rates,
                cpc_rates: self.cpc_rates,
                retracted_link_fallback_url,
                when_unpublishable: self.when_unpublishable,
            })
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// Checks the URLs of a normalised policy: public http(s) only, unless `allow_private`
    /// (tests); the fallback page is stored as parsed.
    pub fn with_checked_urls(self, allow_private: bool) -> Result<Policy, AppError> {
        let retracted_link_fallback_url = match &self.retracted_link_fallback_url {
            None => None,
            Some(raw) => Some(
                crate::urls::parse_public_url(raw, allow_private)
                    .map_err(|m| AppError::validation("retracted_link_fallback_url", m))?,
            ),
        };
        Ok(Policy {
            retracted_link_fallback_url,
            ..self
        })
    }

    /// The disclosure for a story in `language`.
    pub fn disclosure_for(&self, language: &str) -> &str {
        self.disclosure_by_language
            .get(language)
            .map(String::as_str)
            .unwrap_or(&self.disclosure)
    }

    /// Forbidden terms found in `text` as a reader sees it (see [`Folded`]: look-alike
    /// letters, compatibility forms and invisible characters do not hide one), with the text
    /// as written where each matched.
    pub fn forbidden_in(&self, field: &str, text: &str) -> Vec<PolicyViolation> {
        let folded = Folded::new(text);
        self.forbidden
            .iter()
            .filter_map(|term| {
                let (start, end) = folded.find(term, true)?;
                Some(PolicyViolation {
                    rule: ViolationRule::Forbidden,
                    field: field.to_string(),
                    term: term.clone(),
                    matched: Some(folded.quote(start, end)),
                    start: Some(start),
                    end: Some(end),
                })
            })
            .collect()
    }

    /// Required hashtags absent from a caption (whole tags, both folded as the forbidden
    /// terms are). A tag that only shows as the required one, written with look-alike or
    /// invisible characters, is no working hashtag: it is reported, with where it stands.
    pub fn missing_hashtags(&self, field: &str, caption: &str) -> Vec<PolicyViolation> {
        let folded = Folded::new(caption);
        self.required_hashtags
            .iter()
            .filter_map(|tag| {
                let at = match folded.written(tag, inside_tag) {
                    Written::Plainly(..) => return None,
                    Written::Disguised(start, end) => Some((start, end)),
                    Written::Absent => None,
                };
                Some(PolicyViolation {
                    rule: ViolationRule::MissingHashtag,
                    field: field.to_string(),
                    term: tag.clone(),
                    matched: at.map(|(start, end)| folded.quote(start, end)),
                    start: at.map(|a| a.0),
                    end: at.map(|a| a.1),
                })
            })
            .collect()
    }
}

/// What continues a hashtag: anything but whitespace and the punctuation that ends one.
fn inside_tag(c: char) -> bool {
    !(c.is_whitespace() || matches!(c, ',' | '.' | '!' | '?' | ';' | ':' | ')' | '('))
}

/// Captions must carry the disclosure and the hashtags as written here, so they are written
/// as they read (see [`crate::text::written_plainly`]).
const LOOK_ALIKES: &str = "is written with look-alike or invisible characters, which networks \
     do not read as the plain text: write it plainly";

/// `text` trimmed; `raw` as sent, whose length the document's maxLength counts.
fn check_disclosure(field: &str, raw: &str, text: &str, errors: &mut Vec<FieldError>) {
    if raw.chars().count() > 100 {
        errors.push(FieldError::new(field, "is longer than 100 characters"));
    }
    if let Err(m) = crate::text::one_line(text) {
        errors.push(FieldError::new(field, m));
    } else if !written_plainly(text) {
        errors.push(FieldError::new(field, LOOK_ALIKES));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::char_slice;

    fn policy() -> Policy {
        Policy {
            forbidden: vec!["guaranteed".into(), "number one".into()],
            required_hashtags: vec!["#LifeAtAcme".into()],
            ..Policy::default()
        }
    }

    #[test]
    fn forbidden_terms_match_whole_words_with_their_span() {
        let v = policy().forbidden_in("body", "Bonus GUARANTEED for all. Not unguaranteed.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].matched.as_deref(), Some("GUARANTEED"));
        assert_eq!((v[0].start, v[0].end), (Some(6), Some(16)));
        assert_eq!(policy().forbidden_in("body", "Élue number one!").len(), 1);
    }

    #[test]
    fn forbidden_terms_are_matched_as_a_reader_sees_them() {
        for (text, matched) in [
            ("We are number  one", "number  one"),
            ("We are number\u{a0}one", "number\u{a0}one"),
            ("Bonus guar\u{200b}anteed", "guar\u{200b}anteed"),
            ("Bonus guar\u{200c}anteed", "guar\u{200c}anteed"),
            ("Bonus guar\u{200d}anteed", "guar\u{200d}anteed"),
            ("Bonus guar\u{2060}anteed", "guar\u{2060}anteed"),
            ("Bonus guar\u{feff}anteed", "guar\u{feff}anteed"),
            ("Bonus guar\u{ad}anteed", "guar\u{ad}anteed"),
            ("Bonus ｇｕａｒａｎｔｅｅｄ", "ｇｕａｒａｎｔｅｅｄ"),
            ("Bonus ＧＵＡＲＡＮＴＥＥＤ", "ＧＵＡＲＡＮＴＥＥＤ"),
        ] {
            let v = policy().forbidden_in("body", text);
            assert_eq!(v.len(), 1, "{text:?}");
            assert_eq!(v[0].matched.as_deref(), Some(matched), "{text:?}");
            let (start, end) = (v[0].start.unwrap(), v[0].end.unwrap());
            assert_eq!(char_slice(text, start, end), matched);
        }
        // A term written with the same tricks still matches plain text.
        let tricky = Policy {
            forbidden: vec!["ｎｕｍｂｅｒ\u{a0}\u{200b}one".into()],
            ..Policy::default()
        };
        assert_eq!(tricky.forbidden_in("body", "We are Number One").len(), 1);
        assert!(policy()
            .forbidden_in("body", "un\u{200b}guaranteed")
            .is_empty());
    }

    #[test]
    fn forbidden_terms_in_look_alike_letters_are_reported_as_written() {
        let policy = Policy {
            forbidden: vec!["rockstar".into(), "guaranteed".into(), "unlimited".into()],
            ..Policy::default()
        };
        for (text, matched) in [
            ("Join our rοckstar team", "rοckstar"),     // Greek ο
            ("Join our rоckstar team", "rоckstar"),     // Cyrillic о
            ("Bonus guarantееd for all", "guarantееd"), // Cyrillic е
            ("Unlımıted leave", "Unlımıted"),           // dotless ı
            ("Bonus GUАRАNTЕЕD", "GUАRАNTЕЕD"),         // Cyrillic А, Е
            ("Bonus 𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝", "𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝"),         // mathematical bold
            ("Bonus g\u{200b}uar\u{ad}anteed", "g\u{200b}uar\u{ad}anteed"),
        ] {
            let v = policy.forbidden_in("body", text);
            assert_eq!(v.len(), 1, "{text:?}");
            assert_eq!(v[0].matched.as_deref(), Some(matched), "{text:?}");
            let (start, end) = (v[0].start.unwrap(), v[0].end.unwrap());
            assert_eq!(char_slice(text, start, end), matched);
        }
        // French accents are letters of their own: "illimité" is not "illimite".
        let accents = Policy {
            forbidden: vec!["illimite".into()],
            ..Policy::default()
        };
        assert!(accents.forbidden_in("body", "Congés illimités").is_empty());
    }

    #[test]
    fn hashtags_are_whole_tags() {
        assert!(policy()
            .missing_hashtags("c", "Great day #lifeatacme!")
            .is_empty());
        assert!(policy()
            .missing_hashtags("c", "Great day #LifeAtAcme\u{a0}!")
            .is_empty());
        let missing = policy().missing_hashtags("c", "Great day #LifeAtAcmeFake");
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].matched, None);
    }

    #[test]
    fn a_hashtag_written_in_look_alikes_is_no_working_hashtag() {
        for tag in [
            "＃ＬｉｆｅＡｔＡｃｍｅ",
            "#Life\u{ad}AtAcme",
            "#Life\u{200b}AtAcme",
            "#LifeАtAcme", // Cyrillic А
        ] {
            let caption = format!("Great day {tag}!");
            let missing = policy().missing_hashtags("c", &caption);
            assert_eq!(missing.len(), 1, "{tag:?}");
            assert_eq!(missing[0].matched.as_deref(), Some(tag));
            assert_eq!(missing[0].start, Some(10));
        }
        // A plain copy beside it is enough.
        assert!(policy()
            .missing_hashtags("c", "＃ＬｉｆｅＡｔＡｃｍｅ #LifeAtAcme")
            .is_empty());
    }

    #[test]
    fn normalising_adds_hash_and_drops_duplicates() {
        let p = Policy {
            forbidden: vec![
                " best ".into(),
                "BEST".into(),
                "ｂｅｓｔ".into(),
                "".into(),
                "\u{200b}".into(),
            ],
            required_hashtags: vec!["LifeAtAcme".into()],
            ..Policy::default()
        }
        .normalized()
        .unwrap();
        assert_eq!(p.forbidden, ["best"]);
        assert_eq!(p.required_hashtags, ["#LifeAtAcme"]);
        assert!(Policy {
            forbidden: vec![],
            required_hashtags: vec!["two words".into()],
            ..Policy::default()
        }
        .normalized()
        .is_err());
        // Look-alike forbidden terms are one term; a tag or disclosure must be plain.
        let p = Policy {
            forbidden: vec!["best".into(), "bеst".into()],
            ..Policy::default()
        }
        .normalized()
        .unwrap();
        assert_eq!(p.forbidden, ["best"]);
        for policy in [
            Policy {
                required_hashtags: vec!["#Life\u{200b}AtAcme".into()],
                ..Policy::default()
            },
            Policy {
                disclosure: "＃AcmeEmployee".into(),
                ..Policy::default()
            },
        ] {
            assert!(policy.normalized().is_err());
        }
    }
}
