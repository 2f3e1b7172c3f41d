//! The catalog table, virtualized: only the rows in view (plus a margin) are in the DOM, and
//! rows are fetched in blocks by offset as they scroll into view, so 100,000 entities scroll
//! like 100. Row height is fixed (CSS `--row-height`, [`ROW_HEIGHT`] here).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::QueryEntities;
use backlot_model::query::{EntitySummary, SortField};
use backlot_plugin_api::components::{ErrorBanner, kind_label};
use backlot_plugin_api::routing::entity_path;
use backlot_plugin_api::{Icon, IconView, Link, use_backend};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::filters::CatalogFilters;
use crate::perf;

/// Pixels per row; must match `.vt-row` in the stylesheet.
pub const ROW_HEIGHT: f64 = 44.0;
/// Rows fetched per request.
const BLOCK: u64 = 100;
/// Rows rendered above and below the visible ones.
const OVERSCAN: u64 = 12;

#[derive(Properties, PartialEq)]
pub struct VirtualTableProps {
    pub filters: CatalogFilters,
    /// The user ref from Settings, for "owned by me".
    pub me: Option<String>,
    pub version: u64,
    pub starred: Rc<HashSet<String>>,
    /// `(entity ref, star it?)`.
    pub on_star: Callback<(String, bool)>,
    /// The number of matching entities, each time a new query's first rows arrive.
    pub on_total: Callback<Option<Result<u64, ApiError>>>,
    /// Sorting by a column (the header was clicked).
    pub on_sort: Callback<SortField>,
}

#[derive(Default)]
struct Rows {
    generation: u64,
    blocks: HashMap<u64, Rc<Vec<EntitySummary>>>,
    pending: HashSet<u64>,
    total: Option<u64>,
    error: Option<ApiError>,
    /// The generation whose first rows were painted (marks are set once per generation).
    painted: u64,
    /// The previous query's rows and total, shown until the new query's first rows arrive
    /// (so typing does not flash empty rows).
    stale: HashMap<u64, Rc<Vec<EntitySummary>>>,
    stale_total: Option<u64>,
}

impl Rows {
    fn row(&self, index: u64) -> Option<&EntitySummary> {
        let blocks = if self.total.is_none() { &self.stale } else { &self.blocks };
        blocks.get(&(index / BLOCK)).and_then(|b| b.get((index % BLOCK) as usize))
    }

    fn shown_total(&self) -> u64 {
        self.total.or(self.stale_total).unwrap_or(0)
    }
}

/// Which rows are in view: `first..first + count`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Window {
    first: u64,
    count: u64,
}

fn window_for(scroll_top: f64, height: f64) -> Window {
    let top = (scroll_top / ROW_HEIGHT).floor().max(0.0) as u64;
    let visible = (height / ROW_HEIGHT).ceil().max(1.0) as u64;
    let first = top.saturating_sub(OVERSCAN);
    Window { first, count: visible + OVERSCAN + (top - first) }
}

