//! Tracked links over HTTP: `GET /r/{code}` redirects with UTM parameters, answers from
//! memory, counts people as clicks and crawlers as previews, and every redirect it answered
//! ends up stored: through batches, a failing database, a SIGTERM, two processes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};
use vouch::accounts::Role;
use vouch::db::DbConn;

use crate::helpers::binary::Served;
use crate::helpers::world::eventually;
use crate::helpers::{spawn_app, spawn_app_with, Member, TestApp};

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

/// What the networks' link-preview fetchers send.
const CRAWLERS: [&str; 10] = [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

struct Shared {
    app: TestApp,
    admin: Member,
    story: Value,
    share_id: String,
    code: String,
}

/// An org whose ambassador shared a publishable story (link `https://acme.example/jobs`,
/// title "Life at Acme") to the careers page: one share, one tracked code. Behind a proxy
/// the app trusts, so that [`hit`] can come from many people.
async fn shared() -> Shared {
    shared_on(spawn_app_with(behind_proxy).await).await
}

async fn shared_on(app: TestApp) -> Shared {
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    let story = app
        .publishable_story(&admin.token, "We ship every week.")
        .await;
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"] }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let share: Value = res.json().await.unwrap();
    let share = &share["items"][0];
    let tracked = share["tracked_url"].as_str().unwrap();
    let code = tracked.rsplit("/r/").next().unwrap().to_string();
    Shared {
        share_id: share["id"].as_str().unwrap().to_string(),
        app,
        admin,
        story,
        code,
    }
}

impl Shared {
    async fn hit(&self, ua: &str) -> reqwest::Response {
        hit(
            &self.app.client,
            &self.app.url(&format!("/r/{}", self.code)),
            ua,
        )
        .await
    }

    /// The share as its API answers it (as the admin).
    async fn share(&self) -> Value {
        self.app
            .get(
                &format!("/api/v1/shares/{}", self.share_id),
                &self.admin.token,
            )
            .await
            .json()
            .await
            .unwrap()
    }

    async fn stored(&self) -> (i64, i64) {
        stored(&self.app, &self.share_id).await
    }

    async fn retract_story(&self) {
        let res = self
            .app
            .story_act(
                &self.admin.token,
                self.story["id"].as_str().unwrap(),
                "retract",
                json!({ "reason": "the figures changed" }),
            )
            .await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
}

/// A new person each time: one client counts once per window (see
/// `one_client_is_one_click_per_window_and_referrer_hosts_are_capped`), so many clicks are
/// many people, each at an address of its own behind the proxy.
fn someone() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

async fn hit(client: &reqwest::Client, url: &str, ua: &str) -> reqwest::Response {
    client
        .get(url)
        .header("user-agent", ua)
        .header("x-forwarded-for", someone())
        .send()
        .await
        .unwrap()
}

/// (clicks, previews) stored for a share, summed over its rows.
async fn stored(app: &TestApp, share_id: &str) -> (i64, i64) {
    let pool = app.state.pool.clone();
    let id = share_id.to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        vouch::links::repo::rows_of(&mut conn, &id)
            .unwrap()
            .iter()
            .fold((0, 0), |(c, p), r| (c + r.clicks, p + r.previews))
    })
    .await
    .unwrap()
}

