//! Optimistic concurrency: a versioned object, and the versions a writer says it last saw
//! (`If-Match`, parsed by `http::preconditions`), checked under the row's lock.

use crate::error::AppError;

/// The versions a client says it last saw; `None` when it sent no `If-Match` (or `*`), and
/// the server behaves as without preconditions.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(Option<Vec<i32>>);

impl IfMatch {
    pub fn any() -> IfMatch {
        IfMatch(None)
    }

    pub fn version(v: i32) -> IfMatch {
        IfMatch(Some(vec![v]))
    }

    /// Any of `versions` (an `If-Match` listing several ETags).
    pub fn versions(versions: Vec<i32>) -> IfMatch {
        IfMatch(Some(versions))
    }

    /// 412 naming the current version when the client's is not it.
    pub fn check(&self, current: i32) -> Result<(), AppError> {
        match &self.0 {
            Some(versions) if !versions.contains(&current) => Err(AppError::PreconditionFailed {
                current_version: current,
            }),
            _ => Ok(()),
        }
    }
}

/// What has a version the client can send back.
pub trait Versioned {
    fn version(&self) -> i32;
}
