//! nunjitsu's `urlize(length, nofollow)` filter: each whitespace-separated word that looks
//! like an http(s) URL, a `www.` host, an e-mail address or a `.org/.net/.com` domain becomes
//! a link (surrounding `(`, `<`, `.`, `,`, `)` trimmed first); the link text is cut to
//! `length` UTF-16 units.

use std::sync::LazyLock;

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};
use regex::Regex;

use super::js;

fn pattern(p: &str) -> Option<Regex> {
    Regex::new(p).ok()
}

static PUNCTUATION: LazyLock<Option<Regex>> =
    LazyLock::new(|| pattern(r"^(?:\(|<|&lt;)?(.*?)(?:\.|,|\)|\n|&gt;)?$"));
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    pattern(r"(?i)^[0-9A-Za-z_.!#$%&'*+\-/=?^`{|}~]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
});
static COMMON_DOMAIN: LazyLock<Option<Regex>> =
    LazyLock::new(|| pattern(r"\.(?:org|net|com)(?::|/|$)"));

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// `substrLength`: undefined or NaN → no limit; ≤ 0 → 0.
fn length_limit(v: Option<&Value>) -> usize {
    let Some(v) = v.filter(|v| !v.is_undefined()) else {
        return usize::MAX;
    };
    let n = js::to_number(v);
    if v.kind() == ValueKind::Number && n.is_nan() {
        return usize::MAX;
    }
    if n.is_nan() || n <= 0.0 {
        return 0;
    }
    if n.is_finite() {
        n as usize
    } else {
        usize::MAX
    }
}

pub fn urlize(input: &str, length: usize, nofollow: bool) -> String {
    let rel = if nofollow { " rel=\"nofollow\"" } else { "" };
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while !rest.is_empty() {
        // Alternate words and whitespace runs (JavaScript's split with a capture group).
        let space = rest.starts_with(char::is_whitespace);
        let end = rest
            .find(|c: char| c.is_whitespace() != space)
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if space {
            out.push_str(word);
            continue;
        }
        let possible = PUNCTUATION
            .as_ref()
            .and_then(|r| r.captures(word))
            .and_then(|c| c.get(1))
            .map_or(word, |m| m.as_str());
        let units: Vec<u16> = possible.encode_utf16().collect();
        let short = String::from_utf16_lossy(&units[..length.min(units.len())]);
        if possible.starts_with("http://") || possible.starts_with("https://") {
            out.push_str(&format!("<a href=\"{possible}\"{rel}>{short}</a>"));
        } else if possible.starts_with("www.") {
            out.push_str(&format!("<a href=\"http://{possible}\"{rel}>{short}</a>"));
        } else if matches(&EMAIL, possible) {
            out.push_str(&format!("<a href=\"mailto:{possible}\">{possible}</a>"));
        } else if matches(&COMMON_DOMAIN, possible) {
            out.push_str(&format!("<a href=\"http://{possible}\"{rel}>{short}</a>"));
        } else {
            out.push_str(word);
        }
    }
    out
}

pub fn register(env: &mut Environment<'static>) {
    env.add_filter(
        "urlize",
        |v: Value, length: Option<Value>, nofollow: Option<Value>| -> Result<Value, Error> {
            let Some(text) = v.as_str() else {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    "Filter input must be a string",
                ));
            };
            let nofollow = nofollow.is_some_and(|n| n.kind() == ValueKind::Bool && n.is_true());
            Ok(Value::from(urlize(
                text,
                length_limit(length.as_ref()),
                nofollow,
            )))
        },
    );
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> String {
        Templater::new(&TemplaterOptions::default())
            .render(src, &json!({}))
            .unwrap()
    }

    #[test]
    fn urlize_links_like_nunjitsu() {
        assert_eq!(
            r("${{ 'see https://harborlight.example and www.example.org now' | urlize }}"),
            "see <a href=\"https://harborlight.example\">https://harborlight.example</a> and <a href=\"http://www.example.org\">www.example.org</a> now"
        );
        assert_eq!(
            r("${{ '(ops@harbor.example), docs.com.' | urlize(4, true) }}"),
            "(ops@harbor.example), <a href=\"http://docs.com\" rel=\"nofollow\">docs</a>"
        );
        assert_eq!(r("${{ 'a  b\tc' | urlize }}"), "a  b\tc");
        assert_eq!(
            r("${{ 'ops@harbor.example' | urlize }}"),
            "<a href=\"mailto:ops@harbor.example\">ops@harbor.example</a>"
        );
    }
}
