//! Property tests of the entity-ref parser (`[kind:][namespace/]name`, Backstage's
//! `parseEntityRef`): it never panics, it agrees with a port of Backstage's own parser, and
//! whatever it accepts formats back (`kind:namespace/name`, and the lowercased key) to text
//! that parses to the same ref.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use backlot_model::entity_ref::normalize_ref;
use backlot_model::validation::rules;
use backlot_model::{EntityRef, RefError};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Text made of the characters that matter to the parser, plus some that do not.
fn ref_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(vec![
                    ":", "/", "a", "B", "-", ".", "_", " ", "\t", "ns", "Kind", "x:y", "a/b",
                    "É", "ß", "İ", "Σ", "😀", "\u{0}", "\n",
                ])
                .prop_map(str::to_owned),
                1 => any::<char>().prop_map(String::from),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat()),
        1 => any::<String>(),
    ]
}

/// Backstage's kind (`is_valid_kind`), namespace (`is_valid_namespace`) and name
/// (`is_valid_object_name`) rules.
fn valid_kind() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9]{0,20}"
}

fn valid_namespace() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("default".to_owned()),
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
    ]
}

fn valid_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?"
}

/// A port of Backstage's `parseRefString` + `parseEntityRef` (packages/catalog-model,
/// `entity/ref.ts`), on char indices.
fn backstage_parse(
    text: &str,
    default_kind: Option<&str>,
    default_namespace: &str,
) -> Result<(String, String, String), &'static str> {
    let chars: Vec<char> = text.chars().collect();
    let index = |c: char| chars.iter().position(|&x| x == c);
    let slice = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let mut colon = index(':');
    let slash = index('/');
    if let (Some(s), Some(c)) = (slash, colon)
        && s < c
    {
        colon = None;
    }
    let kind = colon.map(|c| slice(0, c));
    let namespace = slash.map(|s| slice(colon.map_or(0, |c| c + 1), s));
    let start = colon.map_or(0, |c| c + 1).max(slash.map_or(0, |s| s + 1));
    let name = slice(start, chars.len());
    if kind.as_deref() == Some("") || namespace.as_deref() == Some("") || name.is_empty() {
        return Err("malformed");
    }
    // `parsed.kind ?? context.defaultKind`, then `if (!kind) throw`.
    let kind = match kind.or(default_kind.map(str::to_owned)) {
        Some(k) if !k.is_empty() => k,
        _ => return Err("missing kind"),
    };
    let namespace = namespace.unwrap_or_else(|| default_namespace.to_owned());
    Ok((kind, namespace, name))
}

