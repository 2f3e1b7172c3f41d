//! Why a GitHub call failed, and what the user can do about it.

use backlot_model::ipc::ProxyReply;
use backlot_model::{ApiError, ErrorCode};

use crate::calls::{Repo, header};
use crate::{ANNOTATION, TOKEN_SECRET};

/// A failed GitHub call, classified. [`code`](Self::code) is stable (the UI and tests
/// branch on it); [`message`](Self::message) says what happened and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubError {
    /// The keychain has no `github-token` (the proxy refused before calling GitHub).
    MissingToken,
    /// The keychain could not be read.
    Keychain { detail: String },
    /// 401: GitHub does not accept the token.
    TokenRejected,
    /// 403/429 with `x-ratelimit-remaining: 0` (primary limit) or a secondary limit.
    /// `reset` is when the limit resets (Unix seconds), `retry_after` GitHub's wait hint.
    RateLimited {
        reset: Option<i64>,
        retry_after: Option<u64>,
    },
    /// 403 for another reason (missing permission, SSO not authorised, …).
    Forbidden { slug: String, message: String },
    /// 404: no such repository, or the token cannot see it.
    RepoNotFound { slug: String },
    /// No `/github` proxy endpoint (e.g. the configuration failed to load).
    NoEndpoint { detail: String },
    /// GitHub could not be reached.
    Offline { detail: String },
    /// Any other answer or proxy failure.
    Upstream { status: u16, message: String },
    /// A 2xx answer that is not in GitHub's shape.
    BadResponse { detail: String },
    /// The annotation is not `owner/repo`.
    InvalidSlug { slug: String },
}

impl GithubError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingToken => "missing_token",
            Self::Keychain { .. } => "keychain_unavailable",
            Self::TokenRejected => "token_rejected",
            Self::RateLimited { .. } => "rate_limited",
            Self::Forbidden { .. } => "forbidden",
            Self::RepoNotFound { .. } => "repo_not_found",
            Self::NoEndpoint { .. } => "no_endpoint",
            Self::Offline { .. } => "offline",
            Self::Upstream { .. } => "upstream",
            Self::BadResponse { .. } => "bad_response",
            Self::InvalidSlug { .. } => "invalid_slug",
        }
    }

    /// Whether the fix is in Settings → Credentials (the UI links there).
    pub fn fix_in_credentials(&self) -> bool {
        matches!(
            self,
            Self::MissingToken | Self::TokenRejected | Self::Keychain { .. }
        )
    }

    /// What happened and what to do, with times shown in a zone `offset_minutes` east of UTC.
    pub fn message(&self, offset_minutes: i32) -> String {
        match self {
            Self::MissingToken => format!(
                "No GitHub token. Add {TOKEN_SECRET} in Settings → Credentials: a GitHub token that can read this repository's Actions (Re-run also needs write access)."
            ),
            Self::Keychain { detail } => {
                format!(
                    "The GitHub token cannot be read from the system keychain ({detail}). Start and unlock your keychain, then retry."
                )
            }
            Self::TokenRejected => format!(
                "GitHub rejected the token (401 Bad credentials): it may be expired or revoked. Replace {TOKEN_SECRET} in Settings → Credentials."
            ),
            Self::RateLimited {
                reset: Some(reset), ..
            } => format!(
                "GitHub's API rate limit is used up: rate limited until {}. Retry after that time.",
                crate::time::clock(*reset, offset_minutes)
            ),
            Self::RateLimited {
                reset: None,
                retry_after: Some(secs),
            } => {
                format!(
                    "GitHub is rate limiting these requests: retry in {}.",
                    crate::time::format_duration(*secs as i64)
                )
            }
            Self::RateLimited {
                reset: None,
                retry_after: None,
            } => "GitHub is rate limiting these requests. Wait a few minutes, then retry."
                .to_string(),
            Self::Forbidden { slug, message } => format!(
                "GitHub refused access to {slug} (403: {message}). The token may lack the Actions permission for this repository, or need SSO authorisation for its organisation."
            ),
            Self::RepoNotFound { slug } => format!(
                "Repository {slug} not found or not visible to this token. Check the entity's {ANNOTATION} annotation, and that the token may read this repository."
            ),
            Self::NoEndpoint { detail } => format!(
                "GitHub calls go through the /github proxy endpoint, which is not available ({detail}). Check Settings → Configuration."
            ),
            Self::Offline { detail } => {
                format!("Cannot reach GitHub: {detail}. Check your network and retry.")
            }
            Self::Upstream { status: 0, message } => {
                format!("The call to GitHub failed: {message}")
            }
            Self::Upstream { status, message } => format!("GitHub answered {status}: {message}"),
            Self::BadResponse { detail } => format!("GitHub's answer could not be read: {detail}"),
            Self::InvalidSlug { slug } => {
                format!("The annotation {ANNOTATION}: “{slug}” is not in the form owner/repo.")
            }
        }
    }

    /// An answer from GitHub that is not a success.
    pub fn from_reply(repo: &Repo, reply: &ProxyReply) -> GithubError {
        let message = github_message(&reply.body);
        match reply.status {
            401 => Self::TokenRejected,
            403 | 429 => {
                let remaining_zero =
                    header(reply, "x-ratelimit-remaining").is_some_and(|v| v.trim() == "0");
                let retry_after = header(reply, "retry-after").and_then(|v| v.trim().parse().ok());
                if remaining_zero
                    || retry_after.is_some()
                    || message.to_ascii_lowercase().contains("rate limit")
                {
                    let reset =
                        header(reply, "x-ratelimit-reset").and_then(|v| v.trim().parse().ok());
                    Self::RateLimited {
                        reset: if remaining_zero { reset } else { None },
                        retry_after,
                    }
                } else {
                    Self::Forbidden {
                        slug: repo.slug(),
                        message,
                    }
                }
            }
            404 => Self::RepoNotFound { slug: repo.slug() },
            status => Self::Upstream { status, message },
        }
    }

    /// The `proxy` command itself failed: GitHub was never asked.
    pub fn from_proxy_error(error: ApiError) -> GithubError {
        match error.code {
            // The proxy's only `unauthorized` is a `${secret:…}` that is not set.
            ErrorCode::Unauthorized => Self::MissingToken,
            ErrorCode::KeychainUnavailable => Self::Keychain {
                detail: error.message,
            },
            ErrorCode::NotFound => Self::NoEndpoint {
                detail: error.message,
            },
            ErrorCode::Offline => Self::Offline {
                detail: error.message,
            },
            _ => Self::Upstream {
                status: 0,
                message: error.message,
            },
        }
    }
}

