//! The APIs page's toolbar: the text filter, one select per facet (type, owner,
//! lifecycle) with the catalog's counts, and "Clear filters" once any is set.

use backlot_model::ApiError;
use backlot_model::query::{FacetCount, Facets};
use backlot_plugin_api::{Icon, IconView, Shared};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::filters::{Filters, short_ref};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub filters: Filters,
    /// The API entities' facet counts (none before the first answer).
    pub facets: Option<Shared<Result<Facets, ApiError>>>,
    pub on_change: Callback<Filters>,
}

#[component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let filters = &props.filters;
    let oninput = {
        let (filters, on_change) = (filters.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                on_change.emit(Filters {
                    text: input.value(),
                    ..filters.clone()
                });
            }
        })
    };
    let select = |name: &'static str,
                  label: &'static str,
                  current: &str,
                  set: fn(&mut Filters, String)| {
        let (filters, on_change) = (filters.clone(), props.on_change.clone());
        let onchange = Callback::from(move |value: String| {
            let mut next = filters.clone();
            set(&mut next, value);
            on_change.emit(next);
        });
        let values = props
            .facets
            .as_deref()
            .and_then(|f| f.as_ref().ok())
            .and_then(|f| f.facets.get(name))
            .cloned()
            .unwrap_or_default();
        html! { <FacetSelect {name} {label} current={current.to_string()} {values} {onchange} /> }
    };
    let clear = props.on_change.reform(|_| Filters::default());

    html! {
        <div class="toolbar api-page-toolbar">
            <div class="search-field">
                <IconView icon={Icon::Search} size={18} />
                <input type="search" name="apis-search" placeholder="Filter APIs by name, title, description or tag"
                       value={filters.text.clone()} {oninput} aria-label="Filter APIs" autocomplete="off" spellcheck="false" />
            </div>
            <div class="api-facets">
                { select("type", "Type", &filters.api_type, |f, v| f.api_type = v) }
                { select("owner", "Owner", &filters.owner, |f, v| f.owner = v) }
                { select("lifecycle", "Lifecycle", &filters.lifecycle, |f, v| f.lifecycle = v) }
                if !filters.is_empty() {
                    <button type="button" class="button button-secondary clear-filters" onclick={clear}>{"Clear filters"}</button>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FacetSelectProps {
    /// The facet (`type`, `owner`, `lifecycle`); the select is named `api-<name>`.
    name: &'static str,
    label: &'static str,
    /// The selected value, `""` for all (kept as an option when no entity has it).
    current: String,
    values: Vec<FacetCount>,
    onchange: Callback<String>,
}

#[component(FacetSelect)]
fn facet_select(props: &FacetSelectProps) -> Html {
    let (name, label) = (props.name, props.label);
    let (current, values) = (&props.current, &props.values);
    let onchange = props.onchange.clone();
    let onchange = Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
            onchange.emit(select.value());
        }
    });
    let has_current =
        current.is_empty() || values.iter().any(|v| v.value.eq_ignore_ascii_case(current));
    html! {
        <label class="api-facet">
            <span class="muted small">{label}</span>
            <select name={format!("api-{name}")} {onchange} aria-label={label}>
                <option value="" selected={current.is_empty()}>{"All"}</option>
                { for values.iter().map(|v| html! {
                    <option value={v.value.clone()} selected={v.value.eq_ignore_ascii_case(current)}>
                        {format!("{} ({})", if name == "owner" { short_ref(&v.value) } else { &v.value }, v.count)}
                    </option>
                }) }
                if !has_current { <option value={current.clone()} selected=true>{current.clone()}</option> }
            </select>
        </label>
    }
}
