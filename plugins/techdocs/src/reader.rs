//! The docs reader: nav tree, the rendered page, its outline and in-doc search. Used by
//! the entity page's Docs tab (which keeps the current page in its own state) and by the
//! docs route (which keeps it in the location).

use backlot_model::ApiError;
use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::routing::{RouteMatch, entity_path};
use backlot_plugin_api::{Icon, IconView, Link, use_backend, use_catalog_version, use_shell};
use backlot_techdocs_common::{
    DocsPage, DocsSite, GetDocsPage, GetDocsSite, NavNode, SearchDocs, SearchHit, docs_link,
    parse_docs_link,
};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::platform::spawn_local;
use yew::prelude::*;

/// Where to go inside the docs: a page (None: home) and an anchor on it.
pub type Target = (Option<String>, Option<String>);

#[derive(Properties, PartialEq)]
pub struct DocsRouteProps {
    pub route: RouteMatch,
}

/// `/docs/:namespace/:kind/:name?page=…#anchor`
#[component(DocsRoute)]
pub fn docs_route(props: &DocsRouteProps) -> Html {
    let shell = use_shell();
    let r = &props.route;
    let entity_ref = format!(
        "{}:{}/{}",
        r.param("kind"),
        r.param("namespace"),
        r.param("name")
    )
    .to_lowercase();
    let page = r
        .query("page")
        .map(str::to_string)
        .filter(|p| !p.is_empty());
    let anchor = r
        .location
        .split_once('#')
        .map(|(_, a)| backlot_plugin_api::routing::decode_component(a))
        .filter(|a| !a.is_empty());
    let on_navigate = {
        let entity_ref = entity_ref.clone();
        Callback::from(move |(page, anchor): Target| {
            shell.navigate.emit(docs_link(
                &entity_ref,
                page.as_deref().unwrap_or(""),
                anchor.as_deref(),
            ))
        })
    };
    html! {
        <div class="page docs-page">
            <p class="docs-breadcrumb small">
                <Link to="/docs">{"Docs"}</Link>{" / "}
                <Link to={entity_path(&entity_ref)}>{entity_ref.clone()}</Link>
            </p>
            <DocsReader {entity_ref} {page} {anchor} {on_navigate} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DocsTabProps {
    pub entity_ref: AttrValue,
}

/// The entity page's Docs tab: the reader, with the current page kept here.
#[component(DocsTab)]
pub fn docs_tab(props: &DocsTabProps) -> Html {
    let target = use_state(|| (None::<String>, None::<String>));
    let on_navigate = {
        let target = target.clone();
        Callback::from(move |t: Target| target.set(t))
    };
    let (page, anchor) = (*target).clone();
    let full = docs_link(&props.entity_ref, page.as_deref().unwrap_or(""), None);
    html! {
        <div class="docs-tab">
            <p class="docs-open small"><Link to={full}>{"Open in Docs"}</Link></p>
            <DocsReader entity_ref={props.entity_ref.to_string()} {page} {anchor} {on_navigate} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct DocsReaderProps {
    pub entity_ref: String,
    pub page: Option<String>,
    pub anchor: Option<String>,
    /// Asked to show another page/anchor (in-doc links, nav, outline, search hits).
    pub on_navigate: Callback<Target>,
}

#[component(DocsReader)]
pub fn docs_reader(props: &DocsReaderProps) -> Html {
    let backend = use_backend();
    let version = use_catalog_version();
    let site = use_state(|| None::<Result<DocsSite, ApiError>>);
    let page = use_state(|| None::<Result<DocsPage, ApiError>>);
    let hits = use_state(|| None::<Result<Vec<SearchHit>, ApiError>>);
    let query = use_state(String::new);
    let article = use_node_ref();

    {
        let (site, backend) = (site.clone(), backend.clone());
        use_effect_with(
            (props.entity_ref.clone(), version),
            move |(entity_ref, _)| {
                let entity_ref = entity_ref.clone();
                site.set(None);
                spawn_local(async move {
                    site.set(Some(backend.call(GetDocsSite { entity_ref }).await))
                });
            },
        );
    }
    {
        let (page, backend) = (page.clone(), backend.clone());
        use_effect_with(
            (props.entity_ref.clone(), props.page.clone(), version),
            move |(entity_ref, wanted, _)| {
                let command = GetDocsPage {
                    entity_ref: entity_ref.clone(),
                    page: wanted.clone(),
                };
                page.set(None);
                spawn_local(async move { page.set(Some(backend.call(command).await)) });
            },
        );
    }
    // Once the page is there, bring the anchor into view (or the top of the page).
    {
        let article = article.clone();
        let loaded = page
            .as_ref()
            .and_then(|p| p.as_ref().ok())
            .map(|p| p.page.clone());
        use_effect_with((loaded, props.anchor.clone()), move |(loaded, anchor)| {
            if loaded.is_some() {
                scroll_to(&article, anchor.as_deref());
            }
        });
    }

    let current = page
        .as_ref()
        .and_then(|p| p.as_ref().ok())
        .map(|p| p.page.clone());
    let onclick = {
        // Anchors keep the page as the caller named it, so the page is not loaded again.
        let (entity_ref, on_navigate, same_page, article) = (
            props.entity_ref.clone(),
            props.on_navigate.clone(),
            props.page.clone(),
            article.clone(),
        );
        Callback::from(move |e: MouseEvent| {
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            let Some(link) = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("a").ok().flatten())
            else {
                return;
            };
            let href = link.get_attribute("href").unwrap_or_default();
            // Nothing in a doc may navigate the window away from the app.
            e.prevent_default();
            if let Some(anchor) = href.strip_prefix('#') {
                let anchor = backlot_plugin_api::routing::decode_component(anchor);
                scroll_to(&article, Some(&anchor));
                on_navigate.emit((same_page.clone(), Some(anchor)));
            } else if let Some((target, page, anchor)) = parse_docs_link(&href)
                && target.eq_ignore_ascii_case(&entity_ref)
            {
                on_navigate.emit((page, anchor));
            }
        })
    };
    let search = {
        let (backend, hits, query, entity_ref) = (
            backend.clone(),
            hits.clone(),
            query.clone(),
            props.entity_ref.clone(),
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

    let site_view = match &*site {
        None => return html! { <Spinner /> },
        Some(Err(e)) => {
            return html! { <div class="docs-reader docs-failed"><ErrorBanner error={e.clone()} /></div> };
        }
        Some(Ok(site)) => site.clone(),
    };
    let shown_page = current.clone().unwrap_or_else(|| site_view.home.clone());

    html! {
        <div class="docs-reader" data-entity={props.entity_ref.clone()}>
            <aside class="docs-sidebar">
                <div class="docs-site-name" data-testid="docs-site-name">{&site_view.site_name}</div>
                <form class="docs-search" onsubmit={search} role="search">
                    <input class="input" type="search" name="docs-search" placeholder="Search these docs"
                        value={(*query).clone()} {oninput} />
                    <button class="button" type="submit">{"Search"}</button>
                </form>
                { search_results(&hits, &props.on_navigate) }
                <nav class="docs-nav" aria-label="Pages">
                    { nav_tree(&site_view.nav, &props.entity_ref, &shown_page, &props.on_navigate) }
                </nav>
            </aside>
            <div class="docs-main">
                if let Some(notice) = &site_view.notice {
                    <div class={classes!("banner", if site_view.offline { "banner-warning" } else { "banner-info" })} data-testid="docs-notice">
                        <IconView icon={Icon::Info} />
                        <span class="banner-message">{notice}</span>
                    </div>
                }
                { match &*page {
                    None => html! { <Spinner /> },
                    Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
                    Some(Ok(p)) => html! {
                        <article class="docs-content" ref={article.clone()} data-page={p.page.clone()} {onclick}>
                            { Html::from_html_unchecked(AttrValue::from(p.html.clone())) }
                        </article>
                    },
                } }
            </div>
            { outline(&page, props.page.as_deref(), &props.on_navigate) }
        </div>
    }
}

fn scroll_to(article: &NodeRef, anchor: Option<&str>) {
    let Some(root) = article.cast::<Element>() else {
        return;
    };
    let target = anchor.and_then(|a| {
        let all = root.query_selector_all("[id]").ok()?;
        (0..all.length())
            .filter_map(|i| all.item(i)?.dyn_into::<Element>().ok())
            .find(|el| el.id() == a)
    });
    match target {
        Some(el) => el.scroll_into_view(),
        None => root.scroll_into_view(),
    }
}

fn nav_tree(
    nodes: &[NavNode],
    entity_ref: &str,
    current: &str,
    on_navigate: &Callback<Target>,
) -> Html {
    html! {
        <ul class="docs-nav-list">
            { for nodes.iter().map(|n| {
                let item = match &n.page {
                    Some(page) => {
                        let onclick = {
                            let (on_navigate, page) = (on_navigate.clone(), page.clone());
                            Callback::from(move |e: MouseEvent| {
                                e.prevent_default();
                                on_navigate.emit((Some(page.clone()), None));
                            })
                        };
                        html! {
                            <a href={docs_link(entity_ref, page, None)} data-page={page.clone()}
                               class={classes!("docs-nav-link", (page == current).then_some("active"))}
                               aria-current={(page == current).then_some("page")} {onclick}>{&n.title}</a>
                        }
                    }
                    None => html! { <span class="docs-nav-section">{&n.title}</span> },
                };
                html! {
                    <li>
                        { item }
                        if !n.children.is_empty() { { nav_tree(&n.children, entity_ref, current, on_navigate) } }
                    </li>
                }
            }) }
        </ul>
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

fn outline(
    page: &Option<Result<DocsPage, ApiError>>,
    named: Option<&str>,
    on_navigate: &Callback<Target>,
) -> Html {
    let Some(Ok(p)) = page else { return html! {} };
    let items: Vec<_> = p
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .collect();
    if items.is_empty() {
        return html! {};
    }
    html! {
        <aside class="docs-toc" aria-label="On this page">
            <div class="docs-toc-title small">{"On this page"}</div>
            <ul>
                { for items.iter().map(|h| {
                    let onclick = {
                        let (on_navigate, target) = (on_navigate.clone(), (named.map(str::to_string), Some(h.id.clone())));
                        Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            on_navigate.emit(target.clone());
                        })
                    };
                    html! {
                        <li class={format!("docs-toc-level-{}", h.level)}>
                            <a href={format!("#{}", h.id)} {onclick}>{&h.text}</a>
                        </li>
                    }
                }) }
            </ul>
        </aside>
    }
}
