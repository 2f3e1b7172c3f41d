//! Makes rendered docs safe for the window and rewrites their links: ammonia removes
//! scripts, styles, frames, forms and their controls (`input`, `button`, `select`,
//! `textarea`), event handlers and non-web URL schemes, and keeps only the class names the
//! docs renderer itself writes (so a page cannot dress up as the app's own UI with
//! `class="button primary"` or `class="sidebar"`); relative links
//! between pages become in-app docs links and relative images become `data:` URLs (the
//! only images the window's CSP lets through besides its own). Then headings and plain
//! text are read back out of the clean HTML for the outline and the search index.

use std::borrow::Cow;
use std::sync::Arc;

use backlot_techdocs_common::Heading;

/// Turns a site's relative URLs into what the window can use.
pub trait Resolver: Send + Sync {
    /// A relative `href` → an in-app link, or `None` to drop the link (its text stays).
    fn link(&self, href: &str) -> Option<String>;
    /// A relative image `src` → a `data:` URL, or `None` to drop it (its alt text stays).
    fn image(&self, src: &str) -> Option<String>;
}

/// Form controls: dropped with their content (a button's label, a textarea's text, a
/// select's options), so a page cannot show controls that look like the app's.
const CONTROLS: [&str; 4] = ["button", "select", "textarea", "option"];

/// Cleans `html`, rewriting relative links and images with `resolver`.
pub fn clean(html: &str, resolver: Arc<dyn Resolver>) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags([
            "details",
            "summary",
            "figure",
            "figcaption",
            "mark",
            "kbd",
            "abbr",
            "dl",
            "dt",
            "dd",
            "sub",
            "sup",
        ])
        // Ammonia allows none of `form`, `input`, `button`, `select`, `textarea`; say so.
        .rm_tags(["form", "input", "button", "select", "textarea", "option"])
        .add_clean_content_tags(CONTROLS)
        .add_generic_attributes(["id", "class"])
        .add_tag_attributes("details", ["open"])
        .link_rel(Some("noopener noreferrer"))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .attribute_filter(move |element, attribute, value| -> Option<Cow<'_, str>> {
            match (element, attribute) {
                (_, "class") => docs_classes(value).map(Cow::Owned),
                // A URL no browser shows or follows, but one that could say `javascript:`.
                (_, "cite") => None,
                ("a", "href") if is_relative(value) => resolver.link(value).map(Cow::Owned),
                ("img", "src") if is_relative(value) => resolver.image(value).map(Cow::Owned),
                // The window loads no images from the network (CSP); the alt text stands in.
                ("img", "src") if !value.starts_with("data:") => None,
                ("img", "srcset") => None,
                _ => Some(Cow::Borrowed(value)),
            }
        });
    builder.clean(html).to_string()
}

/// Class names the docs renderer writes ([`crate::markdown`], the highlighter's `tok-*`)
/// and MkDocs' equivalents; every other class is dropped.
const DOCS_CLASSES: &[&str] = &[
    "doc-anchor",
    "doc-code",
    "headerlink",
    "admonition",
    "admonition-title",
    "footnote-definition",
    "footnote-definition-label",
    "footnote-reference",
    // Admonition kinds (MkDocs Material's, and its `inline` / `end` placements).
    "note",
    "abstract",
    "summary",
    "tldr",
    "info",
    "todo",
    "tip",
    "hint",
    "important",
    "success",
    "check",
    "done",
    "question",
    "help",
    "faq",
    "warning",
    "caution",
    "attention",
    "failure",
    "fail",
    "missing",
    "danger",
    "error",
    "bug",
    "example",
    "quote",
    "cite",
    "inline",
    "end",
];

/// Class-name prefixes the renderer writes: highlighted tokens and code languages.
const DOCS_CLASS_PREFIXES: &[&str] = &["tok-", "language-"];

