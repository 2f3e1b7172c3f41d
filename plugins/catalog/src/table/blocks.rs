//! The virtual table's rows: fetched in blocks of [`BLOCK`] by offset and kept per query in
//! a `Reducible` ([`RowBlocks`]). A new query keeps the previous query's rows on screen until
//! its own first rows arrive (typing does not flash empty rows), and an answer to a query the
//! user has moved on from is dropped.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use backlot_model::ApiError;
use backlot_model::ipc::QueryEntities;
use backlot_model::query::{EntityPage, EntityQuery, EntitySummary};
use backlot_plugin_api::use_backend;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::window::Window;
use crate::perf;

/// Rows fetched per request.
pub const BLOCK: u64 = 100;

/// One block's rows (each shared with the row component that shows it).
type Block = Rc<Vec<Rc<EntitySummary>>>;

/// The rows of the current query, by block.
#[derive(Clone, Default)]
pub struct RowBlocks {
    /// Which query the rows are for, counted up by each new query; answers carry it.
    query: u64,
    blocks: HashMap<u64, Block>,
    /// Blocks asked for and not answered yet.
    pending: HashSet<u64>,
    /// The number of matching entities, once an answer arrived.
    total: Option<u64>,
    error: Option<ApiError>,
    /// The previous query's rows and total, shown until this query's first rows arrive.
    stale: HashMap<u64, Block>,
    stale_total: Option<u64>,
}

/// What happens to the rows.
pub enum RowBlocksAction {
    /// A new query, numbered `id`: start over.
    Reset(u64),
    /// `blocks` of `query` were asked for.
    Requested { query: u64, blocks: Vec<u64> },
    /// A block of `query` answered.
    Loaded {
        query: u64,
        block: u64,
        result: Result<EntityPage, ApiError>,
    },
}

impl Reducible for RowBlocks {
    type Action = RowBlocksAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        match action {
            RowBlocksAction::Reset(id) => {
                let (stale, stale_total) = if self.total.is_some() {
                    (self.blocks.clone(), self.total)
                } else {
                    (self.stale.clone(), self.stale_total)
                };
                Rc::new(Self {
                    query: id,
                    stale,
                    stale_total,
                    ..Self::default()
                })
            }
            RowBlocksAction::Requested { query, blocks } if query == self.query => {
                let mut next = Rc::unwrap_or_clone(self);
                next.pending.extend(blocks);
                Rc::new(next)
            }
            RowBlocksAction::Loaded {
                query,
                block,
                result,
            } if query == self.query => {
                let mut next = Rc::unwrap_or_clone(self);
                next.pending.remove(&block);
                match result {
                    Ok(page) => {
                        next.total = Some(page.total);
                        next.stale.clear();
                        next.stale_total = None;
                        next.error = None;
                        let rows = page.items.into_iter().map(Rc::new).collect();
                        next.blocks.insert(block, Rc::new(rows));
                    }
                    Err(error) => next.error = Some(error),
                }
                Rc::new(next)
            }
            // About a query the user has moved on from.
            RowBlocksAction::Requested { .. } | RowBlocksAction::Loaded { .. } => self,
        }
    }
}

impl RowBlocks {
    /// The query these rows are for (see [`RowBlocksAction::Reset`]).
    pub fn query(&self) -> u64 {
        self.query
    }

    /// Row `index` (0-based) when its block is in: this query's once it answered, the
    /// previous query's until then.
    pub fn row(&self, index: u64) -> Option<&Rc<EntitySummary>> {
        let blocks = if self.total.is_none() {
            &self.stale
        } else {
            &self.blocks
        };
        let row = usize::try_from(index % BLOCK).ok()?;
        blocks.get(&(index / BLOCK)).and_then(|b| b.get(row))
    }

    /// This query's number of matching entities, once it answered.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The number of rows to show: this query's, or the previous one's until it answers.
    pub fn shown_total(&self) -> u64 {
        self.total.or(self.stale_total).unwrap_or(0)
    }

    /// The latest failed answer of this query (cleared by a successful one).
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
    }

    /// The blocks `window` needs that are neither in nor asked for.
    pub fn missing(&self, window: Window) -> Vec<u64> {
        window
            .blocks()
            .filter(|b| !self.blocks.contains_key(b) && !self.pending.contains(b))
            .collect()
    }
}

