//! Markdown (as MkDocs with TechDocs' extensions writes it) to HTML: tables, fenced code
//! with highlighting, heading anchors, admonitions (`!!! note "Title"`, collapsible
//! `??? tip`), attribute lists (`{: … }`, dropped), task lists (☑ / ☐). The output is NOT safe yet: raw HTML
//! passes through and [`crate::sanitize`] cleans it.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use backlot_text::html::escape;

pub fn to_html(markdown: &str) -> String {
    let source = preprocess(markdown);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Vec::new();
    let mut ids = HashSet::new();
    let mut parser = Parser::new_ext(&source, options);
    while let Some(event) = parser.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let mut inner = Vec::new();
                for e in parser.by_ref() {
                    if matches!(e, Event::End(TagEnd::Heading(_))) {
                        break;
                    }
                    inner.push(e);
                }
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let wanted = id
                    .as_deref()
                    .map(str::to_string)
                    .unwrap_or_else(|| slug(&text));
                let id = unique(&mut ids, wanted);
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id.clone())),
                    classes,
                    attrs,
                }));
                events.extend(inner);
                events.push(Event::InlineHtml(CowStr::from(format!(
                    "<a class=\"doc-anchor\" href=\"#{}\" title=\"Link to this section\"></a>",
                    escape(&id)
                ))));
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for e in parser.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                let class: String = lang
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '+')
                    .collect();
                let lang_class = if class.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"language-{class}\"")
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<pre class=\"doc-code\"><code{lang_class}>{}</code></pre>\n",
                    backlot_text::highlight::to_html(&lang, &code)
                ))));
            }
            // A glyph, not an `<input>`: the sanitizer lets no form control through.
            Event::TaskListMarker(done) => {
                events.push(Event::Text(CowStr::Borrowed(if done {
                    "☑ "
                } else {
                    "☐ "
                })));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// `Hello, World!` → `hello-world` (MkDocs' toc style).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn unique(seen: &mut HashSet<String>, wanted: String) -> String {
    let mut id = wanted.clone();
    let mut n = 1;
    while !seen.insert(id.clone()) {
        id = format!("{wanted}_{n}");
        n += 1;
    }
    id
}

/// Admonitions become HTML blocks around their (markdown) content; attribute lists go.
/// Fenced code is left exactly as written.
pub fn preprocess(markdown: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut fence: Option<(char, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some((ch, n)) = fence {
            if trimmed.starts_with(&ch.to_string().repeat(n))
                && trimmed.trim_start_matches(ch).trim().is_empty()
            {
                fence = None;
            }
            out.push_str(line);
            out.push('\n');
            i += 1;
            continue;
        }
        if let Some(open) = fence_open(trimmed) {
            fence = Some(open);
            out.push_str(line);
            out.push('\n');
            i += 1;
            continue;
        }
        if let Some(adm) = admonition_head(line) {
            // The body: following lines indented by 4 (or a tab), and blank lines between.
            let mut body = Vec::new();
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                if l.trim().is_empty() {
                    body.push("");
                } else if let Some(rest) = l.strip_prefix("    ").or_else(|| l.strip_prefix('\t')) {
                    body.push(rest);
                } else {
                    break;
                }
                j += 1;
            }
            while body.last() == Some(&"") {
                body.pop();
            }
            let inner = preprocess(&body.join("\n"));
            let title = adm.title.map(|t| escape(&t));
            let kind = adm.kind;
            if adm.collapsible {
                let open = if adm.open { " open" } else { "" };
                out.push_str(&format!(
                    "<details class=\"admonition {kind}\"{open}>\n<summary>{}</summary>\n\n",
                    title.unwrap_or_else(|| escape(&default_title(&kind)))
                ));
                out.push_str(&inner);
                out.push_str("\n\n</details>\n\n");
            } else {
                out.push_str(&format!("<div class=\"admonition {kind}\">\n"));
                match title {
                    Some(t) if t.is_empty() => {}
                    Some(t) => out.push_str(&format!("<p class=\"admonition-title\">{t}</p>\n")),
                    None => out.push_str(&format!(
                        "<p class=\"admonition-title\">{}</p>\n",
                        escape(&default_title(&kind))
                    )),
                }
                out.push('\n');
                out.push_str(&inner);
                out.push_str("\n\n</div>\n\n");
            }
            i = j;
            continue;
        }
        out.push_str(&strip_attr_lists(line));
        out.push('\n');
        i += 1;
    }
    out
}

