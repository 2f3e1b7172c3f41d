//! Source highlighting: a small tokenizer per language that splits text into lines of
//! spans, each with a class (`tok-kw`, `tok-str`, `tok-com`, `tok-num`, `tok-type`,
//! `tok-key`, `tok-punct`). Unknown input is never an error: it is shown as plain text.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Protobuf,
    GraphQl,
    Yaml,
    Json,
    /// TypeScript/JavaScript-like (tRPC definitions).
    Script,
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
            Self::Plain => "text",
        }
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

const PROTO_KEYWORDS: &[&str] = &[
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
const PROTO_TYPES: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
    "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
];
const GRAPHQL_KEYWORDS: &[&str] = &[
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
const SCRIPT_KEYWORDS: &[&str] = &[
    "import",
    "export",
    "from",
    "const",
    "let",
    "var",
    "function",
    "return",
    "async",
    "await",
    "if",
    "else",
    "new",
    "type",
    "interface",
    "class",
    "extends",
    "true",
    "false",
    "null",
    "undefined",
    "as",
    "default",
    "typeof",
    "for",
    "of",
    "in",
];
const YAML_WORDS: &[&str] = &["true", "false", "null", "~", "yes", "no", "on", "off"];

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
        other => split_lines(code_tokens(text, other)),
    }
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

