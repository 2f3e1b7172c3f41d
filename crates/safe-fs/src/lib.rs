//! Reading files Backlot does not trust: a cloned repository's catalog files and what their
//! Location entities and `$text` placeholders point at, a TechDocs folder's `mkdocs.yml`, its
//! `docs_dir` and its pages.
//!
//! Three rules, each with an error that names what was refused:
//! - a path given by the data resolves (symlinks followed) inside the root the user chose
//!   ([`resolve_inside`], the semantics of Backstage's `resolveSafeChildPath`);
//! - only regular files are read: devices, FIFOs and sockets are refused before they are
//!   opened (a FIFO would block the open, `/dev/zero` would never end);
//! - sizes are counted while reading, never taken from metadata (devices report 0).

use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum SafeFsError {
    #[error("{path} is outside {root}; refused")]
    Outside { path: String, root: String },
    #[error("{path} is {what}, not a regular file; refused")]
    NotRegular { path: String, what: &'static str },
    #[error("{path} is larger than {max} bytes; refused")]
    TooLarge { path: String, max: u64 },
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl SafeFsError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        SafeFsError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// Is this "the file does not exist" (callers treat optional targets differently)?
    pub fn is_not_found(&self) -> bool {
        matches!(self, SafeFsError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// `relative` (a path written in the data, `/`-separated, possibly absolute) resolved against
/// `base`, with symlinks followed, provided the result lies inside `root` (canonical). An
/// absolute `relative` is taken as it stands and must also lie inside `root`.
pub fn resolve_inside(root: &Path, base: &Path, relative: &str) -> Result<PathBuf, SafeFsError> {
    let joined = base.join(relative);
    let outside = || SafeFsError::Outside {
        path: relative.to_string(),
        root: root.display().to_string(),
    };
    // Refuse what leaves the root lexically before touching the file system, so a missing
    // path outside says "outside", not "not found".
    if !lexically_inside(root, &joined) {
        return Err(outside());
    }
    let canonical = joined
        .canonicalize()
        .map_err(|e| SafeFsError::io(&joined, e))?;
    if !canonical.starts_with(root) {
        return Err(outside());
    }
    Ok(canonical)
}

/// Whether `path`, with `.` and `..` folded without the file system, stays under `root`.
pub fn lexically_inside(root: &Path, path: &Path) -> bool {
    use std::path::Component;
    let mut folded = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                if !folded.pop() {
                    return false;
                }
            }
            Component::CurDir => {}
            other => folded.push(other.as_os_str()),
        }
    }
    folded.starts_with(root)
}

/// What kind of thing `meta` describes, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Opens `path` for reading without blocking on a FIFO that appeared after the check.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Checks that `path` (symlinks followed) is a regular file, without opening it.
pub fn check_regular(path: &Path) -> Result<(), SafeFsError> {
    let meta = std::fs::metadata(path).map_err(|e| SafeFsError::io(path, e))?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(SafeFsError::NotRegular {
            path: path.display().to_string(),
            what: kind_of(&meta),
        })
    }
}

/// The bytes of the regular file `path`, at most `max` of them: a longer file is refused as
/// soon as byte `max + 1` is read.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, SafeFsError> {
    check_regular(path)?;
    let file = open(path).map_err(|e| SafeFsError::io(path, e))?;
    // The same check on the opened file: the path may have been swapped since.
    let meta = file.metadata().map_err(|e| SafeFsError::io(path, e))?;
    if !meta.is_file() {
        return Err(SafeFsError::NotRegular {
            path: path.display().to_string(),
            what: kind_of(&meta),
        });
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| SafeFsError::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(SafeFsError::TooLarge {
            path: path.display().to_string(),
            max,
        });
    }
    Ok(bytes)
}

/// Like [`read_capped`], as text (invalid UTF-8 replaced).
pub fn read_text_capped(path: &Path, max: u64) -> Result<String, SafeFsError> {
    let bytes = read_capped(path, max)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/index.md"), "# hi").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        let root = root.canonicalize().unwrap();
        (dir, root)
    }

    #[test]
    fn paths_resolve_inside_the_root_only() {
        let (_dir, root) = root();
        let docs = root.join("docs");
        assert_eq!(
            resolve_inside(&root, &docs, "./index.md").unwrap(),
            docs.join("index.md")
        );
        assert_eq!(
            resolve_inside(&root, &root, "docs/../docs/index.md").unwrap(),
            docs.join("index.md")
        );
        for hostile in [
            "../../secret.txt",
            "../../../secret.txt",
            "/etc/hostname",
            "/dev/zero",
            "/",
        ] {
            let err = resolve_inside(&root, &docs, hostile).unwrap_err();
            assert!(
                matches!(err, SafeFsError::Outside { .. }),
                "{hostile}: {err}"
            );
            assert!(err.to_string().contains(hostile), "{err}");
        }
        // A missing path inside is "not found", not "outside".
        assert!(
            resolve_inside(&root, &docs, "../secret.txt")
                .unwrap_err()
                .is_not_found()
        );
        assert!(
            resolve_inside(&root, &docs, "nope.md")
                .unwrap_err()
                .is_not_found()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let (dir, root) = root();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("docs/link.md"))
            .unwrap();
        let err = resolve_inside(&root, &root.join("docs"), "link.md").unwrap_err();
        assert!(matches!(err, SafeFsError::Outside { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_without_reading() {
        let err = read_capped(Path::new("/dev/zero"), 1024).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/dev/zero is a character device, not a regular file; refused"
        );
        let (_dir, root) = root();
        let fifo = root.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let err = read_capped(&fifo, 1024).unwrap_err();
            assert!(err.to_string().contains("a named pipe"), "{err}");
        }
        let err = read_capped(&root, 1024).unwrap_err();
        assert!(err.to_string().contains("a folder"), "{err}");
    }

    #[test]
    fn sizes_are_counted_while_reading() {
        let (_dir, root) = root();
        let file = root.join("big.txt");
        std::fs::write(&file, vec![b'x'; 101]).unwrap();
        assert_eq!(read_capped(&file, 101).unwrap().len(), 101);
        let err = read_capped(&file, 100).unwrap_err();
        assert!(
            matches!(err, SafeFsError::TooLarge { max: 100, .. }),
            "{err}"
        );
        assert_eq!(
            read_text_capped(&root.join("docs/index.md"), 10).unwrap(),
            "# hi"
        );
    }
}
