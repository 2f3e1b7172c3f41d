//! The one syntax highlighter: a small table-driven tokenizer that splits source text into
//! lines of classed spans (`tok-kw`, `tok-str`, `tok-com`, `tok-num`, `tok-type`, `tok-key`,
//! `tok-punct`). API docs render the lines as nodes (definitions, with line numbers);
//! TechDocs renders fenced code to HTML with [`to_html`]. Good enough to read code, not a
//! parser: unknown input is never an error, only plain text, and unterminated strings or
//! comments end at the end of the input.

use crate::html::escape;

/// A language the highlighter knows. [`Language::from_fence`] maps a Markdown fence's info
/// word (`rust`, `py`, `yml`, …) to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Protobuf,
    GraphQl,
    Yaml,
    Json,
    /// TypeScript/JavaScript (and tRPC definitions).
    Script,
    Rust,
    Python,
    Go,
    /// Java, Kotlin, C, C++, C#.
    CLike,
    Shell,
    Sql,
    /// TOML and INI: `#` comments, quoted strings, numbers, booleans.
    Toml,
    Plain,
}

impl Language {
    pub fn label(self) -> &'static str {
        match self {
            Self::Protobuf => "protobuf",
            Self::GraphQl => "GraphQL",
            Self::Yaml => "YAML",
            Self::Json => "JSON",
            Self::Script => "TypeScript",
            Self::Rust => "Rust",
            Self::Python => "Python",
            Self::Go => "Go",
            Self::CLike => "C-like",
            Self::Shell => "shell",
            Self::Sql => "SQL",
            Self::Toml => "TOML",
            Self::Plain => "text",
        }
    }

    /// The language a code fence names (case-insensitive); `None` when unknown.
    pub fn from_fence(info: &str) -> Option<Self> {
        Some(match info.trim().to_ascii_lowercase().as_str() {
            "proto" | "protobuf" => Self::Protobuf,
            "graphql" | "gql" => Self::GraphQl,
            "yaml" | "yml" => Self::Yaml,
            "json" | "jsonc" => Self::Json,
            "typescript" | "ts" | "tsx" | "javascript" | "js" | "jsx" => Self::Script,
            "rust" | "rs" => Self::Rust,
            "python" | "py" => Self::Python,
            "go" | "golang" => Self::Go,
            "java" | "kotlin" | "kt" | "c" | "cpp" | "c++" | "csharp" | "cs" => Self::CLike,
            "bash" | "sh" | "shell" | "zsh" | "console" => Self::Shell,
            "sql" => Self::Sql,
            "toml" | "ini" => Self::Toml,
            "text" | "txt" | "plain" => Self::Plain,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Keyword,
    Str,
    Comment,
    Number,
    Type,
    Key,
    Punct,
    Plain,
}

impl Class {
    /// The CSS class of a span (one stylesheet for every highlighted view).
    pub fn css(self) -> Option<&'static str> {
        match self {
            Self::Keyword => Some("tok-kw"),
            Self::Str => Some("tok-str"),
            Self::Comment => Some("tok-com"),
            Self::Number => Some("tok-num"),
            Self::Type => Some("tok-type"),
            Self::Key => Some("tok-key"),
            Self::Punct => Some("tok-punct"),
            Self::Plain => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub class: Class,
    pub text: String,
}

pub type Line = Vec<Span>;

/// Splits `text` into highlighted lines (one entry per line of `text`).
pub fn highlight(text: &str, language: Language) -> Vec<Line> {
    match language {
        Language::Yaml => text.split('\n').map(yaml_line).collect(),
        Language::Plain => text
            .split('\n')
            .map(|l| {
                vec![Span {
                    class: Class::Plain,
                    text: l.trim_end_matches('\r').to_string(),
                }]
            })
            .collect(),
        other => split_lines(code_tokens(text, &syntax(other))),
    }
}

/// The token stream before it is cut into lines: spans may hold newlines, so positions can
/// be counted through it (API docs check protobuf files with it).
pub fn tokens(text: &str, language: Language) -> Vec<Span> {
    match language {
        Language::Yaml | Language::Plain => {
            let mut out = Vec::new();
            for (i, line) in highlight(text, language).into_iter().enumerate() {
                if i > 0 {
                    out.push(Span {
                        class: Class::Plain,
                        text: "\n".into(),
                    });
                }
                out.extend(line);
            }
            out
        }
        other => code_tokens(text, &syntax(other)),
    }
}

/// `code` as escaped HTML with `<span class="tok-…">` around tokens, lines joined by `\n`.
/// A fence the highlighter does not know is escaped plain text.
pub fn to_html(fence: &str, code: &str) -> String {
    let Some(language) = Language::from_fence(fence) else {
        return escape(code);
    };
    let mut out = String::with_capacity(code.len() * 2);
    for (i, line) in highlight(code, language).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for span in line {
            match span.class.css() {
                Some(css) => out.push_str(&format!(
                    "<span class=\"{css}\">{}</span>",
                    escape(&span.text)
                )),
                None => out.push_str(&escape(&span.text)),
            }
        }
    }
    out
}

/// What the tokenizer needs to know about a language.
struct Syntax {
    keywords: &'static [&'static str],
    /// Built-in type names (protobuf's scalars).
    types: &'static [&'static str],
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    /// String delimiters; a backtick string may span lines, others end at the line's end.
    quotes: &'static [char],
    /// `"""…"""` strings (GraphQL descriptions, Python docstrings).
    triple_quotes: bool,
    /// Capitalised words are types.
    capitalised_types: bool,
    /// A string followed by `:` is a key (JSON objects).
    json_keys: bool,
}

