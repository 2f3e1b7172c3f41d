//! The window never leaves the app: a page that tries to navigate elsewhere (an assignment
//! to `location`, a link with `target=_blank`, `window.open`) stays where it was, in the one
//! window, with the app still answering.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::Duration;

use backlot_e2e::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A web page on 127.0.0.1 that the window could load if it were allowed to leave the app.
async fn outside_page() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let body = "<!doctype html><title>outside</title><p id=outside>outside the app</p>";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_never_navigates_away_from_the_app() {
    // A window that did leave may stop answering WebDriver: fail in bounded time, not hang.
    tokio::time::timeout(Duration::from_secs(90), stays_in_the_app())
        .await
        .expect("the window stopped answering: it probably navigated away from the app");
}

async fn stays_in_the_app() {
    let outside = outside_page().await;
    let app = App::launch().await;
    app.find(".nav-item[data-plugin='catalog']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".nav-item[data-plugin='catalog'][aria-current='page']")
        .await;
    let origin = app.js("return location.origin").await;
    assert_eq!(app.current_path().await, "/catalog");

    // Each attempt, then a moment for a navigation to happen if it were allowed.
    for attempt in [
        "location.href = 'OUTSIDE'; return null",
        "location.assign('file:///etc/hostname'); return null",
        "const a = document.createElement('a'); a.href = 'OUTSIDE'; a.target = '_blank'; document.body.appendChild(a); a.click(); a.remove(); return null",
        "return window.open('OUTSIDE') === null",
    ] {
        let answer = app.js(&attempt.replace("OUTSIDE", &outside)).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(app.js("return location.origin").await, origin, "{attempt}");
        assert_eq!(app.current_path().await, "/catalog", "{attempt}");
        assert_eq!(app.count("#outside").await, 0, "{attempt}");
        if attempt.starts_with("return window.open") {
            assert_eq!(
                answer,
                serde_json::json!(true),
                "window.open must be refused"
            );
        }
    }
    // Still one window, and the app still works.
    let handles = app.client.windows().await.unwrap();
    assert_eq!(handles.len(), 1, "{handles:?}");
    app.find(".nav-item[data-plugin='home']")
        .await
        .click()
        .await
        .unwrap();
    app.find(".nav-item[data-plugin='home'][aria-current='page']")
        .await;
    app.close().await;
}
