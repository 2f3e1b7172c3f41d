//! Checks before and during a run, as Backstage makes them: the form's values against the
//! template's parameter pages ([`parameters`], with `when` and hidden pages' values dropped
//! ([`hidden`])), and each action's input against its declared schema — both with the npm
//! `jsonschema` package's rules and error shape ([`schema`]; `format` in [`format`], `pattern`
//! in [`pattern`]).

pub mod format;
pub mod hidden;
pub mod parameters;
pub mod pattern;
pub mod schema;

pub use parameters::check_values;
pub use schema::{SchemaProblem, Violation, validate};

#[cfg(test)]
mod tests;
