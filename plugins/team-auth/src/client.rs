//! The team Backstage's sign-in endpoints (`@backstage/plugin-auth-backend`'s OIDC router):
//! the CLI's client metadata document, the authorize URL, code exchange, refresh, revoke
//! and userinfo. Answers are read with a size cap; redirects are not followed, so a token
//! never leaves for another origin.

use std::time::Duration;

use backlot_model::Sensitive;
use serde::Deserialize;

use crate::{AuthError, Pkce};

/// Where Backstage serves the metadata document of its CLI client.
pub const METADATA_PATH: &str = "/api/auth/.well-known/oauth-client/cli.json";
const AUTHORIZE_PATH: &str = "/api/auth/v1/authorize";
const TOKEN_PATH: &str = "/api/auth/v1/token";
const REVOKE_PATH: &str = "/api/auth/v1/revoke";
const USERINFO_PATH: &str = "/api/auth/v1/userinfo";
/// No sign-in answer is anywhere near this.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// The client Backlot signs in as: Backstage's CLI client, described by its metadata
/// document (its URL is the `client_id`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClientMetadata {
    pub client_id: String,
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl ClientMetadata {
    /// The loopback redirect the browser comes back to.
    pub fn redirect_uri(&self) -> Result<&str, AuthError> {
        self.redirect_uris
            .iter()
            .map(String::as_str)
            .find(|u| u.starts_with("http://127.0.0.1:") || u.starts_with("http://localhost:"))
            .ok_or_else(|| AuthError::Unexpected {
                detail: "the client metadata document has no loopback redirect URI".into(),
            })
    }

    pub fn scope(&self) -> &str {
        self.scope.as_deref().unwrap_or("openid offline_access")
    }
}

/// What a code exchange or a refresh gives.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: Sensitive<String>,
    /// Present when the backend issues refresh tokens (`offline_access`).
    pub refresh_token: Option<Sensitive<String>>,
    /// Seconds the access token is valid for, from now.
    pub expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Who the token belongs to, from `/userinfo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserInfo {
    /// The user's entity ref, e.g. `user:default/jdoe`.
    pub sub: String,
}

/// Backstage wraps the claims (`{"claims": {"sub": …, "ent": […]}}`); a standard OIDC
/// userinfo is flat. Both are read.
#[derive(Deserialize)]
#[serde(untagged)]
enum UserInfoAnswer {
    Wrapped { claims: UserInfo },
    Flat(UserInfo),
}

/// Talks to one team backend's sign-in endpoints.
#[derive(Clone)]
pub struct AuthClient {
    http: reqwest::Client,
    base: String,
    host: String,
}

impl std::fmt::Debug for AuthClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthClient")
            .field("base", &self.base)
            .finish()
    }
}

/// `scheme://host[:port][/prefix]` of a team backend URL; a trailing `/api…` is dropped.
pub fn normalize_base(url: &str) -> Result<(String, String), AuthError> {
    let invalid = |reason: &str| AuthError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("only http:// and https:// are supported"));
    }
    let host = parsed.host_str().ok_or_else(|| invalid("it has no host"))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("a user name or password in the URL is not allowed"));
    }
    let host = match parsed.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut base = format!("{}{}", parsed.origin().ascii_serialization(), parsed.path());
    base.truncate(base.trim_end_matches('/').len());
    for suffix in ["/api/catalog", "/api"] {
        if let Some(stripped) = base.strip_suffix(suffix) {
            base = stripped.to_string();
            break;
        }
    }
    Ok((base, host))
}