#[component(VirtualTable)]
pub fn virtual_table(props: &VirtualTableProps) -> Html {
    let backend = use_backend();
    let rows = use_mut_ref(Rows::default);
    let refresh = use_force_update();
    let scroller = use_node_ref();
    let spacer = use_node_ref();
    let slab = use_node_ref();
    let window = use_state(|| Window { first: 0, count: 40 });

    let load = {
        let (backend, rows, refresh) = (backend.clone(), rows.clone(), refresh.clone());
        let (filters, me, on_total) = (props.filters.clone(), props.me.clone(), props.on_total.clone());
        move |block: u64, generation: u64| {
            {
                let mut r = rows.borrow_mut();
                if r.generation != generation || r.blocks.contains_key(&block) || !r.pending.insert(block) {
                    return;
                }
            }
            let query = filters.query(me.as_deref(), block * BLOCK, BLOCK as u32);
            let (backend, rows, refresh, on_total) = (backend.clone(), rows.clone(), refresh.clone(), on_total.clone());
            spawn_local(async move {
                let started = perf::start("catalog:query");
                let result = backend.call(QueryEntities { query }).await;
                perf::measure_from("catalog:query", &started);
                let mut r = rows.borrow_mut();
                if r.generation != generation {
                    return; // an answer to a query the user has moved on from
                }
                r.pending.remove(&block);
                match result {
                    Ok(page) => {
                        let first_answer = r.total.is_none();
                        r.total = Some(page.total);
                        r.stale.clear();
                        r.stale_total = None;
                        r.error = None;
                        r.blocks.insert(block, Rc::new(page.items));
                        drop(r);
                        if first_answer {
                            on_total.emit(Some(Ok(page.total)));
                        }
                    }
                    Err(e) => {
                        r.error = Some(e.clone());
                        drop(r);
                        on_total.emit(Some(Err(e)));
                    }
                }
                refresh.force_update();
            });
        }
    };

    // A new query (filters, search, sort, user, catalog content): start over at the top.
    {
        let (rows, scroller, window, load) = (rows.clone(), scroller.clone(), window.clone(), load.clone());
        use_effect_with((props.filters.clone(), props.me.clone(), props.version), move |_| {
            let generation = {
                let mut r = rows.borrow_mut();
                let generation = r.generation + 1;
                let (stale, stale_total) = if r.total.is_some() {
                    (std::mem::take(&mut r.blocks), r.total)
                } else {
                    (std::mem::take(&mut r.stale), r.stale_total)
                };
                *r = Rows { generation, painted: r.painted, stale, stale_total, ..Default::default() };
                generation
            };
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
            let first_window = Window { first: 0, count: window.count };
            window.set(first_window);
            load(0, generation);
        });
    }

    // Fetch the blocks the window needs.
    {
        let (rows, load) = (rows.clone(), load.clone());
        let w = *window;
        use_effect_with(w, move |w| {
            let generation = rows.borrow().generation;
            let last = w.first + w.count;
            for block in (w.first / BLOCK)..=(last / BLOCK) {
                load(block, generation);
            }
        });
    }

    let onscroll = {
        let (scroller, window) = (scroller.clone(), window.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                let next = window_for(el.scroll_top() as f64, el.client_height() as f64);
                if next != *window {
                    window.set(next);
                }
            }
        })
    };
    // The visible height is only known once mounted.
    {
        let (scroller, window) = (scroller.clone(), window.clone());
        use_effect_with((), move |_| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                window.set(window_for(el.scroll_top() as f64, el.client_height() as f64));
            }
        });
    }

    let r = rows.borrow();
    let total = r.shown_total();
    let w = *window;
    let end = (w.first + w.count).min(total);
    let first = w.first.min(end);

    // Size the scroll area for every row and move the rendered slab to where it belongs.
    // (Set through the CSSOM: the content security policy forbids inline style attributes.)
    {
        let (spacer, slab) = (spacer.clone(), slab.clone());
        use_effect_with((total, first), move |(total, first)| {
            set_px(&spacer, "height", *total as f64 * ROW_HEIGHT);
            set_transform(&slab, *first as f64 * ROW_HEIGHT);
        });
    }
    // Performance marks for the benchmark: the first rows of a query painted.
    {
        let rows = rows.clone();
        // What this render showed: the rows of `generation` once its first answer is in (an
        // effect declared above may already have started the next generation).
        let generation = r.generation;
        let has_rows = r.total.is_some();
        use_effect(move || {
            if has_rows && rows.borrow().painted != generation {
                let first_ever = rows.borrow().painted == 0;
                rows.borrow_mut().painted = generation;
                // `catalog:input` is marked by the search box, `catalog:open` by whoever opens
                // the page (the benchmark marks it just before clicking the sidebar entry).
                perf::after_paint(move || {
                    if first_ever {
                        perf::measure("catalog:open-to-paint", "catalog:open");
                    } else {
                        perf::measure("catalog:search-to-paint", "catalog:input");
                    }
                });
            }
        });
    }

    let sort = props.filters.sort;
    let searching = !props.filters.text.trim().is_empty();
    let header = |field: Option<SortField>, label: &str| -> Html {
        match field {
            None => html! { <div class="vt-cell" role="columnheader">{label.to_string()}</div> },
            Some(field) => {
                let state = match sort {
                    Some(s) if s.field == field => if s.descending { "descending" } else { "ascending" },
                    None if field == SortField::Name && !searching => "ascending",
                    _ => "none",
                };
                let on_sort = props.on_sort.clone();
                html! {
                    <div class="vt-cell" role="columnheader" aria-sort={state}>
                        <button type="button" class={classes!("sort", format!("sort-{state}"))} data-sort={crate::filters::sort_key(field)}
                                onclick={Callback::from(move |_| on_sort.emit(field))}>{label.to_string()}</button>
                    </div>
                }
            }
        }
    };

    html! {
        <div class="vt" role="table" aria-label="Catalog entities" aria-rowcount={total.to_string()}>
            if let Some(error) = &r.error { <ErrorBanner error={error.clone()} /> }
            <div class="vt-scroll" ref={scroller} {onscroll} data-testid="catalog-scroll">
                <div class="vt-row vt-head" role="row">
                    <div class="vt-cell vt-star" role="columnheader"><span class="sr-only">{"Starred"}</span></div>
                    { header(Some(SortField::Name), "Name") }
                    { header(Some(SortField::Kind), "Kind") }
                    { header(Some(SortField::Type), "Type") }
                    { header(Some(SortField::Owner), "Owner") }
                    { header(Some(SortField::System), "System") }
                    { header(Some(SortField::Lifecycle), "Lifecycle") }
                    { header(None, "Tags") }
                    { header(None, "Description") }
                </div>
                <div class="vt-spacer" ref={spacer}>
                    <div class="vt-slab" ref={slab} role="rowgroup">
                        { for (first..end).map(|i| match r.row(i) {
                            Some(e) => row(i, e, props.starred.contains(&e.entity_ref), &props.on_star),
                            None => html! { <div key={format!("p{i}")} class="vt-row vt-placeholder" role="row" aria-busy="true"><div class="vt-cell"></div></div> },
                        }) }
                    </div>
                </div>
            </div>
        </div>
    }
}

