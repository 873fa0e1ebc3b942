//! Table definitions shared by both dialects (kept in step with `migrations/*`; a test
//! compares the two migration sets).

diesel::table! {
    orgs (id) {
        id -> Text,
        name -> Text,
        slug -> Text,
        disclosure -> Text,
        policy -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        content_version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        display_name -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        job_title -> Nullable<Text>,
        photo_url -> Nullable<Text>,
        team -> Nullable<Text>,
        location -> Nullable<Text>,
        show_job_title -> Bool,
        show_photo -> Bool,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        user_id -> Text,
        text_version -> Text,
        granted_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_links (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        allowed_origins -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        rate_limit_per_min -> Integer,
    }
}

diesel::table! {
    api_key_origins (origin, key_id) {
        origin -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        org_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stories (id) {
        id -> Text,
        org_id -> Text,
        author_id -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        link_url -> Nullable<Text>,
        media_urls -> Text,
        language -> Text,
        captions -> Text,
        status -> Text,
        publish_from -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        review_notified_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        publishable -> Bool,
        blocking_claims -> Integer,
        verified_until -> Nullable<Timestamp>,
        policy_violations -> Text,
        gate_checked_at -> Nullable<Timestamp>,
        search_text -> Text,
        last_editor_id -> Nullable<Text>,
    }
}

diesel::table! {
    story_topics (story_id, topic) {
        story_id -> Text,
        topic -> Text,
    }
}

diesel::table! {
    claims (id) {
        id -> Text,
        story_id -> Text,
        field -> Text,
        text -> Text,
        normalized -> Text,
        kind -> Text,
        origin -> Text,
        status -> Text,
        span_start -> Integer,
        span_end -> Integer,
        evidence_url -> Nullable<Text>,
        evidence_note -> Nullable<Text>,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        verification_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        why -> Nullable<Text>,
    }
}

diesel::table! {
    detector_examples (id) {
        id -> Text,
        org_id -> Text,
        story_id -> Text,
        normalized -> Text,
        text -> Text,
        language -> Text,
        is_claim -> Bool,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    detector_adjustments (org_id) {
        org_id -> Text,
        model -> Text,
        examples -> Integer,
        version -> BigInt,
        fitted_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        org_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        status -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consent_texts (org_id, version) {
        org_id -> Text,
        version -> Integer,
        text -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    social_accounts (id) {
        id -> Text,
        org_id -> Text,
        user_id -> Text,
        network -> Text,
        base_url -> Nullable<Text>,
        external_user_id -> Text,
        handle -> Text,
        status -> Text,
        access_token -> Nullable<Text>,
        refresh_token -> Nullable<Text>,
        token_expires_at -> Nullable<Timestamp>,
        scope -> Nullable<Text>,
        token_generation -> Integer,
        refresh_lease_until -> Nullable<Timestamp>,
        rate_limited_until -> Nullable<Timestamp>,
        expiry_warned_at -> Nullable<Timestamp>,
        connected_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    oauth_states (state_hash) {
        state_hash -> Text,
        user_id -> Text,
        network -> Text,
        instance_url -> Nullable<Text>,
        pkce_verifier -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mastodon_apps (instance_url) {
        instance_url -> Text,
        client_id -> Text,
        client_secret -> Text,
        redirect_uri -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shares (id) {
        id -> Text,
        org_id -> Text,
        user_id -> Text,
        story_id -> Text,
        channel -> Text,
        account_id -> Nullable<Text>,
        status -> Text,
        text -> Text,
        tracked_code -> Text,
        scheduled_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        external_id -> Nullable<Text>,
        external_url -> Nullable<Text>,
        error -> Nullable<Text>,
        review_reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        post_state -> Nullable<Text>,
        post_reason -> Nullable<Text>,
        post_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    share_metrics (id) {
        id -> Text,
        share_id -> Text,
        org_id -> Text,
        taken_at -> Timestamp,
        impressions -> Nullable<BigInt>,
        reactions -> Nullable<BigInt>,
        comments -> Nullable<BigInt>,
        reshares -> Nullable<BigInt>,
        network_clicks -> Nullable<BigInt>,
    }
}

diesel::table! {
    member_preferences (user_id) {
        user_id -> Text,
        leaderboard_opt_in -> Bool,
        weekly_report_opt_in -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    weekly_reports (org_id, week) {
        org_id -> Text,
        week -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    link_clicks (share_id, day, referrer_host, device) {
        share_id -> Text,
        day -> Date,
        referrer_host -> Text,
        device -> Text,
        clicks -> BigInt,
        previews -> BigInt,
    }
}

diesel::joinable!(users -> orgs (org_id));
diesel::joinable!(stories -> orgs (org_id));
diesel::joinable!(story_topics -> stories (story_id));
diesel::joinable!(claims -> stories (story_id));
diesel::joinable!(share_metrics -> shares (share_id));
diesel::joinable!(consents -> users (user_id));
diesel::joinable!(member_preferences -> users (user_id));
diesel::joinable!(login_links -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_keys -> orgs (org_id));
diesel::joinable!(api_key_origins -> api_keys (key_id));
diesel::joinable!(audit_events -> orgs (org_id));
diesel::joinable!(consent_texts -> orgs (org_id));
diesel::joinable!(social_accounts -> users (user_id));
diesel::joinable!(shares -> stories (story_id));
diesel::joinable!(shares -> social_accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    orgs,
    users,
    consents,
    login_links,
    refresh_tokens,
    api_keys,
    api_key_origins,
    audit_events,
    idempotency_keys,
    stories,
    story_topics,
    claims,
    jobs,
    consent_texts,
    social_accounts,
    oauth_states,
    mastodon_apps,
    shares,
    share_metrics,
    member_preferences,
    weekly_reports,
    link_clicks,
    detector_examples,
    detector_adjustments,
);
