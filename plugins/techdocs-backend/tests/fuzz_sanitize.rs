//! Property tests of the docs pipeline's safety: markdown → HTML → sanitize (local docs)
//! and raw HTML → sanitize (MkDocs sites from the team backend), on hostile HTML fragments
//! (script in every disguise, event handlers, `javascript:` behind case, whitespace, control
//! characters and entities, mXSS shapes, markdown links and admonitions) mixed with random
//! text. The sanitized output, read as a browser would, never has a `<script` (or another
//! active element), an `on*` attribute, a `style`, or a URL attribute whose scheme is
//! `javascript:`/`vbscript:`/`data:` (the resolver's `data:image/png` images excepted).
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000` (`make fuzz`) runs many more.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use backlot_techdocs_backend::{Resolver, markdown_to_html, sanitize_html};
use backlot_techdocs_common::docs_link;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Links to pages become in-app docs links and `.png` images `data:` URLs, as the local
/// site's resolver does.
struct Site;

impl Resolver for Site {
    fn link(&self, href: &str) -> Option<String> {
        let path = href.split(['?', '#']).next().unwrap_or_default();
        (path.ends_with(".md") || path.ends_with('/'))
            .then(|| docs_link("component:default/svc", path, None))
    }
    fn image(&self, src: &str) -> Option<String> {
        src.ends_with(".png")
            .then(|| "data:image/png;base64,iVBORw0KGgo=".to_owned())
    }
}

/// The team site's resolver: no relative link or image survives.
struct NoLinks;

impl Resolver for NoLinks {
    fn link(&self, _: &str) -> Option<String> {
        None
    }
    fn image(&self, _: &str) -> Option<String> {
        None
    }
}

fn resolver(site: bool) -> Arc<dyn Resolver> {
    if site {
        Arc::new(Site)
    } else {
        Arc::new(NoLinks)
    }
}

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//127.0.0.2/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\n>alert(1)</script\n>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x.png\" onerror='alert(1)'>",
    "<img src=`x`onerror=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<img src=\"pic.png\" srcset=\"javascript:alert(1) 2x\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mi xlink:href=\"data:x,<script>alert(1)</script>\">m</mi></math>",
    "<math><a href=\"javascript:alert(1)\">x</a></math>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"java&#x09;script:alert(1)\">x</a>",
    "<a href=\"java&#9;script:alert(1)\">x</a>",
    "<a href=\"jav&#97;script:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript&colon;alert(1)\">x</a>",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<a href=\" \u{1}javascript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\"java\u{0}script:alert(1)\">x</a>",
    "<a href='vbscript:msgbox(1)'>x</a>",
    "<a href=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>x</a>",
    "<a href=\"x.md\" onclick=\"alert(1)\">x</a>",
    "<a href=\"page.md\" ONMOUSEOVER=alert(1)>p</a>",
    "<a/onmouseover=alert(1)>x</a>",
    "<a href=\"#\" style=\"background:url(javascript:alert(1))\">s</a>",
    "<a href=\"//127.0.0.2/x\">x</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<input type=\"checkbox\" onclick=alert(1) checked>",
    "<input type=image src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<body onload=alert(1)>",
    "<div style=\"width:expression(alert(1))\">d</div>",
    "<abbr title=\"x\" onpointerenter=alert(1)>a</abbr>",
    "<kbd oncopy=alert(1)>k</kbd>",
    "<p id=\"x\" class=\"y\" onclick=\"z\">p</p>",
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<style><img src=x onerror=alert(1)></style>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<xmp><script>alert(1)</script></xmp>",
    "<noembed><script>alert(1)</script></noembed>",
    "<plaintext><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
    "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
    "<a href=\"javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>\">x</a>",
    "<select><template><style><!--</style><a rel=\"--></style></template></select><img src=x onerror=alert(1)>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1) \"t\")",
    "[x](&#x6A;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "![x](pic.png \"a\\\" onerror=\\\"alert(1)\")",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "```html\n<script>alert(1)</script>\n```",
    "```<script>\nx\n```",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "!!! note \"<script>alert(1)</script>\"\n    body <img src=x onerror=alert(1)>",
    "??? tip \"x\" onclick=\"y\"\n    hidden",
    "!!! warning\n    [x](javascript:alert(1))",
    "# Heading {#x onclick=alert(1)}",
    "# H {: onclick=alert(1) }",
    "## Sub {#\" onmouseover=\"alert(1)}",
    "| a | <script>x</script> |\n|---|---|\n| <img src=y onerror=x> | b |",
    "- [ ] <input onclick=x>\n- [x] done",
    "text[^1]\n\n[^1]: <script>alert(1)</script>",
    "<details><summary onclick=alert(1)>s</summary>d</details>",
    "<a href=\"other.md\">o</a><a href=\"sub/\">s</a><img src=\"pic.png\" alt=\"p\">",
];

const TEXT: &[&str] = &[
    "\n",
    "\n\n",
    " ",
    "    ",
    "text",
    "javascript:",
    "onclick=",
    "<",
    ">",
    "&",
    "&amp;",
    "&#",
    "\"",
    "'",
    "=",
    "`",
    "```",
    "[",
    "]",
    "(",
    ")",
    "!",
    "#",
    "> ",
    "- ",
    "* ",
    "|",
    "---",
    "!!! ",
    "??? ",
    "{: ",
    "{#",
    "}",
    "\\",
    "<!--",
    "-->",
    "<a",
    "<img",
    "href=",
    "src=",
    "<script",
    "</",
    "é",
    "\u{0}",
    "\t",
];

