//! Property tests of multi-document YAML ingestion, through `validate` on real files:
//! arbitrary bytes and YAML-ish text never panic and report positions inside the file; in a
//! file of valid entities mixed with broken documents (any split, any separator), every
//! valid entity is found, valid, at its own line, in file order.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use backlot_catalog_backend::{FileSelection, ValidationOutcome, validate};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

thread_local! {
    /// One folder per test thread, its catalog file rewritten for each case.
    static DIR: tempfile::TempDir = tempfile::tempdir().unwrap();
}

/// Writes `bytes` as the thread's catalog file and validates it.
fn validate_bytes(bytes: &[u8]) -> ValidationOutcome {
    let path = DIR.with(|d| d.path().join("catalog-info.yaml"));
    std::fs::write(&path, bytes).unwrap();
    validate(&[path], &FileSelection::default())
}

/// Pieces of YAML syntax (and of Backstage descriptors) that tend to break parsers.
const YAML_TOKENS: &[&str] = &[
    "\n",
    "\n",
    "\n",
    " ",
    "  ",
    "    ",
    "\t",
    "\r",
    "\r\n",
    "-",
    "- ",
    ":",
    ": ",
    "---",
    "...",
    "--- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "!local ",
    "!!map ",
    "|",
    "|-",
    ">",
    ">+",
    "\"",
    "'",
    "\\",
    "#",
    "# c",
    "? ",
    "%YAML 1.2",
    "%TAG ! tag:x,2000:",
    "~",
    "null",
    "true",
    "0x1F",
    "1e999",
    "-.inf",
    ".nan",
    "007",
    "\u{feff}",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "é",
    "😀",
    "kind: Component",
    "apiVersion: backstage.io/v1alpha1",
    "metadata:",
    "  name: x",
    "name: y",
    "spec:",
    "  owner: team-a",
    "kind: Location",
    "target: ./x.yaml",
    "{$text: ./catalog-info.yaml}",
    "{$yaml: catalog-info.yaml}",
    "{$json: ../../etc/passwd}",
    "$text: /etc/hostname",
    "relations: []",
    "metadata: {name: z, namespace: Ns}",
];

fn yaml_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(YAML_TOKENS).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            1 => "[a-z]{1,6}",
        ],
        0..120,
    )
    .prop_map(|t| t.concat())
}

/// Text that `parse_documents` can never split: no line starts a `---` or `...` marker.
fn unsplittable(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.starts_with("---") || line.starts_with("...") {
                format!("x{line}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How a valid Component document is written.
#[derive(Debug, Clone)]
enum Style {
    Block,
    /// Blank lines and comments before it, a comment at the end of lines.
    Commented,
    Flow,
    Quoted,
    /// On the `---` line itself: `--- {apiVersion: …}` (only after a separator).
    Inline,
}

#[derive(Debug, Clone)]
enum Doc {
    Valid(Style),
    Broken(String),
}

fn doc() -> impl Strategy<Value = Doc> {
    prop_oneof![
        1 => prop::sample::select(vec![Style::Block, Style::Commented, Style::Flow, Style::Quoted, Style::Inline])
            .prop_map(Doc::Valid),
        1 => yaml_ish().prop_map(|t| Doc::Broken(unsplittable(&t))),
        1 => prop::sample::select(vec![
            // Broken in every way a hand-written file is: syntax, indentation, shape, entity.
            "kind: [unclosed\nmetadata:\n  name: x",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n metadata:\n   name: a\n  spec: {}",
            "key: \"unterminated",
            "\tkind: Component",
            "- a\n- b",
            "just a string",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: -bad-\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a",
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service}",
            "a: &a [*a]",
            "{{{{",
            "? [a]\n: b",
            "a: !!binary zzz",
            "%YAML 1.2\n%YAML 1.2",
            "# only a comment",
            "",
            "~",
        ])
        .prop_map(|s| Doc::Broken(s.to_owned())),
    ]
}

/// Lines of a valid Component named `name`; the index of the line its content starts on.
fn valid_lines(name: &str, style: &Style) -> (Vec<String>, usize) {
    let spec = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a";
    let text = match style {
        Style::Block | Style::Inline => format!(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n{spec}"
        ),
        Style::Commented => format!(
            "\n# the {name} service\n\napiVersion: backstage.io/v1alpha1 # v1\nkind: Component\nmetadata:\n  # its name\n  name: {name}\n  tags: [a, b] # tags\n{spec}\n# end"
        ),
        Style::Flow => format!(
            "{{apiVersion: backstage.io/v1alpha1, kind: Component,\n  metadata: {{name: {name}, annotations: {{a/b: \"c: d\"}}}},\n  spec: {{type: service, lifecycle: production, owner: team-a}}}}"
        ),
        Style::Quoted => format!(
            "\"apiVersion\": 'backstage.io/v1alpha1'\n'kind': \"Component\"\nmetadata:\n  \"name\": '{name}'\n  description: |\n    Line one: with a colon\n    --- not a marker, indented\n{spec}"
        ),
    };
    let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let first = lines
        .iter()
        .position(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .unwrap();
    (lines, first)
}

/// A separator between two documents: the lines it takes.
fn separator(kind: u8) -> Vec<&'static str> {
    match kind % 6 {
        0 => vec!["---"],
        1 => vec!["--- "],
        2 => vec!["---\t# next"],
        3 => vec!["...", "---"],
        4 => vec!["..."],
        _ => vec!["---", "# between", ""],
    }
}

/// Builds the file; returns it and, per valid document, (name, 1-based line it starts at).
fn build(docs: &[Doc], seps: &[u8], lead: u8, crlf: bool) -> (String, Vec<(String, u64)>) {
    let mut lines: Vec<String> = Vec::new();
    let mut expected = Vec::new();
    match lead % 4 {
        0 => {}
        1 => lines.push("---".into()),
        2 => lines.extend(["# catalog".to_owned(), "---".to_owned()]),
        _ => lines.extend(["%YAML 1.2".to_owned(), "---".to_owned()]),
    }
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            lines.extend(
                separator(seps[i % seps.len()])
                    .into_iter()
                    .map(str::to_owned),
            );
        }
        match d {
            Doc::Valid(style) => {
                let name = format!("svc-{i}");
                let after_marker = lines.last().is_some_and(|l| l.starts_with("---"));
                if matches!(style, Style::Inline) && after_marker {
                    // `--- {…}` on the marker line itself.
                    lines.pop();
                    lines.push(format!(
                        "--- {{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {{name: {name}}}, spec: {{type: service, lifecycle: production, owner: team-a}}}}"
                    ));
                    expected.push((name, lines.len() as u64));
                } else {
                    let (body, first) = valid_lines(&name, style);
                    expected.push((name, (lines.len() + first + 1) as u64));
                    lines.extend(body);
                }
            }
            Doc::Broken(text) => lines.extend(text.split('\n').map(str::to_owned)),
        }
    }
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    text.push_str(newline);
    (text, expected)
}

