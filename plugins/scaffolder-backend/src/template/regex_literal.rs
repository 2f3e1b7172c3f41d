//! nunjitsu's regex literals (`r/[aeiou]/g`, flags `g i m y`): scanned as nunjitsu scans
//! them, compiled on Rust's linear-time `regex` crate through the JSON-schema pattern
//! translation ([`crate::validate::pattern`], so a catastrophic-backtracking pattern costs
//! linear time and lookaround/backreferences are refused with an error), printed
//! `/source/flags`, with `.test(s)` and JavaScript's `String.prototype.replace` (first match,
//! or all with `g`; `$&`, `$1`, `$<name>`, `$$`, `` $` ``, `$'` in the replacement).
//! Not kept: `lastIndex` between calls of a `g`/`y` literal's `.test`.

use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Value};
use minijinja::{Environment, Error, ErrorKind, State};
use regex::{Captures, Regex};

use crate::validate::pattern;

/// Longest literal nunjitsu scans (16 KiB).
const MAX_SOURCE: usize = 16 * 1024;
/// Largest text a replacement may produce.
const MAX_OUTPUT: usize = 16 * 1024 * 1024;

/// A scanned literal: the end index (in chars, after the flags), the source and the flags.
pub type Scanned = (usize, String, String);

/// Scans `r/…/flags` starting at `chars[start]` (the `r`), as nunjitsu's `scanRegexLiteral`.
pub fn scan(chars: &[char], start: usize) -> Result<Scanned, String> {
    let mut source = String::new();
    let mut backslashes = 0usize;
    let mut i = start + 2;
    while i < chars.len() {
        let c = chars[i];
        if (c != '/' || backslashes > 0) && source.len() >= MAX_SOURCE {
            return Err("Regular-expression literal exceeds the maximum length".into());
        }
        if c == '\\' {
            source.push(c);
            backslashes += 1;
        } else if c == '/' {
            if backslashes == 0 {
                return finish(chars, i, source);
            }
            if backslashes.is_multiple_of(2) {
                return Err("Ambiguous regular-expression delimiter escape".into());
            }
            source.push(c);
            backslashes = 0;
        } else {
            source.push(c);
            backslashes = 0;
        }
        i += 1;
    }
    Err("Unterminated regular-expression literal".into())
}

fn finish(chars: &[char], delimiter: usize, source: String) -> Result<Scanned, String> {
    let mut end = delimiter + 1;
    let mut flags = String::new();
    while let Some(&c) = chars.get(end) {
        if !matches!(c, 'g' | 'i' | 'm' | 'y') {
            if c.is_ascii_alphabetic() {
                return Err("Unsupported regular-expression flag".into());
            }
            break;
        }
        if flags.contains(c) {
            return Err("Duplicate regular-expression flag".into());
        }
        flags.push(c);
        end += 1;
    }
    Ok((end, source, flags))
}

/// A compiled literal.
#[derive(Debug)]
pub struct JsRegex {
    source: String,
    flags: String,
    regex: Regex,
}

impl JsRegex {
    pub fn new(source: &str, flags: &str) -> Result<Self, String> {
        let mut inline = String::new();
        for (flag, rust) in [('i', "i"), ('m', "m")] {
            if flags.contains(flag) {
                inline.push_str(rust);
            }
        }
        let full = if inline.is_empty() {
            source.to_string()
        } else {
            format!("(?{inline}){source}")
        };
        let regex = pattern::compile(&full)?;
        Ok(JsRegex {
            source: source.to_string(),
            flags: flags.to_string(),
            regex,
        })
    }

