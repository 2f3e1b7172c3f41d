//! Property tests of app-config `${…}` substitution, through `Config::from_yaml`:
//! - it never panics, whatever the text or the environment;
//! - it gives what Backstage's substitution transform gives (packages/config-loader: the
//!   value split on `/(\$?\$\{[^{}]*\})/`, `$${…}` → `${…}`, `${NAME}` → the trimmed
//!   variable, an unset one drops the value), with Backlot's `${secret:NAME}` kept as a
//!   reference;
//! - it substitutes nothing it was not asked for: the environment is only asked for names
//!   written as `${NAME}` (not escaped), in order, once per occurrence; keys are never
//!   substituted; a variable's value is inserted as is (never substituted again).
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use backlot_config::{Config, ConfigError, Node, Part, Value};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use regex::Regex;

/// Backstage's token: `\$?\$\{[^{}]*\}`.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$?\$\{[^{}]*\}").unwrap());

/// What a value becomes.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Parts(Vec<Part>),
    /// Undefined: an unset variable (or `${}`); the key is dropped.
    Dropped,
    /// A `${secret:…}` whose name is not a keychain name: an error.
    BadSecret,
}

fn valid_secret_name(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Backstage's transform on `input` (+ secrets), and the variables it reads, in order.
/// When a value both reads an unset variable and names a bad secret, either outcome is
/// acceptable (Backstage has no secrets); `both` says so.
fn reference(input: &str, env: &BTreeMap<String, String>) -> (Outcome, Vec<String>, bool) {
    let mut parts: Vec<Part> = Vec::new();
    let mut literal = String::new();
    let mut asked = Vec::new();
    let (mut missing, mut bad_secret) = (false, false);
    let mut last = 0;
    for m in TOKEN.find_iter(input) {
        literal.push_str(&input[last..m.start()]);
        last = m.end();
        let token = m.as_str();
        if let Some(escaped) = token.strip_prefix('$').filter(|t| t.starts_with("${")) {
            literal.push_str(escaped);
            continue;
        }
        let name = token[2..token.len() - 1].trim();
        if let Some(secret) = name.strip_prefix("secret:") {
            let secret = secret.trim();
            if valid_secret_name(secret) {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
                parts.push(Part::Secret(secret.to_owned()));
            } else {
                bad_secret = true;
            }
            continue;
        }
        asked.push(name.to_owned());
        match env.get(name) {
            Some(value) => literal.push_str(value),
            None => missing = true,
        }
    }
    literal.push_str(&input[last..]);
    parts.push(Part::Literal(literal));
    let outcome = if missing {
        Outcome::Dropped
    } else if bad_secret {
        Outcome::BadSecret
    } else {
        Outcome::Parts(merge(parts))
    };
    (outcome, asked, missing && bad_secret)
}

/// Adjacent literals joined, empty ones left out (a template's normal form).
fn merge(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for part in parts {
        match (out.last_mut(), part) {
            (_, Part::Literal(s)) if s.is_empty() => {}
            (Some(Part::Literal(prev)), Part::Literal(s)) => prev.push_str(&s),
            (_, p) => out.push(p),
        }
    }
    out
}

/// A YAML double-quoted scalar holding exactly `s`.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}'
                if !matches!(c, '\u{2028}' | '\u{2029}') =>
            {
                out.push(c)
            }
            c if (c as u32) > 0xffff => out.push(c),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Config text with `value` under `custom.v` and as the items of `custom.list`.
fn document(value: &str) -> String {
    let q = yaml_quoted(value);
    format!("custom:\n  v: {q}\n  list: [{q}, \"plain\", {q}]\n")
}

fn text_value(node: &Node) -> Option<Vec<Part>> {
    match &node.value {
        Value::Text(t) => Some(t.parts().to_vec()),
        _ => None,
    }
}

/// Substitution-heavy text: the pieces Backstage's regex cares about, names, secrets.
fn template_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(vec![
                "$", "$", "$$", "{", "}", "${", "$${", "A", "B", "C", "HOME_DIR", " ", "  ",
                "secret:", "secret: ", "tok", "x", ":", "/", "é", "😀", "\\", "\"", "\n",
                "${A}", "$${A}", "$$${A}", "${ A }", "${B}", "${MISSING}", "${}", "${ }",
                "${secret:tok}", "${ secret: tok.v-1 }", "${secret:bad/name}", "${secret:}",
                "${SECRET:tok}", "${A${B}}", "${{A}}",
            ])
            .prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..14,
    )
    .prop_map(|p| p.concat())
}

