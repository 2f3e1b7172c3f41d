//! The string rules of Backstage's `KubernetesValidatorFunctions` and
//! `CommonValidatorFunctions`, written out without regular expressions.

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Non-empty runs of `part` characters joined by single `-`.
fn runs_joined_by_dash(value: &str, part: impl Fn(char) -> bool) -> bool {
    !value.is_empty()
        && value
            .split('-')
            .all(|run| !run.is_empty() && run.chars().all(&part))
}

/// Entity names and label values: 1–63 chars, `[A-Za-z0-9]` at both ends, `[-_.]` also allowed
/// inside.
pub fn is_valid_object_name(value: &str) -> bool {
    let len = value.len();
    if !(1..=63).contains(&len) {
        return false;
    }
    let first = value.chars().next();
    let last = value.chars().last();
    first.is_some_and(is_alnum)
        && last.is_some_and(is_alnum)
        && value
            .chars()
            .all(|c| is_alnum(c) || matches!(c, '-' | '_' | '.'))
}

/// DNS label (RFC 1123): 1–63 chars of `[a-z0-9-]`, a letter or digit at both ends (so dashes
/// may repeat inside, as Backstage accepts: `a--b`). Namespaces use it.
pub fn is_valid_dns_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && !value.starts_with('-')
        && !value.ends_with('-')
        && value.chars().all(|c| is_lower_alnum(c) || c == '-')
}

/// DNS subdomain: 1–253 chars of `.`-separated DNS labels.
pub fn is_valid_dns_subdomain(value: &str) -> bool {
    (1..=253).contains(&value.len()) && value.split('.').all(is_valid_dns_label)
}

pub fn is_valid_namespace(value: &str) -> bool {
    is_valid_dns_label(value)
}

/// `<suffix>` or `<prefix>/<suffix>`; more than one `/` is invalid.
fn prefix_and_or_suffix(
    value: &str,
    prefix: impl Fn(&str) -> bool,
    suffix: impl Fn(&str) -> bool,
) -> bool {
    let mut parts = value.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(s), None, None) => suffix(s),
        (Some(p), Some(s), None) => prefix(p) && suffix(s),
        _ => false,
    }
}

/// `group/version` or `version`: DNS subdomain group, version 1–63 `[a-zA-Z0-9]`.
pub fn is_valid_api_version(value: &str) -> bool {
    prefix_and_or_suffix(value, is_valid_dns_subdomain, |v| {
        (1..=63).contains(&v.len()) && v.chars().all(is_alnum)
    })
}

/// 1–63 chars, a letter then letters and digits.
pub fn is_valid_kind(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(is_alnum)
}

/// Label and annotation keys: optional DNS-subdomain prefix, then an object name.
pub fn is_valid_label_key(value: &str) -> bool {
    prefix_and_or_suffix(value, is_valid_dns_subdomain, is_valid_object_name)
}

/// Empty, or an object name.
pub fn is_valid_label_value(value: &str) -> bool {
    value.is_empty() || is_valid_object_name(value)
}

/// Tags: 1–63 chars, runs of `[a-z0-9:+#]` joined by single `-` (so `c++`, `c#`, `a:b` pass).
pub fn is_valid_tag(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && runs_joined_by_dash(value, |c| is_lower_alnum(c) || matches!(c, ':' | '+' | '#'))
}

/// An absolute URL as the WHATWG parser would accept it for links: a scheme (`[a-zA-Z]` then
/// `[a-zA-Z0-9+.-]`), `:`, and something after it; hierarchical schemes need a host.
pub fn is_valid_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    if !scheme_ok || rest.is_empty() || value.chars().any(|c| c.is_whitespace() && c != ' ') {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp"];
    if special.iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
        let host = rest.trim_start_matches(['/', '\\']);
        let host = host.split(['/', '?', '#', '\\']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("");
        return !host.is_empty() && !host.starts_with(':') && !host.contains(' ');
    }
    true
}

/// A string with something other than whitespace in it.
pub fn is_non_blank(value: &str) -> bool {
    !value.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names() {
        for ok in [
            "a",
            "A1",
            "my-svc",
            "my_svc.v2",
            "a--b",
            "LoremService",
            &"a".repeat(63),
        ] {
            assert!(is_valid_object_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "_a",
            "a.",
            "invalid component",
            "a/b",
            "ä",
            &"a".repeat(64),
        ] {
            assert!(!is_valid_object_name(bad), "{bad}");
        }
    }

    #[test]
    fn namespaces_are_dns_labels() {
        for ok in ["default", "team-a", "a1-b2-c3", "a--b"] {
            assert!(is_valid_namespace(ok), "{ok}");
        }
        for bad in ["", "Default", "-a", "a-", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_valid_namespace(bad), "{bad}");
        }
    }

    #[test]
    fn tags() {
        for ok in [
            "java",
            "c++",
            "c#",
            "front#end",
            "a:b",
            "go-1-15",
            "k8s",
            &"t".repeat(63),
        ] {
            assert!(is_valid_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "Java",
            "go 1.15.3",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "a.b",
            &"t".repeat(64),
        ] {
            assert!(!is_valid_tag(bad), "{bad}");
        }
    }

    #[test]
    fn label_and_annotation_keys() {
        for ok in [
            "a",
            "backstage.io/techdocs-ref",
            "example.com/custom_key",
            "goVersion",
        ] {
            assert!(is_valid_label_key(ok), "{ok}");
        }
        for bad in ["", "a/b/c", "Example.com/x", "/x", "x/", "x y", "-x"] {
            assert!(!is_valid_label_key(bad), "{bad}");
        }
    }

    #[test]
    fn label_values() {
        assert!(is_valid_label_value(""));
        assert!(is_valid_label_value("go1.15.3"));
        assert!(!is_valid_label_value("Random value Generator"));
    }

    #[test]
    fn api_versions_and_kinds() {
        for ok in [
            "backstage.io/v1alpha1",
            "v1",
            "scaffolder.backstage.io/v1beta3",
        ] {
            assert!(is_valid_api_version(ok), "{ok}");
        }
        for bad in [
            "",
            "backstage.io/",
            "a/b/c",
            "Backstage.io/v1",
            "backstage.io/v1-alpha",
        ] {
            assert!(!is_valid_api_version(bad), "{bad}");
        }
        assert!(is_valid_kind("Component"));
        assert!(is_valid_kind("API"));
        for bad in ["", "1Kind", "My-Kind", "my kind"] {
            assert!(!is_valid_kind(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://example.com",
            "http://localhost:3000/x?y#z",
            "mailto:a@b.c",
            "slack:channel",
        ] {
            assert!(is_valid_url(ok), "{ok}");
        }
        for bad in [
            "",
            "example.com",
            "/relative",
            "https://",
            "1http://x",
            "http:",
        ] {
            assert!(!is_valid_url(bad), "{bad}");
        }
    }
}
