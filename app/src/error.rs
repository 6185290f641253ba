//! One application error type: serializable across the server-function boundary, turned into
//! HTTP responses by the REST layer. Internal causes are logged on the server and never sent.
use serde::{Deserialize, Serialize};

/// A validation message attached to one form field, in both languages so the page can show the
/// one the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub zh: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            zh: zh.into(),
            en: en.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum AppError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {en}")]
    Conflict { zh: String, en: String },
    #[error("too many attempts")]
    RateLimited,
    #[error("internal error")]
    Internal,
    /// A request whose arguments could not be read (malformed, missing, wrong types). What was
    /// wrong is not echoed back: a decoder's message describes our types, not the user's input.
    #[error("bad request")]
    BadRequest,
    /// Transport-level failure reported by the server-function machinery.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, zh, en)])
    }

    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Conflict {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Validation(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited => 429,
            AppError::BadRequest => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    /// The message shown to a person, in their language.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        let (zh, en): (String, String) = match self {
            AppError::Validation(errs) => {
                return errs
                    .iter()
                    .map(|e| {
                        if lang == Lang::Zh {
                            e.zh.clone()
                        } else {
                            e.en.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("；");
            }
            AppError::Unauthenticated => ("请先登录。".into(), "Please sign in first.".into()),
            AppError::Forbidden => (
                "您没有权限执行此操作。".into(),
                "You are not allowed to do this.".into(),
            ),
            AppError::NotFound => ("未找到该内容。".into(), "Not found.".into()),
            AppError::Conflict { zh, en } => (zh.clone(), en.clone()),
            AppError::RateLimited => (
                "尝试次数过多，请稍后再试。".into(),
                "Too many attempts. Please try again later.".into(),
            ),
            AppError::BadRequest => (
                "请求格式不正确，请刷新页面后重试。".into(),
                "The request was malformed. Please reload the page and try again.".into(),
            ),
            AppError::Internal | AppError::Transport(_) => (
                "系统繁忙，请稍后再试。".into(),
                "Something went wrong on our side. Please try again.".into(),
            ),
        };
        if lang == Lang::Zh {
            zh
        } else {
            en
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Validation(e) => e,
            _ => &[],
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            // The arguments did not decode: a generic 400, never the decoder's message.
            E::Args(_) | E::MissingArg(_) | E::Deserialization(_) => AppError::BadRequest,
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Errors from the domain validators carry both languages.
pub trait Bilingual {
    fn message_zh(&self) -> String;
    fn message_en(&self) -> String;
}

/// Collects field errors while a form is parsed, so the user sees every problem at once.
#[derive(Default, Debug)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.0.push(FieldError::new(field, zh, en));
    }
    /// Whether a problem is already recorded under `field`.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
    /// Keeps the Ok value, records the error under `field`.
    pub fn take<T, E: Bilingual>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e.message_zh(), e.message_en());
                None
            }
        }
    }
    /// Keeps the value of a record parser, adding its field errors to these.
    pub fn merge<T>(&mut self, r: Result<T, AppError>) -> Result<Option<T>, AppError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(AppError::Validation(v)) => {
                self.0.extend(v);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

macro_rules! bilingual {
    ($($t:ty),* $(,)?) => {$(
        impl Bilingual for $t {
            fn message_zh(&self) -> String {
                <$t>::message_zh(self)
            }
            fn message_en(&self) -> String {
                <$t>::message_en(self)
            }
        }
    )*};
}

bilingual!(
    crate::domain::credit_code::CreditCodeError,
    crate::domain::money::MoneyError,
    crate::domain::text::TextError,
    crate::domain::time::DeadlineError,
    crate::domain::demand::TransitionError,
    crate::domain::achievement::AchievementTransitionError,
    crate::domain::demand::TrlError,
);