const BASE: Syntax = Syntax {
    keywords: &[],
    types: &[],
    line_comments: &[],
    block_comment: None,
    quotes: &['"', '\''],
    triple_quotes: false,
    capitalised_types: false,
    json_keys: false,
};
const SLASH: (&[&str], Option<(&str, &str)>) = (&["//"], Some(("/*", "*/")));

fn syntax(language: Language) -> Syntax {
    match language {
        Language::Protobuf => Syntax {
            keywords: keywords::PROTOBUF,
            types: keywords::PROTOBUF_TYPES,
            line_comments: SLASH.0,
            block_comment: SLASH.1,
            capitalised_types: true,
            ..BASE
        },
        Language::GraphQl => Syntax {
            keywords: keywords::GRAPHQL,
            line_comments: &["#"],
            triple_quotes: true,
            capitalised_types: true,
            ..BASE
        },
        Language::Json => Syntax {
            keywords: keywords::LITERALS,
            json_keys: true,
            quotes: &['"'],
            ..BASE
        },
        Language::Script => Syntax {
            keywords: keywords::SCRIPT,
            line_comments: SLASH.0,
            block_comment: SLASH.1,
            quotes: &['"', '\'', '`'],
            capitalised_types: true,
            ..BASE
        },
        Language::Rust => Syntax {
            keywords: keywords::RUST,
            line_comments: SLASH.0,
            block_comment: SLASH.1,
            quotes: &['"'],
            capitalised_types: true,
            ..BASE
        },
        Language::Python => Syntax {
            keywords: keywords::PYTHON,
            line_comments: &["#"],
            triple_quotes: true,
            ..BASE
        },
        Language::Go => Syntax {
            keywords: keywords::GO,
            line_comments: SLASH.0,
            block_comment: SLASH.1,
            quotes: &['"', '`'],
            ..BASE
        },
        Language::CLike => Syntax {
            keywords: keywords::C_LIKE,
            line_comments: SLASH.0,
            block_comment: SLASH.1,
            capitalised_types: true,
            ..BASE
        },
        Language::Shell => Syntax {
            keywords: keywords::SHELL,
            line_comments: &["#"],
            ..BASE
        },
        Language::Sql => Syntax {
            keywords: keywords::SQL,
            line_comments: &["--"],
            block_comment: SLASH.1,
            quotes: &['\''],
            ..BASE
        },
        Language::Toml => Syntax {
            keywords: keywords::LITERALS,
            line_comments: &["#"],
            ..BASE
        },
        Language::Yaml | Language::Plain => BASE,
    }
}

mod keywords {
    pub const LITERALS: &[&str] = &["true", "false", "null"];
    pub const PROTOBUF: &[&str] = &[
        "syntax",
        "edition",
        "package",
        "import",
        "option",
        "message",
        "enum",
        "service",
        "rpc",
        "returns",
        "stream",
        "repeated",
        "optional",
        "required",
        "oneof",
        "map",
        "reserved",
        "extensions",
        "extend",
        "to",
        "max",
        "public",
        "weak",
        "true",
        "false",
    ];
    pub const PROTOBUF_TYPES: &[&str] = &[
        "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
        "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
    ];
    pub const GRAPHQL: &[&str] = &[
        "type",
        "interface",
        "input",
        "enum",
        "union",
        "scalar",
        "schema",
        "directive",
        "extend",
        "implements",
        "on",
        "query",
        "mutation",
        "subscription",
        "fragment",
        "repeatable",
        "true",
        "false",
        "null",
    ];
    pub const SCRIPT: &[&str] = &[
        "as",
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
    ];
    pub const RUST: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while",
    ];
    pub const PYTHON: &[&str] = &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "False", "finally", "for", "from", "global", "if", "import",
        "in", "is", "lambda", "None", "nonlocal", "not", "or", "pass", "raise", "return", "True",
        "try", "while", "with", "yield",
    ];
    pub const GO: &[&str] = &[
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
    ];
    pub const C_LIKE: &[&str] = &[
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
    ];
    pub const SHELL: &[&str] = &[
        "case", "do", "done", "elif", "else", "esac", "export", "fi", "for", "function", "if",
        "in", "local", "return", "then", "while",
    ];
    pub const SQL: &[&str] = &[
        "select", "SELECT", "from", "FROM", "where", "WHERE", "insert", "INSERT", "into", "INTO",
        "update", "UPDATE", "delete", "DELETE", "join", "JOIN", "on", "ON", "and", "AND", "or",
        "OR", "create", "CREATE", "table", "TABLE", "values", "VALUES", "order", "ORDER", "by",
        "BY", "null", "NULL",
    ];
    pub const YAML_WORDS: &[&str] = &["true", "false", "null", "~", "yes", "no", "on", "off"];
}