fn hostile_mix() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
            3 => prop::sample::select(TEXT).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..10,
    )
    .prop_map(|p| p.concat())
}

/// `&…;` references a browser would decode in an attribute value (the ones that matter:
/// numeric, and the named ones that stand for characters of a scheme).
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = if let Some(num) = entity.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match entity.to_ascii_lowercase().as_str() {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{a0}'),
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A URL attribute as a browser's URL parser sees its scheme: entities decoded, tab and
/// newlines removed, leading control characters and spaces trimmed, lowercased.
fn url_as_browser_sees(value: &str) -> String {
    decode_entities(value)
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_start_matches(|c: char| c <= ' ')
        .to_ascii_lowercase()
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "background",
    "cite",
    "data",
    "poster",
    "xlink:href",
    "longdesc",
    "usemap",
    "codebase",
    "dynsrc",
    "lowsrc",
    "srcset",
    "ping",
    "manifest",
    "icon",
    "profile",
    "archive",
    "classid",
];

const ACTIVE_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "style",
    "base",
    "meta",
    "link",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "textarea",
    "title",
    "body",
    "html",
    "head",
    "button",
    "select",
    "option",
];

/// One tag of serialized HTML: its name and attributes (values still entity-encoded).
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Reads the tags out of the sanitizer's output. Its serializer escapes `<` in text, so
/// every `<` starts a tag (or a comment); attribute values are double-quoted.
/// Why the checker could not read the sanitizer's output as tags (itself a failure).
#[derive(Debug)]
enum Unreadable {
    BareLt(usize),
    UnclosedTag,
    UnquotedValue(String),
    UnclosedValue,
    UnclosedComment,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::BareLt(at) => write!(f, "a bare `<` at {at}"),
            Unreadable::UnclosedTag => write!(f, "unclosed tag"),
            Unreadable::UnquotedValue(attr) => write!(f, "unquoted value of {attr}"),
            Unreadable::UnclosedValue => write!(f, "unclosed value"),
            Unreadable::UnclosedComment => write!(f, "unclosed comment"),
        }
    }
}

fn tags(html: &str) -> Result<Vec<Tag>, Unreadable> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            let end = html[i..].find("-->").ok_or(Unreadable::UnclosedComment)?;
            i += end + 3;
            continue;
        }
        let closing = html[i..].starts_with('/');
        if closing {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !matches!(bytes[i], b' ' | b'>' | b'/' | b'\t' | b'\n') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        if name.is_empty() {
            return Err(Unreadable::BareLt(start));
        }
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'/') {
                i += 1;
            }
            if i >= bytes.len() {
                return Err(Unreadable::UnclosedTag);
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            let a = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'>' | b'/') {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if bytes.get(i) != Some(&b'"') {
                    return Err(Unreadable::UnquotedValue(attr));
                }
                let end = html[i + 1..].find('"').ok_or(Unreadable::UnclosedValue)?;
                value = html[i + 1..i + 1 + end].to_owned();
                i += end + 2;
            }
            attributes.push((attr, value));
        }
        if !closing {
            out.push(Tag { name, attributes });
        }
    }
    Ok(out)
}

