//! The one error type of the platform: what a server function answers when it refuses.
//!
//! Messages are safe to show; database details are logged on the server and never sent.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session, or it expired.
    #[error("Please sign in first.")]
    Unauthenticated,
    /// Signed in but the account lacks something (a role, a confirmed address).
    #[error("{0}")]
    Forbidden(String),
    /// The input is wrong; the message names what.
    #[error("{0}")]
    Invalid(String),
    /// Several fields are wrong: (field, message) pairs.
    #[error("Please correct the highlighted fields.")]
    Fields(Vec<(String, String)>),
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with what is stored (already voted, duplicate title …).
    #[error("{0}")]
    Conflict(String),
    /// The edition's phase or deadline does not allow this now.
    #[error("{0}")]
    Closed(String),
    #[error("Too many attempts. Please wait a few minutes and try again.")]
    TooManyRequests,
    /// Past a friction threshold: the request needs a proof of work ([`crate::pow`]).
    #[error("{0}")]
    Challenge(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Transport-level failure of a server function call.
    #[error("{0}")]
    ServerFn(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Invalid(_) | AppError::Fields(_) | AppError::ServerFn(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Closed(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests | AppError::Challenge(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short, stable name of the kind of refusal (for metrics and logs).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::Invalid(_) | AppError::Fields(_) => "invalid",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Closed(_) => "closed",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Challenge(_) => "challenge",
            AppError::Internal => "internal",
            AppError::ServerFn(_) => "transport",
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        AppError::Invalid(msg.into())
    }

    pub fn forbidden(msg: impl Into<String>) -> Self {
        AppError::Forbidden(msg.into())
    }

    // Named refusals that several places give, each written once.

    pub fn no_edition() -> Self {
        AppError::NotFound("There is no edition yet.".into())
    }

    pub fn no_such_edition(year: i32) -> Self {
        AppError::NotFound(format!("There is no {year} edition."))
    }

    /// An edition named by something that is not a year.
    pub fn not_an_edition(input: &str) -> Self {
        AppError::NotFound(format!("There is no edition “{}”.", input.trim()))
    }

    pub fn no_submission() -> Self {
        AppError::NotFound("There is no submission with this id.".into())
    }

    pub fn no_nominee() -> Self {
        AppError::NotFound("There is no nominee with this id.".into())
    }

    pub fn no_category() -> Self {
        AppError::NotFound("There is no such category.".into())
    }

    pub fn no_account() -> Self {
        AppError::NotFound("No such account.".into())
    }

    pub fn already_voted() -> Self {
        AppError::Conflict("You have already voted in this category. Votes are final.".into())
    }

    /// A reason for the audit log is missing or too long.
    pub fn reason_required() -> Self {
        AppError::invalid("Please give a reason (up to 1000 characters); it goes to the audit log.")
    }

    pub fn review_final() -> Self {
        AppError::Conflict("Your scores for this champion are submitted and final.".into())
    }

    pub fn already_released(year: i32) -> Self {
        AppError::Conflict(format!("The results of the {year} edition are already released."))
    }

    pub fn count_final(year: i32) -> Self {
        AppError::Conflict(format!("The results of the {year} edition are released: its count is final."))
    }

    /// The message of one field, for forms that show errors beside inputs.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Fields(list) => list.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone()),
            _ => None,
        }
    }

    /// The same refusal with its messages in `lang` (see [`crate::messages`]); the kinds
    /// without a message of their own are named by the pages in the page's language.
    #[cfg(feature = "ssr")]
    pub fn translated(self, lang: &str) -> AppError {
        use crate::messages::translate;
        match self {
            AppError::Forbidden(m) => AppError::Forbidden(translate(&m, lang)),
            AppError::Invalid(m) => AppError::Invalid(translate(&m, lang)),
            AppError::NotFound(m) => AppError::NotFound(translate(&m, lang)),
            AppError::Conflict(m) => AppError::Conflict(translate(&m, lang)),
            AppError::Closed(m) => AppError::Closed(translate(&m, lang)),
            AppError::ServerFn(m) => AppError::ServerFn(translate(&m, lang)),
            AppError::Challenge(m) => AppError::Challenge(translate(&m, lang)),
            AppError::Fields(list) => AppError::Fields(list.into_iter().map(|(f, m)| (f, translate(&m, lang))).collect()),
            other => other,
        }
    }

    /// A full human sentence, including every field message.
    pub fn describe(&self) -> String {
        match self {
            AppError::Fields(list) => list.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "),
            other => other.to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::Invalid(format!("The request is malformed: {m}"))
            }
            other => AppError::ServerFn(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}
