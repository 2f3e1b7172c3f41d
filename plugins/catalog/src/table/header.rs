//! The catalog table's column headers: sortable ones are buttons that show the column's
//! sort state (`aria-sort`).

use backlot_model::query::{SortField, SortOrder};
use yew::prelude::*;

use crate::filters::sort_key;

#[derive(Properties, PartialEq)]
pub struct ColumnHeaderProps {
    pub label: AttrValue,
    /// The column's sort field; `None` for a column that does not sort.
    #[prop_or_default]
    pub field: Option<SortField>,
    /// The table's sort order (`None`: by name, or by relevance while searching).
    #[prop_or_default]
    pub sort: Option<SortOrder>,
    #[prop_or_default]
    pub searching: bool,
    #[prop_or_default]
    pub on_sort: Callback<SortField>,
}

#[component(ColumnHeader)]
pub fn column_header(props: &ColumnHeaderProps) -> Html {
    let Some(field) = props.field else {
        return html! { <div class="vt-cell" role="columnheader">{props.label.clone()}</div> };
    };
    let state = sort_state(field, props.sort, props.searching);
    let onclick = props.on_sort.reform(move |_| field);
    html! {
        <div class="vt-cell" role="columnheader" aria-sort={state}>
            <button type="button" class={classes!("sort", format!("sort-{state}"))} data-sort={sort_key(field)}
                    {onclick}>{props.label.clone()}</button>
        </div>
    }
}

/// `aria-sort` of the column sorted by `field`.
fn sort_state(field: SortField, sort: Option<SortOrder>, searching: bool) -> &'static str {
    match sort {
        Some(s) if s.field == field => {
            if s.descending {
                "descending"
            } else {
                "ascending"
            }
        }
        None if field == SortField::Name && !searching => "ascending",
        _ => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn the_name_column_is_ascending_by_default_except_while_searching() {
        assert_eq!(sort_state(SortField::Name, None, false), "ascending");
        assert_eq!(sort_state(SortField::Name, None, true), "none");
        let by_owner = Some(SortOrder {
            field: SortField::Owner,
            descending: true,
        });
        assert_eq!(sort_state(SortField::Owner, by_owner, false), "descending");
        assert_eq!(sort_state(SortField::Name, by_owner, false), "none");
    }
}