/// An environment: some of the names the texts use, with values that look like tokens.
fn environment() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        prop::sample::select(vec![
            "A",
            "B",
            "C",
            "HOME_DIR",
            "",
            "tok",
            "secret:tok",
            "A}",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![
            "1",
            "value",
            "",
            "${B}",
            "$${A}",
            "${secret:tok}",
            "{",
            "}",
            "$",
            " sp ",
        ])
        .prop_map(str::to_owned),
        0..6,
    )
}

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_substitution.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_substitution.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any YAML text, any environment: a config or an error, never a panic.
    #[test]
    fn any_text_never_panics(text in prop_oneof![any::<String>(), template_text()], env in environment()) {
        let _ = Config::from_yaml("fuzz.yaml", &text, &|n: &str| env.get(n).cloned());
        let _ = Config::from_yaml("fuzz.yaml", &document(&text), &|n: &str| env.get(n).cloned());
    }

    /// Every string value comes out as Backstage's transform makes it, and the environment
    /// is asked only for what the value names.
    #[test]
    fn substitution_matches_backstage(
        value in prop_oneof![3 => template_text(), 1 => any::<String>()],
        env in environment(),
    ) {
        let asked = RefCell::new(Vec::new());
        let lookup = |name: &str| {
            asked.borrow_mut().push(name.to_owned());
            env.get(name).cloned()
        };
        let loaded = Config::from_yaml("fuzz.yaml", &document(&value), &lookup);
        let (expected, names, either) = reference(&value, &env);
        let asked = asked.into_inner();
        // Each of the value's three occurrences asks the same prefix of Backstage's lookups,
        // in order (it stops at the first unset one, or at a bad secret before the list).
        let repeated = |k: usize| {
            let m = asked.len() / k;
            asked.len() % k == 0
                && m <= names.len()
                && asked.chunks(m.max(1)).all(|c| c == &names[..m])
        };
        prop_assert!(
            asked.is_empty() || (1..=3).any(repeated),
            "asked {:?} for a value naming {:?}", asked, names
        );
        let outcome = match &loaded {
            Err(ConfigError::Invalid { key, .. }) => {
                prop_assert!(key == "custom.v" || key.starts_with("custom.list"), "{}", key);
                Outcome::BadSecret
            }
            Err(e) => return Err(TestCaseError::fail(format!("unexpected error {e}"))),
            Ok(config) => {
                let custom = config.tree.get("custom").unwrap();
                let list: Vec<Option<Vec<Part>>> = match custom.get("list").map(|n| &n.value) {
                    Some(Value::Seq(items)) => items.iter().map(text_value).collect(),
                    other => return Err(TestCaseError::fail(format!("list: {other:?}"))),
                };
                match custom.get("v") {
                    None => {
                        // Dropped from the list too, where "plain" stays.
                        prop_assert_eq!(list.len(), 1);
                        prop_assert!(config.warnings.iter().any(|w| w.key == "custom.v"), "{:?}", config.warnings);
                        Outcome::Dropped
                    }
                    Some(node) => {
                        let parts = text_value(node).unwrap();
                        prop_assert_eq!(list.len(), 3);
                        prop_assert_eq!(list[0].as_ref(), Some(&parts));
                        prop_assert_eq!(list[2].as_ref(), Some(&parts));
                        let secrets: Vec<String> = parts
                            .iter()
                            .filter_map(|p| match p {
                                Part::Secret(s) => Some(s.clone()),
                                Part::Literal(_) => None,
                            })
                            .collect();
                        for s in &secrets {
                            prop_assert!(config.secret_names.contains(s), "{} not listed", s);
                        }
                        Outcome::Parts(parts)
                    }
                }
            }
        };
        if either {
            prop_assert!(matches!(outcome, Outcome::Dropped | Outcome::BadSecret), "{:?}", outcome);
        } else {
            if matches!(outcome, Outcome::Parts(_)) {
                prop_assert_eq!(&asked, &[names.clone(), names.clone(), names.clone()].concat());
            }
            prop_assert_eq!(outcome, expected, "value {:?}", value);
        }
    }

    /// Text without `${` is left exactly as written and asks the environment nothing.
    #[test]
    fn text_without_tokens_is_untouched(value in any::<String>().prop_filter("no ${", |v| !v.contains("${"))) {
        let asked = RefCell::new(0u32);
        let loaded = Config::from_yaml("fuzz.yaml", &document(&value), &|_: &str| {
            *asked.borrow_mut() += 1;
            Some("SUBSTITUTED".to_owned())
        })
        .unwrap();
        prop_assert_eq!(asked.into_inner(), 0);
        let node = loaded.tree.path("custom.v").unwrap();
        let expected = if value.is_empty() { vec![] } else { vec![Part::Literal(value.clone())] };
        prop_assert_eq!(text_value(node), Some(expected));
    }

    /// `$${…}` is the literal `${…}` whatever is inside (no lookup, no secret), and so is
    /// the `$${X}` of `$$${X}` (after a literal `$`), as Backstage's tests say.
    #[test]
    fn escapes_are_literal(inner in "[^{}]*", name in "[A-Z_]{1,8}") {
        let never = |n: &str| -> Option<String> { panic!("asked for {n:?} inside an escape") };
        let loaded = Config::from_yaml("fuzz.yaml", &document(&format!("$${{{inner}}}")), &never).unwrap();
        prop_assert_eq!(
            text_value(loaded.tree.path("custom.v").unwrap()),
            Some(vec![Part::Literal(format!("${{{inner}}}"))])
        );
        let loaded = Config::from_yaml("fuzz.yaml", &document(&format!("$$${{{name}}}")), &never).unwrap();
        prop_assert_eq!(
            text_value(loaded.tree.path("custom.v").unwrap()),
            Some(vec![Part::Literal(format!("$${{{name}}}"))])
        );
        let env = |n: &str| (n == name).then(|| "v".to_owned());
        let loaded = Config::from_yaml("fuzz.yaml", &document(&format!("$ ${{{name}}}$")), &env).unwrap();
        prop_assert_eq!(
            text_value(loaded.tree.path("custom.v").unwrap()),
            Some(vec![Part::Literal("$ v$".to_owned())])
        );
    }

    /// Keys are never substituted, and a value that comes from a variable is not substituted
    /// again.
    #[test]
    fn keys_and_variable_values_are_not_substituted(name in "[A-Z]{1,6}", nested in "\\$\\{[A-Z]{1,6}\\}") {
        let text = format!("custom:\n  \"${{{name}}}\": k\n  v: \"${{{name}}}\"\n");
        let asked = RefCell::new(Vec::new());
        let loaded = Config::from_yaml("fuzz.yaml", &text, &|n: &str| {
            asked.borrow_mut().push(n.to_owned());
            Some(nested.clone())
        })
        .unwrap();
        let custom = loaded.tree.get("custom").unwrap();
        let key = format!("${{{name}}}");
        prop_assert!(custom.get(&key).is_some(), "key {:?} lost", key);
        prop_assert_eq!(asked.into_inner(), vec![name.clone()]);
        prop_assert_eq!(
            text_value(custom.get("v").unwrap()),
            Some(vec![Part::Literal(nested.clone())])
        );
    }
}

