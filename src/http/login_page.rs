//! `GET /login`: where mailed sign-in links land when no client app is configured. It trades
//! the token only on a click, because mail scanners open links and would spend them. The
//! token comes in the fragment (`#token=`), which the browser keeps to itself; `?token=`
//! from mails sent before still works (the access log redacts it).

use std::sync::LazyLock;

use actix_web::{get, HttpResponse};

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Vouch</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
button{font-size:1rem;padding:.6rem 1.2rem}pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:1rem}</style>
</head>
<body>
<h1>Sign in to Vouch</h1>
<p id="intro">This link signs you in once. Press the button to continue.</p>
<button id="go">Sign in</button>
<pre id="out" hidden></pre>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token")
  || new URLSearchParams(location.search).get("token") || "";
// Out of the address bar and the history, where it would outlive its one use.
if (token) history.replaceState(null, "", location.pathname);
const out = document.getElementById("out");
const go = document.getElementById("go");
if (!token) { go.disabled = true; document.getElementById("intro").textContent = "This page needs the link from your sign-in mail."; }
go.addEventListener("click", async () => {
  go.disabled = true;
  const res = await fetch("/api/v1/auth/token", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token })
  });
  const body = await res.json();
  out.hidden = false;
  out.textContent = res.ok
    ? "Signed in as " + body.user.email + ".\n\nAccess token (15 min):\n" + body.access_token + "\n\nRefresh token:\n" + body.refresh_token
    : body.detail;
});
</script>
</body>
</html>
"#;

/// Its own script and style, and its one call to the API.
static POLICY: LazyLock<String> = LazyLock::new(|| crate::http::html::policy_for(PAGE, true));

#[get("/login")]
pub async fn login_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("content-security-policy", POLICY.as_str()))
        .insert_header(("cache-control", "no-store"))
        .insert_header(("referrer-policy", "no-referrer"))
        .body(PAGE)
}
