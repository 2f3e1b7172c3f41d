//! Errors of the catalog backend and their mapping to the IPC `{code, message}`.

use std::path::PathBuf;

use backlot_model::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the folder {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the catalog database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the catalog database has schema version {found}, newer than this Backlot knows ({supported})"
    )]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("catalog database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a stored entity could not be read: {0}")]
    Corrupt(#[from] serde_json::Error),
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("syncing from a team backend needs a catalog database file (this store is in memory)")]
    SyncNeedsFile,
    #[error("{0} was called outside a sync transaction (begin was not called)")]
    NoSyncTransaction(&'static str),
    #[error(
        "the team backend now serves {after} entities where the offline catalog has {before}; the sync was not applied, so the offline catalog stays as it was. If the smaller catalog is right, accept it (Settings → Team backend, or backlot sync --accept-shrink)"
    )]
    CatalogShrank { before: u64, after: u64 },
    #[error(
        "the rows this sync wrote ahead of its commit were removed meanwhile (another sync ran at the same time); nothing was applied: sync again"
    )]
    WriteAheadLost,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::InvalidQuery(_) => ErrorCode::InvalidInput,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::SchemaTooNew { .. } => ErrorCode::Unsupported,
            StoreError::CatalogShrank { .. } | StoreError::WriteAheadLost => ErrorCode::Conflict,
            _ => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

/// Failures that stop an ingestion as a whole. Problems with individual files, documents or
/// entities are not errors: they are listed in the `IngestReport`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("reading the catalog files stopped unexpectedly; nothing was written")]
    ReaderStopped,
    #[error("cannot write the demo catalog to {path}: {source}")]
    WriteDemo {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for IngestError {
    fn from(e: rusqlite::Error) -> Self {
        IngestError::Store(StoreError::Sqlite(e))
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Store(s) => s.into(),
            IngestError::ReaderStopped => ApiError::internal(e.to_string()),
            other => ApiError::new(ErrorCode::Storage, other.to_string()),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_api_codes() {
        assert_eq!(
            ApiError::from(StoreError::InvalidQuery("x".into())).code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            ApiError::from(StoreError::NotFound("x".into())).code,
            ErrorCode::NotFound
        );
        assert_eq!(
            ApiError::from(StoreError::SchemaTooNew {
                found: 9,
                supported: 1
            })
            .code,
            ErrorCode::Unsupported
        );
        let e = ApiError::from(IngestError::Store(StoreError::Sqlite(
            rusqlite::Error::InvalidQuery,
        )));
        assert_eq!(e.code, ErrorCode::Storage);
    }
}
