//! A request reader for tests' own minimal HTTP/1.1 servers on 127.0.0.1 (servers that must
//! answer anything, byte for byte, where hyper would not): one request at a time off a
//! keep-alive connection, its body read and dropped.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The next request's head (request line and headers) from `stream`, its body (by
/// `content-length`) consumed; `None` when the client closed the connection. `buf` carries
/// bytes read past one request into the next call.
pub async fn next_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    buf.drain(..end);
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf.drain(..length);
    Some(head)
}