impl std::fmt::Display for GithubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(0))
    }
}

impl std::error::Error for GithubError {}

/// GitHub's `{"message": "…"}`, shortened; the raw body (shortened) otherwise.
fn github_message(body: &str) -> String {
    let text = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| body.trim().to_string());
    let mut short: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    if short.is_empty() {
        short = "no details".into();
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repo {
        Repo::parse("acme/payments").unwrap()
    }

    fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> ProxyReply {
        ProxyReply {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    #[test]
    fn github_failures_are_classified_with_the_fix() {
        let e = GithubError::from_reply(
            &repo(),
            &reply(401, &[], r#"{"message":"Bad credentials"}"#),
        );
        assert_eq!(e, GithubError::TokenRejected);
        assert!(e.message(0).contains("Settings → Credentials"));

        let limited = reply(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1579721588"),
            ],
            r#"{"message":"API rate limit exceeded for user ID 1."}"#,
        );
        let e = GithubError::from_reply(&repo(), &limited);
        assert_eq!(
            e,
            GithubError::RateLimited {
                reset: Some(1_579_721_588),
                retry_after: None
            }
        );
        assert!(
            e.message(60).contains("rate limited until 20:33"),
            "{}",
            e.message(60)
        );

        let secondary = reply(
            403,
            &[("retry-after", "60")],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        assert!(
            GithubError::from_reply(&repo(), &secondary)
                .message(0)
                .contains("retry in 1m 00s")
        );

        let forbidden = reply(
            403,
            &[("x-ratelimit-remaining", "4999")],
            r#"{"message":"Resource not accessible by personal access token"}"#,
        );
        let e = GithubError::from_reply(&repo(), &forbidden);
        assert_eq!(e.code(), "forbidden");
        assert!(
            e.message(0)
                .contains("Resource not accessible by personal access token")
        );

        let e = GithubError::from_reply(&repo(), &reply(404, &[], r#"{"message":"Not Found"}"#));
        assert!(
            e.message(0)
                .starts_with("Repository acme/payments not found or not visible to this token"),
            "{}",
            e.message(0)
        );

        let e = GithubError::from_reply(&repo(), &reply(502, &[], "<html>\nbad gateway</html>"));
        assert_eq!(
            e,
            GithubError::Upstream {
                status: 502,
                message: "<html>bad gateway</html>".into()
            }
        );
    }

    #[test]
    fn proxy_refusals_are_classified() {
        let missing = ApiError::new(
            ErrorCode::Unauthorized,
            "the secret `github-token` used by proxy endpoint `/github` is not set; add it under Settings → Credentials",
        );
        let e = GithubError::from_proxy_error(missing);
        assert_eq!(e, GithubError::MissingToken);
        assert!(e.fix_in_credentials());
        assert!(
            e.message(0)
                .contains("Add github-token in Settings → Credentials")
        );
        assert_eq!(
            GithubError::from_proxy_error(ApiError::not_found("no proxy endpoint")).code(),
            "no_endpoint"
        );
        assert_eq!(
            GithubError::from_proxy_error(ApiError::new(ErrorCode::Offline, "x")).code(),
            "offline"
        );
    }
}
