//! `${ENV}` substitution with Backstage's rules (packages/config-loader, substitution
//! transform):
//! - `${NAME}` (name trimmed) is replaced by the environment variable's value;
//! - `$${…}` is an escape and yields the literal `${…}`;
//! - if any referenced variable is unset (or the braces are empty), the whole value is
//!   undefined and its key is dropped from the config (Backstage drops it silently; we
//!   also report a warning).
//!
//! Backlot addition: `${secret:NAME}` stays an unresolved [`Part::Secret`].

use crate::template::{Part, Template, is_valid_secret_name};

pub(crate) enum Substituted {
    Value(Template),
    /// The named environment variable is not set: the value is undefined.
    MissingEnv(String),
    InvalidSecretName(String),
}

pub(crate) fn substitute(input: &str, env: &dyn Fn(&str) -> Option<String>) -> Substituted {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = input;
    while let Some((before, token, after)) = next_token(rest) {
        literal.push_str(before);
        if let Some(escaped) = token.strip_prefix("$$") {
            literal.push('$');
            literal.push_str(escaped);
        } else {
            let name = token[2..token.len() - 1].trim();
            if let Some(secret) = name.strip_prefix("secret:") {
                let secret = secret.trim();
                if !is_valid_secret_name(secret) {
                    return Substituted::InvalidSecretName(secret.to_owned());
                }
                parts.push(Part::Literal(std::mem::take(&mut literal)));
                parts.push(Part::Secret(secret.to_owned()));
            } else {
                match env(name) {
                    Some(value) => literal.push_str(&value),
                    None => return Substituted::MissingEnv(name.to_owned()),
                }
            }
        }
        rest = after;
    }
    literal.push_str(rest);
    parts.push(Part::Literal(literal));
    Substituted::Value(Template::from_parts(parts))
}

/// Finds the leftmost match of Backstage's `\$?\$\{[^{}]*\}`:
/// returns (text before, the token, text after).
fn next_token(s: &str) -> Option<(&str, &str, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start_brace = if bytes.get(i + 1) == Some(&b'$') && bytes.get(i + 2) == Some(&b'{')
            {
                Some(i + 2)
            } else if bytes.get(i + 1) == Some(&b'{') {
                Some(i + 1)
            } else {
                None
            };
            if let Some(open) = start_brace
                && let Some(close) = closing_brace(bytes, open + 1)
            {
                return Some((&s[..i], &s[i..=close], &s[close + 1..]));
            }
            // `$${` whose escape form does not close may still start a `${` at i+1.
        }
        i += 1;
    }
    None
}

fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    for (offset, b) in bytes[from..].iter().enumerate() {
        match b {
            b'}' => return Some(from + offset),
            b'{' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "SECRET" => Some("my-secret".into()),
            "TOKEN" => Some("my-token".into()),
            _ => None,
        }
    }

    fn sub(s: &str) -> Option<String> {
        match substitute(s, &env) {
            Substituted::Value(t) => Some(t.to_string()),
            Substituted::MissingEnv(_) => None,
            Substituted::InvalidSecretName(n) => Some(format!("INVALID {n}")),
        }
    }

    fn plain(s: &str) -> Option<String> {
        match substitute(s, &env) {
            Substituted::Value(t) => t.as_plain(),
            _ => None,
        }
    }

    // The cases of Backstage's own substitution.test.ts.
    #[test]
    fn backstage_cases() {
        assert_eq!(plain("hello ${SECRET}").as_deref(), Some("hello my-secret"));
        assert_eq!(
            plain("${SECRET      } $${} ${TOKEN }").as_deref(),
            Some("my-secret ${} my-token")
        );
        assert_eq!(plain("foo ${MISSING}"), None);
        assert_eq!(plain("empty substitute ${}"), None);
        assert_eq!(plain("foo ${MISSING} ${SECRET}"), None);
        assert_eq!(
            plain("foo ${SECRET} ${SECRET}").as_deref(),
            Some("foo my-secret my-secret")
        );
        assert_eq!(
            plain("foo ${SECRET} $$${ESCAPE_ME}").as_deref(),
            Some("foo my-secret $${ESCAPE_ME}")
        );
        assert_eq!(
            plain("foo $${ESCAPE_ME} $$${ESCAPE_ME_TOO} $${}").as_deref(),
            Some("foo ${ESCAPE_ME} $${ESCAPE_ME_TOO} ${}")
        );
    }

    #[test]
    fn unclosed_and_nested_braces_are_literal() {
        assert_eq!(plain("a ${SECRET").as_deref(), Some("a ${SECRET"));
        assert_eq!(plain("$ {SECRET}").as_deref(), Some("$ {SECRET}"));
        // `[^{}]*`: a nested brace breaks the outer match, the inner one still matches.
        assert_eq!(plain("${a${TOKEN}}").as_deref(), Some("${amy-token}"));
    }

    #[test]
    fn secret_references_stay_unresolved() {
        let Substituted::Value(t) = substitute("Bearer ${secret:GITHUB_TOKEN} ${TOKEN}", &env)
        else {
            panic!("expected a value");
        };
        assert!(t.has_secrets());
        assert_eq!(t.secret_names().collect::<Vec<_>>(), ["GITHUB_TOKEN"]);
        assert_eq!(t.as_plain(), None);
        assert_eq!(t.to_string(), "Bearer ${secret:GITHUB_TOKEN} my-token");
        let rendered: Result<String, ()> = t.render(|n| Ok(format!("<{n}>")));
        assert_eq!(rendered, Ok("Bearer <GITHUB_TOKEN> my-token".to_owned()));
    }

    #[test]
    fn escaped_secret_is_literal_text() {
        assert_eq!(plain("$${secret:X}").as_deref(), Some("${secret:X}"));
        assert_eq!(
            sub("${ secret: spaced.name-1 }").as_deref(),
            Some("${secret:spaced.name-1}")
        );
        assert_eq!(
            sub("${secret:bad/name}").as_deref(),
            Some("INVALID bad/name")
        );
        assert_eq!(sub("${secret:}").as_deref(), Some("INVALID "));
    }
}
