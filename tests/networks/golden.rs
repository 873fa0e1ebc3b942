//! Golden texts: written one way, read back the same; counted as each network counts.

use secrecy::SecretString;
use vouch::networks::text::{facets, Feature};
use vouch::networks::{NetworkKind, Post};
use vouch_fakes::{bluesky, linkedin};

use crate::{account, networks, settings};

#[test]
fn the_linkedin_fake_truncates_unescaped_little_text() {
    // What makes the read-back test below able to fail.
    assert_eq!(
        linkedin::render_little_text("Great team (really)"),
        "Great team "
    );
    assert_eq!(linkedin::render_little_text("a\\(b\\)"), "a(b)");
}

#[tokio::test]
async fn linkedin_commentary_reads_back_as_written() {
    let fake = linkedin::start().unwrap();
    let mut s = settings();
    s.linkedin.api_url = fake.url();
    s.linkedin.client_id = linkedin::CLIENT_ID.into();
    s.linkedin.client_secret = SecretString::from(linkedin::CLIENT_SECRET);
    let nets = networks(&s);
    let li = nets.get(NetworkKind::Linkedin);
    let acct = account(&fake, None);
    let every = r"| { } @ [ ] ( ) < > # * _ ~ \";
    let long_tail = "Lorem ipsum (dolor) sit_amet #x ~ ".repeat(120);
    let mut texts = vec![
        format!("Reserved: {every} end"),
        "Steps: 1) apply 2) interview -- done".to_string(),
        "Emoji 👩‍💻🎉 and flags 🇫🇷 with C++ & <tags> @mention #employee".to_string(),
        r"Back\slash\\double and \( escaped-looking".to_string(),
    ];
    // Exactly 3,000 characters, reserved characters throughout.
    let mut three_k: String = long_tail.chars().take(2990).collect();
    three_k.push_str("#employee!");
    assert_eq!(three_k.chars().count(), 3000);
    assert_eq!(li.length(&three_k), li.max_len());
    texts.push(three_k);
    for (i, text) in texts.iter().enumerate() {
        let link = format!("https://vouch.example/r/g{i}");
        let p = Post {
            text,
            link: &link,
            language: None,
            key: "k",
        };
        li.publish(&acct, &p).await.unwrap();
    }
    let stored: Vec<String> = fake.posts().into_iter().map(|p| p.text).collect();
    assert_eq!(stored, texts);
}

#[test]
fn bluesky_facets_are_utf8_byte_offsets() {
    let link = "https://vouch.example/r/Zx9";
    // (text before the link, its length in UTF-8 bytes, counted by hand)
    let cases = [
        ("", 0),
        ("🎉 ", 5),               // 4-byte emoji + space
        ("👩‍💻 ", 12),              // 4 + 3 (ZWJ) + 4 + space
        ("Café à Montréal ", 19), // é, à, é: 2 bytes each
        ("日本語のチーム ", 22),  // 7 CJK chars × 3 + space
        ("e\u{301} ", 4),         // e + combining acute (2 bytes) + space
    ];
    for (before, bytes) in cases {
        let text = format!("{before}{link} #employee");
        let f = facets(&text);
        assert_eq!(f.len(), 2, "{text}");
        assert_eq!(
            (f[0].byte_start, f[0].byte_end),
            (bytes, bytes + link.len()),
            "{before:?}"
        );
        assert_eq!(f[0].feature, Feature::Link(link.into()));
        assert_eq!(&text[f[0].byte_start..f[0].byte_end], link);
        let tag_start = bytes + link.len() + 1;
        assert_eq!(
            (f[1].byte_start, f[1].byte_end),
            (tag_start, tag_start + "#employee".len())
        );
        assert_eq!(f[1].feature, Feature::Tag("employee".into()));
    }
}

#[tokio::test]
async fn bluesky_records_carry_the_facets_the_text_needs() {
    let fake = bluesky::start().unwrap();
    let nets = networks(&settings());
    let (me, tokens) = nets
        .bluesky()
        .create_session(
            Some(&fake.url()),
            &fake.user().handle,
            &fake.user().password,
        )
        .await
        .unwrap();
    let acct = vouch::networks::Account {
        base_url: Some(fake.url()),
        external_user_id: me.external_user_id,
        handle: me.handle,
        tokens,
        app: None,
    };
    let link = "https://vouch.example/r/Q1";
    let text = format!("東京 🎉 Zoë {link}");
    nets.get(NetworkKind::Bluesky)
        .publish(
            &acct,
            &Post {
                text: &text,
                link,
                language: Some("ja"),
                key: "golden",
            },
        )
        .await
        .unwrap();
    let record = &fake.posts()[0].raw["record"];
    assert_eq!(record["text"], text.as_str());
    let index = &record["facets"][0]["index"];
    // 東京 (6) + space + 🎉 (4) + space + Zoë (4) + space = 17 bytes.
    assert_eq!(
        (index["byteStart"].as_u64(), index["byteEnd"].as_u64()),
        (Some(17), Some(17 + link.len() as u64))
    );
    assert_eq!(record["facets"][0]["features"][0]["uri"], link);
    assert_eq!(record["langs"][0], "ja");
}

#[test]
fn x_weighs_urls_cjk_and_emoji() {
    let nets = networks(&settings());
    let x = nets.get(NetworkKind::X);
    let long_url = format!("https://vouch.example/r/{}", "a".repeat(80));
    assert_eq!(x.max_len(), 280);
    assert_eq!(x.length("hello"), 5);
    assert_eq!(x.length(&format!("hi {long_url}")), 3 + 23);
    assert_eq!(x.length("https://a.co"), 23, "short URLs count 23 too");
    assert_eq!(x.length("日本語"), 6);
    assert_eq!(x.length("한국어 中文"), 11);
    assert_eq!(x.length("🎉"), 2);
    assert_eq!(x.length("👩‍💻"), 2, "a ZWJ sequence counts once");
    assert_eq!(x.length("🇫🇷"), 2);
    assert_eq!(x.length("Café"), 4);
    assert_eq!(x.length("“quotes” — dash"), 15);
    assert_eq!(
        x.length(&format!("求人 {long_url} 🎉 #employee")),
        4 + 1 + 23 + 1 + 2 + 10
    );
    let full = format!("{}{long_url}", "a".repeat(257));
    assert_eq!(x.length(&full), 280);
}

#[test]
fn bluesky_and_mastodon_count_their_own_way() {
    let nets = networks(&settings());
    let b = nets.get(NetworkKind::Bluesky);
    assert_eq!(b.max_len(), 300);
    assert_eq!(b.length("👩‍💻🇫🇷e\u{301}"), 3);
    assert_eq!(b.length("日本語"), 3);
    let link = format!("https://vouch.example/r/{}", "a".repeat(80));
    assert_eq!(
        b.length(&link),
        link.len(),
        "Bluesky counts the URL as written"
    );
    let m = nets.get(NetworkKind::Mastodon);
    assert_eq!(m.max_len(), 500);
    assert_eq!(m.length(&format!("Salut {link}")), 6 + 23);
    let li = nets.get(NetworkKind::Linkedin);
    assert_eq!(li.length(&format!("Hi {link}")), 3 + link.chars().count());
}
