//! Settings in a real window: the configuration Backlot was started with, the keychain's
//! state as the user sees it, and a proxied call through the real IPC bridge.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use backlot_e2e::App;

/// A one-route upstream on 127.0.0.1 that answers with the request line it got.
fn upstream() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let body = line.trim().to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[tokio::test(flavor = "current_thread")]
async fn settings_show_config_keychain_state_and_the_proxy_works() {
    let port = upstream();
    let app = App::launch_with(|data_dir| {
        let config = data_dir.join("team-config.yaml");
        std::fs::write(
            &config,
            format!(
                "proxy:\n  endpoints:\n    /echo: http://127.0.0.1:{port}/up\n    /github:\n      target: https://api.github.com\n      headers:\n        Authorization: Bearer ${{secret:github-token}}\n"
            ),
        )
        .unwrap();
        vec!["--config".into(), config.display().to_string()]
    })
    .await;

    app.find(".nav-item[data-plugin='settings']")
        .await
        .click()
        .await
        .unwrap();
    let files = app
        .find(".pane-active [data-testid='config-files']")
        .await
        .text()
        .await
        .unwrap();
    assert!(files.ends_with("team-config.yaml"), "{files}");
    let endpoints = app
        .find(".pane-active [data-testid='proxy-endpoints']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        endpoints.contains("/echo") && endpoints.contains("/github"),
        "{endpoints}"
    );

    // The secret the config references is listed. This session has no Secret Service, so
    // the card must say so plainly and offer no input that cannot work.
    let row = app.find(".pane-active [data-secret='github-token']").await;
    assert!(row.text().await.unwrap().contains("used by proxy /github"));
    let banner = app
        .find(".pane-active .credentials .banner-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(banner.contains("keychain_unavailable"), "{banner}");
    let disabled = app
        .js("return document.querySelector('[data-secret=github-token] input').disabled")
        .await;
    assert_eq!(disabled, true);
    app.screenshot("settings-credentials").await;

    // A proxied call through the real bridge (what a plugin does).
    let reply = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('api', {cmd: 'proxy', args: {method: 'GET', path: '/echo/ping?x=1', headers: [], body: null}})
               .then(r => done(r), e => done({error: e}));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(reply["status"], 200, "{reply}");
    assert_eq!(reply["body"], "GET /up/ping?x=1 HTTP/1.1");

    let refused = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI__.core.invoke('api', {cmd: 'proxy', args: {method: 'GET', path: '/echo/..%2f..%2fetc', headers: [], body: null}})
               .then(r => done(r), e => done({error: e}));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(refused["error"]["code"], "invalid_input", "{refused}");
    app.close().await;
}
