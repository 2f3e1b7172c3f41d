//! Where the browser comes back after sign-in: a one-shot HTTP listener on the loopback
//! port of the redirect URI (`http://127.0.0.1:8055/callback` for Backstage's CLI client),
//! or the address the person pastes when the browser runs elsewhere (`--no-browser`).
//! Either way the answer is checked against this sign-in's `state` before its code is used.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::AuthError;

/// The request head a browser sends is small; anything longer is not the redirect.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The code in an authorization response (`…/callback?code=…&state=…`), once its state is
/// this sign-in's; `error=access_denied` and friends become [`AuthError::Denied`].
pub fn code_from_query(query: &str, expected_state: &str) -> Result<String, AuthError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(expected_state) {
        return Err(AuthError::StateMismatch);
    }
    if let Some(error) = error {
        let detail = match description {
            Some(d) => format!("{error}: {}", d.chars().take(200).collect::<String>()),
            None => error,
        };
        return Err(AuthError::Denied { detail });
    }
    code.filter(|c| !c.is_empty())
        .ok_or_else(|| AuthError::BadRedirect {
            detail: "it carries no code".into(),
        })
}

/// The code from the address pasted after sign-in (the browser's address bar).
pub fn code_from_pasted(pasted: &str, expected_state: &str) -> Result<String, AuthError> {
    let parsed = url::Url::parse(pasted.trim()).map_err(|e| AuthError::BadRedirect {
        detail: format!("not a URL ({e})"),
    })?;
    code_from_query(parsed.query().unwrap_or(""), expected_state)
}

/// The listener of one sign-in, bound before the browser is opened so a busy port is
/// reported first.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    path: String,
    port: u16,
}

