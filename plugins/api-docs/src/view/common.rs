//! Pieces every definition view uses: schema trees, examples with a copy button, text
//! blocks, highlighted source with line numbers.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::highlight::{self, Language};
use crate::model::openapi::Example;
use crate::model::schema::{self, Collapsed, SchemaNode};

/// Multi-line prose from a definition (descriptions, often Markdown): blank-line blocks
/// become paragraphs, `#` lines headings and `*`/`-` lines list items. Shown as text,
/// never as HTML.
pub fn prose(text: &Option<String>) -> Html {
    let Some(text) = text else {
        return Html::default();
    };
    let blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    html! {
        <div class="api-prose">
            { for blocks.map(|block| {
                let lines: Vec<&str> = block.lines().map(str::trim).collect();
                let item = |l: &&str| l.strip_prefix("* ").or_else(|| l.strip_prefix("- ")).map(str::to_string);
                if lines.iter().all(|l| item(l).is_some()) {
                    html! { <ul>{ for lines.iter().filter_map(item).map(|i| html! { <li>{i}</li> }) }</ul> }
                } else if lines.len() == 1 && block.starts_with('#') {
                    html! { <h5 class="api-prose-heading">{block.trim_start_matches('#').trim()}</h5> }
                } else {
                    html! { <p>{block}</p> }
                }
            }) }
        </div>
    }
}

/// A schema as a nested list of properties.
pub fn schema_tree(node: &SchemaNode) -> Html {
    html! {
        <div class="schema-tree">
            <div class="schema-root">
                <span class="prop-type">{&node.type_label}</span>
                { node_notes(node) }
            </div>
            { too_large(node) }
            { children(node, 0) }
            if let Some(collapsed) = &node.collapsed {
                <CollapsedChildren collapsed={collapsed.clone()} depth={0} />
            }
        </div>
    }
}

/// The notice on a tree (or an opened node) that ran out of units.
fn too_large(node: &SchemaNode) -> Html {
    if !node.too_large {
        return Html::default();
    }
    html! {
        <p class="schema-too-large muted small" role="note" data-testid="schema-too-large">
            {format!(
                "This schema is too large to show in full: only its first part is shown (Backlot builds at most {} nodes of a schema at a time). Source shows the whole definition.",
                schema::TREE_BUDGET
            )}
        </p>
    }
}

