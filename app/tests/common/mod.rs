//! Shared by the API's integration tests: a real HTTP upstream and an API over a config.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use backlot_app::Api;

/// Answers every request with `200` and a body naming the request line and the
/// `x-probe` header it received. Runs until the test process ends.
pub fn echo_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut probe = String::from("-");
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("x-probe:") {
                    probe = v.trim().to_string();
                }
            }
            let body = format!("{} probe={probe}", request_line.trim());
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-upstream: yes\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

pub fn api_with_config(yaml: &str) -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app-config.yaml"), yaml).unwrap();
    let api = Api::open(dir.path());
    (dir, api)
}
