//! The catalog table, virtualized: only the rows in view (plus a margin) are in the DOM, and
//! rows are fetched in blocks by offset as they scroll into view, so 100,000 entities scroll
//! like 100. Row height is fixed (CSS `--row-height`, [`window::ROW_HEIGHT`] here).
//!
//! The parts: [`blocks`] (the rows of the query, a `Reducible` fed by block fetches),
//! [`window`] (which rows are in view), [`row`] and [`header`] (what one row and the column
//! headers render).

mod blocks;
mod header;
mod row;
mod window;

use std::collections::HashSet;
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::query::SortField;
use backlot_plugin_api::components::ErrorBanner;
use yew::prelude::*;

use crate::filters::CatalogFilters;
use crate::perf;
use blocks::use_row_blocks;
use header::ColumnHeader;
use row::{TableRow, placeholder_row};
pub use row::{short_ref, star_button};
use window::{use_scroll_window, use_slab_layout};

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

#[component(VirtualTable)]
pub fn virtual_table(props: &VirtualTableProps) -> Html {
    // A new query (filters, search, sort, user, catalog content) starts over at the top.
    let query = (props.filters.clone(), props.me.clone(), props.version);
    let scroller = use_node_ref();
    let (window, onscroll) = use_scroll_window(scroller.clone(), query.clone());
    let rows = use_row_blocks(query, window, |(filters, me, _), offset, limit| {
        filters.query(me.as_deref(), offset, limit)
    });
    let total = rows.shown_total();
    let shown = window.rows(total);
    let (spacer, slab) = use_slab_layout(total, shown.start);
    use_total_report(
        rows.query(),
        rows.total(),
        rows.error().cloned(),
        &props.on_total,
    );
    use_first_paint_marks(rows.query(), rows.total().is_some());

    let sort = props.filters.sort;
    let searching = !props.filters.text.trim().is_empty();
    let header = |field: SortField, label: &'static str| {
        html! { <ColumnHeader {label} field={Some(field)} {sort} {searching} on_sort={props.on_sort.clone()} /> }
    };

    html! {
        <div class="vt" role="table" aria-label="Catalog entities" aria-rowcount={total.to_string()}>
            if let Some(error) = rows.error() { <ErrorBanner error={error.clone()} /> }
            <div class="vt-scroll" ref={scroller} {onscroll} data-testid="catalog-scroll">
                <div class="vt-row vt-head" role="row">
                    <div class="vt-cell vt-star" role="columnheader"><span class="sr-only">{"Starred"}</span></div>
                    { header(SortField::Name, "Name") }
                    { header(SortField::Kind, "Kind") }
                    { header(SortField::Type, "Type") }
                    { header(SortField::Owner, "Owner") }
                    { header(SortField::System, "System") }
                    { header(SortField::Lifecycle, "Lifecycle") }
                    <ColumnHeader label="Tags" />
                    <ColumnHeader label="Description" />
                </div>
                <div class="vt-spacer" ref={spacer}>
                    <div class="vt-slab" ref={slab} role="rowgroup">
                        // Keyed by position: a new query's rows patch the rows on screen
                        // in place instead of replacing every row's elements.
                        { for shown.map(|i| match rows.row(i) {
                            Some(e) => html! {
                                <TableRow key={i.to_string()} index={i} entity={e.clone()}
                                          starred={props.starred.contains(&e.entity_ref)} on_star={props.on_star.clone()} />
                            },
                            None => placeholder_row(i),
                        }) }
                    </div>
                </div>
            </div>
        </div>
    }
}

/// Tells `on_total` the number of matching entities when a query's first rows arrive, and
/// each failure.
#[hook]
fn use_total_report(
    query: u64,
    total: Option<u64>,
    error: Option<ApiError>,
    on_total: &Callback<Option<Result<u64, ApiError>>>,
) {
    {
        let on_total = on_total.clone();
        use_effect_with((query, total.is_some()), move |_| {
            if let Some(total) = total {
                on_total.emit(Some(Ok(total)));
            }
        });
    }
    let on_total = on_total.clone();
    use_effect_with(error, move |error| {
        if let Some(error) = error {
            on_total.emit(Some(Err(error.clone())));
        }
    });
}

/// Performance marks for the benchmark: the first rows of each query painted (`query`
/// counts queries; `answered`: its first rows are in).
#[hook]
fn use_first_paint_marks(query: u64, answered: bool) {
    let painted = use_mut_ref(|| 0u64);
    use_effect_with((query, answered), move |&(query, answered)| {
        if !answered || *painted.borrow() == query {
            return;
        }
        let first_ever = *painted.borrow() == 0;
        *painted.borrow_mut() = query;
        perf::measure("catalog:answer-to-render", "catalog:answer");
        perf::mark("catalog:rendered");
        // `catalog:input` is marked by the search box, `catalog:open` by whoever opens the
        // page (the benchmark marks it just before clicking the sidebar entry).
        perf::after_paint(move || {
            if first_ever {
                perf::measure("catalog:open-to-paint", "catalog:open");
            } else {
                perf::measure("catalog:search-to-paint", "catalog:input");
                perf::measure("catalog:render-to-paint", "catalog:rendered");
            }
        });
    });
}
