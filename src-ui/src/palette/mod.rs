//! The command palette (Ctrl+K, ⌘K): one box that reaches every page, the plugins' and the
//! app's actions, and everything the search index holds — entities, docs pages, API
//! operations. Fully keyboard-driven: arrows move, Enter opens, Tab filters by type, Esc
//! closes. An ARIA combobox over a listbox.

mod items;

use std::rc::Rc;

use backlot_model::ipc::{GetRecent, Preferences, StartSync};
use backlot_model::search::{Search, SearchHit, TYPE_ENTITY};
use backlot_plugin_api::{IconView, PluginRegistry, perf, use_command_if, use_shell};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::search_hits::{location, type_icon, type_label};
use items::{Filter, Item, Run};

/// Search hits shown at most.
const HITS: u32 = 8;
/// Actions shown at most.
const ACTIONS: usize = 6;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub registry: Rc<PluginRegistry>,
}

#[component(CommandPalette)]
pub fn command_palette(props: &PaletteProps) -> Html {
    let open = use_state(|| false);
    // Ctrl+K / ⌘K anywhere toggles it.
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("k") {
                    e.prevent_default();
                    open.set(!*open);
                }
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    if !*open {
        return html! {};
    }
    let on_close = {
        let open = open.clone();
        Callback::from(move |()| open.set(false))
    };
    html! { <PaletteDialog registry={props.registry.clone()} {on_close} /> }
}

/// The highlighted row. A reducer, so keys pressed faster than renders all count.
#[derive(Default, PartialEq)]
struct Selection(usize);

enum Move {
    /// Down or up in a list of this many rows (wrapping).
    Down(usize),
    Up(usize),
    Reset,
}

impl Reducible for Selection {
    type Action = Move;
    fn reduce(self: Rc<Self>, action: Move) -> Rc<Self> {
        Rc::new(Selection(match action {
            Move::Down(0) | Move::Up(0) | Move::Reset => 0,
            Move::Down(len) => (self.0.min(len - 1) + 1) % len,
            Move::Up(len) => (self.0.min(len - 1) + len - 1) % len,
        }))
    }
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    registry: Rc<PluginRegistry>,
    on_close: Callback<()>,
}

