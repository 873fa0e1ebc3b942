//! `vouch-fakes [--linkedin PORT] [--x PORT] [--mastodon PORT] [--bluesky PORT]`: serves the
//! four fakes on 127.0.0.1 (port 0 or absent: a free one) until interrupted, printing where.

use std::collections::HashMap;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut ports: HashMap<String, u16> = HashMap::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let name = flag.trim_start_matches("--").to_string();
        if !matches!(name.as_str(), "linkedin" | "x" | "mastodon" | "bluesky") {
            eprintln!("usage: vouch-fakes [--linkedin PORT] [--x PORT] [--mastodon PORT] [--bluesky PORT]");
            std::process::exit(2);
        }
        let port = it.next().and_then(|p| p.parse().ok()).unwrap_or_else(|| {
            eprintln!("--{name} needs a port number");
            std::process::exit(2);
        });
        ports.insert(name, port);
    }
    let port = |name: &str| ports.get(name).copied().unwrap_or(0);
    let fakes = [
        (
            "linkedin",
            vouch_fakes::linkedin::start_on(port("linkedin"))?,
        ),
        ("x", vouch_fakes::x::start_on(port("x"))?),
        (
            "mastodon",
            vouch_fakes::mastodon::start_on(port("mastodon"))?,
        ),
        ("bluesky", vouch_fakes::bluesky::start_on(port("bluesky"))?),
    ];
    for (name, fake) in &fakes {
        println!("{name} {}", fake.url());
    }
    tokio::signal::ctrl_c().await?;
    for (_, fake) in &fakes {
        fake.stop().await;
    }
    Ok(())
}
