//! The form's values against the template's parameter pages, before anything runs (Backstage's
//! `validateParameterSteps`): each page's `when` (a `${{ }}` expression, a bare expression or
//! a boolean) is evaluated against the values of the pages before it; values only hidden
//! pages declare are dropped; every visible page's schema must accept the values as given,
//! the first page that does not fails the run with all of its violations.

use serde_json::{Value as Json, json};

use super::hidden::filter_hidden;
use super::schema::{self, Violation};
use crate::error::ScaffolderError;
use crate::template::Templater;
use crate::workflow::is_truthy;

/// Backstage's `evaluateCondition`: booleans as they are; an empty or failing expression
/// shows the page; the result's truthiness (arrays by length) otherwise.
pub fn evaluate_when(condition: &Json, form: &Json, templater: &Templater) -> bool {
    match condition {
        Json::Bool(b) => *b,
        Json::String(s) => {
            let expression = s.trim();
            if expression.is_empty() {
                return true;
            }
            let source = if expression.starts_with("${{") {
                expression.to_string()
            } else {
                format!("${{{{ {expression} }}}}")
            };
            match templater.render_value(&source, &json!({ "parameters": form })) {
                Ok(value) => is_truthy(value.as_ref()),
                Err(_) => true,
            }
        }
        _ => true,
    }
}

/// Which pages are visible, in order.
pub fn visible_pages(pages: &[Json], values: &Json, templater: &Templater) -> Vec<bool> {
    let mut resolved: Vec<(&Json, bool)> = Vec::with_capacity(pages.len());
    for page in pages {
        let visible = match page.get("when") {
            Some(condition @ (Json::String(_) | Json::Bool(_))) => {
                let form = filter_hidden(values, &resolved);
                evaluate_when(condition, &form, templater)
            }
            _ => true,
        };
        resolved.push((page, visible));
    }
    resolved.into_iter().map(|(_, v)| v).collect()
}

/// The values the steps see (hidden pages' values dropped), or why the form is refused.
pub fn check_values(
    pages: &[Json],
    values: &Json,
    templater: &Templater,
) -> Result<Json, ScaffolderError> {
    let visible = visible_pages(pages, values, templater);
    for (index, page) in pages.iter().enumerate() {
        if !visible[index] {
            continue;
        }
        let errors: Vec<Violation> = schema::validate(values, page).map_err(|problem| {
            ScaffolderError::TemplateInvalid(format!(
                "parameters page {} cannot be checked: {problem}",
                index + 1
            ))
        })?;
        if !errors.is_empty() {
            return Err(ScaffolderError::ParametersInvalid { errors });
        }
    }
    let pairs: Vec<(&Json, bool)> = pages.iter().zip(visible).collect();
    Ok(filter_hidden(values, &pairs))
}
