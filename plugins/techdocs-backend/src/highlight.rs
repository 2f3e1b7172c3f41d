//! A small syntax highlighter for fenced code: comments, strings, numbers and keywords of
//! the languages docs usually show, as `<span class="tok-…">`. Anything unknown is
//! escaped plain text. Good enough to read code; not a parser.

/// Highlights `code` written in `lang` (the fence's info word) into escaped HTML.
pub fn highlight(lang: &str, code: &str) -> String {
    let lang = lang.trim().to_ascii_lowercase();
    let Some(syntax) = syntax_for(&lang) else {
        return escape(code);
    };
    let mut out = String::with_capacity(code.len() * 2);
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if let Some(end) = comment_len(&syntax, rest) {
            push_span(&mut out, "tok-comment", &chars[i..i + end]);
            i += end;
        } else if syntax.strings.contains(&rest[0]) {
            let end = string_len(rest);
            push_span(&mut out, "tok-string", &chars[i..i + end]);
            i += end;
        } else if rest[0].is_ascii_digit() && (i == 0 || !is_word(chars[i - 1])) {
            let end = rest
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_'))
                .unwrap_or(rest.len());
            push_span(&mut out, "tok-number", &chars[i..i + end]);
            i += end;
        } else if is_word(rest[0]) {
            let end = rest.iter().position(|c| !is_word(*c)).unwrap_or(rest.len());
            let word: String = chars[i..i + end].iter().collect();
            if syntax.keywords.contains(&word.as_str()) {
                push_span(&mut out, "tok-keyword", &chars[i..i + end]);
            } else if word.chars().next().is_some_and(char::is_uppercase)
                && syntax.types_capitalised
            {
                push_span(&mut out, "tok-type", &chars[i..i + end]);
            } else {
                out.push_str(&escape(&word));
            }
            i += end;
        } else {
            out.push_str(&escape(&rest[0].to_string()));
            i += 1;
        }
    }
    out
}

struct Syntax {
    keywords: &'static [&'static str],
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    strings: &'static [char],
    types_capitalised: bool,
}

fn syntax_for(lang: &str) -> Option<Syntax> {
    const C_LIKE_STRINGS: &[char] = &['"', '\''];
    Some(match lang {
        "rust" | "rs" => Syntax {
            keywords: &[
                "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else",
                "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match",
                "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct",
                "super", "trait", "true", "type", "unsafe", "use", "where", "while",
            ],
            line_comments: &["//"],
            block_comment: Some(("/*", "*/")),
            strings: &['"'],
            types_capitalised: true,
        },
        "typescript" | "ts" | "tsx" | "javascript" | "js" | "jsx" => Syntax {
            keywords: &[
                "async",
                "await",
                "break",
                "case",
                "catch",
                "class",
                "const",
                "continue",
                "default",
                "delete",
                "else",
                "export",
                "extends",
                "false",
                "finally",
                "for",
                "from",
                "function",
                "if",
                "import",
                "in",
                "instanceof",
                "interface",
                "let",
                "new",
                "null",
                "of",
                "return",
                "switch",
                "this",
                "throw",
                "true",
                "try",
                "type",
                "typeof",
                "undefined",
                "var",
                "void",
                "while",
                "yield",
            ],
            line_comments: &["//"],
            block_comment: Some(("/*", "*/")),
            strings: &['"', '\'', '`'],
            types_capitalised: true,
        },
        "python" | "py" => Syntax {
            keywords: &[
                "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
                "del", "elif", "else", "except", "False", "finally", "for", "from", "global", "if",
                "import", "in", "is", "lambda", "None", "nonlocal", "not", "or", "pass", "raise",
                "return", "True", "try", "while", "with", "yield",
            ],
            line_comments: &["#"],
            block_comment: None,
            strings: C_LIKE_STRINGS,
            types_capitalised: false,
        },
        "go" | "golang" => Syntax {
            keywords: &[
                "break",
                "case",
                "chan",
                "const",
                "continue",
                "default",
                "defer",
                "else",
                "fallthrough",
                "false",
                "for",
                "func",
                "go",
                "goto",
                "if",
                "import",
                "interface",
                "map",
                "nil",
                "package",
                "range",
                "return",
                "select",
                "struct",
                "switch",
                "true",
                "type",
                "var",
            ],
            line_comments: &["//"],
            block_comment: Some(("/*", "*/")),
            strings: &['"', '`'],
            types_capitalised: false,
        },
        "java" | "kotlin" | "kt" | "c" | "cpp" | "c++" | "csharp" | "cs" => Syntax {
            keywords: &[
                "abstract",
                "break",
                "case",
                "catch",
                "class",
                "const",
                "continue",
                "default",
                "do",
                "else",
                "enum",
                "extends",
                "false",
                "final",
                "finally",
                "for",
                "fun",
                "if",
                "implements",
                "import",
                "interface",
                "new",
                "null",
                "package",
                "private",
                "protected",
                "public",
                "return",
                "static",
                "struct",
                "switch",
                "this",
                "throw",
                "true",
                "try",
                "val",
                "var",
                "void",
                "while",
            ],
            line_comments: &["//"],
            block_comment: Some(("/*", "*/")),
            strings: C_LIKE_STRINGS,
            types_capitalised: true,
        },
        "bash" | "sh" | "shell" | "zsh" | "console" => Syntax {
            keywords: &[
                "case", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function",
                "if", "in", "local", "return", "then", "while",
            ],
            line_comments: &["#"],
            block_comment: None,
            strings: C_LIKE_STRINGS,
            types_capitalised: false,
        },
        "yaml" | "yml" | "toml" | "ini" => Syntax {
            keywords: &["true", "false", "null", "yes", "no"],
            line_comments: &["#"],
            block_comment: None,
            strings: C_LIKE_STRINGS,
            types_capitalised: false,
        },
        "json" | "jsonc" => Syntax {
            keywords: &["true", "false", "null"],
            line_comments: &["//"],
            block_comment: None,
            strings: &['"'],
            types_capitalised: false,
        },
        "sql" => Syntax {
            keywords: &[
                "select", "SELECT", "from", "FROM", "where", "WHERE", "insert", "INSERT", "into",
                "INTO", "update", "UPDATE", "delete", "DELETE", "join", "JOIN", "on", "ON", "and",
                "AND", "or", "OR", "create", "CREATE", "table", "TABLE", "values", "VALUES",
                "order", "ORDER", "by", "BY", "null", "NULL",
            ],
            line_comments: &["--"],
            block_comment: Some(("/*", "*/")),
            strings: &['\''],
            types_capitalised: false,
        },
        _ => return None,
    })
}