fn code_tokens(text: &str, language: Language) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let keywords: &[&str] = match language {
        Language::Protobuf => PROTO_KEYWORDS,
        Language::GraphQl => GRAPHQL_KEYWORDS,
        Language::Script => SCRIPT_KEYWORDS,
        _ => &[],
    };
    let slash_comments = matches!(language, Language::Protobuf | Language::Script);
    let hash_comments = language == Language::GraphQl;
    let take = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let class;
        if slash_comments && c == '/' && chars.get(i + 1) == Some(&'/') || hash_comments && c == '#'
        {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            class = Class::Comment;
        } else if slash_comments && c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i = (i + 2).min(chars.len());
            class = Class::Comment;
        } else if language == Language::GraphQl && chars[i..].starts_with(&['"', '"', '"']) {
            i += 3;
            while i < chars.len() && !chars[i..].starts_with(&['"', '"', '"']) {
                i += 1;
            }
            i = (i + 3).min(chars.len());
            class = Class::Str;
        } else if c == '"' || c == '\'' || (c == '`' && language == Language::Script) {
            i += 1;
            while i < chars.len() && chars[i] != c && (c == '`' || chars[i] != '\n') {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = i.min(chars.len());
            if i < chars.len() && chars[i] == c {
                i += 1;
            }
            class = if language == Language::Json && next_non_space(&chars, i) == Some(':') {
                Class::Key
            } else {
                Class::Str
            };
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            class = Class::Number;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word = take(start, i);
            class = if keywords.contains(&word.as_str())
                || (language == Language::Json
                    && ["true", "false", "null"].contains(&word.as_str()))
            {
                Class::Keyword
            } else if language == Language::Protobuf && PROTO_TYPES.contains(&word.as_str())
                || matches!(language, Language::Protobuf | Language::GraphQl)
                    && word.starts_with(|ch: char| ch.is_ascii_uppercase())
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

fn next_non_space(chars: &[char], from: usize) -> Option<char> {
    chars[from..].iter().copied().find(|c| !c.is_whitespace())
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
    } else if YAML_WORDS.contains(&trimmed.to_ascii_lowercase().as_str()) {
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

/// What a protobuf file declares, for the summary above its source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtoSummary {
    pub package: Option<String>,
    pub services: Vec<ProtoService>,
    pub messages: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProtoService {
    pub name: String,
    /// `SayHello(HelloRequest) returns (HelloReply)`.
    pub rpcs: Vec<String>,
}

/// Reads a `.proto` file's package, services, rpcs and top-level messages, and checks that
/// its braces, strings and comments are closed.
pub fn proto_summary(text: &str) -> Result<ProtoSummary, super::document::DefinitionError> {
    let fail =
        |line: usize, column: usize, message: &str| super::document::DefinitionError::Proto {
            line,
            column,
            message: message.into(),
        };
    // Tokens with positions; comments and whitespace dropped.
    let mut words: Vec<(String, usize, usize)> = Vec::new();
    let (mut line, mut col) = (1usize, 1usize);
    let mut opened: Vec<(usize, usize)> = Vec::new();
    for span in code_tokens(text, Language::Protobuf) {
        let (start_line, start_col) = (line, col);
        let unterminated_comment = span.class == Class::Comment
            && span.text.starts_with("/*")
            && !(span.text.len() >= 4 && span.text.ends_with("*/"));
        if unterminated_comment {
            return Err(fail(start_line, start_col, "unterminated /* comment"));
        }
        if span.class == Class::Str {
            let q = span.text.chars().next().unwrap_or('"');
            if span.text.chars().count() < 2 || !span.text.ends_with(q) {
                return Err(fail(start_line, start_col, "unterminated string"));
            }
        }
        for ch in span.text.chars() {
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        match span.text.as_str() {
            "{" => opened.push((start_line, start_col)),
            "}" if opened.pop().is_none() => {
                return Err(fail(start_line, start_col, "`}` without a matching `{`"));
            }
            _ => {}
        }
        if !matches!(span.class, Class::Comment) && !span.text.trim().is_empty() {
            words.push((span.text, start_line, start_col));
        }
    }
    if let Some((l, c)) = opened.last() {
        return Err(fail(*l, *c, "`{` is never closed"));
    }
    let mut summary = ProtoSummary::default();
    let mut depth = 0usize;
    let mut current_service: Option<usize> = None;
    let mut i = 0;
    let word = |i: usize| words.get(i).map(|w| w.0.as_str()).unwrap_or_default();
    while i < words.len() {
        match word(i) {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    current_service = None;
                }
            }
            "package" if depth == 0 => {
                let mut name = String::new();
                let mut j = i + 1;
                while j < words.len() && word(j) != ";" {
                    name.push_str(word(j));
                    j += 1;
                }
                summary.package = Some(name);
                i = j;
            }
            "message" if depth == 0 => summary.messages.push(word(i + 1).to_string()),
            "service" if depth == 0 => {
                summary.services.push(ProtoService {
                    name: word(i + 1).to_string(),
                    rpcs: vec![],
                });
                current_service = Some(summary.services.len() - 1);
            }
            "rpc" if depth == 1 => {
                // rpc Name ( [stream] Req ) returns ( [stream] Res )
                let mut j = i + 1;
                let mut text = String::new();
                while j < words.len() && !matches!(word(j), "{" | ";") {
                    let w = word(j);
                    if w == "returns" || w == "stream" {
                        text.push(' ');
                        text.push_str(w);
                        text.push(' ');
                    } else {
                        text.push_str(w);
                    }
                    j += 1;
                }
                if let Some(s) = current_service.and_then(|s| summary.services.get_mut(s)) {
                    s.rpcs.push(
                        text.replace("( ", "(")
                            .replace("  ", " ")
                            .trim()
                            .to_string(),
                    );
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(summary)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::fixtures;

    fn classes(line: &Line) -> Vec<(Class, &str)> {
        line.iter().map(|s| (s.class, s.text.as_str())).collect()
    }

    #[test]
    fn proto_highlighting() {
        let lines = highlight(
            "// hi\nmessage A {\n  string name = 1; /* multi\nline */\n}",
            Language::Protobuf,
        );
        assert_eq!(lines.len(), 5);
        assert_eq!(classes(&lines[0]), [(Class::Comment, "// hi")]);
        let second = classes(&lines[1]);
        assert_eq!(second[0], (Class::Keyword, "message"));
        assert_eq!(second[2], (Class::Type, "A"));
        assert!(classes(&lines[2]).contains(&(Class::Type, "string")));
        assert!(classes(&lines[2]).contains(&(Class::Number, "1")));
        assert_eq!(classes(&lines[3]), [(Class::Comment, "line */")]);
    }

    #[test]
    fn yaml_and_json_highlighting() {
        let lines = highlight(
            "openapi: \"3.0.0\" # v\n  - name: limit\n    required: false",
            Language::Yaml,
        );
        assert_eq!(
            classes(&lines[0]),
            [
                (Class::Key, "openapi"),
                (Class::Punct, ":"),
                (Class::Str, " \"3.0.0\" "),
                (Class::Comment, "# v")
            ]
        );
        assert_eq!(
            classes(&lines[1])[1..3],
            [(Class::Punct, "- "), (Class::Key, "name")]
        );
        assert_eq!(classes(&lines[2]).last(), Some(&(Class::Keyword, " false")));
        let json = highlight("{\"a\": \"b\", \"n\": 1}", Language::Json);
        assert!(classes(&json[0]).contains(&(Class::Key, "\"a\"")));
        assert!(classes(&json[0]).contains(&(Class::Str, "\"b\"")));
    }

    #[test]
    fn hello_world_summary() {
        let summary =
            proto_summary(&crate::model::fixtures::definition(fixtures::HELLO_WORLD)).unwrap();
        assert_eq!(summary.package.as_deref(), Some("helloworld"));
        assert_eq!(summary.services[0].name, "Greeter");
        assert_eq!(
            summary.services[0].rpcs,
            ["SayHello(HelloRequest) returns (HelloReply)"]
        );
        assert_eq!(summary.messages, ["HelloRequest", "HelloReply"]);
    }

    #[test]
    fn broken_proto_is_reported_with_line() {
        let err =
            proto_summary("syntax = \"proto3\";\nmessage A {\n  string a = 1;\n").unwrap_err();
        assert_eq!(err.line(), Some(2), "{err}");
        let err = proto_summary("message A {}\n}\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        let err = proto_summary("option x = \"open;\nmessage A {}").unwrap_err();
        assert_eq!(err.line(), Some(1));
        assert!(err.to_string().contains("unterminated string"), "{err}");
    }
}
