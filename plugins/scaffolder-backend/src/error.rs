//! What can go wrong while running a template.

use crate::template::TemplateError;

/// A run's failure; each names what was refused or which step failed.
#[derive(Debug, thiserror::Error)]
pub enum ScaffolderError {
    #[error("template invalid: {0}")]
    TemplateInvalid(String),
    #[error("step {step_id}: cannot render {what}: {source}")]
    Render {
        step_id: String,
        /// What was being rendered (`input`, `if`, `each`, a file path…).
        what: String,
        #[source]
        source: TemplateError,
    },
    #[error("step {step_id}: action {action} is not available in Backlot")]
    ActionUnknown { step_id: String, action: String },
    #[error("{path}: {reason}; refused")]
    PathRefused { path: String, reason: String },
    #[error("{what} is larger than {max} bytes; refused")]
    TooLarge { what: String, max: u64 },
    #[error("more than {max} files in {what}; refused")]
    TooManyFiles { what: String, max: usize },
    #[error(
        "{url}: only templates' local files can be fetched for now (remote URLs are not supported yet)"
    )]
    RemoteUrl { url: String },
    #[error("invalid input: {0}")]
    Input(String),
    /// The form's values fail a visible parameter page (Backstage answers 400 with the list).
    #[error("the values do not satisfy the template's parameters: {}", stacks(.errors))]
    ParametersInvalid {
        errors: Vec<crate::validate::Violation>,
    },
    /// A step's rendered input fails its action's input schema (Backstage's `InputError`).
    #[error("Invalid input passed to action {action}, {}", stacks(.errors))]
    ActionInputInvalid {
        /// The action's id, with `[key]` in a loop.
        action: String,
        errors: Vec<crate::validate::Violation>,
    },
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn stacks(errors: &[crate::validate::Violation]) -> String {
    errors
        .iter()
        .map(crate::validate::Violation::stack)
        .collect::<Vec<_>>()
        .join(", ")
}

impl ScaffolderError {
    /// Backstage's 400 body for a refused form (`{"errors": [...]}`), if this is one.
    pub fn parameter_errors_json(&self) -> Option<serde_json::Value> {
        match self {
            ScaffolderError::ParametersInvalid { errors } => Some(serde_json::json!({
                "errors": errors.iter().map(crate::validate::Violation::to_json).collect::<Vec<_>>()
            })),
            _ => None,
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        ScaffolderError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn refused(path: impl Into<String>, reason: impl Into<String>) -> Self {
        ScaffolderError::PathRefused {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

impl From<backlot_safe_fs::SafeFsError> for ScaffolderError {
    fn from(e: backlot_safe_fs::SafeFsError) -> Self {
        use backlot_safe_fs::SafeFsError as S;
        match e {
            S::Outside { path, root } => ScaffolderError::PathRefused {
                path,
                reason: format!("outside {root}"),
            },
            S::NotRegular { path, what } => ScaffolderError::PathRefused {
                path,
                reason: format!("{what}, not a regular file"),
            },
            S::TooLarge { path, max } => ScaffolderError::TooLarge { what: path, max },
            S::Io { path, source } => ScaffolderError::Io { path, source },
        }
    }
}
