//! Paths written in a template, confined to a root (Backstage's `resolveSafeChildPath`):
//! folded lexically, then the deepest existing ancestor resolved with symlinks followed,
//! both inside the root.

use std::path::{Component, Path, PathBuf};

use crate::error::ScaffolderError;

/// `relative` (from template data) resolved under `root` (canonical). The target need not
/// exist; what exists of it must not leave `root` through a symlink.
pub fn safe_child(root: &Path, relative: &str) -> Result<PathBuf, ScaffolderError> {
    let outside = || ScaffolderError::refused(relative, format!("outside {}", root.display()));
    if relative.contains('\0') {
        return Err(ScaffolderError::refused(relative, "contains a NUL byte"));
    }
    let mut folded = root.to_path_buf();
    for part in Path::new(relative).components() {
        match part {
            Component::ParentDir => {
                if !folded.pop() {
                    return Err(outside());
                }
            }
            Component::CurDir => {}
            Component::Normal(p) => folded.push(p),
            Component::RootDir | Component::Prefix(_) => folded = PathBuf::from(part.as_os_str()),
        }
    }
    if !folded.starts_with(root) {
        return Err(outside());
    }
    // The deepest part that exists, with symlinks followed, must still be inside.
    let mut probe = folded.clone();
    loop {
        if std::fs::symlink_metadata(&probe).is_ok() {
            match probe.canonicalize() {
                Ok(real) if real.starts_with(root) => break,
                Ok(_) => return Err(outside()),
                // A dangling symlink: where it points is not followed here.
                Err(_) => {
                    if let Ok(target) = std::fs::read_link(&probe) {
                        let base = probe.parent().unwrap_or(root);
                        let joined = base.join(target);
                        if !lexically_inside(root, &joined) {
                            return Err(outside());
                        }
                    }
                    break;
                }
            }
        }
        if !probe.pop() || !probe.starts_with(root) {
            break;
        }
    }
    Ok(folded)
}

pub use backlot_safe_fs::lexically_inside;

/// `path` relative to `root`, `/`-separated.
pub fn relative_slash(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        assert_eq!(safe_child(&root, "a/b.txt").unwrap(), root.join("a/b.txt"));
        assert_eq!(safe_child(&root, "./a/../c").unwrap(), root.join("c"));
        assert!(safe_child(&root, "../x").is_err());
        assert!(safe_child(&root, "/etc/passwd").is_err());
        assert!(safe_child(&root, "a/../../x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_leaving_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir(&root).unwrap();
        let root = root.canonicalize().unwrap();
        std::os::unix::fs::symlink("/etc", root.join("out")).unwrap();
        std::os::unix::fs::symlink("/nowhere/at/all", root.join("dangling")).unwrap();
        assert!(safe_child(&root, "out/passwd").is_err());
        assert!(safe_child(&root, "out").is_err());
        assert!(safe_child(&root, "dangling").is_err());
    }
}
