//! The texts of the mails Vouch sends. Plain text: readable in any client, nothing to render.

use super::Mail;

pub fn login_link(to: &str, display_name: &str, link: &str, minutes: i64) -> Mail {
    Mail {
        to: to.to_string(),
        subject: "Your Vouch sign-in link".into(),
        body: format!(
            "Hello {display_name},\n\n\
             Use this link to sign in to Vouch. It works once and expires in {minutes} minutes:\n\n\
             {link}\n\n\
             If you did not ask for it, you can ignore this mail: nobody can sign in without it.\n"
        ),
    }
}

pub fn invite(to: &str, org_name: &str, role: &str, link: &str, hours: i64) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("You are invited to {org_name} on Vouch"),
        body: format!(
            "Hello,\n\n\
             {org_name} invites you to Vouch as {role}. Vouch is where colleagues share the \
             company's verified stories, if and when they want to: nothing is ever mandatory.\n\n\
             Sign in with this link (it works once and expires in {hours} hours):\n\n\
             {link}\n"
        ),
    }
}

/// An org invited an address that already has an account with another org: its owner is
/// told (the inviting org is not, so it learns nothing about who works elsewhere).
pub fn invite_elsewhere(to: &str, org_name: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("{org_name} tried to invite you to Vouch"),
        body: format!(
            "Hello,\n\n\
             {org_name} tried to invite this address to Vouch, but it already belongs to an \
             account with another organisation, and an address can belong to one only. If you \
             want to join {org_name}, ask them to invite another address of yours.\n"
        ),
    }
}

/// The author learns each decision about their story, with its reason.
pub fn decision(to: &str, title: &str, decision: &str, reason: Option<&str>) -> Mail {
    let reason = reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!("\nThe reviewer's reason:\n\n  {r}\n"))
        .unwrap_or_default();
    Mail {
        to: to.to_string(),
        subject: format!("Your story \"{title}\" was {decision}"),
        body: format!(
            "Hello,\n\nYour story \"{title}\" was {decision}.\n{reason}\n\
             You can see it, and its claims, in Vouch.\n"
        ),
    }
}

/// A moderator's decision on a share held for review.
pub fn share_decision(to: &str, channel: &str, decision: &str, reason: Option<&str>) -> Mail {
    let reason = reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!("\nThe reviewer's reason:\n\n  {r}\n"))
        .unwrap_or_default();
    let next = if decision == "approved" {
        "It will go out at the time you chose."
    } else {
        "It will not go out; you can share the story again in other words."
    };
    Mail {
        to: to.to_string(),
        subject: format!("Your {channel} share was {decision}"),
        body: format!("Hello,\n\nYour share to {channel} was {decision}.\n{reason}\n{next}\n"),
    }
}

/// A story an ambassador shared (or was about to) was withdrawn.
pub fn story_withdrawn(to: &str, title: &str, cause: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("\"{title}\" was withdrawn"),
        body: format!(
            "Hello,\n\nThe story \"{title}\" was withdrawn ({cause}).\n\n\
             Your shares of it that had not gone out are cancelled, and the posts already \
             published are being taken down where the network allows it. You need do nothing.\n"
        ),
    }
}

/// A story an ambassador shared stopped being publishable, and the org holds posts already
/// out for review: what waited is cancelled, what is out stays up for now.
pub fn story_on_hold(to: &str, title: &str, cause: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("\"{title}\" is back in review"),
        body: format!(
            "Hello,\n\nThe story \"{title}\" can no longer be shared ({cause}).\n\n\
             Your shares of it that had not gone out are cancelled. Posts already published \
             stay up while the comms team reviews the story; if they take them down, you will \
             hear from Vouch. You need do nothing.\n"
        ),
    }
}

/// The comms team: a story with posts out stopped being publishable, and the org's policy
/// holds them. `take_down` says how to take them all down in one request.
pub fn posts_held(
    to: &str,
    title: &str,
    cause: &str,
    held: usize,
    take_down: &str,
    docs: &str,
) -> Mail {
    let posts = if held == 1 {
        "1 post stays".to_string()
    } else {
        format!("{held} posts stay")
    };
    Mail {
        to: to.to_string(),
        subject: format!("Posts of \"{title}\" are up while it is not publishable"),
        body: format!(
            "Hello,\n\nThe story \"{title}\" stopped being publishable ({cause}).\n\n\
             The org's policy holds posts for review: {posts} up at the networks until you \
             decide. Approving the story again (its claims verified) lets them stand. To take \
             every post of it down at once, send, signed in as a moderator:\n\n  \
             POST {take_down}\n  Authorization: Bearer <your access token>\n\n\
             (the operation `take_down` in {docs}). Its waiting shares are already cancelled.\n"
        ),
    }
}

/// A connected account the network no longer accepts.
pub fn reconnect(to: &str, network: &str, handle: &str, why: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("Reconnect your {network} account"),
        body: format!(
            "Hello,\n\n{network} no longer accepts the access Vouch had to {handle} ({why}).\n\n\
             Your shares to {network} wait until you connect the account again in Vouch.\n"
        ),
    }
}

/// A connected account whose access ends soon and cannot be renewed without its owner.
pub fn access_ending(to: &str, network: &str, handle: &str, ends: chrono::NaiveDateTime) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!(
            "Your {network} connection ends on {}",
            ends.format("%Y-%m-%d")
        ),
        body: format!(
            "Hello,\n\nThe access Vouch has to {handle} on {network} ends on {} (UTC), and \
             {network} does not let Vouch renew it.\n\nConnect the account again in Vouch \
             before then so that your scheduled shares still go out.\n",
            ends.format("%Y-%m-%d %H:%M")
        ),
    }
}

/// A share that could not be published.
pub fn share_failed(to: &str, channel: &str, error: &str) -> Mail {
    Mail {
        to: to.to_string(),
        subject: format!("Your {channel} share could not be published"),
        body: format!(
            "Hello,\n\nYour share to {channel} could not be published:\n\n  {error}\n\n\
             You can share the story again once the cause is fixed.\n"
        ),
    }
}

/// One mail per moderator listing what entered review since the last one.
pub fn review_digest(to: &str, entries: &[(String, String)]) -> Mail {
    let list: String = entries
        .iter()
        .map(|(title, author)| format!("  - \"{title}\" by {author}\n"))
        .collect();
    let n = entries.len();
    Mail {
        to: to.to_string(),
        subject: format!("{n} {} waiting for review", if n == 1 { "story" } else { "stories" }),
        body: format!("Hello,\n\nNew in the review queue:\n\n{list}\nThe queue shows how long each has waited.\n"),
    }
}
