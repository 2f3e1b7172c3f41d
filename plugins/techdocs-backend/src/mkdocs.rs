//! `mkdocs.yml`: the site name, `docs_dir`, the nav tree (written out, or made from the
//! pages when the config has none) and the markdown extensions that matter to rendering.
//! [`load`] reads it from inside the entity's folder (size-capped) and confines the paths
//! it names there ([`crate::confine`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use backlot_techdocs_common::NavNode;
use serde_json::Value;

use crate::error::{DocsError, Result};

/// What Backlot uses of an MkDocs config.
#[derive(Debug, Clone, PartialEq)]
pub struct MkDocsConfig {
    pub file: PathBuf,
    pub site_name: String,
    /// Absolute folder of the markdown sources (`docs_dir`, default `docs`); canonical
    /// once [`load`] has confined it to the entity's folder.
    pub docs_dir: PathBuf,
    /// `docs_dir` as written (`docs` when absent).
    pub docs_dir_name: String,
    /// `nav` as written, `None` when the config has none.
    pub nav: Option<Vec<NavNode>>,
    /// `markdown_extensions` names (`admonition`, `pymdownx.details`, …).
    pub extensions: Vec<String>,
}

/// mkdocs.yml files bigger than this are refused.
const MAX_MKDOCS_BYTES: u64 = 1024 * 1024;

/// Reads the config in `dir` (`mkdocs.yml`, else `mkdocs.yaml`), both canonical and `dir`
/// inside the entity's `folder`: the file itself, `docs_dir` and every `nav` page must
/// resolve inside `folder`. The config returned has its canonical `docs_dir`.
pub fn load(folder: &Path, dir: &Path) -> Result<MkDocsConfig> {
    let mut found = None;
    for name in ["mkdocs.yml", "mkdocs.yaml"] {
        match backlot_safe_fs::resolve_inside(folder, dir, name) {
            Ok(path) => {
                found = Some((dir.join(name), path));
                break;
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (file, path) = found.ok_or_else(|| DocsError::NoMkdocs {
        dir: dir.to_path_buf(),
    })?;
    let text = backlot_safe_fs::read_text_capped(&path, MAX_MKDOCS_BYTES)?;
    let mut config = parse(&file, &text)?;
    config.docs_dir = crate::confine::confine(&config, &text, folder)?;
    Ok(config)
}

/// Parses config text; `file` is for messages and to resolve `docs_dir`.
pub fn parse(file: &Path, text: &str) -> Result<MkDocsConfig> {
    let bad = |line: u64, column: u64, message: String| DocsError::BadMkdocs {
        file: file.to_path_buf(),
        line,
        column,
        message,
    };
    // MkDocs configs may carry Python tags (`!!python/name:…`) that only MkDocs can
    // resolve; none of them matter here, so they become empty values (lines unchanged).
    let text = strip_python_tags(text);
    let value: Value = serde_saphyr::from_str(&text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let first = e.to_string().lines().next().unwrap_or_default().to_string();
        // saphyr's text repeats the location; keep what follows it.
        let message = match first
            .strip_prefix("error: ")
            .filter(|r| r.starts_with("line "))
        {
            Some(rest) => rest.split_once(": ").map_or(rest, |(_, m)| m).to_string(),
            None => first,
        };
        bad(line, column, message)
    })?;
    let map = match value {
        Value::Object(map) => map,
        Value::Null => serde_json::Map::new(),
        _ => {
            return Err(bad(
                1,
                1,
                "expected a mapping of settings (site_name, nav, …)".into(),
            ));
        }
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    let site_name = match map.get("site_name") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(other) => {
            return Err(bad(
                line_of(&text, "site_name"),
                1,
                format!("site_name must be text, not {other}"),
            ));
        }
    };
    let docs_dir_name = match map.get("docs_dir") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => "docs".to_string(),
        Some(other) => {
            return Err(bad(
                line_of(&text, "docs_dir"),
                1,
                format!("docs_dir must be a folder name, not {other}"),
            ));
        }
    };
    let nav = match map.get("nav") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(nav_item)
                .collect::<std::result::Result<Vec<_>, BadNavEntry>>()
                .map_err(|e| bad(line_of(&text, "nav"), 1, e.0))?,
        ),
        Some(_) => {
            return Err(bad(
                line_of(&text, "nav"),
                1,
                "nav must be a list of pages and sections".into(),
            ));
        }
    };
    let extensions = match map.get("markdown_extensions") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Object(m) => m.keys().next().cloned(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(MkDocsConfig {
        file: file.to_path_buf(),
        site_name,
        docs_dir: dir.join(&docs_dir_name),
        docs_dir_name,
        nav,
        extensions,
    })
}