/// Cuts spans at newlines so each line can be rendered (and numbered) on its own.
fn split_lines(spans: Vec<Span>) -> Vec<Line> {
    let mut lines: Vec<Line> = vec![Vec::new()];
    for span in spans {
        let mut parts = span.text.split('\n').peekable();
        while let Some(part) = parts.next() {
            let part = part.trim_end_matches('\r');
            if !part.is_empty()
                && let Some(line) = lines.last_mut()
            {
                match line.last_mut() {
                    Some(last) if last.class == span.class => last.text.push_str(part),
                    _ => line.push(Span {
                        class: span.class,
                        text: part.to_string(),
                    }),
                }
            }
            if parts.peek().is_some() {
                lines.push(Vec::new());
            }
        }
    }
    lines
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

/// The length of the comment starting `rest`, if one does.
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

/// The length of the string starting `rest` (whose first char is a quote).
fn string_len(syntax: &Syntax, rest: &[char]) -> usize {
    let quote = rest[0];
    if syntax.triple_quotes && quote == '"' && starts_with(rest, "\"\"\"") {
        let end = (3..rest.len()).find(|&j| starts_with(&rest[j..], "\"\"\""));
        return end.map_or(rest.len(), |j| j + 3);
    }
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
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn code_tokens(text: &str, syntax: &Syntax) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let take = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        let rest = &chars[i..];
        let start = i;
        let class;
        if let Some(len) = comment_len(syntax, rest) {
            i += len;
            class = Class::Comment;
        } else if syntax.quotes.contains(&c) {
            i += string_len(syntax, rest);
            let next = chars[i..].iter().find(|c| !c.is_whitespace());
            class = if syntax.json_keys && next == Some(&':') {
                Class::Key
            } else {
                Class::Str
            };
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            class = Class::Number;
        } else if is_word(c) {
            while i < chars.len() && is_word(chars[i]) {
                i += 1;
            }
            let word = take(start, i);
            class = if syntax.keywords.contains(&word.as_str()) {
                Class::Keyword
            } else if syntax.types.contains(&word.as_str())
                || syntax.capitalised_types && word.starts_with(|ch: char| ch.is_uppercase())
            {
                Class::Type
            } else {
                Class::Plain
            };
        } else if c.is_whitespace() {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            class = Class::Plain;
        } else {
            i += 1;
            class = if "{}[]()<>;:=,.!|&@".contains(c) {
                Class::Punct
            } else {
                Class::Plain
            };
        }
        out.push(Span {
            class,
            text: take(start, i),
        });
    }
    out
}

/// One line of YAML: comments, keys, quoted strings, numbers and literals.
fn yaml_line(line: &str) -> Line {
    let line = line.trim_end_matches('\r');
    let mut out = Vec::new();
    let mut push = |class: Class, text: &str| {
        if !text.is_empty() {
            out.push(Span {
                class,
                text: text.to_string(),
            });
        }
    };
    let (code, comment) = split_yaml_comment(line);
    let indent_len = code.len() - code.trim_start().len();
    push(Class::Plain, &code[..indent_len]);
    let mut rest = &code[indent_len..];
    if let Some(r) = rest.strip_prefix("- ") {
        push(Class::Punct, "- ");
        rest = r;
    }
    if let Some(colon) = key_colon(rest) {
        let (key, value) = rest.split_at(colon);
        push(Class::Key, key);
        push(Class::Punct, ":");
        rest = &value[1..];
    }
    let trimmed = rest.trim();
    let class = if trimmed.starts_with(['"', '\'']) {
        Class::Str
    } else if trimmed.parse::<f64>().is_ok() {
        Class::Number
    } else if keywords::YAML_WORDS.contains(&trimmed.to_ascii_lowercase().as_str()) {
        Class::Keyword
    } else if trimmed.starts_with(['|', '>', '&', '*', '!']) {
        Class::Punct
    } else {
        Class::Plain
    };
    push(class, rest);
    push(Class::Comment, comment);
    out
}

