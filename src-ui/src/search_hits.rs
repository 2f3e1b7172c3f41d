//! How a search hit looks and where it leads — shared by the search page and the palette.

use backlot_model::search::{MARK_END, MARK_START, SearchHit, TYPE_API, TYPE_DOCS, TYPE_ENTITY};
use backlot_plugin_api::Icon;
use backlot_plugin_api::routing::entity_path;
use yew::prelude::*;

/// Where a hit opens: an entity's page, else the location it was indexed with.
pub fn location(hit: &SearchHit) -> String {
    match (&hit.entity_ref, hit.doc_type.as_str()) {
        (Some(r), TYPE_ENTITY) => entity_path(r),
        _ => hit.location.clone(),
    }
}

/// The label of a document type.
pub fn type_label(doc_type: &str) -> String {
    match doc_type {
        TYPE_ENTITY => "Entities".into(),
        TYPE_DOCS => "Docs".into(),
        TYPE_API => "APIs".into(),
        other => {
            let mut label = other.to_string();
            if let Some(first) = label.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            label
        }
    }
}

pub fn type_icon(doc_type: &str) -> Icon {
    match doc_type {
        TYPE_ENTITY => Icon::Component,
        TYPE_DOCS => Icon::Docs,
        TYPE_API => Icon::Api,
        _ => Icon::Search,
    }
}

/// Text with the matched words (between the index's marks) in `<mark>`: built as nodes,
/// never parsed as HTML.
pub fn snippet(text: &str) -> Html {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(MARK_START) {
        parts.push(html! { {rest[..start].to_string()} });
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after.find(MARK_END).unwrap_or(after.len());
        parts.push(html! { <mark>{after[..end].to_string()}</mark> });
        rest = after.get(end + MARK_END.len_utf8()..).unwrap_or("");
    }
    parts.push(html! { {rest.to_string()} });
    html! { <>{for parts}</> }
}
