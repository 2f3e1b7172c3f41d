//! Source highlighting comes from the one highlighter in `backlot-text` (shared with
//! TechDocs); this module re-exports it for the views and adds what only API docs need:
//! the summary of a protobuf file (package, services, rpcs, messages) with its syntax
//! checked.

use backlot_text::highlight::tokens;
pub use backlot_text::highlight::{Class, Language, Line, Span, highlight};

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
    for span in tokens(text, Language::Protobuf) {
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