/// The classes of `value` the docs may use; `None` (no attribute) when none is left.
fn docs_classes(value: &str) -> Option<String> {
    let kept: Vec<&str> = value
        .split_ascii_whitespace()
        .filter(|class| {
            DOCS_CLASSES.contains(class)
                || DOCS_CLASS_PREFIXES.iter().any(|p| {
                    class.strip_prefix(p).is_some_and(|rest| {
                        !rest.is_empty()
                            && rest
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "-+_".contains(c))
                    })
                })
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

/// A URL without scheme or host that does not only point inside the page.
fn is_relative(url: &str) -> bool {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") {
        return false;
    }
    match url.find(':') {
        Some(colon) => url[..colon].contains(['/', '?', '#']),
        None => true,
    }
}

/// Resolves `relative` (no query or fragment) against folder `base` (`a/b`, or `""`)
/// inside a site; `None` when it climbs out of the site.
pub fn join(base: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in relative.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if relative.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Splits `path?query#fragment` into the path and the fragment.
pub fn split_href(href: &str) -> (String, Option<String>) {
    let (rest, fragment) = match href.split_once('#') {
        Some((r, f)) => (
            r,
            Some(backlot_text::percent::decode(f)).filter(|f| !f.is_empty()),
        ),
        None => (href, None),
    };
    let path = rest.split('?').next().unwrap_or_default();
    (backlot_text::percent::decode(path), fragment)
}

/// The media type for an image file name, `None` for other files.
pub fn image_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        _ => return None,
    })
}

pub fn data_url(media_type: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// One stretch of a page for search: the heading it is under and its plain text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub heading: Option<Heading>,
    pub text: String,
}

/// Reads clean HTML (as [`clean`] writes it) back into headings and text sections.
pub fn outline(html: &str) -> (Vec<Heading>, Vec<Section>) {
    let mut headings = Vec::new();
    let mut sections = vec![Section::default()];
    let mut rest = html;
    let mut in_heading: Option<Heading> = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            let tag = &after[..end.saturating_sub(1)];
            rest = &after[end.min(after.len())..];
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(level) = heading_level(&name) {
                in_heading = Some(Heading {
                    level,
                    id: attr(tag, "id").unwrap_or_default(),
                    text: String::new(),
                });
            } else if name.starts_with('/') && heading_level(&name[1..]).is_some() {
                if let Some(mut h) = in_heading.take() {
                    h.text = h
                        .text
                        .replace('¶', "")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    sections.push(Section {
                        heading: Some(h.clone()),
                        text: String::new(),
                    });
                    headings.push(h);
                }
            } else if matches!(
                name.as_str(),
                "p" | "/p"
                    | "br"
                    | "li"
                    | "/li"
                    | "td"
                    | "th"
                    | "pre"
                    | "/pre"
                    | "div"
                    | "/div"
                    | "tr"
            ) && let Some(s) = sections.last_mut()
            {
                s.text.push(' ');
            }
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = decode_entities(&rest[..end]);
        match &mut in_heading {
            Some(h) => h.text.push_str(&text),
            None => {
                if let Some(s) = sections.last_mut() {
                    s.text.push_str(&text);
                }
            }
        }
        rest = &rest[end..];
    }
    for s in &mut sections {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    sections.retain(|s| s.heading.is_some() || !s.text.is_empty());
    (headings, sections)
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(decode_entities(&tag[start..end]))
}

pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl Resolver for Fixed {
        fn link(&self, href: &str) -> Option<String> {
            Some(format!("/docs/x?page={href}"))
        }
        fn image(&self, _: &str) -> Option<String> {
            Some("data:image/png;base64,AAAA".into())
        }
    }

    #[test]
    fn hostile_markup_is_removed() {
        let dirty = r#"<p onclick="evil()">hi<script>alert(1)</script></p>
<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">js</a><a href="JaVaScRiPt:alert(4)">js2</a>
<iframe src="https://evil.example"></iframe><style>body{}</style><form action="/x"><input type="text" value="v"></form>
<a href="data:text/html,<script>alert(5)</script>">data</a><svg><script>alert(6)</script></svg><p style="color:red">s</p>
<img src="data:image/svg+xml,<svg onload=alert(7)>"><img alt="tracker" src="https://tracker.example/p.gif" srcset="https://tracker.example/2x.gif 2x">"#;
        let clean = clean(dirty, Arc::new(Fixed));
        assert!(
            clean.contains(r#"<img alt="tracker">"#),
            "remote images keep only their alt text: {clean}"
        );
        for bad in [
            "tracker.example",
            "<script",
            "onclick",
            "onerror",
            "javascript:",
            "<iframe",
            "<style",
            "<form",
            "alert(5)",
            "style=",
            "onload",
            "type=\"text\"",
        ] {
            assert!(
                !clean
                    .to_ascii_lowercase()
                    .contains(&bad.to_ascii_lowercase()),
                "{bad} survived: {clean}"
            );
        }
        assert!(
            clean.contains("src=\"data:image/png;base64,AAAA\""),
            "relative images rewritten: {clean}"
        );
        assert!(clean.contains("<p>hi</p>"), "{clean}");
    }

    #[test]
    fn form_controls_and_the_apps_class_names_are_dropped() {
        let markdown = "# Title\n\n\
            <form action=\"/login\"><input type=\"password\" name=\"p\"><input type=\"checkbox\" checked>\
            <button class=\"button primary\">Sign in</button><select><option>Admin</option></select>\
            <textarea>typed</textarea></form>\n\n\
            <div class=\"sidebar\">side</div>\n\n\
            <span class=\"tok-kw card admonition\">k</span>\n\n\
            !!! note \"Careful\"\n    body\n\n\
            !!! sidebar\n    fake\n\n\
            ```rust\npub fn x() {}\n```\n";
        let clean = clean(&crate::markdown::to_html(markdown), Arc::new(Fixed));
        for bad in [
            "<form",
            "<input",
            "<button",
            "<select",
            "<option",
            "<textarea",
            "Sign in",
            "Admin",
            "typed",
            "button",
            "primary",
            "sidebar",
            "card",
        ] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(clean.contains("<div>side</div>"), "{clean}");
        // What the renderer writes keeps its classes.
        for kept in [
            r##"<a class="doc-anchor" href="#title""##,
            r#"<span class="tok-kw admonition">k</span>"#,
            r#"<div class="admonition note">"#,
            r#"<p class="admonition-title">Careful</p>"#,
            r#"<div class="admonition">"#,
            r#"<pre class="doc-code"><code class="language-rust"><span class="tok-kw">pub</span>"#,
        ] {
            assert!(clean.contains(kept), "{kept} lost: {clean}");
        }
    }

    #[test]
    fn cite_urls_are_dropped() {
        let clean = clean(
            r#"<blockquote cite="javascript:alert(1)">q</blockquote><q cite="https://x.example">r</q>"#,
            Arc::new(Fixed),
        );
        assert_eq!(clean, "<blockquote>q</blockquote><q>r</q>");
    }

    #[test]
    fn class_names_are_kept_only_when_the_renderer_writes_them() {
        assert_eq!(docs_classes("tok-str"), Some("tok-str".into()));
        assert_eq!(
            docs_classes("admonition  warning app"),
            Some("admonition warning".into())
        );
        assert_eq!(docs_classes("language-c++"), Some("language-c++".into()));
        assert_eq!(docs_classes("button primary"), None);
        assert_eq!(docs_classes("tok- language-"), None);
        assert_eq!(docs_classes("tok-<x>"), None);
    }

    #[test]
    fn links_are_rewritten_and_marked() {
        let clean = clean(
            r##"<a href="other.md#x">o</a><a href="#here">h</a><a href="https://example.com">e</a><a href="mailto:a@b.c">m</a>"##,
            Arc::new(Fixed),
        );
        assert!(
            clean.contains(r#"href="/docs/x?page=other.md#x""#),
            "{clean}"
        );
        assert!(clean.contains(r##"href="#here""##), "{clean}");
        assert!(
            clean.contains(r#"href="https://example.com" rel="noopener noreferrer""#),
            "{clean}"
        );
        assert!(clean.contains("mailto:a@b.c"), "{clean}");
    }

    #[test]
    fn joins_stay_inside_the_site() {
        assert_eq!(join("examples", "../index.md").as_deref(), Some("index.md"));
        assert_eq!(
            join("", "./examples/basic.md").as_deref(),
            Some("examples/basic.md")
        );
        assert_eq!(join("a/b", "c/").as_deref(), Some("a/b/c/"));
        assert_eq!(join("", "../../etc/passwd"), None);
        assert_eq!(
            split_href("a%20b.md?x=1#sec"),
            ("a b.md".to_string(), Some("sec".to_string()))
        );
    }

    #[test]
    fn outline_reads_headings_and_text() {
        let (headings, sections) = outline(
            "<p>intro &amp; more</p><h1 id=\"t\">Title<a class=\"doc-anchor\" href=\"#t\"></a></h1><p>body</p><h2 id=\"s\">Sub ¶</h2><table><tr><td>a</td><td>b</td></tr></table>",
        );
        assert_eq!(headings.len(), 2);
        assert_eq!(
            (
                headings[1].level,
                headings[1].id.as_str(),
                headings[1].text.as_str()
            ),
            (2, "s", "Sub")
        );
        assert_eq!(sections[0].text, "intro & more");
        assert_eq!(sections[1].text, "body");
        assert_eq!(sections[2].text, "a b");
    }
}
