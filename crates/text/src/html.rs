//! Escaping text for HTML and XML (SVG) content and attribute values.

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe as element content
/// and inside a quoted attribute value.
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
    fn escapes_markup_and_quotes_only() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("plain · text ✓"), "plain · text ✓");
        assert_eq!(
            escape("&amp;"),
            "&amp;amp;",
            "escaping is not idempotent: escape once"
        );
    }
}