/// Lines as an editor counts them (`\r\n`, `\n` and a lone `\r` each end one): the YAML
/// parser breaks lines at a lone `\r` too.
fn line_count(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let breaks = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_yaml.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_yaml.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any bytes at all (invalid UTF-8 included): no panic; every position is in the file.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let out = validate_bytes(&bytes);
        let lines = line_count(&String::from_utf8_lossy(&bytes));
        for r in &out.results {
            prop_assert!((1..=lines + 1).contains(&r.line), "{:?} of {} lines", r, lines);
        }
    }

    /// YAML-ish token soup (anchors, tags, flow and block, markers, placeholders): no panic;
    /// every result and problem points at a line of the file.
    #[test]
    fn yaml_soup_never_panics(text in yaml_ish()) {
        let out = validate_bytes(text.as_bytes());
        let lines = line_count(&text);
        for r in &out.results {
            prop_assert!((1..=lines + 1).contains(&r.line), "{:?} of {} lines", r, lines);
            prop_assert_eq!(r.valid, r.errors.is_empty(), "{:?}", r);
        }
        for p in &out.problems {
            if let Some(line) = p.line {
                prop_assert!((1..=lines + 1).contains(&line), "{:?} of {} lines", p, lines);
            }
        }
    }

    /// Valid entities next to broken documents, split at random, with any of the document
    /// separators, LF or CRLF: each valid one is reported valid, at its first content line,
    /// in file order; broken ones never take a valid one down with them.
    #[test]
    fn each_valid_document_survives_next_to_broken_ones(
        docs in prop::collection::vec(doc(), 1..8),
        seps in prop::collection::vec(any::<u8>(), 1..8),
        lead in any::<u8>(),
        crlf in any::<bool>(),
    ) {
        let (text, expected) = build(&docs, &seps, lead, crlf);
        let out = validate_bytes(text.as_bytes());
        let mut found: Vec<(String, u64)> = Vec::new();
        for r in &out.results {
            let Some(name) = r.name.as_deref().filter(|n| n.starts_with("svc-")) else {
                continue;
            };
            prop_assert!(r.valid, "{} at line {} reported invalid: {:?}\n{}", name, r.line, r.errors, text);
            found.push((name.to_owned(), r.line));
        }
        prop_assert_eq!(&found, &expected, "\n{}", text);
        for r in out.results.iter().filter(|r| r.valid) {
            prop_assert_eq!(r.kind.as_deref(), Some("Component"));
            prop_assert_eq!(r.namespace.as_deref(), Some("default"));
        }
        let documents: Vec<u64> = out.results.iter().map(|r| r.document).collect();
        prop_assert!(documents.windows(2).all(|w| w[0] < w[1]), "{:?}", documents);
    }
}

#[test]
fn a_byte_order_mark_does_not_lose_the_first_document() {
    let doc = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
    for text in [
        format!("\u{feff}{doc}"),
        format!("\u{feff}---\n{doc}"),
        format!(
            "\u{feff}# c\n{doc}---\n{}",
            doc.replace("name: a", "name: b")
        ),
    ] {
        let out = validate_bytes(text.as_bytes());
        assert!(
            out.results
                .iter()
                .any(|r| r.valid && r.name.as_deref() == Some("a")),
            "{text:?}: {:#?}",
            out.results
        );
    }
}