fn starts_with(rest: &[char], prefix: &str) -> bool {
    let mut n = 0;
    for (a, b) in rest.iter().zip(prefix.chars()) {
        if *a != b {
            return false;
        }
        n += 1;
    }
    n == prefix.chars().count()
}

fn comment_len(syntax: &Syntax, rest: &[char]) -> Option<usize> {
    if syntax.line_comments.iter().any(|p| starts_with(rest, p)) {
        return Some(rest.iter().position(|c| *c == '\n').unwrap_or(rest.len()));
    }
    let (open, close) = syntax.block_comment?;
    if !starts_with(rest, open) {
        return None;
    }
    let start = open.chars().count();
    let end = (start..rest.len())
        .find(|&j| starts_with(&rest[j..], close))
        .map(|j| j + close.chars().count());
    Some(end.unwrap_or(rest.len()))
}

fn string_len(rest: &[char]) -> usize {
    let quote = rest[0];
    let mut j = 1;
    while j < rest.len() {
        match rest[j] {
            '\\' => j += 2,
            c if c == quote => return j + 1,
            '\n' if quote != '`' => return j,
            _ => j += 1,
        }
    }
    rest.len()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn push_span(out: &mut String, class: &str, text: &[char]) {
    let text: String = text.iter().collect();
    out.push_str(&format!("<span class=\"{class}\">{}</span>", escape(&text)));
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_strings_comments_and_numbers() {
        let html = highlight("python", "def f(x='a<b'):  # note\n    return 42\n");
        assert!(
            html.contains(r#"<span class="tok-keyword">def</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-string">&#39;a&lt;b&#39;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-comment"># note</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-number">42</span>"#),
            "{html}"
        );
        assert!(!html.contains("<b"), "escaped: {html}");
    }

    #[test]
    fn typescript_and_unknown_languages() {
        let html = highlight("typescript", "const a = <Grid /> /* c */");
        assert!(
            html.contains(r#"<span class="tok-keyword">const</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-type">Grid</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="tok-comment">/* c */</span>"#),
            "{html}"
        );
        assert_eq!(highlight("brainfuck", "<+>"), "&lt;+&gt;");
        // Unterminated strings and comments end at the end of input, without panicking.
        assert!(highlight("rust", "let s = \"abc").ends_with("</span>"));
        assert!(highlight("rust", "/* open").ends_with("</span>"));
        assert!(highlight("rust", "x1 = 1é").ends_with("</span>é"));
    }
}
