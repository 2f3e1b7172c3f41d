//! `/search?q=…&type=…`: everything the local index finds — entities, docs pages at their
//! heading, API operations — with a filter by type (counted), snippets with the matched
//! words marked, and more results as the list is scrolled to its end (or with the button
//! below it, for the keyboard). The query and the filter live in the address, so back and
//! forward work; the header's search box leads here. While the index is being brought up to
//! date the page says so and asks again every few seconds.

use backlot_model::search::{Search, SearchHit, SearchResults, count_label};
use backlot_plugin_api::components::{EmptyState, ErrorBanner, Spinner};
use backlot_plugin_api::routing::{RouteMatch, build_query};
use backlot_plugin_api::{Icon, IconView, Link, Plugin, use_command_if, use_shell};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::search_hits::{location, snippet, type_icon, type_label};
use crate::visible::use_on_visible;

/// Results per page of the list.
const PAGE: u32 = 25;
/// While the index is being brought up to date, the search is asked again this often.
const INDEXING_POLL_MS: u32 = 1500;

pub fn plugin() -> Plugin {
    Plugin::new("search", "Search", Icon::Search)
        .route(
            "/search",
            |m: &RouteMatch| html! { <SearchPage route={m.clone()} /> },
        )
        .global_search("/search")
}

#[derive(Properties, PartialEq)]
pub struct SearchPageProps {
    pub route: RouteMatch,
}

#[component(SearchPage)]
fn search_page(props: &SearchPageProps) -> Html {
    let shell = use_shell();
    let query = props.route.query("q").unwrap_or("").to_string();
    let doc_type = props.route.query("type").map(str::to_string);
    // How many pages are shown (more load as the list's end is reached).
    let pages = use_state(|| 1u32);
    {
        let pages = pages.clone();
        use_effect_with((query.clone(), doc_type.clone()), move |_| pages.set(1));
    }
    let results = use_command_if(
        (
            query.clone(),
            doc_type.clone(),
            *pages,
            shell.catalog_version,
        ),
        |(query, doc_type, pages, _)| {
            (!query.trim().is_empty()).then(|| Search {
                query: query.clone(),
                types: doc_type.iter().cloned().collect(),
                limit: PAGE * pages,
                offset: 0,
                // The team's search engine joins in when a team backend is connected.
                team: true,
            })
        },
    );
    let go = {
        let replace = shell.replace.clone();
        move |query: &str, doc_type: Option<&str>| {
            let mut pairs = vec![("q", query)];
            if let Some(t) = doc_type {
                pairs.push(("type", t));
            }
            replace.emit(format!("/search{}", build_query(pairs)));
        }
    };
    let oninput = {
        let (go, doc_type) = (go.clone(), doc_type.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                go(&input.value(), doc_type.as_deref());
            }
        })
    };
    let more_left = results
        .data()
        .is_some_and(|r| (r.hits.len() as u64) < r.total);
    let more = {
        let pages = pages.clone();
        Callback::from(move |()| pages.set(*pages + 1))
    };
    let end_of_list = use_node_ref();
    use_on_visible(
        end_of_list.clone(),
        more_left && !results.loading(),
        *pages,
        more.clone(),
    );
    let indexing = results.data().is_some_and(|r| r.indexing);
    {
        let reload = results.reload_callback();
        use_effect_with(indexing, move |indexing| {
            let poll = indexing.then(|| {
                gloo_timers::callback::Interval::new(INDEXING_POLL_MS, move || reload.emit(()))
            });
            move || drop(poll)
        });
    }
    let on_more = more.reform(|_: MouseEvent| ());
    let body = match results.result() {
        None if query.trim().is_empty() => html! {
            <EmptyState title="Search everything" icon={Icon::Search}
                message="Entities, docs pages and API operations, offline. Ctrl+K opens the same search from anywhere." />
        },
        None => html! { <Spinner /> },
        Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
        Some(Ok(r)) => view(r, &query, doc_type.as_deref(), &go, on_more, end_of_list),
    };
    html! {
        <div class="page search-page">
            <div class="search-field search-page-field">
                <IconView icon={Icon::Search} size={18} />
                <input type="search" name="search-query" value={query.clone()} {oninput}
                       placeholder="Search entities, docs and APIs" aria-label="Search everything"
                       autocomplete="off" spellcheck="false" />
            </div>
            {body}
        </div>
    }
}

fn view(
    r: &SearchResults,
    query: &str,
    doc_type: Option<&str>,
    go: &(impl Fn(&str, Option<&str>) + Clone + 'static),
    on_more: Callback<MouseEvent>,
    end_of_list: NodeRef,
) -> Html {
    let all: u64 = r.by_type.iter().map(|t| t.count).sum();
    let chip = |t: Option<&str>, label: String, count: u64| {
        let selected = doc_type == t;
        let data_type = t.unwrap_or("all").to_string();
        let (go, query, t) = (go.clone(), query.to_string(), t.map(str::to_string));
        let onclick = Callback::from(move |_| go(&query, t.as_deref()));
        html! {
            <button type="button" class={classes!("chip", selected.then_some("selected"))}
                    aria-pressed={selected.to_string()} {onclick}
                    data-type={data_type}>
                {format!("{label} {}", count_label(count))}
            </button>
        }
    };
    html! {
        <>
            <div class="search-types" role="group" aria-label="Result types">
                { chip(None, "All".into(), all) }
                { for r.by_type.iter().map(|t| chip(Some(&t.doc_type), type_label(&t.doc_type), t.count)) }
            </div>
            if r.indexing {
                <p class="muted small" data-testid="indexing" role="status">
                    {"Indexing docs and API definitions — more results may appear."}
                </p>
            }
            if let Some(notice) = &r.team_notice {
                <p class="muted small" data-testid="team-notice">{notice.clone()}</p>
            }
            if let Some(corrected) = &r.corrected {
                <p class="muted small" data-testid="corrected">{format!("No results for “{query}”; showing “{corrected}”.")}</p>
            }
            if r.hits.is_empty() {
                <p class="muted" data-testid="no-results">{format!("Nothing found for “{query}”.")}</p>
            }
            <ol class="search-results" data-testid="search-results">
                { for r.hits.iter().map(hit_row) }
            </ol>
            <div ref={end_of_list} class="search-end" data-testid="end-of-list" aria-hidden="true"></div>
            if (r.hits.len() as u64) < r.total {
                <button type="button" class="button button-secondary" onclick={on_more} data-action="more">
                    {format!("More results ({} of {})", r.hits.len(), count_label(r.total))}
                </button>
            }
        </>
    }
}

fn hit_row(hit: &SearchHit) -> Html {
    html! {
        <li class="search-hit" data-type={hit.doc_type.clone()}>
            <IconView icon={type_icon(&hit.doc_type)} size={16} />
            <div class="search-hit-body">
                <Link to={location(hit)} class="search-hit-title">{hit.title.clone()}</Link>
                <span class="badge">{type_label(&hit.doc_type)}</span>
                if hit.team { <span class="badge badge-ok" title="Found by the team's search" data-testid="team-badge">{"team"}</span> }
                if let Some(sub) = &hit.subtitle { <span class="muted small">{format!(" {sub}")}</span> }
                if let Some(text) = &hit.snippet { <p class="search-snippet small">{snippet(text)}</p> }
            </div>
        </li>
    }
}
