//! What every subcommand prints on the way out: JSON documents, and errors as text or as
//! `{code, message}` JSON on stderr (exit 2), the same shape the window receives.

use std::io::Write;

use backlot_model::ApiError;
use serde::Serialize;

/// Why a subcommand stopped: an error of the API, or stdout went away (a closed pipe).
pub enum Failure {
    Api(ApiError),
    Output,
}

impl<E: Into<ApiError>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Api(e.into())
    }
}

/// A write to stdout; failing means the reader is gone.
pub fn w(result: std::io::Result<()>) -> Result<(), Failure> {
    result.map_err(|_| Failure::Output)
}

pub fn print_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Api(ApiError::internal(e.to_string())))?;
    w(writeln!(out, "{text}"))
}

/// Prints an error the way `--json` asks for.
pub fn print_error(err: &mut dyn Write, e: &ApiError, json: bool) {
    if json {
        let _ = writeln!(
            err,
            "{}",
            serde_json::to_string(e).unwrap_or_else(|_| e.message.clone())
        );
    } else {
        let _ = writeln!(err, "error: {}", e.message);
    }
}

/// The exit code of a subcommand's outcome, its error printed: 2 when it could not run.
pub fn finish(outcome: Result<u8, Failure>, json: bool, err: &mut dyn Write) -> u8 {
    match outcome {
        Ok(code) => code,
        Err(Failure::Api(e)) => {
            print_error(err, &e, json);
            2
        }
        Err(Failure::Output) => 2,
    }
}
