//! In-doc search: every section of every page, matched on all query words.

use backlot_techdocs_common::{DocsPage, SearchHit};

use crate::sanitize::Section;

/// One page's sections, ready to search.
#[derive(Debug, Clone, Default)]
pub struct IndexedPage {
    pub page: String,
    pub title: String,
    pub sections: Vec<Section>,
}

impl From<DocsPage> for IndexedPage {
    fn from(page: DocsPage) -> Self {
        IndexedPage {
            sections: crate::sanitize::outline(&page.html).1,
            page: page.page,
            title: page.title,
        }
    }
}

/// A rendered page: its headings, and its title — the first `h1`, else `fallback_title`.
pub(crate) fn rendered(
    page: String,
    html: String,
    fallback_title: impl FnOnce() -> String,
) -> DocsPage {
    let (headings, _) = crate::sanitize::outline(&html);
    let title = headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.text.clone())
        .unwrap_or_else(fallback_title);
    DocsPage {
        page,
        title,
        html,
        headings,
    }
}

const MAX_HITS: usize = 50;

pub fn search(pages: &[IndexedPage], query: &str) -> Vec<SearchHit> {
    let terms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if terms.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(u32, usize, SearchHit)> = Vec::new();
    for (order, page) in pages.iter().enumerate() {
        let title = page.title.to_lowercase();
        for section in &page.sections {
            let heading = section
                .heading
                .as_ref()
                .map(|h| h.text.to_lowercase())
                .unwrap_or_default();
            let text = section.text.to_lowercase();
            if !terms
                .iter()
                .all(|t| heading.contains(t) || text.contains(t) || title.contains(t))
            {
                continue;
            }
            let in_body = terms
                .iter()
                .any(|t| heading.contains(t) || text.contains(t));
            if !in_body {
                continue;
            }
            let score: u32 = terms
                .iter()
                .map(|t| {
                    5 * heading.matches(t.as_str()).count() as u32
                        + 2 * u32::from(title.contains(t.as_str()))
                        + text.matches(t.as_str()).count().min(10) as u32
                })
                .sum();
            scored.push((
                score,
                order,
                SearchHit {
                    page: page.page.clone(),
                    page_title: page.title.clone(),
                    anchor: section
                        .heading
                        .as_ref()
                        .map(|h| h.id.clone())
                        .filter(|id| !id.is_empty()),
                    heading: section.heading.as_ref().map(|h| h.text.clone()),
                    snippet: snippet(&section.text, &terms),
                },
            ));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(MAX_HITS)
        .map(|(_, _, hit)| hit)
        .collect()
}

/// About 160 characters of `text` around the first match.
fn snippet(text: &str, terms: &[String]) -> String {
    let lower = text.to_lowercase();
    let chars: Vec<char> = text.chars().collect();
    // Position in chars of the first match (lowercasing can change lengths; count in chars).
    let first = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0);
    let start = first.saturating_sub(60).min(chars.len());
    let end = (start + 160).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use backlot_techdocs_common::Heading;

    fn page(name: &str, sections: &[(&str, &str)]) -> IndexedPage {
        IndexedPage {
            page: name.into(),
            title: name.into(),
            sections: sections
                .iter()
                .map(|(h, t)| Section {
                    heading: Some(Heading {
                        level: 2,
                        id: h.to_lowercase(),
                        text: (*h).into(),
                    }),
                    text: (*t).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn all_words_must_match_and_headings_rank_first() {
        let pages = [
            page(
                "a.md",
                &[
                    ("Intro", "the table of contents"),
                    ("Tables", "a table example with rows"),
                ],
            ),
            page("b.md", &[("Other", "nothing here")]),
        ];
        let hits = search(&pages, "Table");
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].anchor.as_deref(), Some("tables"));
        assert!(
            search(&pages, "table rows")
                .iter()
                .all(|h| h.anchor.as_deref() == Some("tables"))
        );
        assert!(search(&pages, "zebra").is_empty());
        assert!(search(&pages, "   ").is_empty());
    }

    #[test]
    fn snippets_are_cut_around_the_match() {
        let long = format!("{} needle {}", "x".repeat(300), "y".repeat(300));
        let s = snippet(&long, &["needle".into()]);
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("needle"),
            "{s}"
        );
        assert!(s.chars().count() <= 162);
    }
}
