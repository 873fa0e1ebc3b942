//! Members and roles: who may do what, and that orgs never see each other.

use serde_json::{json, Value};
use vouch::accounts::Role;

use crate::helpers::{problem, spawn_app};

#[tokio::test]
async fn roles_gate_the_member_endpoints() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let moderator = app.member(&admin, "camille", Role::Moderator).await;
    let ambassador = app.member(&admin, "amara", Role::Ambassador).await;

    problem(app.get("/api/v1/users", &ambassador.token).await, 403).await;
    assert_eq!(
        app.get("/api/v1/users", &moderator.token).await.status(),
        200
    );
    let invite = json!({ "email": "x@acme.test", "role": "ambassador" });
    problem(
        app.post("/api/v1/users", Some(&moderator.token), &invite)
            .await,
        403,
    )
    .await;
    problem(
        app.post("/api/v1/users", Some(&ambassador.token), &invite)
            .await,
        403,
    )
    .await;
    assert_eq!(
        app.post("/api/v1/users", Some(&admin.token), &invite)
            .await
            .status(),
        201
    );
    let res = app
        .patch(
            &format!("/api/v1/users/{}", ambassador.id),
            &moderator.token,
            &json!({ "role": "admin" }),
        )
        .await;
    problem(res, 403).await;
}

#[tokio::test]
async fn another_orgs_members_are_not_found() {
    let app = spawn_app().await;
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let globex_member = app.member(&globex, "hank", Role::Ambassador).await;

    problem(
        app.get(&format!("/api/v1/users/{}", globex_member.id), &acme.token)
            .await,
        404,
    )
    .await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", globex_member.id),
            &acme.token,
            &json!({ "role": "admin" }),
        )
        .await;
    problem(res, 404).await;
    // The same read from inside the org works, so the 404 above is the org boundary.
    assert_eq!(
        app.get(
            &format!("/api/v1/users/{}", globex_member.id),
            &globex.token
        )
        .await
        .status(),
        200
    );

    let page: Value = app
        .get("/api/v1/users", &acme.token)
        .await
        .json()
        .await
        .unwrap();
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, [acme.email.as_str()]);
}

#[tokio::test]
async fn members_are_listed_page_by_page() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    for i in 0..4 {
        app.member(&admin, &format!("m{i}"), Role::Ambassador).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".to_string(),
        };
        let page: Value = app.get(&path, &admin.token).await.json().await.unwrap();
        for u in page["items"].as_array().unwrap() {
            seen.push(u["email"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique, seen);
    let ambassadors: Value = app
        .get("/api/v1/users?role=ambassador", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ambassadors["items"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn inviting_an_address_of_another_org_reveals_nothing_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let globex = app.org("globex").await;
    let body = |email: &str| json!({ "email": email, "role": "ambassador" });

    // A fresh address and one that has an account at globex get answers of one shape.
    let fresh = app
        .post("/api/v1/users", Some(&admin.token), &body("new@acme.test"))
        .await;
    assert_eq!(fresh.status(), 201);
    let fresh: Value = fresh.json().await.unwrap();
    let taken = app
        .post("/api/v1/users", Some(&admin.token), &body(&globex.email))
        .await;
    assert_eq!(taken.status(), 201);
    let taken: Value = taken.json().await.unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&fresh), keys(&taken));
    assert_eq!(taken["status"], "invited");
    assert_eq!(taken["email"], globex.email.as_str());

    // Nothing was created in acme, and the address's owner was told, not acme.
    let page: Value = app
        .get("/api/v1/users", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(!emails.contains(&globex.email.as_str()));
    let mail = app.mail.wait_for(&globex.email, 1).await;
    assert!(
        mail.subject.contains("tried to invite you"),
        "{}",
        mail.subject
    );

    // An address already in this org is the admin's own business: a plain conflict.
    problem(
        app.post("/api/v1/users", Some(&admin.token), &body("new@acme.test"))
            .await,
        409,
    )
    .await;
}

#[tokio::test]
async fn role_changes_take_effect_and_are_audited() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    problem(app.get("/api/v1/users", &amara.token).await, 403).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", amara.id),
            &admin.token,
            &json!({ "role": "moderator" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    // The same token now carries the new role: roles are read per request.
    assert_eq!(app.get("/api/v1/users", &amara.token).await.status(), 200);

    let events = app.audit_actions(&admin.org_id, "user", &amara.id).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.updated", "user.invited"]);
    assert_eq!(events[0].actor_id.as_deref(), Some(admin.id.as_str()));
}

#[tokio::test]
async fn an_admin_cannot_lock_themself_out() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", admin.id),
            &admin.token,
            &json!({ "status": "disabled" }),
        )
        .await;
    problem(res, 409).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", admin.id),
            &admin.token,
            &json!({ "role": "ambassador" }),
        )
        .await;
    problem(res, 409).await;
    assert_eq!(app.get("/api/v1/users", &admin.token).await.status(), 200);
}

#[tokio::test]
async fn admins_read_the_audit_log_of_their_org_only() {
    let app = spawn_app().await;
    let admin = app.org("acme").await;
    let globex = app.org("globex").await;
    let amara = app.member(&admin, "amara", Role::Ambassador).await;
    app.patch(
        &format!("/api/v1/users/{}", amara.id),
        &admin.token,
        &json!({ "role": "moderator" }),
    )
    .await;
    problem(app.get("/api/v1/audit", &amara.token).await, 403).await;

    let page: Value = app
        .get(
            &format!("/api/v1/audit?object_type=user&object_id={}", amara.id),
            &admin.token,
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["user.updated", "user.invited"]);
    assert_eq!(page["items"][0]["detail"]["role"]["to"], "moderator");

    let all: Value = app
        .get("/api/v1/audit?limit=200", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["object_id"] != globex.id.as_str() && e["object_id"] != globex.org_id.as_str()));
    let first: Value = app
        .get("/api/v1/audit?limit=1", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let next = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(
            &format!("/api/v1/audit?limit=1&cursor={next}"),
            &admin.token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(second["items"][0]["id"], first["items"][0]["id"]);
    let body = problem(
        app.get("/api/v1/audit?object_type=user", &admin.token)
            .await,
        422,
    )
    .await;
    assert_eq!(crate::helpers::fields(&body), ["object_id"]);
}
