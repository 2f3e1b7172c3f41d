//! JavaScript regular expressions (as `new RegExp(p, 'u')` reads a JSON schema's `pattern`)
//! on Rust's linear-time `regex` crate: the common syntax is translated (`\d` and `\w` are
//! ASCII in JavaScript, `\/` is a plain slash, a `[` inside a class is literal); what the
//! crate cannot do (lookaround, backreferences) is refused with a clear error rather than
//! guessed. Patterns are bounded in length and compiled size, so a hostile schema costs
//! little.

use regex::{Regex, RegexBuilder};

/// Longest pattern compiled (in bytes).
pub const MAX_PATTERN: usize = 4096;
/// Largest compiled program (and lazy DFA) a pattern may use.
const MAX_COMPILED: usize = 1 << 20;
/// Deepest group nesting accepted.
const MAX_NEST: u32 = 64;

const DIGIT: &str = "[0-9]";
const NOT_DIGIT: &str = "[^0-9]";
const WORD: &str = "[0-9A-Za-z_]";
const NOT_WORD: &str = "[^0-9A-Za-z_]";

/// Compiles a JavaScript pattern, or says why it cannot.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!(
            "pattern is longer than {MAX_PATTERN} bytes ({} bytes)",
            pattern.len()
        ));
    }
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .size_limit(MAX_COMPILED)
        .dfa_size_limit(MAX_COMPILED)
        .nest_limit(MAX_NEST)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => format!("pattern {pattern:?} is too large"),
            other => format!(
                "pattern {pattern:?} is not a regular expression Backlot can evaluate: {}",
                other.to_string().lines().last().unwrap_or_default()
            ),
        })
}

/// JavaScript regex syntax rewritten for the `regex` crate.
fn translate(pattern: &str) -> Result<String, String> {
    let unsupported = |what: &str| {
        Err(format!(
            "pattern {pattern:?} uses {what}, which Backlot cannot evaluate"
        ))
    };
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    return Err(format!("pattern {pattern:?} ends with a lone backslash"));
                };
                match e {
                    'd' => out.push_str(DIGIT),
                    'D' => out.push_str(NOT_DIGIT),
                    'w' => out.push_str(WORD),
                    'W' => out.push_str(NOT_WORD),
                    '1'..='9' => return unsupported("a backreference"),
                    'k' => return unsupported("a named backreference"),
                    'c' => return unsupported("a control escape"),
                    '0' => out.push_str("\\x00"),
                    'b' if in_class => out.push_str("\\x08"),
                    c if c.is_ascii_alphanumeric() => {
                        out.push('\\');
                        out.push(c);
                    }
                    // `\/`, `\-`, `\.`: a literal character.
                    c => out.push_str(&regex::escape(&c.to_string())),
                }
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                if chars.peek() == Some(&']') {
                    return unsupported("an empty class `[]`");
                }
                if chars.clone().take(2).collect::<String>() == "^]" {
                    // `[^]` matches any character.
                    chars.next();
                    chars.next();
                    out.push_str("(?s:.)");
                    continue;
                }
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                let ahead: String = chars.clone().take(3).collect();
                if ahead.starts_with("?=")
                    || ahead.starts_with("?!")
                    || ahead.starts_with("?<=")
                    || ahead.starts_with("?<!")
                {
                    return unsupported("a lookaround assertion");
                }
                out.push('(');
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_classes_are_ascii() {
        let digits = compile(r"^\d+$").unwrap();
        assert!(digits.is_match("0042"));
        assert!(
            !digits.is_match("٣"),
            "Arabic-Indic digits are not \\d in JavaScript"
        );
        let word = compile(r"^[\w-]+$").unwrap();
        assert!(word.is_match("quay-lights_2"));
        assert!(!word.is_match("é"));
        assert!(compile(r"^[^\W]$").unwrap().is_match("a"));
    }

    #[test]
    fn escapes_and_literal_brackets() {
        assert!(compile(r"^a\/b$").unwrap().is_match("a/b"));
        assert!(compile(r"^[[]$").unwrap().is_match("["));
        assert!(compile(r"^[a&&b]+$").unwrap().is_match("a&b"));
        assert!(compile(r"^[^]$").unwrap().is_match("\n"));
        assert!(compile(r"^x\0$").unwrap().is_match("x\0"));
    }

    #[test]
    fn unsupported_syntax_is_refused() {
        for p in [
            r"(a)\1", r"a(?=b)", r"(?<!x)y", r"[]", r"\k<n>", r"\cA", "\\",
        ] {
            assert!(compile(p).is_err(), "{p}");
        }
    }

    #[test]
    fn hostile_patterns_are_bounded() {
        let long = "a".repeat(MAX_PATTERN + 1);
        assert!(compile(&long).unwrap_err().contains("longer than"));
        let huge = compile("(?:a{1000}){1000}").unwrap_err();
        assert!(huge.contains("too large"), "{huge}");
        let nested = format!("{}a{}", "(".repeat(200), ")".repeat(200));
        assert!(compile(&nested).is_err());
        // Catastrophic for a backtracking engine; linear here.
        let evil = compile("^(a+)+$").unwrap();
        let start = std::time::Instant::now();
        assert!(!evil.is_match(&format!("{}!", "a".repeat(10_000))));
        assert!(start.elapsed().as_secs() < 2);
    }
}
