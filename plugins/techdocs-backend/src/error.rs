//! What can go wrong reading docs, each with the message a reader needs to fix it.

use std::path::PathBuf;

use backlot_model::{ApiError, ErrorCode};
use backlot_safe_fs::SafeFsError;

#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("no entity {0} in the catalog")]
    NoEntity(String),
    #[error("{entity} has no docs: it has no backstage.io/techdocs-ref annotation")]
    NoTechdocsRef { entity: String },
    #[error("{entity}: backstage.io/techdocs-ref “{value}” is not supported here: {why}")]
    UnsupportedRef {
        entity: String,
        value: String,
        why: String,
    },
    #[error("{entity}: the docs folder {} (techdocs-ref “{value}”) does not exist", path.display())]
    DirNotFound {
        entity: String,
        value: String,
        path: PathBuf,
    },
    #[error(
        "{entity}: backstage.io/techdocs-ref “{value}” leads outside the entity's folder {}; refused",
        folder.display()
    )]
    DirOutside {
        entity: String,
        value: String,
        folder: PathBuf,
    },
    /// A file of the docs was refused (outside its folder, not a regular file, too large) or
    /// could not be read.
    #[error(transparent)]
    File(#[from] SafeFsError),
    #[error("no mkdocs.yml (or mkdocs.yaml) in {}", dir.display())]
    NoMkdocs { dir: PathBuf },
    #[error("{}:{line}:{column}: mkdocs.yml is not valid: {message}", file.display())]
    BadMkdocs {
        file: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    #[error("{}: docs_dir “{docs_dir}” does not exist", file.display())]
    NoDocsDir { file: PathBuf, docs_dir: String },
    #[error("no page “{page}” in the docs of {entity}")]
    PageMissing { entity: String, page: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no team backend: set its URL in Settings → Team backend to read the docs of {entity}")]
    NoTeamBackend { entity: String },
    #[error(
        "no team backend token in the keychain: add it in Settings → Team backend to read the docs of {entity}"
    )]
    NoToken { entity: String },
    #[error(
        "the team backend refused the token (HTTP {status}) for the docs of {entity}: check it in Settings → Team backend"
    )]
    TokenRefused { entity: String, status: u16 },
    #[error("the team backend has no published docs for {entity} ({url} answered 404)")]
    TeamNotPublished { entity: String, url: String },
    #[error(
        "the team backend could not be reached for the docs of {entity}, and there is no local copy yet: {why}"
    )]
    Offline { entity: String, why: String },
    #[error("the team backend answered HTTP {status} for {url}")]
    TeamStatus { status: u16, url: String },
    #[error("the team backend's docs for {entity} are not usable: {why}")]
    TeamBadSite { entity: String, why: String },
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<DocsError> for ApiError {
    fn from(e: DocsError) -> ApiError {
        let code = match &e {
            DocsError::Api(inner) => return inner.clone(),
            DocsError::File(inner) if inner.is_not_found() => ErrorCode::NotFound,
            DocsError::File(SafeFsError::Io { .. }) => ErrorCode::Internal,
            DocsError::File(_) | DocsError::DirOutside { .. } => ErrorCode::InvalidInput,
            DocsError::NoEntity(_)
            | DocsError::NoTechdocsRef { .. }
            | DocsError::DirNotFound { .. }
            | DocsError::NoMkdocs { .. }
            | DocsError::NoDocsDir { .. }
            | DocsError::PageMissing { .. }
            | DocsError::TeamNotPublished { .. } => ErrorCode::NotFound,
            DocsError::UnsupportedRef { .. } => ErrorCode::Unsupported,
            DocsError::BadMkdocs { .. }
            | DocsError::NoTeamBackend { .. }
            | DocsError::TeamBadSite { .. } => ErrorCode::InvalidInput,
            DocsError::NoToken { .. } | DocsError::TokenRefused { .. } => ErrorCode::Unauthorized,
            DocsError::Offline { .. } => ErrorCode::Offline,
            DocsError::Read { .. } | DocsError::TeamStatus { .. } => ErrorCode::Internal,
        };
        ApiError::new(code, e.to_string())
    }
}

pub type Result<T, E = DocsError> = std::result::Result<T, E>;
