//! Story input as clients send it, and its validation into clean values. Every invalid
//! field is reported at once, by name.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::captions::Network;
use super::model::StoryKind;
use crate::claims::detector::{self, Language};
use crate::dates::Instant;
use crate::error::{AppError, FieldError};
use crate::urls::parse_public_url;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryInput {
    /// `company` (comms team, the default for them) or `testimonial` (ambassadors' own).
    pub kind: Option<StoryKind>,
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    #[serde(default)]
    pub media_urls: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// `en` or `fr`; guessed from the body when absent.
    pub language: Option<String>,
    /// Suggested caption per network, each within that network's limit.
    #[serde(default)]
    pub captions: BTreeMap<Network, String>,
    pub publish_from: Option<Instant>,
    pub expires_at: Option<Instant>,
}

/// A partial edit; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryPatch {
    pub title: Option<String>,
    pub body: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub link_url: Option<Option<String>>,
    pub media_urls: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub language: Option<String>,
    pub captions: Option<BTreeMap<Network, String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Instant>)]
    pub publish_from: Option<Option<Instant>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Instant>)]
    pub expires_at: Option<Option<Instant>>,
}

/// Tells "absent" (`None`) from "null" (`Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl StoryPatch {
    /// Whether the edit touches only what needs no review (topics, expiry).
    pub fn is_metadata_only(&self) -> bool {
        self.title.is_none()
            && self.body.is_none()
            && self.link_url.is_none()
            && self.media_urls.is_none()
            && self.language.is_none()
            && self.captions.is_none()
            && self.publish_from.is_none()
    }
}

/// Every field of a story, before validation.
#[derive(Debug, Clone)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub media_urls: Vec<String>,
    pub topics: Vec<String>,
    pub language: Option<String>,
    pub captions: BTreeMap<Network, String>,
    pub publish_from: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct CleanStory {
    pub title: String,
    pub body: String,
    pub link_url: Option<String>,
    pub media_urls: Vec<String>,
    pub topics: Vec<String>,
    pub language: Language,
    pub captions: BTreeMap<Network, String>,
    pub publish_from: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

impl From<StoryInput> for Draft {
    fn from(i: StoryInput) -> Draft {
        Draft {
            title: i.title,
            body: i.body,
            link_url: i.link_url,
            media_urls: i.media_urls,
            topics: i.topics,
            language: i.language,
            captions: i.captions,
            publish_from: i.publish_from.map(|t| t.naive_utc()),
            expires_at: i.expires_at.map(|t| t.naive_utc()),
        }
    }
}

impl Draft {
    pub fn apply(mut self, patch: StoryPatch) -> Draft {
        if let Some(v) = patch.title {
            self.title = v;
        }
        if let Some(v) = patch.body {
            self.body = v;
        }
        if let Some(v) = patch.link_url {
            self.link_url = v;
        }
        if let Some(v) = patch.media_urls {
            self.media_urls = v;
        }
        if let Some(v) = patch.topics {
            self.topics = v;
        }
        if let Some(v) = patch.language {
            self.language = Some(v);
        }
        if let Some(v) = patch.captions {
            self.captions = v;
        }
        if let Some(v) = patch.publish_from {
            self.publish_from = v.map(|t| t.naive_utc());
        }
        if let Some(v) = patch.expires_at {
            self.expires_at = v.map(|t| t.naive_utc());
        }
        self
    }

    pub fn validate(
        self,
        allow_private_urls: bool,
        now: NaiveDateTime,
    ) -> Result<CleanStory, AppError> {
        let mut errors = Vec::new();
        let mut text = |field: &str, value: &str, max: usize| -> String {
            let v = value.trim().to_string();
            let n = v.chars().count();
            if n == 0 {
                errors.push(FieldError::new(field, "is required"));
            } else if n > max {
                errors.push(FieldError::new(
                    field,
                    format!("is {n} characters; at most {max}"),
                ));
            }
            v
        };
        let title = text("title", &self.title, 200);
        let body = text("body", &self.body, 10_000);
        if let Err(m) = crate::text::one_line(&title) {
            errors.push(FieldError::new("title", m));
        }
        let link_url = match self
            .link_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => match parse_public_url(raw, allow_private_urls) {
                Ok(url) => Some(url),
                Err(m) => {
                    errors.push(FieldError::new("link_url", m));
                    None
                }
            },
        };
        if self.media_urls.len() > 10 {
            errors.push(FieldError::new("media_urls", "at most 10"));
        }
        let mut media_urls = Vec::new();
        for (i, raw) in self.media_urls.iter().enumerate() {
            match parse_public_url(raw, allow_private_urls) {
                Ok(url) => media_urls.push(url),
                Err(m) => errors.push(FieldError::new(format!("media_urls[{i}]"), m)),
            }
        }
        let mut topics: Vec<String> = Vec::new();
        for (i, raw) in self.topics.iter().enumerate() {
            let topic = raw.trim().to_lowercase();
            let ok = (1..=40).contains(&topic.chars().count())
                && topic
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == ' ');
            if !ok {
                errors.push(FieldError::new(
                    format!("topics[{i}]"),
                    "use 1 to 40 letters, digits, spaces or dashes",
                ));
            } else if !topics.contains(&topic) {
                topics.push(topic);
            }
        }
        if topics.len() > 10 {
            errors.push(FieldError::new("topics", "at most 10"));
        }
        let language = match self.language.as_deref() {
            None => detector::guess_language(&format!("{title}. {body}")),
            Some(code) => Language::parse(code).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    "language",
                    format!("`{code}` is not supported; use en or fr"),
                ));
                Language::En
            }),
        };
        let mut captions = BTreeMap::new();
        for (network, caption) in self.captions {
            let caption = caption.trim().to_string();
            if caption.is_empty() {
                continue;
            }
            if let Err(m) = network.check(&caption) {
                errors.push(FieldError::new(format!("captions.{}", network.as_str()), m));
            }
            captions.insert(network, caption);
        }
        if let (Some(from), Some(until)) = (self.publish_from, self.expires_at) {
            if until <= from {
                errors.push(FieldError::new("expires_at", "must be after publish_from"));
            }
        }
        if self.expires_at.is_some_and(|until| until <= now) {
            errors.push(FieldError::new("expires_at", "must be in the future"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(CleanStory {
            title,
            body,
            link_url,
            media_urls,
            topics,
            language,
            captions,
            publish_from: self.publish_from,
            expires_at: self.expires_at,
        })
    }
}
