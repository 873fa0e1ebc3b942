//! How users and orgs are shown: in answers, exports and the careers page's author lines.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Org, Role, User, UserStatus};
use crate::ids;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: UserStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub profile: ProfileView,
}

/// What the user shows beside their testimonials on the careers page (`PATCH /me`).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ProfileView {
    pub job_title: Option<String>,
    pub photo_url: Option<String>,
    /// The careers page filters by team and location.
    pub team: Option<String>,
    pub location: Option<String>,
    /// Whether the careers page shows the job title (it never does otherwise).
    pub show_job_title: bool,
    /// Whether the careers page shows the photo (it never does otherwise).
    pub show_photo: bool,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            profile: ProfileView {
                job_title: u.job_title.clone(),
                photo_url: u.photo_url.clone(),
                team: u.team.clone(),
                location: u.location.clone(),
                show_job_title: u.show_job_title,
                show_photo: u.show_photo,
            },
            role: u.role(),
            status: u.status(),
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            created_at: ids::utc(u.created_at),
            last_login_at: u.last_login_at.map(ids::utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// Added to every external post, as endorsement rules require.
    pub disclosure: String,
}

impl From<Org> for OrgView {
    fn from(o: Org) -> Self {
        OrgView {
            id: o.id,
            name: o.name,
            slug: o.slug,
            disclosure: o.disclosure,
        }
    }
}
