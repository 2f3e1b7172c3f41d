//! The docs reader: nav tree, the rendered page, its outline and in-doc search. Used by
//! the entity page's Docs tab (which keeps the current page in its own state) and by the
//! docs route (which keeps it in the location): [`routes`].
//!
//! The reader asks for the site and the page ([`use_docs`]); its parts: [`nav`],
//! [`article`] (scrolling to anchors, links kept in the app), [`outline`], [`search`].

mod article;
mod nav;
mod outline;
mod routes;
mod search;

use backlot_plugin_api::components::{ErrorBanner, Spinner};
use backlot_plugin_api::{Icon, IconView, UseCommandHandle, use_catalog_version, use_command};
use backlot_techdocs_common::{DocsPage, DocsSite, GetDocsPage, GetDocsSite};
use yew::prelude::*;

use article::use_article;
use nav::nav_tree;
use outline::outline;
pub use routes::{DocsRoute, DocsTab};
use search::use_docs_search;

/// Where to go inside the docs: a page (None: home) and an anchor on it.
pub type Target = (Option<String>, Option<String>);

#[derive(Properties, PartialEq)]
pub struct DocsReaderProps {
    pub entity_ref: String,
    pub page: Option<String>,
    pub anchor: Option<String>,
    /// Asked to show another page/anchor (in-doc links, nav, outline, search hits).
    pub on_navigate: Callback<Target>,
}

/// The site's answer, asked for (entity, catalog version).
type SiteHandle = UseCommandHandle<DocsSite, (String, u64)>;
/// The page's answer, asked for (entity, page, catalog version).
type PageHandle = UseCommandHandle<DocsPage, (String, Option<String>, u64)>;

/// The site of `entity_ref` and its page `page` (None: home), asked again when the catalog
/// changes. Another entity, page or catalog version shows a spinner until its answer is in.
#[hook]
fn use_docs(entity_ref: &str, page: Option<String>) -> (SiteHandle, PageHandle) {
    let version = use_catalog_version();
    let site = use_command((entity_ref.to_string(), version), |(entity_ref, _)| {
        GetDocsSite {
            entity_ref: entity_ref.clone(),
        }
    });
    let page = use_command(
        (entity_ref.to_string(), page, version),
        |(entity_ref, wanted, _)| GetDocsPage {
            entity_ref: entity_ref.clone(),
            page: wanted.clone(),
        },
    );
    (site, page)
}

#[component(DocsReader)]
pub fn docs_reader(props: &DocsReaderProps) -> Html {
    let (site, page) = use_docs(&props.entity_ref, props.page.clone());
    let search = use_docs_search(&props.entity_ref);
    let current = page
        .settled()
        .and_then(|p| p.as_ref().ok())
        .map(|p| p.page.clone());
    let (article, onclick) = use_article(
        &props.entity_ref,
        props.page.clone(),
        props.anchor.clone(),
        current.clone(),
        &props.on_navigate,
    );

    let site_view = match site.settled() {
        None => return html! { <Spinner /> },
        Some(Err(e)) => {
            return html! { <div class="docs-reader docs-failed"><ErrorBanner error={e.clone()} /></div> };
        }
        Some(Ok(site)) => site.clone(),
    };
    let shown_page = current.unwrap_or_else(|| site_view.home.clone());

    html! {
        <div class="docs-reader" data-entity={props.entity_ref.clone()}>
            <aside class="docs-sidebar">
                <div class="docs-site-name" data-testid="docs-site-name">{&site_view.site_name}</div>
                { search.view(&props.on_navigate) }
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
                { match page.settled() {
                    None => html! { <Spinner /> },
                    Some(Err(e)) => html! { <ErrorBanner error={e.clone()} /> },
                    Some(Ok(p)) => html! {
                        <article class="docs-content" ref={article.clone()} data-page={p.page.clone()} onclick={onclick.clone()} onauxclick={onclick.clone()}>
                            { Html::from_html_unchecked(AttrValue::from(p.html.clone())) }
                        </article>
                    },
                } }
            </div>
            { outline(page.settled(), props.page.as_deref(), &props.on_navigate) }
        </div>
    }
}