impl Listener {
    /// Binds the redirect URI's port on 127.0.0.1. Only `http://` loopback redirect URIs
    /// are served (anything else is not for an app on this machine).
    pub async fn bind(redirect_uri: &str) -> Result<Self, AuthError> {
        let bad = |detail: &str| AuthError::Unexpected {
            detail: format!("the redirect URI {redirect_uri} {detail}"),
        };
        let uri = url::Url::parse(redirect_uri).map_err(|_| bad("is not a URL"))?;
        let loopback = matches!(uri.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if uri.scheme() != "http" || !loopback {
            return Err(bad("is not an http:// address on this machine"));
        }
        let port = uri
            .port()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("has no port"))?;
        let listener =
            TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AddrInUse => AuthError::PortBusy { port },
                    _ => AuthError::Client(format!("cannot listen on 127.0.0.1:{port}: {e}")),
                })?;
        Ok(Self {
            listener,
            path: uri.path().to_string(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits for the browser's redirect and returns its code (state checked). Requests to
    /// other paths (a favicon) get 404 and the wait goes on; the browser's tab is told how
    /// it ended. Bounded by the caller (a timeout, or dropping the future).
    pub async fn wait(self, expected_state: &str) -> Result<String, AuthError> {
        loop {
            let Ok((mut stream, _)) = self.listener.accept().await else {
                continue;
            };
            let Ok(Some(target)) =
                tokio::time::timeout(READ_TIMEOUT, request_target(&mut stream)).await
            else {
                let _ = respond(&mut stream, "400 Bad Request", "Not a sign-in answer.").await;
                continue;
            };
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            if path != self.path {
                let _ = respond(&mut stream, "404 Not Found", "Nothing here.").await;
                continue;
            }
            let outcome = code_from_query(query, expected_state);
            let page = match &outcome {
                Ok(_) => "Signed in. You can close this tab and go back to Backlot.",
                Err(AuthError::Denied { .. }) => {
                    "Sign-in was declined. You can close this tab; Backlot says what to do next."
                }
                Err(_) => {
                    "This sign-in answer was not accepted. You can close this tab; Backlot says what to do next."
                }
            };
            let _ = respond(&mut stream, "200 OK", page).await;
            return outcome;
        }
    }
}

/// The request target of `GET <target> HTTP/1.1`, or `None` when it is not such a request.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD_BYTES {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let line = head.split(|b| *b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if version.starts_with("HTTP/1.") => {
            Some(target.to_string())
        }
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Backlot</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>Backlot</h1><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nreferrer-policy: no-referrer\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_is_checked_before_anything_else() {
        assert_eq!(
            code_from_query("code=abc&state=s1", "s1").ok().as_deref(),
            Some("abc")
        );
        assert!(matches!(
            code_from_query("code=abc&state=other", "s1"),
            Err(AuthError::StateMismatch)
        ));
        assert!(matches!(
            code_from_query("code=abc", "s1"),
            Err(AuthError::StateMismatch)
        ));
        // An error from someone else's sign-in is not this one's either.
        assert!(matches!(
            code_from_query("error=access_denied&state=x", "s1"),
            Err(AuthError::StateMismatch)
        ));
        let denied = code_from_query(
            "error=access_denied&error_description=User+denied&state=s1",
            "s1",
        );
        match denied {
            Err(AuthError::Denied { detail }) => assert_eq!(detail, "access_denied: User denied"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            code_from_query("state=s1", "s1"),
            Err(AuthError::BadRedirect { .. })
        ));
    }

    #[test]
    fn a_pasted_address_is_read_like_the_redirect() {
        assert_eq!(
            code_from_pasted(" http://127.0.0.1:8055/callback?code=c%2B1&state=s \n", "s")
                .ok()
                .as_deref(),
            Some("c+1")
        );
        assert!(matches!(
            code_from_pasted("not a url", "s"),
            Err(AuthError::BadRedirect { .. })
        ));
    }

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        s.write_all(format!("GET {target} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes())
            .await
            .expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).await.expect("read");
        out
    }

    #[tokio::test]
    async fn the_listener_answers_once_and_ignores_other_paths() {
        let listener = Listener::bind("http://127.0.0.1:0/callback").await;
        // Port 0 is not a usable redirect port: the URI must name one.
        assert!(listener.is_err());
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
        let port = probe.local_addr().expect("addr").port();
        drop(probe);
        let uri = format!("http://127.0.0.1:{port}/callback");
        let listener = Listener::bind(&uri).await.expect("bind");
        assert!(matches!(
            Listener::bind(&uri).await,
            Err(AuthError::PortBusy { port: p }) if p == port
        ));
        let waiting = tokio::spawn(listener.wait("st"));
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let page = get(port, "/callback?code=the-code&state=st").await;
        assert!(
            page.starts_with("HTTP/1.1 200") && page.contains("Signed in"),
            "{page}"
        );
        assert_eq!(
            waiting.await.expect("join").ok().as_deref(),
            Some("the-code")
        );
        // One-shot: the port is free again.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn a_foreign_state_at_the_listener_is_refused() {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
        let port = probe.local_addr().expect("addr").port();
        drop(probe);
        let listener = Listener::bind(&format!("http://127.0.0.1:{port}/callback"))
            .await
            .expect("bind");
        let waiting = tokio::spawn(listener.wait("mine"));
        let page = get(port, "/callback?code=x&state=theirs").await;
        assert!(page.contains("not accepted"), "{page}");
        assert!(matches!(
            waiting.await.expect("join"),
            Err(AuthError::StateMismatch)
        ));
    }

    #[tokio::test]
    async fn oversized_or_silent_requests_do_not_end_the_wait() {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("probe");
        let port = probe.local_addr().expect("addr").port();
        drop(probe);
        let listener = Listener::bind(&format!("http://127.0.0.1:{port}/callback"))
            .await
            .expect("bind");
        let waiting = tokio::spawn(listener.wait("st"));
        // A request head past the cap is refused (400) while reading, not buffered.
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let long = format!(
            "GET /callback?x={} HTTP/1.1\r\n",
            "a".repeat(MAX_HEAD_BYTES * 2)
        );
        let _ = s.write_all(long.as_bytes()).await;
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        assert!(out.starts_with("HTTP/1.1 400"), "{out}");
        // Not HTTP at all.
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        s.write_all(b"\x16\x03\x01 not http\r\n\r\n")
            .await
            .expect("write");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        assert!(out.starts_with("HTTP/1.1 400"), "{out}");
        // The real answer still gets through.
        assert!(
            get(port, "/callback?code=ok&state=st")
                .await
                .contains("Signed in")
        );
        assert_eq!(waiting.await.expect("join").ok().as_deref(), Some("ok"));
    }

    #[tokio::test]
    async fn only_loopback_http_redirects_are_served() {
        for uri in [
            "https://127.0.0.1:8055/callback",
            "http://example.com:8055/cb",
            "nope",
        ] {
            assert!(
                matches!(Listener::bind(uri).await, Err(AuthError::Unexpected { .. })),
                "{uri}"
            );
        }
    }
}
