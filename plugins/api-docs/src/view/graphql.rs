//! GraphQL: the root operations (queries, mutations, subscriptions), then every type.

use yew::prelude::*;

use crate::model::graphql::{Field, Schema, TypeDef, TypeKind};

fn matches(needle: &str, t: &TypeDef) -> bool {
    needle.is_empty()
        || t.name.to_lowercase().contains(needle)
        || t.fields
            .iter()
            .chain(&t.values)
            .any(|f| f.name.to_lowercase().contains(needle))
}

pub fn view(schema: &Schema, filter: &str) -> Html {
    let needle = filter.trim().to_lowercase();
    let roots: Vec<(&str, &str, &TypeDef)> = [
        ("query", "Queries"),
        ("mutation", "Mutations"),
        ("subscription", "Subscriptions"),
    ]
    .into_iter()
    .filter_map(|(which, title)| schema.root(which).map(|t| (which, title, t)))
    .collect();
    let root_names: Vec<&str> = roots.iter().map(|(_, _, t)| t.name.as_str()).collect();
    let kinds = [
        TypeKind::Object,
        TypeKind::Interface,
        TypeKind::Input,
        TypeKind::Enum,
        TypeKind::Union,
        TypeKind::Scalar,
    ];
    let types: Vec<&TypeDef> = kinds
        .iter()
        .flat_map(|k| schema.types.iter().filter(move |t| t.kind == *k))
        .filter(|t| !root_names.contains(&t.name.as_str()) && matches(&needle, t))
        .collect();
    html! {
        <div class="graphql" onclick={Callback::from(follow_type_link)} onkeydown={Callback::from(follow_type_key)}>
            <header class="api-info">
                <div class="api-title-row">
                    <h3 class="api-title">{"GraphQL schema"}</h3>
                    <span class="badge">{format!("{} types", schema.types.len())}</span>
                </div>
            </header>
            { for roots.iter().map(|(which, title, t)| {
                let fields: Vec<&Field> = t.fields.iter().filter(|f| needle.is_empty() || f.name.to_lowercase().contains(&needle)).collect();
                html! {
                    <section class="gql-root" data-root={*which}>
                        <h3 class="op-group-title">{*title}<span class="muted small">{format!(" on {}", t.name)}</span></h3>
                        if fields.is_empty() { <p class="muted api-no-match">{"Nothing matches the filter."}</p> }
                        <ul class="gql-fields">{ for fields.iter().map(|f| field(f)) }</ul>
                    </section>
                }
            }) }
            <section class="gql-types">
                <h3 class="op-group-title">{"Types"}</h3>
                if types.is_empty() { <p class="muted api-no-match">{"No type matches the filter."}</p> }
                { for types.iter().map(|t| type_def(t, !needle.is_empty())) }
            </section>
            if !schema.directives.is_empty() {
                <section class="gql-directives">
                    <h3 class="op-group-title">{"Directives"}</h3>
                    <ul>{ for schema.directives.iter().map(|d| html! { <li><code>{d}</code></li> }) }</ul>
                </section>
            }
        </div>
    }
}

/// A type reference; named types of this schema can be followed (see [`follow_type_link`]).
fn type_ref(t: &str) -> Html {
    let base = t.trim_matches(|c| c == '[' || c == ']' || c == '!');
    if BUILT_IN_SCALARS.contains(&base) {
        return html! { <span class="gql-type-ref">{t}</span> };
    }
    html! { <span class="gql-type-ref gql-type-link" data-goto-type={base.to_string()} role="link" tabindex="0">{t}</span> }
}

const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

/// One click handler for the whole schema: a click on a type reference opens that type's
/// entry and scrolls to it.
fn follow_type_link(e: MouseEvent) {
    if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
        open_type_of(&target);
    }
}

/// Enter on a focused type reference follows it too.
fn follow_type_key(e: KeyboardEvent) {
    if e.key() == "Enter"
        && let Some(target) = e.target_dyn_into::<web_sys::Element>()
    {
        open_type_of(&target);
    }
}

fn open_type_of(target: &web_sys::Element) {
    let Ok(Some(link)) = target.closest("[data-goto-type]") else {
        return;
    };
    let Some(name) = link.get_attribute("data-goto-type") else {
        return;
    };
    let Ok(Some(root)) = link.closest(".graphql") else {
        return;
    };
    let selector = format!(".gql-type[data-type=\"{}\"]", name.replace(['"', '\\'], ""));
    if let Ok(Some(entry)) = root.query_selector(&selector) {
        let _ = entry.set_attribute("open", "");
        entry.scroll_into_view();
    }
}

fn field(f: &Field) -> Html {
    html! {
        <li class="gql-field" data-field={f.name.clone()}>
            <code class="gql-signature">
                <span class="gql-field-name">{&f.name}</span>
                if !f.args.is_empty() {
                    {"("}
                    { for f.args.iter().enumerate().map(|(i, a)| html! {
                        <>
                            if i > 0 { {", "} }
                            <span class="gql-arg">{&a.name}</span>{": "}{ type_ref(&a.type_ref) }
                            if let Some(d) = &a.default { {format!(" = {d}")} }
                        </>
                    }) }
                    {")"}
                }
                if !f.type_ref.is_empty() { {": "}{ type_ref(&f.type_ref) } }
            </code>
            if let Some(reason) = &f.deprecated { <span class="badge badge-error" title={reason.clone()}>{"deprecated"}</span> }
            if let Some(d) = &f.description { <div class="prop-description">{d}</div> }
        </li>
    }
}

fn type_def(t: &TypeDef, open: bool) -> Html {
    html! {
        <details class="gql-type" data-type={t.name.clone()} data-kind={t.kind.keyword()} {open}>
            <summary>
                <span class="badge gql-kind">{t.kind.keyword()}</span>
                <span class="gql-type-name">{&t.name}</span>
                if !t.implements.is_empty() { <span class="muted small">{format!(" implements {}", t.implements.join(" & "))}</span> }
            </summary>
            <div class="gql-type-body">
                if let Some(d) = &t.description { <p class="prop-description">{d}</p> }
                if !t.fields.is_empty() { <ul class="gql-fields">{ for t.fields.iter().map(field) }</ul> }
                if !t.values.is_empty() { <ul class="gql-fields gql-values">{ for t.values.iter().map(field) }</ul> }
                if !t.members.is_empty() {
                    <p class="gql-members">{"= "}{ for t.members.iter().enumerate().map(|(i, m)| html! { <>if i > 0 { {" | "} }{ type_ref(m) }</> }) }</p>
                }
            </div>
        </details>
    }
}
