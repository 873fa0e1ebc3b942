//! The app against the fakes' hostile mode, over real HTTP: a network that asks to wait for
//! ever, answers HTML or binary, names a `javascript:` page, lives at a loopback name, or
//! loses its look-up endpoint, stops nothing and leaks nothing.

mod bodies;
mod egress;
mod operator;
mod page_urls;
mod resume;
mod waits;

use serde_json::Value;

use crate::helpers::world::World;

pub async fn share_view(w: &World, id: &str) -> Value {
    w.app
        .get(&format!("/api/v1/shares/{id}"), &w.amara.token)
        .await
        .json()
        .await
        .unwrap()
}