/// The safety property of sanitized output.
fn assert_safe(html: &str, input: &str) -> Result<(), TestCaseError> {
    let lower = html.to_ascii_lowercase();
    prop_assert!(
        !lower.contains("<script"),
        "<script in {:?}\nfrom {:?}",
        html,
        input
    );
    let tags =
        tags(html).map_err(|e| TestCaseError::fail(format!("{e} in {html:?}\nfrom {input:?}")))?;
    for tag in &tags {
        prop_assert!(
            !ACTIVE_ELEMENTS.contains(&tag.name.as_str()),
            "<{}> in {:?}\nfrom {:?}",
            tag.name,
            html,
            input
        );
        for (name, value) in &tag.attributes {
            prop_assert!(
                !name.starts_with("on"),
                "{}= in {:?}\nfrom {:?}",
                name,
                html,
                input
            );
            prop_assert!(
                !matches!(name.as_str(), "style" | "srcdoc" | "formaction"),
                "{}= in {:?}\nfrom {:?}",
                name,
                html,
                input
            );
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                let url = url_as_browser_sees(value);
                for scheme in ["javascript:", "vbscript:", "livescript:"] {
                    prop_assert!(
                        !url.starts_with(scheme),
                        "{}={:?} in {:?}\nfrom {:?}",
                        name,
                        value,
                        html,
                        input
                    );
                }
                if url.starts_with("data:") {
                    prop_assert!(
                        tag.name == "img" && name == "src" && url.starts_with("data:image/png;"),
                        "{}={:?} on <{}> in {:?}\nfrom {:?}",
                        name,
                        value,
                        tag.name,
                        html,
                        input
                    );
                }
            }
        }
    }
    Ok(())
}

/// 256 cases per property (`PROPTEST_CASES` overrides); failures found are kept in
/// proptest-regressions/fuzz_sanitize.txt and replayed first.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fuzz_sanitize.txt",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any text through markdown: no panic, and safe once sanitized.
    #[test]
    fn any_markdown_renders_and_sanitizes_safely(text in any::<String>(), site in any::<bool>()) {
        let html = markdown_to_html(&text);
        assert_safe(&sanitize_html(&html, resolver(site)), &text)?;
    }

    /// Hostile fragments mixed with text, as markdown (local docs).
    #[test]
    fn hostile_markdown_is_safe(text in hostile_mix(), site in any::<bool>()) {
        let html = markdown_to_html(&text);
        assert_safe(&sanitize_html(&html, resolver(site)), &text)?;
    }

    /// Hostile fragments mixed with text, as a site's HTML (team docs).
    #[test]
    fn hostile_html_is_safe(text in hostile_mix(), site in any::<bool>()) {
        let clean = sanitize_html(&text, resolver(site));
        assert_safe(&clean, &text)?;
        // Read again (as the window's HTML parser reads it), it is still safe.
        assert_safe(&sanitize_html(&clean, resolver(false)), &clean)?;
    }
}

#[test]
fn the_checker_sees_what_a_browser_would() {
    assert_eq!(
        url_as_browser_sees(" \u{1}jav&#x09;ascript&colon;alert(1)"),
        "javascript:alert(1)"
    );
    assert_eq!(url_as_browser_sees("&#106;ava\nscript:x"), "javascript:x");
    let t = tags("<p>a &lt;script&gt;</p><a href=\"x&quot;>\" rel=\"r\">t</a><br>").unwrap();
    assert_eq!(
        t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["p", "a", "br"]
    );
    assert_eq!(
        t[1].attributes[0],
        ("href".to_owned(), "x&quot;>".to_owned())
    );
    assert!(tags("<p>1 < 2</p>").is_err());
    // Unsanitized hostile markup fails the check.
    for dirty in [
        "<script>x</script>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\" &#1;JAVASCRIPT&colon;x\">x</a>",
        "<p onclick=\"x\">p</p>",
        "<img src=\"data:image/svg+xml,x\">",
        "<a href=\"data:image/png;base64,x\">x</a>",
        "<div style=\"x\">d</div>",
        "<svg></svg>",
    ] {
        assert!(assert_safe(dirty, dirty).is_err(), "{dirty}");
    }
    assert!(
        assert_safe(
            "<img src=\"data:image/png;base64,AA\" alt=\"javascript:x\">",
            ""
        )
        .is_ok()
    );
}