/// A notice above a definition that was too large to read whole.
pub fn truncated_notice(truncated: bool) -> Html {
    if !truncated {
        return Html::default();
    }
    html! {
        <div class="banner banner-warning api-truncated" role="note" data-testid="api-truncated">
            <span class="banner-message">
                {format!(
                    "This definition is too large to show in full: Backlot stopped reading it after {} parts, so some operations, messages or schemas are missing below. Source shows all of it.",
                    schema::DOCUMENT_BUDGET
                )}
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CollapsedProps {
    collapsed: Collapsed,
    depth: usize,
}

/// The properties of a collapsed node: built when the user opens it, then kept.
#[component(CollapsedChildren)]
fn collapsed_children(props: &CollapsedProps) -> Html {
    let opened = use_state(|| None::<Rc<SchemaNode>>);
    let onclick = {
        let (opened, collapsed) = (opened.clone(), props.collapsed.clone());
        Callback::from(move |_: MouseEvent| {
            if opened.is_none() {
                opened.set(Some(Rc::new(schema::expand(&collapsed))));
            }
        })
    };
    let label = match props.collapsed.properties {
        Some(1) => "1 property".to_string(),
        Some(n) => format!("{n} properties"),
        None => "Show properties".to_string(),
    };
    html! {
        <details class="schema-nested schema-collapsed">
            <summary {onclick}>{label}</summary>
            if let Some(node) = &*opened {
                { too_large(node) }
                { children(node, props.depth + 1) }
                if let Some(collapsed) = &node.collapsed {
                    <CollapsedChildren collapsed={collapsed.clone()} depth={props.depth + 1} />
                }
            }
        </details>
    }
}

fn node_notes(node: &SchemaNode) -> Html {
    html! {
        <>
            if let Some(r) = node.ref_name.as_ref().filter(|r| !node.type_label.ends_with(r.as_str())) {
                <span class="schema-ref" data-goto-schema={r.clone()} role="link" tabindex="0">{r}</span>
            }
            if node.recursive { <span class="badge schema-recursive" title="Refers back to a schema shown above">{"recursive"}</span> }
            if let Some(r) = &node.unresolved { <span class="badge badge-error" title="Not found in this definition">{format!("unresolved {r}")}</span> }
            if !node.enum_values.is_empty() {
                <span class="prop-enum">{"one of: "}{ for node.enum_values.iter().map(|v| html! { <code>{v}</code> }) }</span>
            }
            { for node.constraints.iter().map(|c| html! { <span class="prop-constraint">{c}</span> }) }
            if let Some(d) = &node.description { <div class="prop-description">{d}</div> }
        </>
    }
}

fn children(node: &SchemaNode, depth: usize) -> Html {
    if node.children.is_empty() {
        return Html::default();
    }
    html! {
        <ul class="schema-props">
            { for node.children.iter().map(|child| html! {
                <li class="schema-prop" data-prop={child.name.clone().unwrap_or_default()}>
                    <span class="prop-name">{child.name.clone().unwrap_or_default()}</span>
                    <span class="prop-type">{&child.type_label}</span>
                    if child.required { <span class="prop-required">{"required"}</span> }
                    { node_notes(child) }
                    if !child.children.is_empty() {
                        if depth < 1 {
                            { children(child, depth + 1) }
                        } else {
                            <details class="schema-nested">
                                <summary>{format!("{} properties", child.children.len())}</summary>
                                { children(child, depth + 1) }
                            </details>
                        }
                    }
                    if let Some(collapsed) = &child.collapsed {
                        <CollapsedChildren collapsed={collapsed.clone()} depth={depth} />
                    }
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExampleProps {
    pub example: Example,
}

/// An example value with a button that copies it to the clipboard.
#[component(ExampleView)]
pub fn example_view(props: &ExampleProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let onclick = {
        let (copied, text) = (copied.clone(), props.example.text.clone());
        Callback::from(move |_| {
            let copied = copied.clone();
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            wasm_bindgen_futures::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(Some(ok));
            });
        })
    };
    let label = match *copied {
        None => "Copy",
        Some(true) => "Copied",
        Some(false) => "Copy failed",
    };
    html! {
        <div class={classes!("api-example", props.example.generated.then_some("generated"))}>
            <div class="api-example-head">
                <span class="muted small">{&props.example.title}</span>
                <button type="button" class="button button-secondary button-small copy-example" {onclick}>{label}</button>
            </div>
            <pre class="api-example-body"><code>{&props.example.text}</code></pre>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SourceProps {
    pub text: Rc<str>,
    pub language: Language,
    /// A 1-based line to mark (where a parse error is).
    #[prop_or_default]
    pub error_line: Option<usize>,
}

/// Highlighted source with line numbers.
#[component(SourceView)]
pub fn source_view(props: &SourceProps) -> Html {
    let lines = use_memo((props.text.clone(), props.language), |(text, language)| {
        highlight::highlight(text, *language)
            .into_iter()
            .map(merge_spans)
            .collect::<Vec<_>>()
    });
    let error_line = props.error_line;
    html! {
        <pre class="api-source" data-language={props.language.label()}><code>
            { for lines.iter().enumerate().map(|(i, line)| {
                let n = i + 1;
                html! {
                    <span class={classes!("src-line", (error_line == Some(n)).then_some("src-line-error"))} data-line={n.to_string()}>
                        <span class="src-ln" aria-hidden="true">{n}</span>
                        <span class="src-code">
                            { for line.iter().map(|span| match span.class.css() {
                                Some(class) => html! { <span class={class}>{&span.text}</span> },
                                None => html! { {&span.text} },
                            }) }
                        </span>
                    </span>
                }
            }) }
        </code></pre>
    }
}

/// Most highlighted spans on one line; the rest of a longer line is plain text.
const MAX_SPANS_PER_LINE: usize = 1_000;

/// Neighbouring spans of one class as one (`[[[[` is one element, not four), and at most
/// [`MAX_SPANS_PER_LINE`] per line: a pathological line costs one element per span.
fn merge_spans(line: highlight::Line) -> highlight::Line {
    let mut out: highlight::Line = Vec::new();
    for span in line {
        let full = out.len() >= MAX_SPANS_PER_LINE;
        match out.last_mut() {
            Some(last) if last.class == span.class || full => {
                if last.class != span.class {
                    last.class = highlight::Class::Plain;
                }
                last.text.push_str(&span.text);
            }
            _ => out.push(span),
        }
    }
    out
}

/// Follows a click (or Enter) on a named schema (`data-goto-schema`) to its entry in the
/// definition's Schemas list, opening it; nothing happens when the list has no such entry.
pub fn follow_schema_link(target: &web_sys::Element) {
    let Ok(Some(link)) = target.closest("[data-goto-schema]") else {
        return;
    };
    let Some(name) = link.get_attribute("data-goto-schema") else {
        return;
    };
    let Ok(Some(root)) = link.closest(".openapi") else {
        return;
    };
    let selector = format!(
        ".schema-def[data-schema=\"{}\"]",
        name.replace(['"', '\\'], "")
    );
    if let Ok(Some(entry)) = root.query_selector(&selector) {
        let _ = entry.set_attribute("open", "");
        entry.scroll_into_view();
    }
}
