//! Keeps the direction of the imports (see `src/app/mod.rs` and the README's "Code map"):
//! delivery (HTTP routes, the CLI, the app's assembly) → use cases (`app/`) → domains →
//! infrastructure (database, queue, mail, networks) → kernel (ids, text, urls, crypto,
//! errors, config). A module may import its own layer or one below, never one above; and a
//! domain never calls another domain's use cases (its `service` or `command` modules), only
//! its models, queries, rules and repositories. Reads every `crate::…` path under `src/`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Kernel,
    Infrastructure,
    Domain,
    UseCase,
    Delivery,
}

const KERNEL: &[&str] = &[
    "config",
    "crypto",
    "dates",
    "error",
    "freshness",
    "ids",
    "paging",
    "proxies",
    "text",
    "throttle",
    "urls",
    "versions",
];
const INFRASTRUCTURE: &[&str] = &["db", "jobs", "mail", "networks"];
const DOMAINS: &[&str] = &[
    "accounts",
    "analytics",
    "api_keys",
    "audit",
    "auth",
    "careers",
    "claims",
    "consent",
    "idempotency",
    "links",
    "moderation",
    "privacy",
    "reach",
    "shares",
    "social",
    "stories",
];
/// The modules a domain's use cases live in: no other domain calls into them.
const USE_CASE_MODULES: &[&str] = &["service", "command"];

/// The state every handler and use case is handed (pool, settings, outbox, connectors) is the
/// assembly's, but domains and use cases may take it: it is their context, not a caller.
/// The kernel and the infrastructure may not (they take what they need: `jobs::Outbox`).
const CONTEXT: &str = "state";

fn layer_of_module(top: &str) -> Option<Layer> {
    if KERNEL.contains(&top) {
        Some(Layer::Kernel)
    } else if INFRASTRUCTURE.contains(&top) {
        Some(Layer::Infrastructure)
    } else if DOMAINS.contains(&top) {
        Some(Layer::Domain)
    } else if top == "app" {
        Some(Layer::UseCase)
    } else if ["http", "web", "demo", "main", "lib", "telemetry"].contains(&top) {
        Some(Layer::Delivery)
    } else {
        None
    }
}

/// A file's layer: its top module's, except `routes` (HTTP handlers), which are delivery
/// wherever they sit.
fn layer_of_file(rel: &Path) -> Option<(String, Layer)> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    let top = parts.first()?.clone();
    if top == CONTEXT {
        return Some((top, Layer::Delivery));
    }
    let mut layer = layer_of_module(&top)?;
    if parts.iter().skip(1).any(|p| p == "routes") {
        layer = Layer::Delivery;
    }
    Some((top, layer))
}

/// The code of a file without its inline unit tests (`#[cfg(test)] mod tests { … }`, at the
/// end of a file by convention), which may reach anything to set up a case. A `mod x;`
/// declaration under `#[cfg(test)]` is not cut: its file is skipped by name.
fn without_tests(source: &str) -> &str {
    let mut from = 0;
    while let Some(at) = source[from..].find("#[cfg(test)]\nmod ") {
        let start = from + at;
        let line_end = source[start + 13..]
            .find('\n')
            .map_or(source.len(), |i| start + 13 + i);
        if source[start..line_end].trim_end().ends_with('{') {
            return &source[..start];
        }
        from = line_end;
    }
    source
}

/// Every `crate::a::b::…` path in `source`, with `use crate::a::{b, c::d}` groups expanded.
fn crate_paths(source: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let (paths, used) = parse_tree(rest);
        out.extend(paths);
        rest = &rest[used..];
    }
    out
}

/// Parses `a::b::{c, d::e}` at the start of `text`: the paths it names, and bytes read.
fn parse_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i > start {
            prefix.push(text[start..i].to_string());
        }
        if text[i..].starts_with("::{") {
            i += 3;
            let mut paths = Vec::new();
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    i += 1;
                    break;
                }
                let (inner, used) = parse_tree(&text[i..]);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p.into_iter().filter(|s| s != "self"));
                    paths.push(full);
                }
                i += used.max(1);
                // Skip an `as name` rename up to the next separator.
                while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'}' {
                    i += 1;
                }
            }
            return (paths, i);
        }
        if text[i..].starts_with("::") {
            i += 2;
            continue;
        }
        return (vec![prefix], i);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// What each file imports that it may not, as `file → path (why)`.
fn violations() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src").to_path_buf();
        let Some((own, layer)) = layer_of_file(&rel) else {
            continue;
        };
        // A file of unit tests (`poison_tests.rs`, `tests/…`) may reach anything to set up.
        if rel.iter().any(|p| {
            p.to_string_lossy()
                .trim_end_matches(".rs")
                .ends_with("tests")
        }) {
            continue;
        }
        let source = fs::read_to_string(&file).expect("read file");
        for path in crate_paths(without_tests(&source)) {
            let Some(top) = path.first() else { continue };
            if *top == own {
                continue;
            }
            let why = if top == CONTEXT {
                (layer < Layer::Domain).then_some("the app's state, below the domains")
            } else {
                match layer_of_module(top) {
                    Some(target) if target > layer => Some("an import upward"),
                    Some(Layer::Domain)
                        if layer == Layer::Domain
                            && path[1..]
                                .iter()
                                .any(|s| USE_CASE_MODULES.contains(&s.as_str())) =>
                    {
                        Some("another domain's use case")
                    }
                    _ => None,
                }
            };
            if let Some(why) = why {
                found.insert(format!(
                    "{} → crate::{} ({why})",
                    rel.display(),
                    path.join("::")
                ));
            }
        }
    }
    found
}

#[test]
fn imports_never_run_upward_and_domains_never_call_each_others_use_cases() {
    let found = violations();
    assert!(
        found.is_empty(),
        "{} imports break the layers:\n{}",
        found.len(),
        found.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_reader_sees_through_use_groups() {
    let paths = crate_paths(
        "use crate::stories::{self, query::{load, views}, Story};\nlet x = crate::ids::now();",
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "stories",
            "stories::query::load",
            "stories::query::views",
            "stories::Story",
            "ids::now"
        ]
    );
}

#[test]
fn the_reader_flags_an_upward_import_and_a_lateral_use_case() {
    // The rules themselves, on made-up files: a job module reaching a domain, and a domain
    // calling another's service.
    let job = layer_of_file(Path::new("jobs/worker.rs")).unwrap();
    assert_eq!(job.1, Layer::Infrastructure);
    assert!(layer_of_module("shares").unwrap() > job.1);
    let routes = layer_of_file(Path::new("shares/routes.rs")).unwrap();
    assert_eq!(routes.1, Layer::Delivery);
    let cut = "use crate::ids;\n#[cfg(test)]\nmod poison_tests;\nuse crate::state::AppState;\n#[cfg(test)]\nmod tests {\n    use crate::app::x;\n}\n";
    let kept = without_tests(cut);
    assert!(kept.contains("crate::state::AppState") && !kept.contains("crate::app"));
    let lateral = crate_paths("crate::consent::service::require(conn)");
    assert!(lateral[0][1..]
        .iter()
        .any(|s| USE_CASE_MODULES.contains(&s.as_str())));
}
