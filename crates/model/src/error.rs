//! The error that crosses every boundary (IPC, CLI `--json`): a small, stable `code` the UI
//! branches on, and a human `message`.

use serde::{Deserialize, Serialize};

/// The codes the UI actually branches on. Serialized in snake_case (`not_found`, …);
/// keep existing codes stable, add new ones at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Offline,
    Unauthorized,
    KeychainUnavailable,
    Conflict,
    Unsupported,
    Storage,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Offline => "offline",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::KeychainUnavailable => "keychain_unavailable",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::Storage => "storage",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `{code, message}` — what the UI and scripts see of any failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let e = ApiError::new(ErrorCode::KeychainUnavailable, "no Secret Service");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "keychain_unavailable", "message": "no Secret Service"})
        );
        let back: ApiError = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
        assert_eq!(e.to_string(), "keychain_unavailable: no Secret Service");
    }

    #[test]
    fn as_str_matches_serde_name() {
        for code in [
            ErrorCode::NotFound,
            ErrorCode::InvalidInput,
            ErrorCode::Offline,
            ErrorCode::Unauthorized,
            ErrorCode::KeychainUnavailable,
            ErrorCode::Conflict,
            ErrorCode::Unsupported,
            ErrorCode::Storage,
            ErrorCode::Internal,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }
}