async fn stored_becomes(app: &TestApp, share_id: &str, want: (i64, i64)) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let got = stored(app, share_id).await;
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "stored (clicks, previews) {got:?}, expected {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_redirect_carries_the_utm_parameters_and_is_counted_as_a_click() {
    let s = shared().await;
    let res = s
        .app
        .client
        .get(s.app.url(&format!("/r/{}", s.code)))
        .header("user-agent", IPHONE)
        .header(
            "referer",
            "https://www.LinkedIn.com/feed/update/urn:li:activity:1/",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(
        location(&res),
        format!(
            "https://acme.example/jobs?utm_source=careers_page&utm_medium=employee_advocacy\
             &utm_campaign=life-at-acme&utm_content={}",
            s.share_id
        )
    );
    assert_eq!(res.headers()["cache-control"], "no-store");
    stored_becomes(&s.app, &s.share_id, (1, 0)).await;
    let share = s.share().await;
    assert_eq!(
        (share["clicks"].as_i64(), share["previews"].as_i64()),
        (Some(1), Some(0))
    );
    // Host and device, never the address or the user agent.
    let pool = s.app.state.pool.clone();
    let id = s.share_id.clone();
    let rows = tokio::task::spawn_blocking(move || {
        vouch::links::repo::rows_of(&mut pool.get().unwrap(), &id).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].referrer_host, "www.linkedin.com");
    assert_eq!(rows[0].device, "mobile");
    assert_eq!(rows[0].day, chrono::Utc::now().date_naive());
    // The list carries the counts too.
    let list: Value = s
        .app
        .get("/api/v1/shares", &s.admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["clicks"], 1);
}

#[tokio::test]
async fn the_links_own_query_and_fragment_are_kept() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.consent(&amara.token).await;
    let mut input = crate::helpers::stories::company_story("We ship every week.");
    input["title"] = json!("Été à Lyon !");
    input["link_url"] = json!("https://acme.example/jobs?team=lyon&utm_campaign=spring#apply");
    let story = app.create_story(&admin.token, input).await;
    let story = app.approve_fully(&admin.token, &story).await;
    let res = app
        .share(
            &amara.token,
            json!({ "story_id": story["id"], "channels": ["careers_page"] }),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let share: Value = res.json().await.unwrap();
    let share = &share["items"][0];
    let code = share["tracked_url"]
        .as_str()
        .unwrap()
        .rsplit("/r/")
        .next()
        .unwrap();
    let res = hit(&app.client, &app.url(&format!("/r/{code}")), DESKTOP).await;
    assert_eq!(res.status(), 302);
    assert_eq!(
        location(&res),
        format!(
            "https://acme.example/jobs?team=lyon&utm_campaign=spring&utm_source=careers_page\
             &utm_medium=employee_advocacy&utm_content={}#apply",
            share["id"].as_str().unwrap()
        )
    );
}

