//! A post never outlives its story. An approved story is shared by Amara: published to the
//! Mastodon fake and to the careers page, and once more to Mastodon for tomorrow. Then each
//! way it can stop being publishable — a claim added, disputed, refuted or lapsed, an edit
//! back to review, an expiry, a policy it breaches, a rejection, a request for changes, a
//! retraction from any status — deletes the post at the fake (read over its HTTP control
//! API), cancels the scheduled share, and each share's `post` says so. With the org's
//! `when_unpublishable: hold_for_review` the posts stay up until a moderator's one click (or a
//! judgement against the story) takes them down, or the story is approved again.

use chrono::{Duration, Utc};
use serde_json::{json, Value};
use vouch_fakes::Fault;

use crate::helpers::problem;
use crate::helpers::stories::company_story;
use crate::helpers::world::{eventually, World};

/// A verified claim (the award) and a sentence a moderator may mark as one.
const BODY: &str =
    "We were certified Great Place to Work in 2025. I love my team and I learned a lot here.";
const MANUAL: &str = "I learned a lot here";

/// What Amara shared of one approved story.
struct Shared {
    w: World,
    story: Value,
    /// Published to Mastodon.
    posted: String,
    /// Published to the careers page.
    careers: String,
    /// To Mastodon, tomorrow.
    scheduled: String,
}