#[test]
fn backstage_examples() {
    let env: BTreeMap<String, String> = [("SECRET", "my-secret"), ("TOKEN", "my-token")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    for (input, want) in [
        (
            "${SECRET      } $${} ${TOKEN }",
            Some("my-secret ${} my-token"),
        ),
        (
            "foo ${SECRET} $$${ESCAPE_ME}",
            Some("foo my-secret $${ESCAPE_ME}"),
        ),
        (
            "foo $${ESCAPE_ME} $$${ESCAPE_ME_TOO} $${}",
            Some("foo ${ESCAPE_ME} $${ESCAPE_ME_TOO} ${}"),
        ),
        ("empty substitute ${}", None),
        ("a ${SECRET", Some("a ${SECRET")),
        ("${a${TOKEN}}", Some("${amy-token}")),
    ] {
        let (outcome, _, _) = reference(input, &env);
        let expected = match want {
            Some(s) => Outcome::Parts(vec![Part::Literal(s.to_owned())]),
            None => Outcome::Dropped,
        };
        assert_eq!(outcome, expected, "reference model on {input:?}");
        let loaded =
            Config::from_yaml("t.yaml", &document(input), &|n: &str| env.get(n).cloned()).unwrap();
        assert_eq!(
            loaded.tree.path("custom.v").and_then(text_value),
            want.map(|s| vec![Part::Literal(s.to_owned())]),
            "{input:?}"
        );
    }
}