#[tokio::test]
async fn an_unknown_or_malformed_code_is_a_small_404_page() {
    let app = spawn_app().await;
    for path in [
        "/r/zzzzzzzzzz",
        "/r/abc-def",
        "/r/a/b",
        "/r/",
        "/r/%00",
        "/r/é",
    ] {
        let res = hit(&app.client, &app.url(path), DESKTOP).await;
        assert_eq!(res.status(), 404, "{path}");
        let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
        let body = res.text().await.unwrap();
        assert!(body.contains("does not lead anywhere"), "{path}: {body}");
        assert!(body.len() < 1000);
    }
    let res = app
        .client
        .head(app.url("/r/zzzzzzzzzz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = app
        .client
        .post(app.url("/r/zzzzzzzzzz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET, HEAD");
}

#[tokio::test]
async fn a_withdrawn_story_never_leads_to_its_page_again() {
    let s = shared().await;
    // Every redirect answered here is a click; a 410 is none.
    let redirects = AtomicU64::new(0);
    let follow = || async {
        let res = s.hit(DESKTOP).await;
        if res.status() == 302 {
            redirects.fetch_add(1, Ordering::Relaxed);
        }
        res
    };
    assert_eq!(follow().await.status(), 302);
    s.retract_story().await;
    // No fallback page in the policy: 410 Gone, a page for people.
    eventually("the retraction reaches the link table", 10, || async {
        follow().await.status() == 410
    })
    .await;
    let res = s.hit(DESKTOP).await;
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("no longer available"));

    // A fallback page in the policy: there instead, counted.
    let res = s
        .app
        .client
        .put(s.app.url("/api/v1/org/policy"))
        .bearer_auth(&s.admin.token)
        .json(&json!({ "retracted_link_fallback_url": "https://acme.example/careers" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let policy: Value = res.json().await.unwrap();
    assert_eq!(
        policy["retracted_link_fallback_url"],
        "https://acme.example/careers"
    );
    eventually("the policy reaches the link table", 10, || async {
        let res = follow().await;
        res.status() == 302 && location(&res) == "https://acme.example/careers"
    })
    .await;
    let clicks = redirects.load(Ordering::Relaxed) as i64;
    stored_becomes(&s.app, &s.share_id, (clicks, 0)).await;
}

#[tokio::test]
async fn the_fallback_page_must_be_a_public_http_url() {
    let app = spawn_app_with(|s| s.security.allow_private_urls = false).await;
    let admin = app.org("acme").await;
    for bad in [
        "javascript:alert(1)",
        "ftp://acme.example/",
        "http://10.0.0.1/",
        "careers",
    ] {
        let res = app
            .client
            .put(app.url("/api/v1/org/policy"))
            .bearer_auth(&admin.token)
            .json(&json!({ "retracted_link_fallback_url": bad }))
            .send()
            .await
            .unwrap();
        let problem = crate::helpers::problem(res, 422).await;
        assert_eq!(
            crate::helpers::fields(&problem),
            ["retracted_link_fallback_url"],
            "{bad}"
        );
    }
}

#[tokio::test]
async fn crawlers_and_head_requests_get_the_redirect_as_previews_not_clicks() {
    let s = shared().await;
    let target = location(&s.hit(DESKTOP).await);
    for ua in CRAWLERS {
        let res = s.hit(ua).await;
        assert_eq!(res.status(), 302, "{ua}");
        assert_eq!(location(&res), target, "{ua}");
    }
    let res = s
        .app
        .client
        .head(s.app.url(&format!("/r/{}", s.code)))
        .header("user-agent", IPHONE)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    // No user agent at all is no person's browser.
    let res = s
        .app
        .client
        .get(s.app.url(&format!("/r/{}", s.code)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(s.hit(IPHONE).await.status(), 302);
    let previews = CRAWLERS.len() as i64 + 2;
    stored_becomes(&s.app, &s.share_id, (2, previews)).await;
    let share = s.share().await;
    assert_eq!(share["clicks"], 2);
    assert_eq!(share["previews"], previews);
}

/// Fires `total` GETs at `url` from `tasks` concurrent tasks; returns how many were 302.
async fn burst(client: &reqwest::Client, url: &str, ua: &str, tasks: usize, total: usize) -> u64 {
    let redirects = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (client, url, ua, redirects) = (
            client.clone(),
            url.to_string(),
            ua.to_string(),
            redirects.clone(),
        );
        let n = total / tasks + usize::from(t < total % tasks);
        handles.push(tokio::spawn(async move {
            for _ in 0..n {
                if hit(&client, &url, &ua).await.status() == 302 {
                    redirects.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    redirects.load(Ordering::Relaxed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_redirects_are_ten_thousand_clicks_and_a_crawler_storm_none() {
    let s = shared().await;
    let url = s.app.url(&format!("/r/{}", s.code));
    let (people, storm) = tokio::join!(
        burst(&s.app.client, &url, IPHONE, 16, 10_000),
        // A Mastodon post: hundreds of instances fetch the link within seconds.
        burst(
            &s.app.client,
            &url,
            "http.rb/5.1.1 (Mastodon/4.2.8; +https://mastodon.social/)",
            8,
            600
        ),
    );
    assert_eq!((people, storm), (10_000, 600));
    stored_becomes(&s.app, &s.share_id, (10_000, 600)).await;
    assert_eq!(s.app.state.links.counter.pending(), (0, 0));
}

/// Makes writing clicks fail, as a full disk or a lost connection would.
fn break_clicks(app: &TestApp, broken: bool) {
    let mut conn = app.state.pool.get().unwrap();
    let sql = match (&mut *conn, broken) {
        (DbConn::Sqlite(_), true) => {
            "CREATE TRIGGER no_clicks BEFORE INSERT ON link_clicks \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
        }
        (DbConn::Sqlite(_), false) => "DROP TRIGGER no_clicks;",
        (DbConn::Postgresql(_), true) => {
            "CREATE FUNCTION no_clicks() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER no_clicks BEFORE INSERT ON link_clicks FOR EACH ROW \
             EXECUTE FUNCTION no_clicks();"
        }
        (DbConn::Postgresql(_), false) => "DROP TRIGGER no_clicks ON link_clicks;",
    };
    conn.batch_execute(sql).unwrap();
}

#[tokio::test]
async fn a_flush_that_fails_is_retried_and_loses_nothing() {
    let s = shared().await;
    break_clicks(&s.app, true);
    let url = s.app.url(&format!("/r/{}", s.code));
    assert_eq!(burst(&s.app.client, &url, DESKTOP, 4, 200).await, 200);
    // Two flushes at least have failed meanwhile: everything is still counted in memory.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(s.stored().await, (0, 0));
    assert_eq!(s.app.state.links.counter.pending(), (200, 0));
    // Redirects still answer while the database refuses the counts.
    assert_eq!(burst(&s.app.client, &url, DESKTOP, 4, 100).await, 100);
    break_clicks(&s.app, false);
    stored_becomes(&s.app, &s.share_id, (300, 0)).await;
}

#[tokio::test]
async fn two_processes_on_one_database_share_links_and_counts() {
    let s = shared().await;
    let url = s.app.db.url().to_string();
    let two = spawn_app_with(move |settings| {
        behind_proxy(settings);
        settings.database.url = url;
    })
    .await;
    // A share made by another process after this one loaded: found at once.
    let s2 = {
        let amara = s.app.member(&s.admin, "lucas", Role::Ambassador).await;
        s.app.consent(&amara.token).await;
        let res = s
            .app
            .share(
                &amara.token,
                json!({ "story_id": s.story["id"], "channels": ["careers_page"] }),
            )
            .await;
        assert_eq!(res.status(), 201);
        let batch: Value = res.json().await.unwrap();
        batch["items"][0].clone()
    };
    let code2 = s2["tracked_url"]
        .as_str()
        .unwrap()
        .rsplit("/r/")
        .next()
        .unwrap();
    let res = hit(&two.client, &two.url(&format!("/r/{code2}")), DESKTOP).await;
    assert_eq!(res.status(), 302);

    let one_url = s.app.url(&format!("/r/{}", s.code));
    let two_url = two.url(&format!("/r/{}", s.code));
    let (a, b) = tokio::join!(
        burst(&s.app.client, &one_url, DESKTOP, 4, 300),
        burst(&two.client, &two_url, IPHONE, 4, 300),
    );
    assert_eq!((a, b), (300, 300));
    stored_becomes(&s.app, &s.share_id, (600, 0)).await;

    // Retracted through the first process: the second stops leading there too.
    s.retract_story().await;
    eventually("the other process learns of the retraction", 10, || async {
        hit(&two.client, &two_url, DESKTOP).await.status() == 410
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigterm_in_the_middle_of_a_burst_loses_no_click() {
    let s = shared().await;
    let served = Served::start(&[
        ("VOUCH__DATABASE__URL", s.app.db.url().to_string()),
        ("VOUCH__WORKER__ENABLED", "false".into()),
        // No periodic flush during the test: what is stored is the last flush's doing.
        ("VOUCH__LINKS__FLUSH_INTERVAL_MS", "600000".into()),
        ("VOUCH__SERVER__TRUSTED_PROXIES", "127.0.0.1".into()),
    ])
    .await;
    let url = served.url(&format!("/r/{}", s.code));
    let redirects = Arc::new(AtomicU64::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (client, url, redirects, stopping) = (
            client.clone(),
            url.clone(),
            redirects.clone(),
            stopping.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline {
                let request = client
                    .get(&url)
                    .header("user-agent", DESKTOP)
                    .header("x-forwarded-for", someone());
                match request.send().await {
                    Ok(res) if res.status() == 302 => {
                        redirects.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(res) => panic!("{}", res.status()),
                    // Refused once the server stopped listening.
                    Err(_) if stopping.load(Ordering::Relaxed) => return,
                    Err(e) => panic!("{e}"),
                }
            }
        }));
    }
    // Mid-burst, every count still in memory.
    let started = Instant::now();
    while redirects.load(Ordering::Relaxed) < 3000 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the burst is too slow"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stopping.store(true, Ordering::Relaxed);
    let status = served.terminate().await;
    assert!(status.success(), "{status}");
    for t in tasks {
        t.await.unwrap();
    }
    let answered = redirects.load(Ordering::Relaxed) as i64;
    assert!(answered >= 3000);
    // The in-test app counted nothing; what is stored is what the stopped process wrote.
    assert_eq!(s.stored().await, (answered, 0));
}

/// Through a proxy we trust, each `X-Forwarded-For` is another client.
fn behind_proxy(settings: &mut vouch::config::Settings) {
    settings.server.trusted_proxies =
        vouch::http::client_ip::TrustedProxies::parse(&["127.0.0.1"]).unwrap();
}

/// A client (address and browser) is one click per link per window, however often it
/// follows it and whatever `Referer` it sends; other clients count; a share's referrer
/// hosts stop at `links.referrer_hosts_per_share`, the rest counted as `(other)`.
#[tokio::test]
async fn one_client_is_one_click_per_window_and_referrer_hosts_are_capped() {
    let s = shared_on(
        spawn_app_with(|settings| {
            behind_proxy(settings);
            settings.links.repeat_window_secs = 1;
        })
        .await,
    )
    .await;
    let url = s.app.url(&format!("/r/{}", s.code));
    let from = |client: &str, referer: String| {
        s.app
            .client
            .get(&url)
            .header("user-agent", DESKTOP)
            .header("x-forwarded-for", client.to_string())
            .header("referer", referer)
            .send()
    };
    for i in 0..500 {
        let res = from("198.51.100.7", format!("https://r{i}.example/"))
            .await
            .unwrap();
        // Every one is still sent on its way.
        assert_eq!(res.status(), 302);
    }
    stored_becomes(&s.app, &s.share_id, (1, 0)).await;
    // The same browser at another address, and another browser at the same one, are others.
    from("198.51.100.8", "https://r0.example/".into())
        .await
        .unwrap();
    let res = s
        .app
        .client
        .get(&url)
        .header("user-agent", IPHONE)
        .header("x-forwarded-for", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    stored_becomes(&s.app, &s.share_id, (3, 0)).await;
    // Sixty people from sixty sites: every one counted, the hosts capped.
    for i in 0..60 {
        from(
            &format!("203.0.113.{i}"),
            format!("https://site{i}.example/p"),
        )
        .await
        .unwrap();
    }
    stored_becomes(&s.app, &s.share_id, (63, 0)).await;
    let rows = {
        let pool = s.app.state.pool.clone();
        let id = s.share_id.clone();
        tokio::task::spawn_blocking(move || {
            vouch::links::repo::rows_of(&mut pool.get().unwrap(), &id).unwrap()
        })
        .await
        .unwrap()
    };
    let hosts: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.referrer_host.as_str()).collect();
    let cap = s.app.state.settings.links.referrer_hosts_per_share;
    assert!(cap < 60);
    assert!(hosts.contains("(other)"), "{hosts:?}");
    assert_eq!(
        hosts
            .iter()
            .filter(|h| !matches!(**h, "" | "(other)"))
            .count(),
        cap,
        "{hosts:?}"
    );
    // After the window the same client counts again.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    from("198.51.100.7", "https://r0.example/".into())
        .await
        .unwrap();
    stored_becomes(&s.app, &s.share_id, (64, 0)).await;
}