fn parts(r: &EntityRef) -> (String, String, String) {
    (r.kind.clone(), r.namespace.clone(), r.name.clone())
}

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_entity_ref.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_entity_ref.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any text, any defaults: a result or an error, never a panic; and the same answer as
    /// Backstage's parser.
    #[test]
    fn parse_never_panics_and_matches_backstage(
        text in ref_text(),
        default_kind in prop::option::of(prop_oneof![valid_kind(), ref_text()]),
        default_namespace in prop_oneof![valid_namespace(), ref_text()],
    ) {
        let ours = EntityRef::parse(&text, default_kind.as_deref(), &default_namespace);
        let theirs = backstage_parse(&text, default_kind.as_deref(), &default_namespace);
        match (&ours, &theirs) {
            (Ok(r), Ok(t)) => prop_assert_eq!(&parts(r), t),
            (Err(RefError::Malformed(s)), Err("malformed")) => prop_assert_eq!(s, &text),
            (Err(RefError::MissingKind(s)), Err("missing kind")) => prop_assert_eq!(s, &text),
            _ => prop_assert!(false, "ours {:?}, Backstage's {:?}", ours, theirs),
        }
        let _ = normalize_ref(&text, default_kind.as_deref().unwrap_or("component"));
        if let Some(k) = &default_kind {
            let _ = EntityRef::parse_with_kind(&text, k);
        }
    }

    /// Whatever is accepted (with ordinary defaults) formats to `kind:namespace/name` that
    /// parses, without any default, to the same ref; its key is the lowercased form and is
    /// a fixed point of parse → key.
    #[test]
    fn accepted_refs_round_trip(
        text in ref_text(),
        default_kind in prop::option::of(valid_kind()),
        default_namespace in valid_namespace(),
    ) {
        let Ok(r) = EntityRef::parse(&text, default_kind.as_deref(), &default_namespace) else {
            return Ok(());
        };
        prop_assert!(!r.kind.is_empty() && !r.namespace.is_empty() && !r.name.is_empty());
        prop_assert!(!r.kind.contains([':', '/']), "{r:?}");
        // The namespace may hold a `:` (`k:a:b/n`), never a `/`.
        prop_assert!(!r.namespace.contains('/'), "{r:?}");
        let formatted = r.to_string();
        let again = EntityRef::parse(&formatted, None, "elsewhere");
        prop_assert_eq!(again.as_ref(), Ok(&r), "{}", formatted);
        let key = r.key();
        prop_assert_eq!(
            &key,
            &format!("{}:{}/{}", r.kind.to_lowercase(), r.namespace.to_lowercase(), r.name.to_lowercase())
        );
        let from_key = EntityRef::parse(&key, None, "elsewhere").unwrap();
        prop_assert_eq!(from_key.key(), key.clone());
        prop_assert!(from_key.same_as(&r), "{:?} vs {:?}", from_key, r);
    }

    /// Valid Backstage refs, written in full or with the parts a default supplies left out,
    /// parse to exactly their parts, and case changes do not change their identity.
    #[test]
    fn valid_refs_parse_to_their_parts(
        kind in valid_kind(),
        namespace in valid_namespace(),
        name in valid_name(),
        form in 0..4u8,
        flip in prop::collection::vec(any::<bool>(), 0..48),
    ) {
        prop_assert!(rules::is_valid_kind(&kind), "{}", kind);
        prop_assert!(rules::is_valid_namespace(&namespace), "{}", namespace);
        prop_assert!(rules::is_valid_object_name(&name), "{}", name);
        let text = match form {
            0 => format!("{kind}:{namespace}/{name}"),
            1 => format!("{namespace}/{name}"),
            2 => format!("{kind}:{name}"),
            _ => name.clone(),
        };
        let r = EntityRef::parse(&text, Some(&kind), &namespace).unwrap();
        prop_assert_eq!(parts(&r), (kind.clone(), namespace.clone(), name.clone()));
        prop_assert_eq!(EntityRef::parse(&r.to_string(), None, "x"), Ok(r.clone()));
        prop_assert_eq!(
            normalize_ref(&format!("  {}\t", r), "other").unwrap(),
            format!("{kind}:{namespace}/{name}").to_lowercase()
        );
        // The same ref in other letter case: a different spelling, the same entity.
        let shouted: String = r
            .to_string()
            .chars()
            .zip(flip.iter().chain(std::iter::repeat(&false)))
            .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect();
        let other = EntityRef::parse(&shouted, None, "x").unwrap();
        prop_assert!(other.same_as(&r), "{:?} vs {:?}", other, r);
        prop_assert_eq!(other.key(), r.key());
    }

    /// `same_as` is exactly "the same key" (Backstage compares lowercased refs), also for
    /// letters outside ASCII.
    #[test]
    fn same_as_agrees_with_keys(
        a in ref_text(),
        b in ref_text(),
        upper in any::<bool>(),
    ) {
        let a = EntityRef::parse(&a, Some("component"), "default");
        let b = match (&a, upper) {
            (Ok(a), true) => EntityRef::parse(&a.to_string().to_uppercase(), None, "default"),
            _ => EntityRef::parse(&b, Some("component"), "default"),
        };
        if let (Ok(a), Ok(b)) = (a, b) {
            prop_assert_eq!(a.same_as(&b), a.key() == b.key(), "{:?} vs {:?}", a, b);
        }
    }
}

#[test]
fn explicit_edge_cases() {
    // A `/` before the first `:` means no kind: the `:` belongs to the name.
    let r = EntityRef::parse("ns/a:b", Some("api"), "default").unwrap();
    assert_eq!(parts(&r), ("api".into(), "ns".into(), "a:b".into()));
    // Further `:` and `/` belong to the name and survive formatting.
    let r = EntityRef::parse("k:ns/a/b:c", None, "default").unwrap();
    assert_eq!(parts(&r), ("k".into(), "ns".into(), "a/b:c".into()));
    assert_eq!(EntityRef::parse(&r.to_string(), None, "x"), Ok(r));
    let r = EntityRef::parse("k:a:b", None, "default").unwrap();
    assert_eq!(parts(&r), ("k".into(), "default".into(), "a:b".into()));
    assert_eq!(EntityRef::parse(&r.to_string(), None, "x"), Ok(r));
    for bad in ["", ":", "/", ":/", "k:", "k:/", "/n", "k:ns/", ":n"] {
        assert!(
            matches!(
                EntityRef::parse(bad, Some("c"), "d"),
                Err(RefError::Malformed(_))
            ),
            "{bad:?}"
        );
    }
}

/// Found by the properties above (kept as plain regression tests).
#[test]
fn found_cases() {
    // An empty default kind is no default: Backstage's `if (!kind) throw`.
    assert_eq!(
        EntityRef::parse("a", Some(""), "default"),
        Err(RefError::MissingKind("a".into()))
    );
    // `same_as` lowercases kinds beyond ASCII, as `key` does.
    let a = EntityRef::parse("İx:y", None, "default").unwrap();
    let b = EntityRef::parse(&a.key(), None, "default").unwrap();
    assert_eq!(a.key(), b.key());
    assert!(a.same_as(&b));
    let a = EntityRef::parse("𑣀:𬺰", None, "default").unwrap();
    let b = EntityRef::parse("𑢠:DEFAULT/𬺰", None, "default").unwrap();
    assert!(a.same_as(&b) && a.key() == b.key());
}
