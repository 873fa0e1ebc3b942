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