fn strip_python_tags(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("!!python/") {
            Some(at) => {
                let end = line[at..]
                    .find(char::is_whitespace)
                    .map_or(line.len(), |e| at + e);
                format!("{}{}", &line[..at], &line[end..])
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The 1-based line where top-level `key:` is written (1 if not found).
pub fn line_of(text: &str, key: &str) -> u64 {
    text.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        .map_or(1, |i| i as u64 + 1)
}

/// Why a `nav` entry cannot be read; reported with the line of `nav:` (see `bad`).
#[derive(Debug)]
struct BadNavEntry(String);

fn nav_item(item: &Value) -> std::result::Result<NavNode, BadNavEntry> {
    match item {
        // `- page.md`: titled later from the page.
        Value::String(page) => Ok(NavNode {
            title: String::new(),
            page: Some(page.clone()),
            children: Vec::new(),
        }),
        Value::Object(map) if map.len() == 1 => {
            let (title, target) = map
                .iter()
                .next()
                .ok_or_else(|| BadNavEntry("empty nav entry".into()))?;
            match target {
                Value::String(page) => Ok(NavNode {
                    title: title.clone(),
                    page: Some(page.clone()),
                    children: Vec::new(),
                }),
                Value::Array(children) => Ok(NavNode {
                    title: title.clone(),
                    page: None,
                    children: children.iter().map(nav_item).collect::<Result<_, _>>()?,
                }),
                other => Err(BadNavEntry(format!(
                    "nav entry “{title}” must name a page or list a section, not {other}"
                ))),
            }
        }
        other => Err(BadNavEntry(format!(
            "nav entries are `- page.md`, `- Title: page.md` or `- Section: [...]`, not {other}"
        ))),
    }
}

/// A nav made from the site's pages (paths relative to the docs folder) when the config
/// has none: `index.md` (or `README.md`) first, then files, then folders as sections,
/// alphabetically.
pub fn nav_from_pages<'a>(pages: impl IntoIterator<Item = &'a str>) -> Vec<NavNode> {
    #[derive(Default)]
    struct Folder {
        files: Vec<String>,
        folders: BTreeMap<String, Folder>,
    }
    fn nodes(folder: Folder) -> Vec<NavNode> {
        let mut files = folder.files;
        files.sort_by_key(|page| {
            let name = page.rsplit('/').next().unwrap_or(page);
            (!is_index(name), name.to_lowercase())
        });
        let mut out: Vec<NavNode> = files
            .into_iter()
            .map(|page| NavNode {
                title: String::new(),
                page: Some(page),
                children: Vec::new(),
            })
            .collect();
        let mut folders: Vec<(String, Folder)> = folder.folders.into_iter().collect();
        folders.sort_by_key(|(name, _)| name.to_lowercase());
        for (name, folder) in folders {
            let children = nodes(folder);
            if !children.is_empty() {
                out.push(NavNode {
                    title: title_from_name(&name),
                    page: None,
                    children,
                });
            }
        }
        out
    }
    let mut root = Folder::default();
    for page in pages {
        let mut folder = &mut root;
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in parts {
            folder = folder.folders.entry(part.to_string()).or_default();
        }
        folder.files.push(page.to_string());
    }
    nodes(root)
}

pub fn is_index(name: &str) -> bool {
    name.eq_ignore_ascii_case("index.md") || name.eq_ignore_ascii_case("readme.md")
}

/// `getting-started.md` → `Getting started`.
pub fn title_from_name(name: &str) -> String {
    let stem = name
        .strip_suffix(".md")
        .unwrap_or(name)
        .replace(['-', '_'], " ");
    let mut chars = stem.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_config() {
        let text = "site_name: My Docs\ndocs_dir: src\nnav:\n  - Home: index.md\n  - Guide:\n      - guide/a.md\n      - B: guide/b.md\nmarkdown_extensions:\n  - admonition\n  - toc:\n      permalink: true\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n";
        let c = parse(Path::new("/x/mkdocs.yml"), text).unwrap();
        assert_eq!(c.site_name, "My Docs");
        assert_eq!(c.docs_dir, Path::new("/x/src"));
        let nav = c.nav.unwrap();
        assert_eq!(
            nav[0],
            NavNode {
                title: "Home".into(),
                page: Some("index.md".into()),
                children: vec![]
            }
        );
        assert_eq!(nav[1].title, "Guide");
        assert_eq!(nav[1].children[1].page.as_deref(), Some("guide/b.md"));
        assert_eq!(c.extensions, ["admonition", "toc", "pymdownx.emoji"]);
    }

    #[test]
    fn broken_configs_say_where() {
        let e = parse(
            Path::new("/x/mkdocs.yml"),
            "site_name: ok\nnav: [a.md\n  b: : c\n",
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("/x/mkdocs.yml:"), "{msg}");
        assert!(
            matches!(e, DocsError::BadMkdocs { line, .. } if line >= 2),
            "{msg}"
        );
        let e = parse(Path::new("/x/mkdocs.yml"), "site_name: x\n\nnav:\n  - 3\n").unwrap_err();
        assert!(e.to_string().starts_with("/x/mkdocs.yml:3:"), "{e}");
        assert!(parse(Path::new("/x/mkdocs.yml"), "- a\n- b\n").is_err());
    }

    #[test]
    fn a_nav_from_pages_puts_the_index_and_files_first() {
        let nav = nav_from_pages(["b.md", "guide/z.md", "guide/index.md", "a.md", "index.md"]);
        let pages: Vec<Option<&str>> = nav.iter().map(|n| n.page.as_deref()).collect();
        assert_eq!(pages, [Some("index.md"), Some("a.md"), Some("b.md"), None]);
        assert_eq!(nav[3].title, "Guide");
        let children: Vec<Option<&str>> =
            nav[3].children.iter().map(|n| n.page.as_deref()).collect();
        assert_eq!(children, [Some("guide/index.md"), Some("guide/z.md")]);
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_name("getting-started.md"), "Getting started");
        assert_eq!(title_from_name("examples"), "Examples");
    }
}
