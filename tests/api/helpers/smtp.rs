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
    /// The text: the whole body, or a multipart mail's first text/plain part.
    pub body: String,
    /// A multipart mail's attachments: (filename, content type, content).
    pub attachments: Vec<(String, String, String)>,
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
            let text = parsed
                .subparts
                .iter()
                .find(|p| p.ctype.mimetype == "text/plain")
                .unwrap_or(&parsed);
            let attachments = parsed
                .subparts
                .iter()
                .filter_map(|p| {
                    let disposition = p.get_content_disposition();
                    let name = disposition.params.get("filename")?.clone();
                    Some((
                        name,
                        p.ctype.mimetype.clone(),
                        p.get_body().unwrap_or_default(),
                    ))
                })
                .collect();
            let mail = ReceivedMail {
                to: self.to.clone(),
                subject: parsed
                    .headers
                    .get_first_value("Subject")
                    .unwrap_or_default(),
                body: text.get_body().unwrap_or_default(),
                attachments,
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
        Self::start_on(0)
    }

    /// Starts on `port` (0: any free one); a test that stopped "the relay" starts it again
    /// where the app already points.
    pub fn start_on(port: u16) -> MailCatcher {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind smtp");
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

/// An SMTP relay that is down: its port is held (so no other test's server takes it) and
/// every connection is dropped at once. `revive` starts a real server on the same port.
pub struct DeadRelay {
    pub port: u16,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DeadRelay {
    pub fn start() -> DeadRelay {
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => drop(conn),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        DeadRelay {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The relay comes back where it was.
    pub fn revive(mut self) -> MailCatcher {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        MailCatcher::start_on(self.port)
    }
}