#[component(PaletteDialog)]
fn palette_dialog(props: &DialogProps) -> Html {
    let shell = use_shell();
    let input = use_node_ref();
    let query = use_state(String::new);
    let filter = use_state(|| Filter::All);
    let selected = use_reducer(Selection::default);
    let actions = use_memo((), {
        let registry = props.registry.clone();
        move |_| items::actions(&registry)
    });
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let hits = use_command_if(((*query).clone(), *filter), |(query, filter)| {
        let types = filter.search_types()?;
        (!query.trim().is_empty()).then(|| Search {
            query: query.clone(),
            types,
            limit: HITS,
            offset: 0,
            // Local only: the palette answers as you type.
            team: false,
        })
    });
    // For the real-window benchmark: keystroke → this query's results painted.
    {
        let current = hits.answered_for() == Some(&((*query).clone(), *filter));
        use_effect_with(hits.shared(), move |answer| {
            if current && answer.is_some() {
                perf::after_paint(|| perf::measure("palette:input-to-paint", "palette:input"));
            }
        });
    }
    let recent = use_command_if(((*query).is_empty(), *filter), |(empty, filter)| {
        (*empty && filter.search_types().is_some()).then_some(GetRecent { limit: 5 })
    });

    let mut rows: Vec<Item> = Vec::new();
    if query.trim().is_empty() {
        if let Some(Ok(recent)) = recent.result() {
            rows.extend(recent.iter().map(|e| {
                Item::Hit(SearchHit {
                    doc_type: TYPE_ENTITY.into(),
                    title: e.title.clone().unwrap_or_else(|| e.name.clone()),
                    subtitle: Some(format!("{} · recent", e.kind.to_lowercase())),
                    entity_ref: Some(e.entity_ref.clone()),
                    ..Default::default()
                })
            }));
        }
    } else if let Some(Ok(found)) = hits.result() {
        rows.extend(found.hits.iter().cloned().map(Item::Hit));
    }
    if filter.shows_actions() {
        let matched = items::matching(&actions, &query, ACTIONS);
        // Actions first when nothing is typed (or only actions are asked for).
        let actions = matched.into_iter().map(Item::Action);
        if query.trim().is_empty() || *filter == Filter::Actions {
            rows = actions.chain(rows).collect();
        } else {
            rows.extend(actions);
        }
    }
    let rows = Rc::new(rows);
    let current = selected.0.min(rows.len().saturating_sub(1));

    let run = {
        let (shell, on_close) = (shell.clone(), props.on_close.clone());
        Callback::from(move |item: Item| {
            on_close.emit(());
            match item {
                Item::Hit(hit) => shell.navigate.emit(location(&hit)),
                Item::Action(a) => match a.run {
                    Run::Go(to) => shell.navigate.emit(to),
                    Run::SyncNow => {
                        let backend = shell.backend.clone();
                        spawn_local(async move {
                            let _ = backend.call(StartSync::default()).await;
                        });
                    }
                    Run::Theme(theme) => shell.set_preferences.emit(Preferences {
                        theme,
                        ..shell.preferences.clone()
                    }),
                },
            }
        })
    };
    let oninput = {
        let (query, selected) = (query.clone(), selected.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                perf::mark("palette:input");
                query.set(i.value());
                selected.dispatch(Move::Reset);
            }
        })
    };
    let onkeydown = {
        let (rows, selected, filter, run, on_close) = (
            rows.clone(),
            selected.clone(),
            filter.clone(),
            run.clone(),
            props.on_close.clone(),
        );
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                selected.dispatch(Move::Down(rows.len()));
            }
            "ArrowUp" => {
                e.prevent_default();
                selected.dispatch(Move::Up(rows.len()));
            }
            "Enter" => {
                e.prevent_default();
                let at = selected.0.min(rows.len().saturating_sub(1));
                if let Some(item) = rows.get(at) {
                    run.emit(item.clone());
                }
            }
            "Escape" => {
                e.prevent_default();
                on_close.emit(());
            }
            "Tab" => {
                e.prevent_default();
                filter.set(filter.next());
                selected.dispatch(Move::Reset);
            }
            _ => {}
        })
    };
    let on_backdrop = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let active_id = format!("palette-item-{current}");
    html! {
        <div class="palette-backdrop" onclick={on_backdrop}>
            <div class="palette" role="dialog" aria-modal="true" aria-label="Command palette"
                 onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <div class="palette-filters" aria-hidden="true">
                    { for [Filter::All, Filter::Actions, Filter::Entities, Filter::Docs, Filter::Apis].into_iter().map(|f| html! {
                        <span class={classes!("palette-filter", (f == *filter).then_some("selected"))} data-filter={f.label()}>{f.label()}</span>
                    }) }
                    <span class="palette-hint">{"Tab: filter · ↑↓ · Enter · Esc"}</span>
                </div>
                <input ref={input} class="palette-input" type="text" value={(*query).clone()} {oninput} {onkeydown}
                       role="combobox" aria-expanded="true" aria-controls="palette-list" aria-autocomplete="list"
                       aria-activedescendant={active_id} aria-label="Go to, search or run"
                       placeholder="Go to, search or run…" autocomplete="off" spellcheck="false" />
                <ul id="palette-list" class="palette-list" role="listbox" aria-label="Results">
                    { for rows.iter().enumerate().map(|(i, item)| row(i, i == current, item, &run)) }
                </ul>
                if rows.is_empty() && !query.trim().is_empty() && hits.result().is_some() {
                    <p class="palette-empty muted small" data-testid="palette-empty">{"Nothing matches."}</p>
                }
            </div>
        </div>
    }
}

fn row(i: usize, selected: bool, item: &Item, run: &Callback<Item>) -> Html {
    let onclick = {
        let (run, item) = (run.clone(), item.clone());
        Callback::from(move |_| run.emit(item.clone()))
    };
    let (icon, title, detail, kind) = match item {
        Item::Action(a) => (
            backlot_plugin_api::Icon::Settings,
            a.label.clone(),
            None,
            "Action".to_string(),
        ),
        Item::Hit(h) => (
            type_icon(&h.doc_type),
            h.title.clone(),
            h.subtitle.clone(),
            type_label(&h.doc_type),
        ),
    };
    html! {
        <li id={format!("palette-item-{i}")} role="option" aria-selected={selected.to_string()}
            class={classes!("palette-item", selected.then_some("selected"))} {onclick}>
            <IconView {icon} size={16} />
            <span class="palette-title">{title}</span>
            if let Some(d) = detail { <span class="palette-detail muted small">{d}</span> }
            <span class="palette-kind badge">{kind}</span>
        </li>
    }
}