fn fence_open(trimmed: &str) -> Option<(char, usize)> {
    for ch in ['`', '~'] {
        let n = trimmed.chars().take_while(|c| *c == ch).count();
        if n >= 3 {
            return Some((ch, n));
        }
    }
    None
}

struct AdmonitionHead {
    kind: String,
    title: Option<String>,
    collapsible: bool,
    open: bool,
}

fn admonition_head(line: &str) -> Option<AdmonitionHead> {
    let (rest, collapsible, open) = if let Some(r) = line.strip_prefix("!!! ") {
        (r, false, false)
    } else if let Some(r) = line.strip_prefix("???+ ") {
        (r, true, true)
    } else if let Some(r) = line.strip_prefix("??? ") {
        (r, true, false)
    } else {
        return None;
    };
    let (words, title) = match rest.find('"') {
        Some(q) => {
            let t = rest[q + 1..]
                .rsplit_once('"')
                .map_or(&rest[q + 1..], |(t, _)| t);
            (&rest[..q], Some(t.to_string()))
        }
        None => (rest, None),
    };
    let kind: Vec<String> = words
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if kind.is_empty() {
        return None;
    }
    Some(AdmonitionHead {
        kind: kind.join(" "),
        title,
        collapsible,
        open,
    })
}

fn default_title(kind: &str) -> String {
    crate::mkdocs::title_from_name(kind.split(' ').next().unwrap_or(kind))
}

/// Drops `{: … }` attribute lists (Python-Markdown's attr_list) outside code spans.
fn strip_attr_lists(line: &str) -> String {
    if !line.contains("{:") {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
        }
        if !in_code
            && rest.starts_with("{:")
            && let Some(end) = rest.find('}')
        {
            rest = &rest[end + 1..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors() {
        let html = to_html("# Title\n\n## Overview\n\n## Overview\n\n### Custom {#my-id}\n");
        assert!(
            html.contains("<h1 id=\"title\">Title<a class=\"doc-anchor\" href=\"#title\""),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"overview\">"), "{html}");
        assert!(html.contains("<h2 id=\"overview_1\">"), "{html}");
        assert!(html.contains("<h3 id=\"my-id\">"), "{html}");
    }

    #[test]
    fn admonitions_wrap_markdown() {
        let md = "Before\n\n!!! warning \"Mind *this*\"\n    Some **bold** text.\n\n    - item\n\nAfter\n\n??? tip\n    hidden\n";
        let html = to_html(md);
        assert!(
            html.contains("<div class=\"admonition warning\">"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"admonition-title\">Mind *this*</p>"),
            "{html}"
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<li>item</li>"), "{html}");
        assert!(
            html.contains("<details class=\"admonition tip\">\n<summary>Tip</summary>"),
            "{html}"
        );
        assert!(html.contains("<p>After</p>"), "{html}");
    }

    #[test]
    fn code_in_fences_is_left_alone() {
        let md = "```markdown\n!!! note\n    not an admonition\n[x](y.md){: download=\"a\"}\n```\n\n[link](y.md){: download=\"a\"}\n";
        let html = to_html(md);
        assert!(!html.contains("admonition note"), "{html}");
        assert!(
            html.contains("{: download"),
            "inside code the attr list stays: {html}"
        );
        assert!(
            html.contains("<a href=\"y.md\">link</a></p>"),
            "outside it goes: {html}"
        );
    }

    #[test]
    fn task_lists_are_glyphs_not_inputs() {
        let html = to_html("- [x] done\n- [ ] to do\n");
        assert!(
            html.contains("☑ done") && html.contains("☐ to do"),
            "{html}"
        );
        assert!(!html.contains("<input"), "{html}");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Hello, World!"), "hello-world");
        assert_eq!(slug("  Heading 1 - 6 "), "heading-1-6");
        assert_eq!(slug("???"), "section");
    }
}
