//! One form field per kind: text (input, textarea, password), number, checkbox, select,
//! radio group, checkboxes, a list typed one per line, nested objects, and the field
//! extensions (pickers, in `pickers.rs`). Every field has its label, description, `ui:help`,
//! `ui:placeholder`, `ui:autofocus`, `ui:readonly` and its problem, tied by ARIA.

use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::pickers::ExtensionField;
use super::schema::{Choice, ChoiceWidget, Field, FieldKind, TextWidget};
use super::validate::{Problems, value_at};

/// A change: the field's path and its new value (`Null` clears it).
pub type OnChange = Callback<(Vec<String>, Value)>;

pub fn fields_view(fields: &[Field], values: &Value, problems: &Problems, on: &OnChange) -> Html {
    html! {
        { for fields.iter().map(|f| field_view(f, values, problems, on)) }
    }
}

fn field_view(field: &Field, values: &Value, problems: &Problems, on: &OnChange) -> Html {
    let id = format!("field-{}", field.id());
    let value = value_at(values, &field.path)
        .cloned()
        .unwrap_or(Value::Null);
    let problem = problems.get(&field.id()).cloned();
    let help = field.ui_str("help").map(str::to_string);
    let described = [
        field
            .description
            .as_ref()
            .map(|_| format!("{id}-description")),
        help.as_ref().map(|_| format!("{id}-help")),
        problem.as_ref().map(|_| format!("{id}-problem")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let input = match &field.kind {
        FieldKind::Object(inner) => {
            return html! {
                <fieldset class="form-object" data-field={field.id()}>
                    <legend>{field.title.clone()}</legend>
                    if let Some(d) = &field.description { <p class="muted small">{d.clone()}</p> }
                    { fields_view(inner, values, problems, on) }
                </fieldset>
            };
        }
        FieldKind::Boolean => {
            return html! {
                <div class={classes!("form-field", "form-check", problem.is_some().then_some("invalid"))} data-field={field.id()}>
                    <label>
                        { checkbox(field, &id, &value, &described, on) }
                        {field.title.clone()}
                    </label>
                    { notes(field, &id, help, problem) }
                </div>
            };
        }
        FieldKind::Text(widget) => text(field, &id, &value, *widget, &described, on),
        FieldKind::Number { integer } => number(field, &id, &value, *integer, &described, on),
        FieldKind::Choice(ChoiceWidget::Select, options) => {
            select(field, &id, &value, options, &described, on)
        }
        FieldKind::Choice(ChoiceWidget::Radio, options) => radios(field, &value, options, on),
        FieldKind::Choices(options) => checkboxes(field, &value, options, on),
        FieldKind::List => list(field, &id, &value, &described, on),
        FieldKind::Extension(ext) => html! {
            <ExtensionField extension={*ext} field={field.clone()} value={value.clone()}
                            input_id={id.clone()} described={described.clone()} on_change={on.clone()} />
        },
    };
    html! {
        <div class={classes!("form-field", problem.is_some().then_some("invalid"))} data-field={field.id()}>
            <label for={id.clone()} class="form-label">
                {field.title.clone()}
                if field.required { <span class="required" aria-hidden="true">{" *"}</span> }
            </label>
            { input }
            { notes(field, &id, help, problem) }
        </div>
    }
}

fn notes(field: &Field, id: &str, help: Option<String>, problem: Option<String>) -> Html {
    html! {
        <>
            if let Some(d) = &field.description { <p id={format!("{id}-description")} class="muted small">{d.clone()}</p> }
            if let Some(h) = help { <p id={format!("{id}-help")} class="form-help small">{h}</p> }
            if let Some(p) = problem { <p id={format!("{id}-problem")} class="form-problem small" role="alert">{p}</p> }
        </>
    }
}

fn changed(on: &OnChange, field: &Field, value: Value) {
    on.emit((field.path.clone(), value));
}

fn text(
    field: &Field,
    id: &str,
    value: &Value,
    widget: TextWidget,
    described: &str,
    on: &OnChange,
) -> Html {
    let current = value.as_str().unwrap_or("").to_string();
    let placeholder = field.ui_str("placeholder").map(str::to_string);
    let readonly = field.ui_flag("readonly");
    let autofocus = field.ui_flag("autofocus");
    let (on, f) = (on.clone(), field.clone());
    if widget == TextWidget::Textarea {
        let rows = field
            .option("rows")
            .and_then(Value::as_u64)
            .unwrap_or(4)
            .to_string();
        let oninput = Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            changed(&on, &f, text_value(v));
        });
        return html! {
            <textarea id={id.to_string()} class="input" value={current} {oninput} {placeholder} {readonly} {autofocus}
                      {rows} aria-required={field.required.to_string()} aria-describedby={described.to_string()} />
        };
    }
    let kind = if widget == TextWidget::Password {
        "password"
    } else {
        "text"
    };
    let oninput = Callback::from(move |e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value();
        changed(&on, &f, text_value(v));
    });
    html! {
        <input id={id.to_string()} class="input" type={kind} value={current} {oninput} {placeholder} {readonly} {autofocus}
               autocomplete="off" aria-required={field.required.to_string()} aria-describedby={described.to_string()} />
    }
}

