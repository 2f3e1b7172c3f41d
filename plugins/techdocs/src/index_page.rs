//! `/docs`: every entity with docs, filterable, each leading to its docs.

use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner, kind_label};
use backlot_plugin_api::{Icon, Link, use_catalog_version, use_command};
use backlot_techdocs_common::{DocsEntity, DocsOrigin, ListDocsEntities, docs_link};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component(DocsIndex)]
pub fn docs_index() -> Html {
    let version = use_catalog_version();
    let list = use_command(version, |_| ListDocsEntities {});
    let filter = use_state(String::new);
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let body = match list.result() {
        None => html! { <Spinner /> },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(all)) if all.is_empty() => html! {
            <EmptyState title="No docs yet" icon={Icon::Docs}
                message="Entities get docs with a backstage.io/techdocs-ref annotation: dir: next to a local catalog file, or the site the team backend publishes.">
                <Link to="/catalog" class="button">{"Browse the catalog"}</Link>
            </EmptyState>
        },
        Some(Ok(all)) => {
            let needle = filter.trim().to_lowercase();
            let shown: Vec<&DocsEntity> = all
                .iter()
                .filter(|e| {
                    needle.is_empty()
                        || [Some(&e.name), e.title.as_ref(), e.description.as_ref()]
                            .into_iter()
                            .flatten()
                            .any(|s| s.to_lowercase().contains(&needle))
                })
                .collect();
            html! {
                <>
                    <p class="muted small" data-testid="docs-count">{format!("{} of {} with docs", shown.len(), all.len())}</p>
                    <ul class="docs-list">
                        { for shown.iter().map(|e| entry(e)) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <div class="page docs-index">
            <div class="page-header">
                <h1 class="page-title">{"Docs"}</h1>
                <input class="input" type="search" name="docs-filter" placeholder="Filter docs" value={(*filter).clone()} {oninput} />
            </div>
            { body }
        </div>
    }
}

fn entry(e: &DocsEntity) -> Html {
    let title = e.title.clone().unwrap_or_else(|| e.name.clone());
    let origin = match e.origin {
        DocsOrigin::Local => "Local",
        DocsOrigin::Team => "Team backend",
    };
    html! {
        <li class="docs-list-item" data-ref={e.entity_ref.clone()}>
            <Link to={docs_link(&e.entity_ref, "", None)} class="docs-list-link">{title}</Link>
            <span class="tag">{kind_label(&e.kind)}</span>
            <span class="tag">{origin}</span>
            if let Some(d) = &e.description { <p class="muted small">{d}</p> }
        </li>
    }
}
