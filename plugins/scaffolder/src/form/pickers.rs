//! Backstage's field extensions, fed by the local catalog: entity pickers (one or many,
//! narrowed by `allowedKinds`/`catalogFilter`; owners; what I own; my groups), entity names,
//! tags, and the repository location. Suggestions come as a `datalist`, so any value can be
//! typed too (Backstage's `allowArbitraryValues`, on by default).

use backlot_model::ipc::{GetFacets, QueryEntities};
use backlot_model::query::{EntityFilter, EntityQuery, EntitySummary, RelationFilter};
use backlot_plugin_api::{use_command, use_command_if, use_shell};
use serde_json::Value;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::fields::OnChange;
use super::repo_url::RepoUrl;
use super::schema::{Extension, Field};

/// Suggestions shown at most.
const SUGGESTIONS: u32 = 30;

#[derive(Properties, PartialEq, Clone)]
pub struct ExtensionProps {
    pub extension: Extension,
    pub field: Field,
    pub value: Value,
    pub input_id: String,
    pub described: String,
    pub on_change: OnChange,
}

#[component(ExtensionField)]
pub fn extension_field(props: &ExtensionProps) -> Html {
    match props.extension {
        Extension::EntityNamePicker => plain_text(props),
        Extension::RepoUrlPicker => html! { <RepoUrlField ..props.clone() /> },
        Extension::EntityTagsPicker => html! { <TagsField ..props.clone() /> },
        _ => html! { <EntityField ..props.clone() /> },
    }
}

impl ExtensionProps {
    fn emit(&self, value: Value) {
        self.on_change.emit((self.field.path.clone(), value));
    }
}

fn plain_text(props: &ExtensionProps) -> Html {
    let on = props.on_change.clone();
    let path = props.field.path.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        on.emit((
            path.clone(),
            if v.is_empty() {
                Value::Null
            } else {
                Value::String(v)
            },
        ));
    });
    html! {
        <input id={props.input_id.clone()} class="input" type="text" value={props.value.as_str().unwrap_or("").to_string()}
               {oninput} autocomplete="off" spellcheck="false"
               placeholder={props.field.ui_str("placeholder").map(str::to_string)}
               autofocus={props.field.ui_flag("autofocus")} readonly={props.field.ui_flag("readonly")}
               aria-required={props.field.required.to_string()} aria-describedby={props.described.clone()} />
    }
}

/// `kind:namespace/name` as Backstage writes a picked entity (kind and namespace lowercased).
pub fn entity_ref(e: &EntitySummary) -> String {
    format!(
        "{}:{}/{}",
        e.kind.to_lowercase(),
        e.namespace.to_lowercase(),
        e.name
    )
}

/// The strings of a JSON array (a many-valued field's value); nothing for anything else.
fn strings_of(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The catalog filter a picker suggests from.
fn filter_for(ext: Extension, field: &Field, me: Option<&str>) -> EntityFilter {
    // One value or a list of them.
    let strings = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(list) => strings_of(list),
            None => Vec::new(),
        }
    };
    let mut filter = EntityFilter::default();
    // `catalogFilter`: an object or a list of objects (ORed by Backstage; the first here,
    // with the kinds of all).
    let catalog_filter = match field.option("catalogFilter") {
        Some(Value::Array(list)) => list.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    for f in &catalog_filter {
        filter.kinds.extend(strings(f.get("kind")));
    }
    if let Some(first) = catalog_filter.first() {
        filter.types = strings(first.get("spec.type"));
        filter.lifecycles = strings(first.get("spec.lifecycle"));
        filter.tags = strings(first.get("metadata.tags"));
    }
    filter.kinds.extend(strings(field.option("allowedKinds")));
    match ext {
        Extension::OwnerPicker if filter.kinds.is_empty() => {
            filter.kinds = vec!["group".into(), "user".into()];
        }
        Extension::MyGroupsPicker => {
            filter.kinds = vec!["group".into()];
            filter.relation = me.map(|me| RelationFilter {
                relation_type: "hasMember".into(),
                target_ref: me.to_string(),
            });
        }
        Extension::OwnedEntityPicker => filter.owned_by = me.map(str::to_string),
        _ => {}
    }
    filter
}