/// An emptied text box leaves the value out, as Backstage's form does.
fn text_value(v: String) -> Value {
    if v.is_empty() {
        Value::Null
    } else {
        Value::String(v)
    }
}

fn number(
    field: &Field,
    id: &str,
    value: &Value,
    integer: bool,
    described: &str,
    on: &OnChange,
) -> Html {
    let current = match value {
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let (on, f) = (on.clone(), field.clone());
    let oninput = Callback::from(move |e: InputEvent| {
        let raw = e.target_unchecked_into::<HtmlInputElement>().value();
        let v = if raw.trim().is_empty() {
            Value::Null
        } else if let Ok(i) = raw.trim().parse::<i64>() {
            Value::from(i)
        } else {
            raw.trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                // Kept as typed: the check says it is not a number.
                .unwrap_or(Value::String(raw))
        };
        changed(&on, &f, v);
    });
    let step = if integer { "1" } else { "any" };
    html! {
        <input id={id.to_string()} class="input" type="number" {step} value={current} {oninput}
               placeholder={field.ui_str("placeholder").map(str::to_string)} readonly={field.ui_flag("readonly")}
               autofocus={field.ui_flag("autofocus")} aria-required={field.required.to_string()}
               aria-describedby={described.to_string()} />
    }
}

fn checkbox(field: &Field, id: &str, value: &Value, described: &str, on: &OnChange) -> Html {
    let (on, f) = (on.clone(), field.clone());
    let onchange = Callback::from(move |e: Event| {
        let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
        changed(&on, &f, Value::Bool(checked));
    });
    html! {
        <input id={id.to_string()} type="checkbox" checked={value.as_bool().unwrap_or(false)} {onchange}
               disabled={field.ui_flag("readonly")} aria-describedby={described.to_string()} />
    }
}

fn select(
    field: &Field,
    id: &str,
    value: &Value,
    options: &[Choice],
    described: &str,
    on: &OnChange,
) -> Html {
    let (on, f, opts) = (on.clone(), field.clone(), options.to_vec());
    let onchange = Callback::from(move |e: Event| {
        let i = e
            .target_unchecked_into::<HtmlSelectElement>()
            .selected_index();
        let v = usize::try_from(i - 1)
            .ok()
            .and_then(|i| opts.get(i))
            .map_or(Value::Null, |o| o.value.clone());
        changed(&on, &f, v);
    });
    html! {
        <select id={id.to_string()} class="input" {onchange} disabled={field.ui_flag("readonly")}
                aria-required={field.required.to_string()} aria-describedby={described.to_string()}>
            <option value="" selected={value.is_null()}>{field.ui_str("placeholder").unwrap_or("Choose…").to_string()}</option>
            { for options.iter().enumerate().map(|(i, o)| html! {
                <option value={i.to_string()} selected={&o.value == value}>{o.label.clone()}</option>
            }) }
        </select>
    }
}

fn radios(field: &Field, value: &Value, options: &[Choice], on: &OnChange) -> Html {
    let name = format!("radio-{}", field.id());
    html! {
        <div class="form-choices" role="radiogroup" aria-label={field.title.clone()}>
            { for options.iter().map(|o| {
                let (on, f, v) = (on.clone(), field.clone(), o.value.clone());
                let onchange = Callback::from(move |_: Event| changed(&on, &f, v.clone()));
                html! {
                    <label class="form-choice">
                        <input type="radio" name={name.clone()} checked={&o.value == value} {onchange}
                               disabled={field.ui_flag("readonly")} />
                        {o.label.clone()}
                    </label>
                }
            }) }
        </div>
    }
}

fn checkboxes(field: &Field, value: &Value, options: &[Choice], on: &OnChange) -> Html {
    let chosen: Vec<Value> = value.as_array().cloned().unwrap_or_default();
    html! {
        <div class="form-choices" role="group" aria-label={field.title.clone()}>
            { for options.iter().map(|o| {
                let checked = chosen.contains(&o.value);
                let (on, f, v, all, options) = (on.clone(), field.clone(), o.value.clone(), chosen.clone(), options.to_vec());
                let onchange = Callback::from(move |e: Event| {
                    let on_now = e.target_unchecked_into::<HtmlInputElement>().checked();
                    // Kept in the options' order, as a multi-select gives them.
                    let next: Vec<Value> = options
                        .iter()
                        .map(|o| o.value.clone())
                        .filter(|x| if *x == v { on_now } else { all.contains(x) })
                        .collect();
                    changed(&on, &f, Value::Array(next));
                });
                html! {
                    <label class="form-choice">
                        <input type="checkbox" {checked} {onchange} disabled={field.ui_flag("readonly")} />
                        {o.label.clone()}
                    </label>
                }
            }) }
        </div>
    }
}

fn list(field: &Field, id: &str, value: &Value, described: &str, on: &OnChange) -> Html {
    let current = value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let (on, f) = (on.clone(), field.clone());
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
        let items: Vec<Value> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Value::String(l.to_string()))
            .collect();
        changed(&on, &f, Value::Array(items));
    });
    html! {
        <textarea id={id.to_string()} class="input" rows="3" value={current} {oninput}
                  placeholder={field.ui_str("placeholder").unwrap_or("One per line").to_string()}
                  readonly={field.ui_flag("readonly")} aria-describedby={described.to_string()} />
    }
}
