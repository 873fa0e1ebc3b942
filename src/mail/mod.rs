//! Outgoing mail through lettre: SMTP (STARTTLS or implicit TLS) in production, `.eml` files
//! in the data folder by default so a fresh checkout needs no mail server.

pub mod templates;

use anyhow::Context;
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::{MailSettings, MailTransport, SmtpSecurity};
use crate::crypto::Sealer;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::jobs::{self, Handle, Job, Outbox};

/// A message ready to send: one recipient, a subject and a plain-text body.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// A file sent with a mail (a report's chart). Not sealed in the queue: it holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Mailer> {
        let from: Mailbox = settings
            .from
            .parse()
            .with_context(|| format!("mail.from `{}` is not a mailbox", settings.from))?;
        let transport = match settings.transport {
            MailTransport::File => {
                std::fs::create_dir_all(&settings.dir)
                    .with_context(|| format!("creating {}", settings.dir.display()))?;
                Transport::File(AsyncFileTransport::new(&settings.dir))
            }
            MailTransport::Smtp => {
                let smtp = &settings.smtp;
                let mut builder = match smtp.security {
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
                    }
                }
                .port(smtp.port)
                .timeout(Some(std::time::Duration::from_secs(15)));
                if !smtp.username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        smtp.username.clone(),
                        smtp.password.expose_secret().to_string(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Mailer { from, transport })
    }

    #[tracing::instrument(skip(self, mail, attachments), fields(subject = %mail.subject))]
    pub async fn send(&self, mail: Mail, attachments: &[Attachment]) -> anyhow::Result<()> {
        use lettre::message::{MultiPart, SinglePart};
        let to: Mailbox = mail
            .to
            .parse()
            .with_context(|| format!("recipient `{}` is not a mailbox", mail.to))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject);
        let message = if attachments.is_empty() {
            builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body)
                .context("building the message")?
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(mail.body));
            for a in attachments {
                let kind = ContentType::parse(&a.content_type)
                    .with_context(|| format!("content type `{}`", a.content_type))?;
                parts = parts.singlepart(
                    lettre::message::Attachment::new(a.filename.clone())
                        .body(a.content.clone(), kind),
                );
            }
            builder.multipart(parts).context("building the message")?
        };
        match &self.transport {
            Transport::File(t) => t
                .send(message)
                .await
                .map(|_| ())
                .context("writing mail file"),
            Transport::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .context("sending over SMTP"),
        }
    }
}

/// What sending a queued mail needs of the worker's context.
pub trait MailContext: Send + Sync + 'static {
    fn mailer(&self) -> &Mailer;
    fn sealer(&self) -> &Sealer;
}

/// The job that sends one mail. The body is sealed (`crypto`): it may hold a sign-in link,
/// and the queue is a table anyone with database access can read.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendMail {
    pub to: String,
    pub subject: String,
    pub sealed_body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

impl Job for SendMail {
    const KIND: &'static str = "mail.send";
}

impl<C: MailContext> Handle<C> for SendMail {
    async fn run(self, state: C) -> anyhow::Result<()> {
        let body = state.sealer().open(&self.sealed_body)?;
        state
            .mailer()
            .send(
                Mail {
                    to: self.to,
                    subject: self.subject,
                    body,
                },
                &self.attachments,
            )
            .await
    }
}

/// Queues a mail in the caller's transaction (the outbox): it goes out once the change that
/// caused it is committed, and is retried while the relay is down.
pub fn queue(
    conn: &mut DbConn,
    outbox: &Outbox,
    org_id: Option<&str>,
    mail: Mail,
) -> AppResult<()> {
    queue_with(conn, outbox, org_id, mail, Vec::new())
}

/// `queue` with files attached.
pub fn queue_with(
    conn: &mut DbConn,
    outbox: &Outbox,
    org_id: Option<&str>,
    mail: Mail,
    attachments: Vec<Attachment>,
) -> AppResult<()> {
    let job = SendMail {
        to: mail.to,
        subject: mail.subject,
        sealed_body: outbox.sealer.seal(&mail.body)?,
        attachments,
    };
    jobs::enqueue(conn, outbox, org_id, &job)?;
    Ok(())
}
