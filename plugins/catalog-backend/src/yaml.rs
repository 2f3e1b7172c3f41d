//! Multi-document YAML that loses nothing to one broken document: the text is split on
//! document markers first, each document is parsed on its own with resource limits (alias
//! bombs, deep nesting, huge inputs are refused), and errors carry file-relative positions.

use serde_json::Value;

/// Largest catalog file read (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document {
    /// 0-based index among the file's non-empty documents.
    pub index: u64,
    /// 1-based line where the document's content starts.
    pub line: u64,
    pub content: Result<Value, SyntaxError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 200_000;
    budget.max_events = 1_000_000;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Is this line a document start (`---`) or end (`...`) marker?
fn marker(line: &str) -> Option<bool> {
    let rest_ok = |r: &str| r.is_empty() || r.starts_with([' ', '\t', '\r']);
    if let Some(r) = line.strip_prefix("---") {
        return rest_ok(r).then_some(true);
    }
    if let Some(r) = line.strip_prefix("...") {
        return rest_ok(r).then_some(false);
    }
    None
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#') || t.starts_with('%')
}

/// Splits `text` into documents and parses each one.
pub fn parse_documents(text: &str) -> Vec<Document> {
    // (first line number, lines) per chunk; a `---` line starts a chunk and stays in it (it may
    // carry content such as `--- {a: 1}`), a `...` line ends one.
    let mut chunks: Vec<(u64, Vec<&str>)> = vec![(1, Vec::new())];
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        match marker(line) {
            Some(true) => chunks.push((n, vec![line])),
            Some(false) => chunks.push((n + 1, Vec::new())),
            None => {
                if let Some(last) = chunks.last_mut() {
                    last.1.push(line);
                }
            }
        }
    }
    let mut docs = Vec::new();
    for (start, lines) in chunks {
        let content_offset = lines
            .iter()
            .position(|l| !is_blank_or_comment(l) && marker(l) != Some(true));
        let has_inline = lines
            .first()
            .is_some_and(|l| marker(l) == Some(true) && !is_blank_or_comment(&l[3..]));
        let Some(offset) = content_offset.or(if has_inline { Some(0) } else { None }) else {
            continue;
        };
        let body = lines.join("\n");
        let index = docs.len() as u64;
        let line = start + offset as u64;
        let content = match serde_saphyr::from_str_with_options::<Value>(&body, options()) {
            Ok(Value::Null) => continue,
            Ok(v) => Ok(v),
            Err(e) => {
                let (l, c) = e
                    .location()
                    .map_or((0, 0), |loc| (loc.line(), loc.column()));
                let message = first_line(&e.to_string());
                Err(SyntaxError {
                    line: start + l.saturating_sub(1),
                    column: c.max(1),
                    message,
                })
            }
        };
        docs.push(Document {
            index,
            line,
            content,
        });
    }
    docs
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or("invalid YAML")
        .trim()
        .to_string()
}

/// Parses a single YAML document (used by `$yaml` placeholders).
pub fn parse_one(text: &str) -> Result<Value, SyntaxError> {
    match parse_documents(text).into_iter().next() {
        None => Ok(Value::Null),
        Some(doc) => doc.content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_and_keeps_positions() {
        let text = "# header\napiVersion: v1\nkind: A\n---\nkind: B\n---\n\n# c\nkind: C\n";
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), [2, 5, 9]);
        assert_eq!(docs[2].content.as_ref().unwrap()["kind"], "C");
    }

    #[test]
    fn a_broken_document_does_not_lose_the_others() {
        let text = "kind: A\n---\nkind: [unclosed\nname: x\n---\nkind: C\n";
        let docs = parse_documents(text);
        assert_eq!(docs.len(), 3);
        assert!(docs[0].content.is_ok());
        let err = docs[1].content.as_ref().unwrap_err();
        assert!(err.line >= 3 && err.line <= 5, "{err:?}");
        assert_eq!(docs[2].content.as_ref().unwrap()["kind"], "C");
    }

    #[test]
    fn empty_documents_and_end_markers_are_skipped() {
        let docs = parse_documents("---\n---\n# only a comment\n---\nkind: A\n...\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].index, 0);
        assert_eq!(docs[0].line, 5);
    }

    #[test]
    fn inline_document_after_marker() {
        let docs = parse_documents("--- {kind: A}\n");
        assert_eq!(docs[0].content.as_ref().unwrap()["kind"], "A");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let docs = parse_documents(&text);
        assert!(docs[0].content.is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(parse_documents(&text)[0].content.is_err());
        let text: String = (0..500)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        assert!(parse_documents(&text)[0].content.is_err());
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        for text in [
            "\u{0}\u{1}",
            "key: \"unterminated",
            ": : :",
            "- [a\n- b",
            "{{{{",
            "a: !!binary zzz",
            "? [a]\n: b",
        ] {
            let _ = parse_documents(text);
        }
    }
}
