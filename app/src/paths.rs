//! Where Backlot keeps its data: `--data-dir`, else `BACKLOT_DATA_DIR`, else the platform's
//! data directory (`$XDG_DATA_HOME/backlot`, i.e. `~/.local/share/backlot`, on Linux).

use std::path::{Path, PathBuf};

/// The catalog store's file name inside the data folder.
pub const STORE_FILE: &str = "backlot.db";

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error(
        "no data folder: the platform has no user data directory; pass --data-dir or set BACKLOT_DATA_DIR"
    )]
    NoPlatformDir,
    #[error("cannot create the data folder {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Picks the data folder (`explicit` comes from `--data-dir` or `BACKLOT_DATA_DIR`, which
/// clap merges) and makes sure it exists.
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf, DataDirError> {
    let dir = match explicit {
        Some(dir) => dir.to_path_buf(),
        None => dirs::data_dir()
            .ok_or(DataDirError::NoPlatformDir)?
            .join("backlot"),
    };
    std::fs::create_dir_all(&dir).map_err(|source| DataDirError::Create {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_folder_is_created_and_used() {
        let tmp = tempfile::tempdir().unwrap();
        let wanted = tmp.path().join("nested/data");
        assert_eq!(resolve_data_dir(Some(&wanted)).unwrap(), wanted);
        assert!(wanted.is_dir());
    }

    #[test]
    fn unusable_folder_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = resolve_data_dir(Some(&file.join("below"))).unwrap_err();
        assert!(
            err.to_string().contains("cannot create the data folder"),
            "{err}"
        );
    }
}
