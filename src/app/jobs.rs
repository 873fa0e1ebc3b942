//! The registry of job kinds the workers run, with the app's state as their context: the
//! network jobs (publish, retract, read metrics, revoke), mail and the detector's refits.

use crate::claims::tuning::job::Retrain;
use crate::jobs::worker::{typed, Kind};
use crate::jobs::Job;
use crate::mail::SendMail;
use crate::reach::metrics::ReadMetrics;
use crate::shares::publish::PublishShare;
use crate::shares::retract::RetractShare;
use crate::social::revoke::RevokeTokens;
use crate::state::AppState;

/// What runs each kind stored in `jobs.kind`.
pub fn registry(kind: &str) -> Option<Kind<AppState>> {
    match kind {
        SendMail::KIND => Some(typed::<AppState, SendMail>()),
        PublishShare::KIND => Some(typed::<AppState, PublishShare>()),
        RetractShare::KIND => Some(typed::<AppState, RetractShare>()),
        RevokeTokens::KIND => Some(typed::<AppState, RevokeTokens>()),
        ReadMetrics::KIND => Some(typed::<AppState, ReadMetrics>()),
        Retrain::KIND => Some(typed::<AppState, Retrain>()),
        _ => None,
    }
}
