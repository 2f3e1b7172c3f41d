//! One GET of a file of a team TechDocs site, with the team token. The body's size is
//! counted chunk by chunk as it arrives and the download stops at the cap: a server that
//! streams without end (or lies about the length) costs at most the cap, never memory or
//! the whole timeout.

use backlot_model::Sensitive;

use crate::error::{DocsError, Result};

/// What a GET brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// The body, at most the cap.
    Body(Vec<u8>),
    /// 404: the site has no such file.
    Missing,
    /// The body (or its announced length) passed the cap; the download was stopped there.
    TooLarge,
}

/// GETs `url` with `token`; a body longer than `max` bytes is [`Fetched::TooLarge`], read no
/// further than the chunk that passes `max`. Errors name `entity_ref`, never the token.
pub async fn get(
    client: &reqwest::Client,
    url: &str,
    token: &Sensitive<String>,
    entity_ref: &str,
    max: u64,
) -> Result<Fetched> {
    let offline = |e: reqwest::Error| DocsError::Offline {
        entity: entity_ref.into(),
        why: without_url(&e),
    };
    let mut response = client
        .get(url)
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(offline)?;
    let status = response.status().as_u16();
    match status {
        200 => {}
        401 | 403 => {
            return Err(DocsError::TokenRefused {
                entity: entity_ref.into(),
                status,
            });
        }
        404 => return Ok(Fetched::Missing),
        _ => {
            return Err(DocsError::TeamStatus {
                status,
                url: url.to_string(),
            });
        }
    }
    if response.content_length().is_some_and(|n| n > max) {
        return Ok(Fetched::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(offline)? {
        if body.len() as u64 + chunk.len() as u64 > max {
            // Dropping the response closes the connection: nothing more is read.
            return Ok(Fetched::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched::Body(body))
}

/// reqwest's error text without the URL (kept short for the reader).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}
