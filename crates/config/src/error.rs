use std::path::PathBuf;

/// Why a configuration could not be loaded. Every variant names the file; values that
/// fail to type-check also name the line and the dotted key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file: {source}")]
    Read {
        path: PathBuf,
        source: backlot_safe_fs::SafeFsError,
    },

    #[error("{file}:{line}:{column}: not valid YAML: {message}")]
    Syntax {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },

    #[error("{file}: the top level must be a mapping of keys, found {found}")]
    NotAMapping { file: String, found: &'static str },

    #[error("{file}:{line}:{column}: `{key}`: {message}")]
    Invalid {
        file: String,
        line: u64,
        column: u64,
        key: String,
        message: String,
    },
}

/// Something ignored while loading: the config still works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: String,
    pub line: u64,
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: `{}`: {}",
            self.file, self.line, self.key, self.message
        )
    }
}