    /// A plain-text search (`text.replace('a', …)`): the first occurrence, literally.
    pub fn literal(text: &str) -> Result<Self, String> {
        let regex = regex::RegexBuilder::new(&regex::escape(text))
            .size_limit(1 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(JsRegex {
            source: text.to_string(),
            flags: String::new(),
            regex,
        })
    }

    /// `text.split(regex)` (capture groups are not spliced in).
    pub fn split(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut last = 0;
        for m in self.regex.find_iter(text) {
            if m.start() == m.end() && (m.start() == 0 || m.start() == text.len()) {
                continue;
            }
            out.push(text[last..m.start()].to_string());
            last = m.end();
        }
        out.push(text[last..].to_string());
        out
    }

    fn global(&self) -> bool {
        self.flags.contains('g')
    }

    fn sticky(&self) -> bool {
        self.flags.contains('y')
    }

    /// `regex.test(text)` (from index 0).
    pub fn test(&self, text: &str) -> bool {
        match self.regex.find(text) {
            Some(m) => !self.sticky() || m.start() == 0,
            None => false,
        }
    }

    /// `text.replace(regex, replacement)`.
    pub fn replace(&self, text: &str, replacement: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut last = 0;
        for caps in self.regex.captures_iter(text) {
            let Some(m) = caps.get(0) else { break };
            if self.sticky() && m.start() != last {
                break;
            }
            out.push_str(&text[last..m.start()]);
            expand(&caps, text, replacement, &mut out);
            if out.len() > MAX_OUTPUT {
                return Err("replace result too large".into());
            }
            last = m.end();
            if !self.global() {
                break;
            }
        }
        out.push_str(&text[last..]);
        Ok(out)
    }
}

/// JavaScript's `GetSubstitution`.
fn expand(caps: &Captures<'_>, text: &str, replacement: &str, out: &mut String) {
    let Some(whole) = caps.get(0) else { return };
    let chars: Vec<char> = replacement.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' || i + 1 == chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let next = chars[i + 1];
        match next {
            '$' => {
                out.push('$');
                i += 2;
            }
            '&' => {
                out.push_str(whole.as_str());
                i += 2;
            }
            '`' => {
                out.push_str(&text[..whole.start()]);
                i += 2;
            }
            '\'' => {
                out.push_str(&text[whole.end()..]);
                i += 2;
            }
            '0'..='9' => {
                // Two digits when that group exists, else one.
                let one = next.to_digit(10).unwrap_or(0) as usize;
                let two = chars
                    .get(i + 2)
                    .and_then(|d| d.to_digit(10))
                    .map(|d| one * 10 + d as usize);
                match two.filter(|&n| n >= 1 && n < caps.len()) {
                    Some(n) => {
                        out.push_str(caps.get(n).map_or("", |g| g.as_str()));
                        i += 3;
                    }
                    None if one >= 1 && one < caps.len() => {
                        out.push_str(caps.get(one).map_or("", |g| g.as_str()));
                        i += 2;
                    }
                    None => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            '<' => {
                let close = chars[i + 2..].iter().position(|&c| c == '>');
                match close {
                    Some(len) if caps.len() > 1 => {
                        let name: String = chars[i + 2..i + 2 + len].iter().collect();
                        out.push_str(caps.name(&name).map_or("", |g| g.as_str()));
                        i += 3 + len;
                    }
                    _ => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
}

impl Object for JsRegex {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "/{}/{}", self.source, self.flags)
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match method {
            "test" => {
                let text = args
                    .first()
                    .map_or_else(|| "undefined".to_string(), super::js::to_display_string);
                Ok(Value::from(self.test(&text)))
            }
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }
}

/// The literal's source rewritten as a call minijinja reads: `__js_regex("src", "flags")`.
pub fn as_call(source: &str, flags: &str) -> String {
    let quote = |s: &str| {
        let mut out = String::from('"');
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    format!("__js_regex({}, {})", quote(source), quote(flags))
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function(
        "__js_regex",
        |source: String, flags: String| -> Result<Value, Error> {
            JsRegex::new(&source, &flags)
                .map(Value::from_object)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
        },
    );
}

/// The regex a value holds, if it is one.
pub fn of(value: &Value) -> Option<&JsRegex> {
    value.downcast_object_ref::<JsRegex>()
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> Result<String, String> {
        Templater::new(&TemplaterOptions::default())
            .render(src, &json!({"name": "manifest-notes"}))
            .map_err(|e| e.message)
    }

    #[test]
    fn literals_replace_and_test_as_javascript() {
        let ok = |src: &str| r(src).unwrap();
        assert_eq!(ok("${{ r/a/g }}"), "/a/g");
        assert_eq!(
            ok("${{ name | replace(r/[aeiou]/g, '*') }}"),
            "m*n*f*st-n*t*s"
        );
        assert_eq!(
            ok("${{ name | replace(r/E/i, '<$&>') }}"),
            "manif<e>st-notes"
        );
        assert_eq!(
            ok("${{ name | replace(r/(a)(n)/g, '$2$1$$') }}"),
            "mna$ifest-notes"
        );
        assert_eq!(ok("${{ r/^m/.test(name) }}"), "true");
        assert_eq!(ok("${{ 'a.b' | replace(r/./, 'X') }}"), "X.b");
        assert_eq!(ok("${{ name | replace(r/\\w+/g, 'W') }}"), "W-W");
        assert_eq!(
            ok("${{ name | replace(r/x*/g, '.') }}"),
            ".m.a.n.i.f.e.s.t.-.n.o.t.e.s."
        );
        assert_eq!(ok("${{ 'AbA' | replace(r/a/gi, '_') }}"), "_b_");
        assert_eq!(ok("${{ 'a\nb' | replace(r/^b/m, 'B') }}"), "a\nB");
        assert_eq!(ok("${{ 'a/b' | replace(r/\\//, '-') }}"), "a-b");
    }

    #[test]
    fn hostile_literals_are_bounded_or_refused() {
        // Catastrophic backtracking in JavaScript; linear here (nunjitsu answers false).
        let evil = format!("${{{{ r/(a+)+$/.test('{}b') }}}}", "a".repeat(5000));
        let started = std::time::Instant::now();
        assert_eq!(r(&evil).unwrap(), "false");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Lookbehind works in nunjitsu; the linear engine refuses it with an error.
        assert!(r("${{ name | replace(r/(?<=m)a/g, 'X') }}").is_err());
        assert!(r("${{ r/(a)\\1/.test('aa') }}").is_err());
        assert!(r("${{ r/a/gg }}").is_err());
        assert!(r("${{ r/a/q }}").is_err());
        assert!(r("${{ r/abc }}").is_err());
        let long = format!("${{{{ r/{}/ }}}}", "a".repeat(20_000));
        assert!(r(&long).is_err());
    }
}
