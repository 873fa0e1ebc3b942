//! A real SMTP server on loopback (mailin-embedded): the app sends to it over TCP exactly as
//! it would to a relay, and tests read what arrived.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, SslConfig};

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Default)]
struct Collect {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collect {
    fn data_start(&mut self, _: &str, _: &str, _: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        // Parse as a mail client would: headers decoded, quoted-printable undone.
        if let Ok(parsed) = mailparse::parse_mail(&self.data) {
            use mailparse::MailHeaderMap;
            let mail = ReceivedMail {
                to: self.to.clone(),
                subject: parsed
                    .headers
                    .get_first_value("Subject")
                    .unwrap_or_default(),
                body: parsed.get_body().unwrap_or_default(),
            };
            self.inbox.lock().unwrap().push(mail);
        }
        mailin_embedded::response::OK
    }
}

pub struct MailCatcher {
    pub port: u16,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl MailCatcher {
    pub fn start() -> MailCatcher {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().unwrap().port();
        let handler = Collect::default();
        let inbox = handler.inbox.clone();
        let mut server = Server::new(handler);
        server
            .with_name("mail.test")
            .with_num_threads(8)
            .with_ssl(SslConfig::None)
            .expect("no tls")
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        MailCatcher { port, inbox }
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) for the `n`-th mail (1-based) addressed to `to`.
    pub async fn wait_for(&self, to: &str, n: usize) -> ReceivedMail {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mails: Vec<_> = self
                .all()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.contains(to)))
                .collect();
            if mails.len() >= n {
                return mails[n - 1].clone();
            }
            assert!(
                Instant::now() < deadline,
                "no mail #{n} for {to} within 10 s; inbox: {:?}",
                self.all()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many mails went to `to` so far.
    pub fn count_for(&self, to: &str) -> usize {
        self.all()
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(to)))
            .count()
    }
}

/// The token of the first link in a mail body: `#token=…` (or `?token=…` in older mails).
pub fn token_from(body: &str) -> String {
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}
