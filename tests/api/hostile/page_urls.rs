//! A status's page URL from the instance is data: kept only on the account's own host.

use serde_json::Value;

use crate::helpers::world::World;

#[tokio::test]
async fn a_javascript_page_url_from_the_instance_is_not_served() {
    let w = World::start().await;
    w.connect("mastodon").await;
    w.mastodon.set_flag("javascript_urls", true);
    let story = w
        .app
        .publishable_story(&w.camille.token, "We ship every week.")
        .await;
    let published = w.share_and_publish(&story, &["mastodon"]).await.remove(0);
    assert!(published["external_id"].is_string(), "{published}");
    assert!(published["external_url"].is_null(), "{published}");
    let page: Value = w
        .app
        .get("/api/v1/shares", &w.amara.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(!page.to_string().contains("javascript:"), "{page}");
}
