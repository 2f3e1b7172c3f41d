//! In-doc search: the query and its hits (kept by the reader, so they outlive a reload of
//! the site), the search form and the hit list.

use backlot_model::ApiError;
use backlot_plugin_api::components::ErrorBanner;
use backlot_plugin_api::use_backend;
use backlot_techdocs_common::{SearchDocs, SearchHit};
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::Target;

/// The search's state and the form's callbacks.
pub struct UseDocsSearch {
    query: UseStateHandle<String>,
    hits: UseStateHandle<Option<Result<Vec<SearchHit>, ApiError>>>,
    onsubmit: Callback<SubmitEvent>,
    oninput: Callback<InputEvent>,
}

/// Searches `entity_ref`'s docs when the form is submitted (an empty query clears the hits).
#[hook]
pub fn use_docs_search(entity_ref: &str) -> UseDocsSearch {
    let backend = use_backend();
    let hits = use_state(|| None::<Result<Vec<SearchHit>, ApiError>>);
    let query = use_state(String::new);
    let onsubmit = {
        let (backend, hits, query, entity_ref) = (
            backend.clone(),
            hits.clone(),
            query.clone(),
            entity_ref.to_string(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let command = SearchDocs {
                entity_ref: entity_ref.clone(),
                query: (*query).clone(),
            };
            if command.query.trim().is_empty() {
                hits.set(None);
                return;
            }
            let (backend, hits) = (backend.clone(), hits.clone());
            spawn_local(async move { hits.set(Some(backend.call(command).await)) });
        })
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    UseDocsSearch {
        query,
        hits,
        onsubmit,
        oninput,
    }
}

impl UseDocsSearch {
    /// The search form and, under it, the hits (a hit navigates to its page and anchor).
    pub fn view(&self, on_navigate: &Callback<Target>) -> Html {
        let (onsubmit, oninput) = (self.onsubmit.clone(), self.oninput.clone());
        html! {
            <>
                <form class="docs-search" onsubmit={onsubmit} role="search">
                    <input class="input" type="search" name="docs-search" placeholder="Search these docs"
                        value={(*self.query).clone()} {oninput} />
                    <button class="button" type="submit">{"Search"}</button>
                </form>
                { search_results(&self.hits, on_navigate) }
            </>
        }
    }
}

fn search_results(
    hits: &Option<Result<Vec<SearchHit>, ApiError>>,
    on_navigate: &Callback<Target>,
) -> Html {
    match hits {
        None => html! {},
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(hits)) if hits.is_empty() => {
            html! { <p class="muted small docs-no-hits" data-testid="docs-no-hits">{"No matches in these docs."}</p> }
        }
        Some(Ok(hits)) => html! {
            <ul class="docs-hits" data-testid="docs-hits">
                { for hits.iter().map(|h| {
                    let onclick = {
                        let (on_navigate, target) = (on_navigate.clone(), (Some(h.page.clone()), h.anchor.clone()));
                        Callback::from(move |_| on_navigate.emit(target.clone()))
                    };
                    html! {
                        <li>
                            <button type="button" class="docs-hit" data-page={h.page.clone()} data-anchor={h.anchor.clone()} {onclick}>
                                <span class="docs-hit-title">
                                    {&h.page_title}
                                    if let Some(heading) = &h.heading { {" › "}{heading} }
                                </span>
                                <span class="docs-hit-snippet">{&h.snippet}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    }
}