impl AuthClient {
    pub fn new(base_url: &str) -> Result<Self, AuthError> {
        let (base, host) = normalize_base(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("backlot/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| AuthError::Client(e.to_string()))?;
        Ok(Self { http, base, host })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The CLI client's metadata document; [`AuthError::NotOffered`] when the backend does
    /// not publish it (the admin has not enabled client metadata documents).
    pub async fn metadata(&self) -> Result<ClientMetadata, AuthError> {
        let response = self.send(self.http.get(self.url(METADATA_PATH))).await?;
        let status = response.status().as_u16();
        let body = self.read(response).await?;
        match status {
            200 => serde_json::from_slice(&body).map_err(|e| AuthError::Unexpected {
                detail: format!("the client metadata document is not what Backstage sends: {e}"),
            }),
            404 => Err(AuthError::NotOffered {
                host: self.host.clone(),
            }),
            _ => Err(server_error(status, &body)),
        }
    }

    /// The address the browser opens to sign in.
    pub fn authorize_url(&self, client: &ClientMetadata, pkce: &Pkce) -> Result<String, AuthError> {
        let mut url =
            url::Url::parse(&self.url(AUTHORIZE_PATH)).map_err(|e| AuthError::InvalidUrl {
                url: self.base.clone(),
                reason: e.to_string(),
            })?;
        url.query_pairs_mut()
            .append_pair("client_id", &client.client_id)
            .append_pair("redirect_uri", client.redirect_uri()?)
            .append_pair("response_type", "code")
            .append_pair("scope", client.scope())
            .append_pair("state", &pkce.state)
            .append_pair("nonce", &pkce.nonce)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Trades the code the browser brought back for tokens.
    pub async fn exchange(
        &self,
        client: &ClientMetadata,
        code: &str,
        verifier: &str,
    ) -> Result<Tokens, AuthError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", client.redirect_uri()?),
            ("code_verifier", verifier),
            ("client_id", &client.client_id),
        ];
        self.token_request(&form, |detail| AuthError::CodeRefused { detail })
            .await
    }

    /// New tokens for a refresh token; a refused one is [`AuthError::SessionExpired`].
    pub async fn refresh(
        &self,
        client_id: &str,
        refresh_token: &Sensitive<String>,
    ) -> Result<Tokens, AuthError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose().as_str()),
            ("client_id", client_id),
        ];
        self.token_request(&form, |detail| AuthError::SessionExpired { detail })
            .await
    }

    /// Revokes `token` (a refresh token ends the session on the backend).
    pub async fn revoke(
        &self,
        client_id: &str,
        token: &Sensitive<String>,
    ) -> Result<(), AuthError> {
        let form = [("token", token.expose().as_str()), ("client_id", client_id)];
        let response = self
            .send(self.http.post(self.url(REVOKE_PATH)).form(&form))
            .await?;
        let status = response.status().as_u16();
        let body = self.read(response).await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(server_error(status, &body))
        }
    }

    /// Who `access_token` belongs to.
    pub async fn userinfo(&self, access_token: &Sensitive<String>) -> Result<UserInfo, AuthError> {
        let response = self
            .send(
                self.http
                    .get(self.url(USERINFO_PATH))
                    .bearer_auth(access_token.expose()),
            )
            .await?;
        let status = response.status().as_u16();
        let body = self.read(response).await?;
        match status {
            200 => match serde_json::from_slice(&body) {
                Ok(UserInfoAnswer::Wrapped { claims } | UserInfoAnswer::Flat(claims)) => Ok(claims),
                Err(e) => Err(AuthError::Unexpected {
                    detail: format!("userinfo is not what Backstage sends: {e}"),
                }),
            },
            401 => Err(AuthError::SessionExpired {
                detail: "the team backend no longer accepts the access token".into(),
            }),
            _ => Err(server_error(status, &body)),
        }
    }

    async fn token_request(
        &self,
        form: &[(&str, &str)],
        refused: impl FnOnce(String) -> AuthError,
    ) -> Result<Tokens, AuthError> {
        let response = self
            .send(self.http.post(self.url(TOKEN_PATH)).form(form))
            .await?;
        let status = response.status().as_u16();
        let body = self.read(response).await?;
        match status {
            200 => {
                let answer: TokenAnswer =
                    serde_json::from_slice(&body).map_err(|e| AuthError::Unexpected {
                        detail: format!("the token answer is not what Backstage sends: {e}"),
                    })?;
                if answer.access_token.is_empty() {
                    return Err(AuthError::Unexpected {
                        detail: "the token answer has an empty access token".into(),
                    });
                }
                Ok(Tokens {
                    access_token: Sensitive::new(answer.access_token),
                    refresh_token: answer
                        .refresh_token
                        .filter(|t| !t.is_empty())
                        .map(Sensitive::new),
                    expires_in: answer.expires_in,
                })
            }
            400 | 401 | 403 => Err(refused(error_detail(&body))),
            _ => Err(server_error(status, &body)),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, AuthError> {
        request.send().await.map_err(|e| AuthError::Unreachable {
            host: self.host.clone(),
            detail: if e.is_timeout() {
                "no answer within 30 s".into()
            } else if e.is_connect() {
                "the connection was refused or failed".into()
            } else {
                "the request failed".into()
            },
        })
    }

    /// The answer's body, refused past [`MAX_ANSWER_BYTES`] while reading.
    async fn read(&self, mut response: reqwest::Response) -> Result<Vec<u8>, AuthError> {
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                        return Err(AuthError::Unexpected {
                            detail: format!(
                                "an answer larger than {} KiB was refused",
                                MAX_ANSWER_BYTES / 1024
                            ),
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(_) => {
                    return Err(AuthError::Unreachable {
                        host: self.host.clone(),
                        detail: "the answer was cut off".into(),
                    });
                }
            }
        }
    }
}

/// The error a Backstage or OAuth error body carries: `{error, error_description}` or
/// Backstage's `{error: {name, message}}`; short, never the body itself.
fn error_detail(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = match &value["error"] {
        serde_json::Value::String(code) => match value["error_description"].as_str() {
            Some(d) => format!("{code}: {d}"),
            None => code.clone(),
        },
        serde_json::Value::Object(e) => {
            let name = e.get("name").and_then(|v| v.as_str()).unwrap_or("error");
            match e.get("message").and_then(|v| v.as_str()) {
                Some(m) => format!("{name}: {m}"),
                None => name.to_string(),
            }
        }
        _ => "no reason given".to_string(),
    };
    text.chars().take(300).collect()
}

fn server_error(status: u16, body: &[u8]) -> AuthError {
    AuthError::Server {
        status,
        detail: error_detail(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_normalized_and_credentials_refused() {
        let base = |u: &str| normalize_base(u).map(|(b, _)| b);
        assert_eq!(
            base("https://bs.example.com/").ok().as_deref(),
            Some("https://bs.example.com")
        );
        assert_eq!(
            base("http://127.0.0.1:7007/api/catalog").ok().as_deref(),
            Some("http://127.0.0.1:7007")
        );
        assert_eq!(
            base("https://x.example.com/backstage/api").ok().as_deref(),
            Some("https://x.example.com/backstage")
        );
        for bad in ["https://u:p@x.example.com", "ftp://x", "nope"] {
            assert!(base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn userinfo_is_read_wrapped_as_backstage_sends_it_or_flat() {
        for body in [
            r#"{"claims":{"sub":"user:default/alice","ent":["group:default/a"]}}"#,
            r#"{"sub":"user:default/alice","email":"a@example.com"}"#,
        ] {
            let answer: UserInfoAnswer = serde_json::from_str(body).expect(body);
            let (UserInfoAnswer::Wrapped { claims } | UserInfoAnswer::Flat(claims)) = answer;
            assert_eq!(claims.sub, "user:default/alice");
        }
    }

    #[test]
    fn error_bodies_become_short_reasons() {
        assert_eq!(
            error_detail(br#"{"error":"invalid_grant","error_description":"bad code"}"#),
            "invalid_grant: bad code"
        );
        assert_eq!(
            error_detail(br#"{"error":{"name":"InputError","message":"nope"}}"#),
            "InputError: nope"
        );
        assert_eq!(error_detail(b"<html>"), "no reason given");
    }

    #[test]
    fn the_authorize_url_carries_pkce_and_state() {
        let client = AuthClient::new("https://bs.example.com").expect("client");
        let meta = ClientMetadata {
            client_id: "https://bs.example.com/api/auth/.well-known/oauth-client/cli.json".into(),
            redirect_uris: vec!["http://127.0.0.1:8055/callback".into()],
            scope: None,
        };
        let pkce = Pkce::new().expect("pkce");
        let url =
            url::Url::parse(&client.authorize_url(&meta, &pkce).expect("url")).expect("parse");
        assert_eq!(url.path(), "/api/auth/v1/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], meta.client_id);
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:8055/callback");
        assert_eq!(q["code_challenge"], pkce.challenge);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], pkce.state);
        assert_eq!(q["scope"], "openid offline_access");
        assert!(!url.as_str().contains(&pkce.verifier));
    }
}

#[cfg(test)]
mod hostile {
    use super::*;
    use std::io::{Read, Write};

    /// A server that answers every request with `body` (200, JSON) and `status`.
    fn server(status: u16, body: Vec<u8>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}",
            listener.local_addr().expect("addr").port()
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 8192];
                let _ = stream.read(&mut buf);
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        url
    }

    #[tokio::test]
    async fn an_oversized_or_malformed_answer_is_refused() {
        let big = server(200, vec![b' '; MAX_ANSWER_BYTES + 10]);
        let err = AuthClient::new(&big)
            .expect("client")
            .metadata()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AuthError::Unexpected { detail } if detail.contains("larger than")),
            "{err}"
        );

        let garbage = server(200, b"{\"client_id\": 42}".to_vec());
        let err = AuthClient::new(&garbage)
            .expect("client")
            .metadata()
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::Unexpected { .. }), "{err}");

        let absent = server(404, b"{}".to_vec());
        let err = AuthClient::new(&absent)
            .expect("client")
            .metadata()
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::NotOffered { .. }), "{err}");
        assert!(err.to_string().contains("clientIdMetadataDocuments"));

        let refused = server(
            400,
            br#"{"error":"invalid_grant","error_description":"Invalid authorization code"}"#
                .to_vec(),
        );
        let meta = ClientMetadata {
            client_id: "x".into(),
            redirect_uris: vec!["http://127.0.0.1:8055/callback".into()],
            scope: None,
        };
        let err = AuthClient::new(&refused)
            .expect("client")
            .exchange(&meta, "c", "v")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AuthError::CodeRefused { detail } if detail.contains("Invalid authorization code")),
            "{err}"
        );
    }
}