#[component(EntityField)]
fn entity_field(props: &ExtensionProps) -> Html {
    let shell = use_shell();
    let me = shell.preferences.me().map(str::to_string);
    let typed = use_state(String::new);
    let many = props.extension.many();
    let filter = filter_for(props.extension, &props.field, me.as_deref());
    let needs_me = matches!(
        props.extension,
        Extension::MyGroupsPicker | Extension::OwnedEntityPicker
    );
    // "Mine" without knowing who I am would suggest everything: nothing is asked then.
    let ask = !(needs_me && me.is_none());
    let suggestions = use_command_if((filter, (*typed).clone(), ask), |(filter, typed, ask)| {
        ask.then(|| QueryEntities {
            query: EntityQuery {
                filter: filter.clone(),
                text: (!typed.trim().is_empty() && !typed.contains(':'))
                    .then(|| typed.trim().to_string()),
                limit: SUGGESTIONS,
                ..EntityQuery::default()
            },
        })
    });
    let list_id = format!("{}-options", props.input_id);
    let options: Vec<EntitySummary> = suggestions
        .data()
        .map(|p| p.items.clone())
        .unwrap_or_default();
    let chosen: Vec<String> = if many {
        strings_of(&props.value)
    } else {
        Vec::new()
    };
    let current = if many {
        (*typed).clone()
    } else {
        props.value.as_str().unwrap_or("").to_string()
    };
    let oninput = {
        let (typed, p) = (typed.clone(), props.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            typed.set(v.clone());
            if !many {
                p.emit(if v.is_empty() {
                    Value::Null
                } else {
                    Value::String(v)
                });
            }
        })
    };
    let add = {
        let (typed, p, chosen) = (typed.clone(), props.clone(), chosen.clone());
        Callback::from(move |e: KeyboardEvent| {
            if many && e.key() == "Enter" {
                e.prevent_default();
                let v = typed.trim().to_string();
                if !v.is_empty() && !chosen.contains(&v) {
                    let mut next = chosen.clone();
                    next.push(v);
                    p.emit(Value::Array(next.into_iter().map(Value::String).collect()));
                }
                typed.set(String::new());
            }
        })
    };
    html! {
        <div class="picker" data-extension={format!("{:?}", props.extension)}>
            if many { { chips(&chosen, &props.clone()) } }
            <input id={props.input_id.clone()} class="input" type="text" list={list_id.clone()} value={current}
                   {oninput} onkeydown={add} autocomplete="off" spellcheck="false"
                   placeholder={props.field.ui_str("placeholder").unwrap_or(if many { "Type a ref, Enter to add" } else { "kind:namespace/name" }).to_string()}
                   autofocus={props.field.ui_flag("autofocus")} readonly={props.field.ui_flag("readonly")}
                   aria-required={props.field.required.to_string()} aria-describedby={props.described.clone()} />
            <datalist id={list_id}>
                { for options.iter().map(|e| html! {
                    <option value={entity_ref(e)}>{e.title.clone().unwrap_or_else(|| e.name.clone())}</option>
                }) }
            </datalist>
            if needs_me && me.is_none() {
                <p class="muted small">{"Tell Backlot who you are (Settings → You, or sign in) to see yours."}</p>
            }
        </div>
    }
}

/// The chosen values of a many-valued picker, each removable.
fn chips(chosen: &[String], props: &ExtensionProps) -> Html {
    html! {
        <ul class="chips" aria-label="Chosen">
            { for chosen.iter().map(|c| {
                let (p, all, c2) = (props.clone(), chosen.to_vec(), c.clone());
                let onclick = Callback::from(move |_| {
                    let next: Vec<Value> = all.iter().filter(|x| **x != c2).cloned().map(Value::String).collect();
                    p.emit(Value::Array(next));
                });
                html! {
                    <li class="chip selected">{c.clone()}
                        <button type="button" class="chip-remove" aria-label={format!("Remove {c}")} {onclick}>{"×"}</button>
                    </li>
                }
            }) }
        </ul>
    }
}

/// Backstage's tag rule: lowercase letters, digits and `:+#`, in words joined by `-`.
pub fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 63
        && tag.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b":+#".contains(&b))
        })
}

#[component(TagsField)]
fn tags_field(props: &ExtensionProps) -> Html {
    let typed = use_state(String::new);
    let facets = use_command((), |_| GetFacets::default());
    let known: Vec<String> = facets
        .data()
        .and_then(|f| f.facets.get("tag"))
        .map(|tags| tags.iter().map(|t| t.value.clone()).collect())
        .unwrap_or_default();
    let chosen: Vec<String> = strings_of(&props.value);
    let refused = use_state(|| None::<String>);
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onkeydown = {
        let (typed, p, chosen, refused) = (
            typed.clone(),
            props.clone(),
            chosen.clone(),
            refused.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            e.prevent_default();
            let tag = typed.trim().to_string();
            if tag.is_empty() {
                return;
            }
            if !valid_tag(&tag) {
                refused.set(Some(format!(
                    "“{tag}”: lowercase letters, digits and : + #, in words joined by -."
                )));
                return;
            }
            refused.set(None);
            if !chosen.contains(&tag) {
                let mut next = chosen.clone();
                next.push(tag);
                p.emit(Value::Array(next.into_iter().map(Value::String).collect()));
            }
            typed.set(String::new());
        })
    };
    let list_id = format!("{}-options", props.input_id);
    html! {
        <div class="picker" data-extension="EntityTagsPicker">
            { chips(&chosen, &props.clone()) }
            <input id={props.input_id.clone()} class="input" type="text" list={list_id.clone()} value={(*typed).clone()}
                   {oninput} {onkeydown} autocomplete="off" spellcheck="false" placeholder="Type a tag, Enter to add"
                   aria-describedby={props.described.clone()} />
            <datalist id={list_id}>
                { for known.iter().map(|t| html! { <option value={t.clone()} /> }) }
            </datalist>
            if let Some(r) = &*refused { <p class="form-problem small" role="alert">{r.clone()}</p> }
        </div>
    }
}

