//! The run form of a template: one page per element of `spec.parameters` (with its title in
//! a stepper), then a Review page. Values are kept when going back; a page's problems show
//! once Next was pressed on it and follow the typing from then on; Review lists what was
//! entered (secrets masked) and offers a dry run or the real run.

mod fields;
mod pickers;
pub mod repo_url;
pub mod schema;
pub mod validate;

use std::rc::Rc;

use backlot_scaffolder_common::ipc::TemplateForm;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use schema::{Field, FieldKind};
use validate::{Problems, value_at};

pub use pickers::entity_ref;

#[wasm_bindgen]
extern "C" {
    /// `RegExp(pattern, flags)`, an exception (a bad pattern) as an error.
    #[wasm_bindgen(catch, js_name = "RegExp")]
    fn regexp(pattern: &str, flags: &str) -> Result<js_sys::RegExp, JsValue>;
}

/// JSON schema's `pattern`: an ECMAScript regular expression, Unicode-aware, unanchored.
fn js_matches(pattern: &str, text: &str) -> Option<bool> {
    regexp(pattern, "u").ok().map(|r| r.test(text))
}

/// What the Review page's buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submit {
    DryRun,
    Create,
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub form: Rc<TemplateForm>,
    /// Values to start from (a run again from the history); defaults fill the rest.
    #[prop_or_default]
    pub initial: Option<Value>,
    pub on_submit: Callback<(Value, Submit)>,
    /// Disables the Review page's buttons (a dry run or a start under way).
    #[prop_or_default]
    pub busy: bool,
}

/// Sets `value` at `path` in an object of objects (creating the objects on the way);
/// `Null` removes the key.
pub fn set_at(values: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = values;
    for key in parents {
        if !at.get(key).is_some_and(Value::is_object) {
            if let Value::Object(map) = at {
                map.insert(key.clone(), Value::Object(Map::new()));
            } else {
                return;
            }
        }
        let Some(next) = at.get_mut(key) else { return };
        at = next;
    }
    if let Value::Object(map) = at {
        if value.is_null() {
            map.remove(last);
        } else {
            map.insert(last.clone(), value);
        }
    }
}