/// `key: value` → the byte index of the colon that ends the key.
fn key_colon(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (None, ':') if s[i + 1..].is_empty() || s[i + 1..].starts_with(' ') => return Some(i),
            (None, '{' | '[' | ',') => return None,
            _ => {}
        }
    }
    None
}

/// Splits off a `# comment` that is not inside quotes.
fn split_yaml_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return line.split_at(i),
            None => {}
        }
        prev = c;
    }
    (line, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(line: &Line) -> Vec<(Class, &str)> {
        line.iter()
            .filter(|s| s.class != Class::Plain)
            .map(|s| (s.class, s.text.as_str()))
            .collect()
    }

    fn assert_span(html: &str, class: &str, text: &str) {
        let span = format!(r#"<span class="{class}">{text}</span>"#);
        assert!(html.contains(&span), "no {span} in {html}");
    }

    #[test]
    fn python_to_html() {
        let html = to_html("python", "def f(x):\n    return 'a<b'  # note\n42");
        assert_span(&html, "tok-kw", "def");
        assert_span(&html, "tok-str", "&#39;a&lt;b&#39;");
        assert_span(&html, "tok-com", "# note");
        assert_span(&html, "tok-num", "42");
        assert!(!html.contains("<b"), "escaped: {html}");
        assert_eq!(html.lines().count(), 3);
    }

    #[test]
    fn typescript_and_unknown_languages() {
        let html = to_html("TypeScript", "const a = <Grid /> /* c */");
        assert_span(&html, "tok-kw", "const");
        assert_span(&html, "tok-type", "Grid");
        assert_span(&html, "tok-com", "/* c */");
        assert_eq!(to_html("brainfuck", "<+>"), "&lt;+&gt;");
        // Unterminated strings and comments end at the end of input, without panicking.
        assert!(to_html("rust", "let s = \"abc").ends_with("</span>"));
        assert!(to_html("rust", "/* open").ends_with("</span>"));
        assert!(to_html("rust", "x1 = 1é").contains("é"));
    }

    #[test]
    fn protobuf_graphql_and_json() {
        let lines = highlight("message Pet { string name = 1; } // x", Language::Protobuf);
        let c = classes(&lines[0]);
        assert!(
            c.contains(&(Class::Keyword, "message")) && c.contains(&(Class::Type, "Pet")),
            "{c:?}"
        );
        assert!(
            c.contains(&(Class::Type, "string")) && c.contains(&(Class::Number, "1")),
            "{c:?}"
        );
        assert!(c.contains(&(Class::Comment, "// x")), "{c:?}");
        let lines = highlight(
            "\"\"\"A pet\nwith lines\"\"\"\ntype Pet { id: ID! }",
            Language::GraphQl,
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(classes(&lines[1]), [(Class::Str, "with lines\"\"\"")]);
        assert!(classes(&lines[2]).contains(&(Class::Keyword, "type")));
        let lines = highlight(r#"{"a": "b", "n": -1.5, "t": true}"#, Language::Json);
        let c = classes(&lines[0]);
        assert!(
            c.contains(&(Class::Key, "\"a\"")) && c.contains(&(Class::Str, "\"b\"")),
            "{c:?}"
        );
        assert!(
            c.contains(&(Class::Number, "-1.5")) && c.contains(&(Class::Keyword, "true")),
            "{c:?}"
        );
    }

    #[test]
    fn yaml_lines_with_keys_comments_and_literals() {
        let lines = highlight("name: 'x' # c\n- on\nurl: http://a:b", Language::Yaml);
        assert_eq!(
            classes(&lines[0]),
            [
                (Class::Key, "name"),
                (Class::Punct, ":"),
                (Class::Str, " 'x' "),
                (Class::Comment, "# c")
            ]
        );
        assert_eq!(
            classes(&lines[1]),
            [(Class::Punct, "- "), (Class::Keyword, "on")]
        );
        assert_eq!(classes(&lines[2])[0], (Class::Key, "url"));
    }

    #[test]
    fn every_prefix_of_odd_input_is_handled() {
        let text = "\"\"\"open `tick /* \\\" '\n# -1x";
        for lang in [
            Language::Protobuf,
            Language::GraphQl,
            Language::Yaml,
            Language::Json,
            Language::Script,
            Language::Python,
            Language::Sql,
        ] {
            for end in 0..=text.len() {
                if text.is_char_boundary(end) {
                    let joined: String = highlight(&text[..end], lang)
                        .iter()
                        .map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>())
                        .collect::<Vec<_>>()
                        .join("\n");
                    assert_eq!(joined, text[..end].replace('\r', ""), "{lang:?} {end}");
                }
            }
        }
    }
}