#[component(RepoUrlField)]
fn repo_url_field(props: &ExtensionProps) -> Html {
    let url = RepoUrl::parse(props.value.as_str().unwrap_or(""));
    let allowed = |key: &str| props.field.option(key).map(strings_of).unwrap_or_default();
    let hosts = allowed("allowedHosts");
    let owners = allowed("allowedOwners");
    // The first allowed host is chosen from the start, as Backstage's picker does.
    let url = RepoUrl {
        host: if url.host.is_empty() {
            hosts
                .first()
                .cloned()
                .unwrap_or_else(|| "github.com".into())
        } else {
            url.host
        },
        ..url
    };
    let host_allowed = hosts.is_empty() || hosts.contains(&url.host);
    let set = {
        let (p, url) = (props.clone(), url.clone());
        move |part: &'static str| {
            let (p, url) = (p.clone(), url.clone());
            Callback::from(move |e: Event| {
                let v = e
                    .target_unchecked_into::<HtmlInputElement>()
                    .value()
                    .trim()
                    .to_string();
                let mut next = url.clone();
                match part {
                    "host" => next.host = v,
                    "owner" => next.owner = v,
                    _ => next.repo = v,
                }
                p.emit(Value::String(next.to_value()));
            })
        }
    };
    let id = &props.input_id;
    html! {
        <div class="repo-url" data-extension="RepoUrlPicker" aria-describedby={props.described.clone()}>
            <label class="small">{"Host"}
                if hosts.len() > 1 || !hosts.is_empty() && !host_allowed {
                    <select class="input" name="repo-host" onchange={set("host")}>
                        // A host from elsewhere (a run again) stays shown until another is
                        // chosen: the check names the allowed ones.
                        if !host_allowed {
                            <option value={url.host.clone()} selected=true>{url.host.clone()}</option>
                        }
                        { for hosts.iter().map(|h| html! { <option value={h.clone()} selected={*h == url.host}>{h.clone()}</option> }) }
                    </select>
                } else {
                    <input class="input" name="repo-host" type="text" value={url.host.clone()} onchange={set("host")}
                           readonly={hosts.len() == 1} />
                }
            </label>
            <label class="small">{"Owner"}
                if owners.is_empty() {
                    <input id={id.clone()} class="input" name="repo-owner" type="text" value={url.owner.clone()} onchange={set("owner")}
                           autocomplete="off" spellcheck="false" />
                } else {
                    <select id={id.clone()} class="input" name="repo-owner" onchange={set("owner")}>
                        <option value="" selected={url.owner.is_empty()}>{"Choose…"}</option>
                        { for owners.iter().map(|o| html! { <option value={o.clone()} selected={*o == url.owner}>{o.clone()}</option> }) }
                    </select>
                }
            </label>
            <label class="small">{"Repository"}
                <input class="input" name="repo-name" type="text" value={url.repo.clone()} onchange={set("repo")}
                       autocomplete="off" spellcheck="false" />
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::schema::page;
    use serde_json::json;

    fn field(schema: Value) -> Field {
        page(&json!({"properties": {"x": schema}}), &json!({}))
            .fields
            .remove(0)
    }

    #[test]
    fn pickers_narrow_the_catalog_as_their_options_say() {
        let f = field(
            json!({"type": "string", "ui:field": "EntityPicker", "ui:options": {"catalogFilter": [{"kind": ["Component"], "spec.type": "service"}, {"kind": "API"}]}}),
        );
        let filter = filter_for(Extension::EntityPicker, &f, None);
        assert_eq!(filter.kinds, ["Component", "API"]);
        assert_eq!(filter.types, ["service"]);

        let owner = field(json!({"type": "string", "ui:field": "OwnerPicker"}));
        assert_eq!(
            filter_for(Extension::OwnerPicker, &owner, None).kinds,
            ["group", "user"]
        );
        let allowed = field(
            json!({"type": "string", "ui:field": "OwnerPicker", "ui:options": {"allowedKinds": ["Group"]}}),
        );
        assert_eq!(
            filter_for(Extension::OwnerPicker, &allowed, None).kinds,
            ["Group"]
        );
        let mine = filter_for(Extension::MyGroupsPicker, &owner, Some("user:default/ada"));
        assert_eq!(
            mine.relation.map(|r| (r.relation_type, r.target_ref)),
            Some(("hasMember".into(), "user:default/ada".into()))
        );
        assert_eq!(
            filter_for(
                Extension::OwnedEntityPicker,
                &owner,
                Some("user:default/ada")
            )
            .owned_by,
            Some("user:default/ada".into())
        );
    }

    #[test]
    fn tags_follow_backstage() {
        for good in ["java", "c++", "a-b", "k8s:prod", "#1"] {
            assert!(valid_tag(good), "{good}");
        }
        for bad in ["", "Java", "a b", "a--b", "-a", &"a".repeat(64)] {
            assert!(!valid_tag(bad), "{bad}");
        }
    }
}