impl Shared {
    /// The org's `when_unpublishable` is `policy`; the periodic upkeep is driven by hand.
    async fn start(policy: &str) -> Shared {
        let w = World::start_with(|s| s.moderation.digest_interval_secs = 3600).await;
        w.connect("mastodon").await;
        w.policy(json!({ "disclosure": "#AcmeEmployee", "when_unpublishable": policy }))
            .await;
        let story = w.app.publishable_story(&w.camille.token, BODY).await;
        assert_eq!(story["authenticity"]["publishable"], true, "{story}");
        let published = w
            .share_and_publish(&story, &["mastodon", "careers_page"])
            .await;
        for share in &published {
            assert_eq!(share["post"]["state"], "live", "{share}");
            assert!(share["post"]["at"].is_string(), "{share}");
        }
        let id = |channel: &str| {
            published.iter().find(|s| s["channel"] == channel).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let tomorrow = (Utc::now() + Duration::days(1)).to_rfc3339();
        let res = w
            .app
            .share(
                &w.amara.token,
                json!({ "story_id": story["id"], "channels": ["mastodon"], "scheduled_at": tomorrow }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let batch: Value = res.json().await.unwrap();
        assert_eq!(batch["items"][0]["post"]["state"], "not_posted");
        let shared = Shared {
            posted: id("mastodon"),
            careers: id("careers_page"),
            scheduled: batch["items"][0]["id"].as_str().unwrap().to_string(),
            story,
            w,
        };
        let posts = shared.posts_at_mastodon().await;
        assert_eq!(posts.len(), 1, "{posts:?}");
        assert_eq!(posts[0]["deleted"], false);
        shared
    }

    fn id(&self) -> &str {
        self.story["id"].as_str().unwrap()
    }

    fn claim(&self) -> String {
        self.story["authenticity"]["claims"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// What the Mastodon fake holds, read over its HTTP control API.
    async fn posts_at_mastodon(&self) -> Vec<Value> {
        let url = format!("{}/_fake/posts", self.w.mastodon.url());
        let res = self.w.app.client.get(url).send().await.unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn share(&self, id: &str) -> Value {
        let res = self
            .w
            .app
            .get(&format!("/api/v1/shares/{id}"), &self.w.amara.token)
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn story_act(&self, action: &str, body: Value) -> Value {
        let res = self
            .w
            .app
            .story_act(&self.w.camille.token, self.id(), action, body)
            .await;
        assert_eq!(res.status(), 200, "{action}: {}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// A moderator marks a sentence of the story as a claim: unverified, it blocks the story.
    async fn add_manual_claim(&self) {
        let res = self
            .w
            .app
            .post(
                &format!("/api/v1/stories/{}/claims", self.id()),
                Some(&self.w.camille.token),
                &json!({ "text": MANUAL }),
            )
            .await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let view: Value = res.json().await.unwrap();
        assert_eq!(view["status"], "in_review");
        assert_eq!(view["authenticity"]["publishable"], false);
    }

    /// The mails to `to` whose subject holds `subject`.
    fn mails(&self, to: &str, subject: &str) -> Vec<crate::helpers::smtp::ReceivedMail> {
        self.w
            .app
            .mail
            .all()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.contains(to)) && m.subject.contains(subject))
            .collect()
    }

    /// The post is deleted at Mastodon, the careers page dropped its share, the scheduled
    /// share is cancelled, each share's `post` says so (the posts with `cause` in their
    /// reason), and Amara was told once.
    async fn assert_taken_down(&self, cause: &str) {
        eventually("the post is deleted at Mastodon", 20, || async {
            self.posts_at_mastodon()
                .await
                .iter()
                .all(|p| p["deleted"] == true)
        })
        .await;
        let amara = &self.w.amara.token;
        for id in [&self.posted, &self.careers] {
            let share = self.w.app.share_becomes(amara, id, "retracted").await;
            assert_eq!(share["post"]["state"], "removed", "{share}");
            assert!(share["post"]["at"].is_string(), "{share}");
            let reason = share["post"]["reason"].as_str().unwrap_or_default();
            assert!(reason.contains(cause), "{cause:?} in {share}");
        }
        // Cancelled by this cause, or by the one that held the posts first.
        let scheduled = self.share(&self.scheduled).await;
        assert_eq!(scheduled["status"], "cancelled", "{scheduled}");
        assert_eq!(scheduled["post"]["state"], "not_posted");
        assert!(scheduled["post"]["reason"].is_string(), "{scheduled}");
        let email = self.w.amara.email.clone();
        eventually("Amara hears of it", 10, || {
            let n = self.mails(&email, "was withdrawn").len();
            async move { n == 1 }
        })
        .await;
        assert!(self
            .w
            .app
            .feed_ids(&self.w.amara.token, "")
            .await
            .is_empty());
    }

    /// The scheduled share is cancelled, but the posts stay up, `held`; the comms team is
    /// mailed how to take them down.
    async fn assert_held(&self) {
        let scheduled = self.share(&self.scheduled).await;
        assert_eq!(scheduled["status"], "cancelled", "{scheduled}");
        for id in [&self.posted, &self.careers] {
            let share = self.share(id).await;
            assert_eq!(share["status"], "published", "{share}");
            assert_eq!(share["post"]["state"], "held", "{share}");
            assert!(share["post"]["reason"].is_string(), "{share}");
        }
        for staff in [&self.w.camille.email, &self.w.admin.email] {
            let staff = staff.clone();
            eventually("the comms team is told", 10, || {
                let n = self
                    .mails(&staff, "are up while it is not publishable")
                    .len();
                async move { n == 1 }
            })
            .await;
        }
        let mail = self
            .mails(&self.w.camille.email, "are up while it is not publishable")
            .pop()
            .unwrap();
        let link = format!("/api/v1/stories/{}/take-down", self.id());
        assert!(mail.body.contains(&link), "{}", mail.body);
        // The worker is idle: nothing was deleted.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(self.posts_at_mastodon().await[0]["deleted"], false);
        assert_eq!(self.share(&self.posted).await["post"]["state"], "held");
    }

    fn db(&self) -> vouch::db::PooledConn {
        self.w.app.state.pool.get().unwrap()
    }
}

#[tokio::test]
async fn a_claim_a_moderator_adds_takes_the_posts_down() {
    let s = Shared::start("take_down").await;
    s.add_manual_claim().await;
    s.assert_taken_down(MANUAL).await;
    let actions: Vec<String> =
        s.w.app
            .audit_actions(&s.w.admin.org_id, "story", s.id())
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
    assert_eq!(
        actions[..2],
        ["story.withdrawn", "story.sent_back_to_review"]
    );
}

/// A moderator's `verdict` on the shared story's claim, then its posts are down for `cause`.
async fn a_verdict_takes_the_posts_down(verdict: &str, reason: &str, cause: &str) {
    let s = Shared::start("take_down").await;
    let res =
        s.w.app
            .claim_act(
                &s.w.camille.token,
                s.claim(),
                verdict,
                json!({ "reason": reason }),
            )
            .await;
    assert_eq!(res.status(), 200);
    s.assert_taken_down(cause).await;
}

#[tokio::test]
async fn disputing_a_claim_takes_the_posts_down() {
    a_verdict_takes_the_posts_down("dispute", "the certificate is being checked", "disputed").await;
}

#[tokio::test]
async fn refuting_a_claim_takes_the_posts_down() {
    a_verdict_takes_the_posts_down("refute", "the certificate was for 2023", "refuted").await;
}

#[tokio::test]
async fn an_edit_that_sends_the_story_back_to_review_takes_the_posts_down() {
    let s = Shared::start("take_down").await;
    let res =
        s.w.app
            .patch(
                &format!("/api/v1/stories/{}", s.id()),
                &s.w.camille.token,
                &json!({ "body": format!("{BODY} Our headcount grew 40% in 2025.") }),
            )
            .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let view: Value = res.json().await.unwrap();
    assert_eq!(view["status"], "in_review");
    s.assert_taken_down("back in review").await;
}

#[tokio::test]
async fn an_expiry_takes_the_posts_down() {
    let s = Shared::start("take_down").await;
    {
        // As if the story's end date had come.
        use diesel::prelude::*;
        use vouch::db::schema::stories;
        let past = Utc::now().naive_utc() - Duration::minutes(1);
        diesel::update(stories::table.find(s.id()))
            .set(stories::expires_at.eq(Some(past)))
            .execute(&mut *s.db())
            .unwrap();
    }
    let archived = vouch::app::housekeeping::archive_expired(&s.w.app.state)
        .await
        .unwrap();
    assert_eq!(archived, 1);
    s.assert_taken_down("expired").await;
}

#[tokio::test]
async fn a_verification_that_lapses_takes_the_posts_down() {
    let s = Shared::start("take_down").await;
    {
        // As if the verification's expiry had come.
        use diesel::prelude::*;
        use vouch::db::schema::{claims, stories};
        let past = Utc::now().naive_utc() - Duration::minutes(1);
        diesel::update(claims::table.filter(claims::story_id.eq(s.id())))
            .set(claims::verification_expires_at.eq(Some(past)))
            .execute(&mut *s.db())
            .unwrap();
        diesel::update(stories::table.find(s.id()))
            .set(stories::verified_until.eq(Some(past)))
            .execute(&mut *s.db())
            .unwrap();
    }
    let refreshed = vouch::app::story_change::refresh_stale(
        &mut s.db(),
        &s.w.app.state,
        Utc::now().naive_utc(),
    )
    .unwrap();
    assert_eq!(refreshed, 1);
    s.assert_taken_down("no longer verified").await;
}

#[tokio::test]
async fn a_policy_the_story_now_breaches_takes_the_posts_down() {
    let s = Shared::start("take_down").await;
    s.w.policy(json!({ "disclosure": "#AcmeEmployee", "forbidden": ["Great Place"] }))
        .await;
    s.assert_taken_down("forbidden term").await;
}

#[tokio::test]
async fn retracting_from_review_or_from_a_draft_answers_200_and_twice_409() {
    // Under take_down the posts came down when the claim was added; retracting from review
    // is allowed all the same, and finds nothing left to take down.
    let s = Shared::start("take_down").await;
    s.add_manual_claim().await;
    s.assert_taken_down(MANUAL).await;
    let retracted = s
        .story_act("retract", json!({ "reason": "the team moved" }))
        .await;
    assert_eq!(retracted["status"], "retracted");
    let again = problem(
        s.w.app
            .story_act(
                &s.w.camille.token,
                s.id(),
                "retract",
                json!({ "reason": "again" }),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(again["current_status"], "retracted");
    let draft =
        s.w.app
            .create_story(&s.w.camille.token, company_story(BODY))
            .await;
    let res =
        s.w.app
            .story_act(
                &s.w.camille.token,
                draft["id"].as_str().unwrap(),
                "retract",
                json!({ "reason": "never mind" }),
            )
            .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn retracting_a_story_in_review_takes_its_held_posts_down() {
    let s = Shared::start("hold_for_review").await;
    s.add_manual_claim().await;
    s.assert_held().await;
    s.story_act("retract", json!({ "reason": "the team moved" }))
        .await;
    s.assert_taken_down("retracted: the team moved").await;
}

#[tokio::test]
async fn retracting_an_archived_story_takes_its_held_posts_down() {
    let s = Shared::start("hold_for_review").await;
    let archived = s.story_act("archive", json!({})).await;
    assert_eq!(archived["status"], "archived");
    s.assert_held().await;
    s.story_act("retract", json!({ "reason": "outdated" }))
        .await;
    s.assert_taken_down("retracted: outdated").await;
}

#[tokio::test]
async fn a_rejection_takes_held_posts_down() {
    let s = Shared::start("hold_for_review").await;
    s.add_manual_claim().await;
    s.assert_held().await;
    s.story_act("reject", json!({ "reason": "nobody can vouch for it" }))
        .await;
    s.assert_taken_down("rejected: nobody can vouch for it")
        .await;
}

#[tokio::test]
async fn a_request_for_changes_takes_held_posts_down() {
    let s = Shared::start("hold_for_review").await;
    s.add_manual_claim().await;
    s.assert_held().await;
    s.story_act(
        "request-changes",
        json!({ "reason": "say it in your words" }),
    )
    .await;
    s.assert_taken_down("changes requested: say it in your words")
        .await;
}

#[tokio::test]
async fn held_posts_come_down_with_one_click_once() {
    let s = Shared::start("hold_for_review").await;
    let res =
        s.w.app
            .claim_act(
                &s.w.camille.token,
                s.claim(),
                "dispute",
                json!({ "reason": "the certificate is being checked" }),
            )
            .await;
    assert_eq!(res.status(), 200);
    s.assert_held().await;
    let path = format!("/api/v1/stories/{}/take-down", s.id());
    problem(
        s.w.app
            .post(&path, Some(&s.w.amara.token), &json!({}))
            .await,
        403,
    )
    .await;
    let res =
        s.w.app
            .post(&path, Some(&s.w.camille.token), &json!({}))
            .await;
    assert_eq!(res.status(), 202);
    let done: Value = res.json().await.unwrap();
    assert_eq!(
        (done["cancelled"].as_u64(), done["removals_queued"].as_u64()),
        (Some(0), Some(2)),
        "{done}"
    );
    s.assert_taken_down("taken down by the comms team").await;
    // Again: nothing left to do.
    let res =
        s.w.app
            .post(&path, Some(&s.w.camille.token), &json!({}))
            .await;
    assert_eq!(res.status(), 202);
    let again: Value = res.json().await.unwrap();
    assert_eq!(
        (
            again["cancelled"].as_u64(),
            again["removals_queued"].as_u64()
        ),
        (Some(0), Some(0))
    );
    let actions: Vec<String> =
        s.w.app
            .audit_actions(&s.w.admin.org_id, "story", s.id())
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "story.taken_down").count(),
        2
    );
}

#[tokio::test]
async fn held_posts_stand_when_the_story_is_approved_again_and_a_publishable_story_is_not_taken_down(
) {
    let s = Shared::start("hold_for_review").await;
    s.add_manual_claim().await;
    s.assert_held().await;
    let story: Value =
        s.w.app
            .get(&format!("/api/v1/stories/{}", s.id()), &s.w.camille.token)
            .await
            .json()
            .await
            .unwrap();
    let approved = s.w.app.approve_fully(&s.w.camille.token, &story).await;
    assert_eq!(approved["authenticity"]["publishable"], true);
    let share = s.share(&s.posted).await;
    assert_eq!(share["post"]["state"], "live", "{share}");
    assert!(share["post"]["reason"].is_null());
    let path = format!("/api/v1/stories/{}/take-down", s.id());
    problem(
        s.w.app
            .post(&path, Some(&s.w.camille.token), &json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(s.posts_at_mastodon().await[0]["deleted"], false);
}

#[tokio::test]
async fn a_network_that_refuses_to_delete_keeps_the_post_and_the_share_says_so() {
    let s = Shared::start("take_down").await;
    s.w.mastodon
        .fail_next("delete", Fault::Status { status: 403 }, 1);
    s.add_manual_claim().await;
    eventually("Mastodon's refusal is recorded", 20, || async {
        s.share(&s.posted).await["post"]["state"] == "kept_by_network"
    })
    .await;
    let share = s.share(&s.posted).await;
    assert_eq!(share["status"], "published");
    assert!(
        share["post"]["reason"]
            .as_str()
            .unwrap()
            .contains("refused to delete"),
        "{share}"
    );
    assert_eq!(s.posts_at_mastodon().await[0]["deleted"], false);
    // A moderator asks again: this time Mastodon deletes it.
    let res =
        s.w.app
            .post(
                &format!("/api/v1/stories/{}/take-down", s.id()),
                Some(&s.w.camille.token),
                &json!({}),
            )
            .await;
    assert_eq!(res.status(), 202);
    let posted =
        s.w.app
            .share_becomes(&s.w.amara.token, &s.posted, "retracted")
            .await;
    assert_eq!(posted["post"]["state"], "removed");
    assert_eq!(s.posts_at_mastodon().await[0]["deleted"], true);
}

#[tokio::test]
async fn a_share_whose_story_lapsed_before_its_time_does_not_go_out() {
    let s = Shared::start("take_down").await;
    {
        // The verification expired and the share's time came before any upkeep ran.
        use diesel::prelude::*;
        use vouch::db::schema::{claims, shares, stories};
        let past = Utc::now().naive_utc() - Duration::minutes(1);
        diesel::update(claims::table.filter(claims::story_id.eq(s.id())))
            .set(claims::verification_expires_at.eq(Some(past)))
            .execute(&mut *s.db())
            .unwrap();
        diesel::update(stories::table.find(s.id()))
            .set(stories::verified_until.eq(Some(past)))
            .execute(&mut *s.db())
            .unwrap();
        diesel::update(shares::table.find(&s.scheduled))
            .set(shares::scheduled_at.eq(past))
            .execute(&mut *s.db())
            .unwrap();
    }
    s.w.app.skip_waits();
    let share =
        s.w.app
            .share_becomes(&s.w.amara.token, &s.scheduled, "cancelled")
            .await;
    assert_eq!(share["post"]["state"], "not_posted");
    assert_eq!(s.posts_at_mastodon().await.len(), 1, "nothing new went out");
}