fn set_px(node: &NodeRef, property: &str, px: f64) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property(property, &format!("{px}px"));
    }
}

fn set_transform(node: &NodeRef, y: f64) {
    if let Some(el) = node.cast::<web_sys::HtmlElement>() {
        let _ = el.style().set_property("transform", &format!("translateY({y}px)"));
    }
}

/// `group:default/team-a` → `team-a`; other namespaces are kept (`ops/team-b`).
pub fn short_ref(entity_ref: &str) -> &str {
    let without_kind = entity_ref.split_once(':').map_or(entity_ref, |(_, rest)| rest);
    without_kind.strip_prefix("default/").unwrap_or(without_kind)
}

pub fn star_button(entity_ref: &str, starred: bool, on_star: &Callback<(String, bool)>) -> Html {
    let onclick = {
        let (on_star, entity_ref) = (on_star.clone(), entity_ref.to_string());
        Callback::from(move |_| on_star.emit((entity_ref.clone(), !starred)))
    };
    let label = if starred { "Unstar" } else { "Star" };
    html! {
        <button type="button" class={classes!("star", starred.then_some("starred"))} aria-pressed={starred.to_string()}
                title={label} aria-label={format!("{label} {entity_ref}")} {onclick}>
            <IconView icon={Icon::Star} size={16} />
        </button>
    }
}

fn row(index: u64, e: &EntitySummary, starred: bool, on_star: &Callback<(String, bool)>) -> Html {
    let ref_link = |target: &Option<String>| match target {
        Some(t) => html! { <Link to={entity_path(t)}>{short_ref(t)}</Link> },
        None => html! {},
    };
    html! {
        <div key={e.entity_ref.clone()} class="vt-row" role="row" data-ref={e.entity_ref.clone()} aria-rowindex={(index + 1).to_string()}>
            <div class="vt-cell vt-star" role="cell">{ star_button(&e.entity_ref, starred, on_star) }</div>
            <div class="vt-cell vt-name" role="cell">
                <IconView icon={Icon::for_kind(&e.kind)} size={16} />
                <div class="vt-name-text">
                    <Link to={entity_path(&e.entity_ref)} class="entity-title">{e.title.clone().unwrap_or_else(|| e.name.clone())}</Link>
                    if e.title.is_some() { <span class="muted small">{&e.name}</span> }
                </div>
            </div>
            <div class="vt-cell" role="cell">{kind_label(&e.kind)}</div>
            <div class="vt-cell" role="cell">{e.spec_type.clone().unwrap_or_default()}</div>
            <div class="vt-cell" role="cell" data-col="owner">{ ref_link(&e.owner) }</div>
            <div class="vt-cell" role="cell">{ ref_link(&e.system) }</div>
            <div class="vt-cell" role="cell">
                if let Some(lifecycle) = &e.lifecycle {
                    <span class={classes!("badge", format!("lifecycle-{lifecycle}"))}>{lifecycle}</span>
                }
            </div>
            <div class="vt-cell vt-tags" role="cell">{ for e.tags.iter().map(|t| html! { <span class="tag">{t}</span> }) }</div>
            <div class="vt-cell vt-description muted" role="cell" title={e.description.clone().unwrap_or_default()}>
                {e.description.clone().unwrap_or_default()}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_view_plus_a_margin() {
        let w = window_for(0.0, 440.0);
        assert_eq!((w.first, w.count), (0, 10 + OVERSCAN));
        let w = window_for(44.0 * 1000.0, 440.0);
        assert_eq!(w.first, 1000 - OVERSCAN);
        assert!(w.first + w.count >= 1010 + OVERSCAN);
    }

    #[test]
    fn short_refs_drop_kind_and_default_namespace() {
        assert_eq!(short_ref("group:default/team-a"), "team-a");
        assert_eq!(short_ref("group:ops/team-b"), "ops/team-b");
    }
}