/// The rows of the query `query(&key, offset, limit)` describes: starts over when `key`
/// changes, fetches the blocks `window` needs as it moves.
#[hook]
pub fn use_row_blocks<K, F>(key: K, window: Window, query: F) -> UseReducerHandle<RowBlocks>
where
    K: PartialEq + Clone + 'static,
    F: Fn(&K, u64, u32) -> EntityQuery + 'static,
{
    let backend = use_backend();
    let rows = use_reducer(RowBlocks::default);
    // Asks for `blocks` of query `id`, and hands each answer to the reducer.
    let fetch = {
        let (backend, rows) = (backend.clone(), rows.clone());
        let query = Rc::new(query);
        move |key: &K, id: u64, blocks: Vec<u64>| {
            if blocks.is_empty() {
                return;
            }
            rows.dispatch(RowBlocksAction::Requested {
                query: id,
                blocks: blocks.clone(),
            });
            for block in blocks {
                let query = query(key, block * BLOCK, BLOCK as u32);
                let (backend, rows) = (backend.clone(), rows.clone());
                spawn_local(async move {
                    // For the benchmark's split of a keystroke: input → query sent → answer
                    // → rendered → painted.
                    perf::measure("catalog:input-to-query", "catalog:input");
                    let started = perf::start("catalog:query");
                    let result = backend.call(QueryEntities { query }).await;
                    perf::measure_from("catalog:query", &started);
                    perf::mark("catalog:answer");
                    rows.dispatch(RowBlocksAction::Loaded {
                        query: id,
                        block,
                        result,
                    });
                });
            }
        }
    };
    // A new query: start over, and ask at once for the rows at the top (where the table
    // scrolls back to). Only this effect numbers queries, and each numbering is rendered
    // before it runs again, so the next number is the rendered one plus one.
    {
        let (rows, fetch) = (rows.clone(), fetch.clone());
        use_effect_with(key.clone(), move |key| {
            let id = rows.query() + 1;
            rows.dispatch(RowBlocksAction::Reset(id));
            let top = Window {
                first: 0,
                count: window.count,
            };
            fetch(key, id, top.blocks().collect());
        });
    }
    // The window moved: ask for what it needs that is neither in nor asked for.
    {
        let rows = rows.clone();
        use_effect_with((rows.query(), window), move |&(id, window)| {
            fetch(&key, id, rows.missing(window));
        });
    }
    rows
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use backlot_model::ErrorCode;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn page(names: &[&str], total: u64) -> Result<EntityPage, ApiError> {
        Ok(EntityPage {
            items: names
                .iter()
                .map(|n| EntitySummary {
                    name: (*n).into(),
                    ..Default::default()
                })
                .collect(),
            total,
            next_cursor: None,
        })
    }

    fn name(rows: &RowBlocks, index: u64) -> Option<&str> {
        rows.row(index).map(|r| r.name.as_str())
    }

    fn loaded(query: u64, block: u64, result: Result<EntityPage, ApiError>) -> RowBlocksAction {
        RowBlocksAction::Loaded {
            query,
            block,
            result,
        }
    }

    #[wasm_bindgen_test]
    fn the_previous_rows_stay_until_the_new_query_answers() {
        let rows = Rc::new(RowBlocks::default()).reduce(RowBlocksAction::Reset(1));
        let rows = rows.reduce(loaded(1, 0, page(&["a", "b"], 2)));
        assert_eq!((name(&rows, 1), rows.shown_total()), (Some("b"), 2));
        let rows = rows.reduce(RowBlocksAction::Reset(2));
        assert_eq!((name(&rows, 1), rows.shown_total()), (Some("b"), 2));
        assert_eq!(rows.total(), None);
        // Typing on: the rows on screen are still the last ones that answered.
        let rows = rows.reduce(RowBlocksAction::Reset(3));
        assert_eq!(name(&rows, 0), Some("a"));
        let rows = rows.reduce(loaded(3, 0, page(&["c"], 1)));
        assert_eq!(
            (name(&rows, 0), name(&rows, 1), rows.shown_total()),
            (Some("c"), None, 1)
        );
    }

    #[wasm_bindgen_test]
    fn answers_to_an_earlier_query_are_dropped() {
        let rows = Rc::new(RowBlocks::default()).reduce(RowBlocksAction::Reset(1));
        let rows = rows.reduce(RowBlocksAction::Reset(2));
        let after = rows.clone().reduce(loaded(1, 0, page(&["old"], 1)));
        assert!(
            Rc::ptr_eq(&rows, &after),
            "nothing changes, nothing renders"
        );
        let after = rows.clone().reduce(RowBlocksAction::Requested {
            query: 1,
            blocks: vec![0],
        });
        assert!(Rc::ptr_eq(&rows, &after));
    }

    #[wasm_bindgen_test]
    fn blocks_are_asked_for_once_and_again_after_a_failure() {
        let window = Window {
            first: 90,
            count: 30,
        };
        let rows = Rc::new(RowBlocks::default()).reduce(RowBlocksAction::Reset(1));
        assert_eq!(rows.missing(window), [0, 1]);
        let rows = rows.reduce(RowBlocksAction::Requested {
            query: 1,
            blocks: vec![0, 1],
        });
        assert!(rows.missing(window).is_empty(), "both under way");
        let rows = rows.reduce(loaded(1, 0, page(&["a"], 150)));
        let rows = rows.reduce(loaded(1, 1, Err(ApiError::internal("gone"))));
        assert_eq!(rows.error().unwrap().code, ErrorCode::Internal);
        assert_eq!(
            rows.missing(window),
            [1],
            "a failed block is asked for again"
        );
        let rows = rows.reduce(loaded(1, 1, page(&["z"], 150)));
        assert!(rows.error().is_none());
        assert_eq!(name(&rows, 100), Some("z"));
    }
}
