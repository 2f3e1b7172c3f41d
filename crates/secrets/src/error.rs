use backlot_model::{ApiError, ErrorCode};

/// What can go wrong with the keychain. Messages are written for the user and never carry
/// a secret's value (the store's raw errors are reduced to their description).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No D-Bus session bus, or nothing provides `org.freedesktop.secrets` on it
    /// (no gnome-keyring / KWallet running); on macOS/Windows: the store could not open.
    #[error(
        "no OS keychain available: {detail}. On Linux, Backlot needs a Secret Service provider \
         (GNOME Keyring or KWallet) on the D-Bus session bus"
    )]
    NoService { detail: String },

    /// The keyring exists but is locked and could not be unlocked without a prompt.
    #[error(
        "the OS keychain is locked: unlock your keyring (e.g. log in to the desktop session or open Passwords and Keys) and try again"
    )]
    Locked { detail: String },

    #[error("no secret named `{name}` is stored in the keychain")]
    NotFound { name: String },

    #[error(
        "`{name}` is not a valid secret name (1–128 characters: letters, digits, `_`, `.`, `-`)"
    )]
    InvalidName { name: String },

    #[error("the secret `{name}` cannot be stored: {reason}")]
    Rejected { name: String, reason: String },

    /// Several entries match one name (created by another tool); Backlot will not guess.
    #[error(
        "the keychain holds several entries for `{name}`; remove the duplicates with your keyring tool"
    )]
    Ambiguous { name: String },

    #[error("the keychain failed: {detail}")]
    Platform { detail: String },
}

impl SecretError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SecretError::NoService { .. }
            | SecretError::Locked { .. }
            | SecretError::Platform { .. } => ErrorCode::KeychainUnavailable,
            SecretError::NotFound { .. } => ErrorCode::NotFound,
            SecretError::InvalidName { .. } | SecretError::Rejected { .. } => {
                ErrorCode::InvalidInput
            }
            SecretError::Ambiguous { .. } => ErrorCode::Conflict,
        }
    }
}

impl From<SecretError> for ApiError {
    fn from(e: SecretError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}

/// Maps a keyring-core error for an operation on `name`.
pub(crate) fn from_keyring(err: keyring_core::Error, name: &str) -> SecretError {
    use keyring_core::Error as K;
    match err {
        K::NoEntry => SecretError::NotFound {
            name: name.to_owned(),
        },
        K::NoStorageAccess(e) => SecretError::Locked {
            detail: e.to_string(),
        },
        K::PlatformFailure(e) => classify_platform(e.to_string()),
        // The payload of these two is the secret itself: never show it.
        K::BadEncoding(_) => SecretError::Platform {
            detail: format!("the stored value of `{name}` is not UTF-8 text"),
        },
        K::BadDataFormat(_, _) => SecretError::Platform {
            detail: format!("the stored value of `{name}` is malformed"),
        },
        K::TooLong(attr, max) => SecretError::Rejected {
            name: name.to_owned(),
            reason: format!("{attr} is longer than {max}"),
        },
        K::Invalid(attr, reason) => SecretError::Rejected {
            name: name.to_owned(),
            reason: format!("{attr} {reason}"),
        },
        K::Ambiguous(_) => SecretError::Ambiguous {
            name: name.to_owned(),
        },
        K::NoDefaultStore => SecretError::NoService {
            detail: "no credential store is configured".into(),
        },
        other => SecretError::Platform {
            detail: other.to_string(),
        },
    }
}

/// Errors while opening the store: every platform failure means "no keychain here".
pub(crate) fn from_keyring_open(err: keyring_core::Error) -> SecretError {
    match err {
        keyring_core::Error::NoStorageAccess(e) => SecretError::Locked {
            detail: e.to_string(),
        },
        keyring_core::Error::PlatformFailure(e) => SecretError::NoService {
            detail: e.to_string(),
        },
        other => SecretError::NoService {
            detail: other.to_string(),
        },
    }
}

/// A D-Bus failure in the middle of an operation can still mean the service went away.
fn classify_platform(detail: String) -> SecretError {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("prompt") {
        return SecretError::Locked { detail };
    }
    if lower.contains("secret service provider")
        || lower.contains("serviceunknown")
        || lower.contains("not provided by any .service")
        || lower.contains("no such file")
        || lower.contains("connection refused")
    {
        SecretError::NoService { detail }
    } else {
        SecretError::Platform { detail }
    }
}
