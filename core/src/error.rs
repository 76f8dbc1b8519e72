//! The one error type of the core. Every variant names the offending field; `code()` is the
//! stable string the bindings expose to JavaScript as `error.code`.

/// What went wrong with an input, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{field} must be a finite number")]
    NonFinite { field: String },
    #[error("{field} {reason}")]
    InvalidInput { field: String, reason: String },
    #[error("{field} repeats the id {id:?}")]
    DuplicateId { field: String, id: String },
    #[error("{field} {reason}")]
    InvalidDate { field: String, reason: String },
    #[error("{field} {reason}")]
    InvalidDays { field: String, reason: String },
    #[error("{field} {reason}")]
    InvalidTiers { field: String, reason: String },
    #[error("{field} {reason}")]
    InvalidTargets { field: String, reason: String },
    #[error("{field} {reason}")]
    InvalidOptions { field: String, reason: String },
}

impl Error {
    /// The stable code of CORE_API.md (`NON_FINITE`, `INVALID_INPUT`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NonFinite { .. } => "NON_FINITE",
            Error::InvalidInput { .. } => "INVALID_INPUT",
            Error::DuplicateId { .. } => "DUPLICATE_ID",
            Error::InvalidDate { .. } => "INVALID_DATE",
            Error::InvalidDays { .. } => "INVALID_DAYS",
            Error::InvalidTiers { .. } => "INVALID_TIERS",
            Error::InvalidTargets { .. } => "INVALID_TARGETS",
            Error::InvalidOptions { .. } => "INVALID_OPTIONS",
        }
    }

    /// The path of the offending field, e.g. `events.deployments[3].createdAt`.
    pub fn field(&self) -> &str {
        match self {
            Error::NonFinite { field }
            | Error::InvalidInput { field, .. }
            | Error::DuplicateId { field, .. }
            | Error::InvalidDate { field, .. }
            | Error::InvalidDays { field, .. }
            | Error::InvalidTiers { field, .. }
            | Error::InvalidTargets { field, .. }
            | Error::InvalidOptions { field, .. } => field,
        }
    }

    pub(crate) fn input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), reason: reason.into() }
    }
    pub(crate) fn options(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidOptions { field: field.into(), reason: reason.into() }
    }
    pub(crate) fn tiers(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidTiers { field: field.into(), reason: reason.into() }
    }
    pub(crate) fn targets(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidTargets { field: field.into(), reason: reason.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        let e = Error::NonFinite { field: "events.deployments[0].createdAt".into() };
        assert_eq!(e.code(), "NON_FINITE");
        assert_eq!(e.to_string(), "events.deployments[0].createdAt must be a finite number");
        let e = Error::DuplicateId { field: "events.changes[2].id".into(), id: "PR_1".into() };
        assert_eq!(e.to_string(), "events.changes[2].id repeats the id \"PR_1\"");
        assert_eq!(e.field(), "events.changes[2].id");
    }

    #[test]
    fn error_is_send_sync_and_static() {
        fn assert_traits<T: Send + Sync + 'static + std::error::Error>() {}
        assert_traits::<Error>();
    }
}
