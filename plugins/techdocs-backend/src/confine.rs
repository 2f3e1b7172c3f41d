//! The paths an `mkdocs.yml` names — `docs_dir` and every page of `nav` — confined to the
//! entity's folder with the semantics of Backstage's `resolveSafeChildPath` (joined,
//! symlinks followed, the result inside the folder). An entry that leads out
//! (`../../x.md`, `/etc/hostname`, `/dev/zero`, `docs_dir: /`, a symlink out) makes the
//! config invalid, reported at the line (and column) that names it. Nav pages are relative
//! to `docs_dir`, as in MkDocs; URLs (`://`) are external links and stay allowed.

use std::path::{Path, PathBuf};

use backlot_safe_fs::{SafeFsError, resolve_inside};
use backlot_techdocs_common::NavNode;

use crate::error::{DocsError, Result};
use crate::mkdocs::{MkDocsConfig, line_of};

/// Checks `config` (read from `text`) against the entity's canonical `folder`; returns the
/// canonical docs folder.
pub fn confine(config: &MkDocsConfig, text: &str, folder: &Path) -> Result<PathBuf> {
    let dir = config.file.parent().unwrap_or(folder);
    let name = &config.docs_dir_name;
    let outside = |line: u64, column: u64, what: String| DocsError::BadMkdocs {
        file: config.file.clone(),
        line,
        column,
        message: format!(
            "{what} leads outside the entity's folder {}; refused",
            folder.display()
        ),
    };
    let no_docs_dir = || DocsError::NoDocsDir {
        file: config.file.clone(),
        docs_dir: name.clone(),
    };
    let docs_dir = match resolve_inside(folder, dir, name) {
        Ok(path) if path.is_dir() => path,
        Ok(_) => return Err(no_docs_dir()),
        Err(SafeFsError::Outside { .. }) => {
            let line = line_of(text, "docs_dir");
            let column = column_in(text, line, name).unwrap_or(1);
            return Err(outside(line, column, format!("docs_dir “{name}”")));
        }
        Err(_) => return Err(no_docs_dir()),
    };
    let mut pages = Vec::new();
    pages_of(config.nav.as_deref().unwrap_or_default(), &mut pages);
    for page in pages {
        if let Err(SafeFsError::Outside { .. }) = resolve_inside(folder, &docs_dir, page) {
            let (line, column) = entry_position(text, page);
            return Err(outside(line, column, format!("nav entry “{page}”")));
        }
    }
    Ok(docs_dir)
}

/// Every page the nav names, URLs left out.
fn pages_of<'a>(nav: &'a [NavNode], out: &mut Vec<&'a str>) {
    for node in nav {
        if let Some(page) = node.page.as_deref().filter(|p| !p.contains("://")) {
            out.push(page);
        }
        pages_of(&node.children, out);
    }
}

/// Where nav entry `page` is written: the first line from `nav:` on that holds it as a
/// whole scalar, else the line of `nav:` (column 1).
fn entry_position(text: &str, page: &str) -> (u64, u64) {
    let nav = line_of(text, "nav");
    text.lines()
        .enumerate()
        .skip(nav.saturating_sub(1) as usize)
        .find_map(|(i, line)| scalar_at(line, page).map(|column| (i as u64 + 1, column)))
        .unwrap_or((nav, 1))
}

/// The 1-based column of `value` on 1-based `line` of `text`, when written there.
fn column_in(text: &str, line: u64, value: &str) -> Option<u64> {
    let line = text.lines().nth(line.checked_sub(1)? as usize)?;
    scalar_at(line, value)
}

/// The 1-based column (in characters) where `value` stands alone in `line`: not part of a
/// longer path (`a.md` does not match `b/a.md`).
fn scalar_at(line: &str, value: &str) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    let opens = |c: Option<char>| c.is_none_or(|c| " \t'\"[,:".contains(c));
    let closes = |c: Option<char>| c.is_none_or(|c| " \t'\",]}#".contains(c));
    let mut from = 0;
    while let Some(at) = line[from..].find(value).map(|a| a + from) {
        let end = at + value.len();
        if opens(line[..at].chars().next_back()) && closes(line[end..].chars().next()) {
            return Some(line[..at].chars().count() as u64 + 1);
        }
        from = at + line[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_on_their_own_line() {
        let text = "site_name: x\nnav:\n  - b/a.md\n  - Title: \"a.md\"\n  - /dev/zero\n";
        assert_eq!(entry_position(text, "a.md"), (4, 13));
        assert_eq!(entry_position(text, "/dev/zero"), (5, 5));
        // Not written as such (flow style across lines, escapes): the line of `nav:`.
        assert_eq!(entry_position(text, "c.md"), (2, 1));
        assert_eq!(scalar_at("nav: [x.md, ../../x.md]", "../../x.md"), Some(13));
        assert_eq!(scalar_at("docs_dir: /", "/"), Some(11));
    }
}