#[component(TemplateFormView)]
pub fn template_form_view(props: &FormProps) -> Html {
    let values = {
        let (pages, initial) = (props.form.parameters.clone(), props.initial.clone());
        use_state(move || {
            let mut map = match initial {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            schema::defaults(&pages, &mut map);
            Value::Object(map)
        })
    };
    let step = use_state(|| 0usize);
    // Pages on which Next was pressed: their problems show.
    let checked = use_state(Vec::<usize>::new);
    let pages = &props.form.parameters;
    let review = *step >= pages.len();
    let on_change = {
        let values = values.clone();
        Callback::from(move |(path, value): (Vec<String>, Value)| {
            let mut next = (*values).clone();
            set_at(&mut next, &path, value);
            values.set(next);
        })
    };
    let page_of = |i: usize| schema::page(&pages[i], &values);
    let problems_of =
        |p: &schema::Page| -> Problems { validate::page(&p.fields, &values, &js_matches) };
    let go = {
        let step = step.clone();
        move |to: usize| {
            let step = step.clone();
            Callback::from(move |_: MouseEvent| step.set(to))
        }
    };
    let stepper = html! {
        <ol class="stepper" aria-label="Steps">
            { for pages.iter().enumerate().map(|(i, p)| {
                let title = p.get("title").and_then(Value::as_str).map_or_else(|| format!("Step {}", i + 1), str::to_string);
                html! { <li class={classes!("stepper-step", (i == *step).then_some("current"), (i < *step).then_some("done"))}
                            aria-current={(i == *step).then_some("step")}>{title}</li> }
            }) }
            <li class={classes!("stepper-step", review.then_some("current"))} aria-current={review.then_some("step")}>{"Review"}</li>
        </ol>
    };
    if review {
        let submit = |what: Submit| {
            let (on_submit, values) = (props.on_submit.clone(), values.clone());
            Callback::from(move |_: MouseEvent| on_submit.emit(((*values).clone(), what)))
        };
        let all_fields: Vec<Field> = (0..pages.len()).flat_map(|i| page_of(i).fields).collect();
        return html! {
            <div class="template-form" data-step="review">
                { stepper }
                <h2 class="form-page-title">{"Review"}</h2>
                <dl class="review">
                    { for flatten(&all_fields).into_iter().map(|f| review_row(f, &values)) }
                </dl>
                <div class="form-actions">
                    if !pages.is_empty() {
                        <button type="button" class="button button-secondary" data-action="back" onclick={go(pages.len() - 1)}>{"Back"}</button>
                    }
                    <button type="button" class="button button-secondary" data-action="dry-run" disabled={props.busy} onclick={submit(Submit::DryRun)}>{"Dry run"}</button>
                    <button type="button" class="button" data-action="create" disabled={props.busy} onclick={submit(Submit::Create)}>{"Create"}</button>
                </div>
            </div>
        };
    }
    let current = page_of(*step);
    let problems = problems_of(&current);
    let shown = if checked.contains(&*step) {
        problems.clone()
    } else {
        Problems::new()
    };
    let next = {
        let (step, checked, ok) = (step.clone(), checked.clone(), problems.is_empty());
        Callback::from(move |_: MouseEvent| {
            if ok {
                step.set(*step + 1);
            } else if !checked.contains(&*step) {
                let mut c = (*checked).clone();
                c.push(*step);
                checked.set(c);
            }
        })
    };
    html! {
        <div class="template-form" data-step={step.to_string()}>
            { stepper }
            if let Some(t) = &current.title { <h2 class="form-page-title">{t.clone()}</h2> }
            if let Some(d) = &current.description { <p class="muted">{d.clone()}</p> }
            if !current.skipped.is_empty() {
                <div class="notice small" data-testid="skipped" role="note">
                    {"Not shown (Backlot's form does not support it): "}{current.skipped.join("; ")}
                </div>
            }
            <form class="form-fields" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { fields::fields_view(&current.fields, &values, &shown, &on_change) }
            </form>
            if !shown.is_empty() {
                <p class="form-problem small" role="alert" data-testid="page-problems">
                    {format!("{} to fix before going on.", if shown.len() == 1 { "One field".to_string() } else { format!("{} fields", shown.len()) })}
                </p>
            }
            <div class="form-actions">
                if *step > 0 {
                    <button type="button" class="button button-secondary" data-action="back" onclick={go(*step - 1)}>{"Back"}</button>
                }
                <button type="button" class="button" data-action="next" onclick={next}>{"Next"}</button>
            </div>
        </div>
    }
}

/// The leaf fields (nested objects' fields in place of the object).
fn flatten(fields: &[Field]) -> Vec<&Field> {
    fields
        .iter()
        .flat_map(|f| match &f.kind {
            FieldKind::Object(inner) => flatten(inner),
            _ => vec![f],
        })
        .collect()
}

fn review_row(field: &Field, values: &Value) -> Html {
    let shown = match value_at(values, &field.path) {
        None | Some(Value::Null) => "—".to_string(),
        Some(_) if field.secret() => "••••••".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Bool(b)) => if *b { "Yes" } else { "No" }.to_string(),
        Some(other) => other.to_string(),
    };
    html! {
        <>
            <dt>{field.title.clone()}</dt>
            <dd data-field={field.id()}>{shown}</dd>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_at_creates_and_removes() {
        let mut v = json!({});
        set_at(&mut v, &["a".into(), "b".into()], json!(1));
        set_at(&mut v, &["c".into()], json!("x"));
        assert_eq!(v, json!({"a": {"b": 1}, "c": "x"}));
        set_at(&mut v, &["c".into()], Value::Null);
        assert_eq!(v, json!({"a": {"b": 1}}));
    }
}
