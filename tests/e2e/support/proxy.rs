//! A small HTTP proxy on loopback for tests: `CONNECT host:port` tunnels (what the websocket and
//! https calls use) and absolute-form requests (`GET http://host:port/…`, what an HTTP client
//! sends for plain-http targets) forwarded byte for byte. It counts both, remembers every
//! authority asked for, and resolves any `*.invalid` host to 127.0.0.1: a client given such a
//! host can only reach it through this proxy, so a call that bypassed it fails.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running proxy; dropped, it stops accepting.
pub struct Proxy {
    pub addr: SocketAddr,
    counts: Arc<Counts>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Counts {
    tunnels: AtomicUsize,
    forwarded: AtomicUsize,
    authorities: Mutex<Vec<String>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Proxy {
    /// Starts a proxy on 127.0.0.1:0.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy binds");
        let addr = listener.local_addr().expect("proxy address");
        let counts = Arc::new(Counts::default());
        let shared = counts.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(serve(client, shared.clone()));
            }
        });
        Self { addr, counts, task }
    }

    /// `http://127.0.0.1:PORT` (what `webex.proxy` or `HTTPS_PROXY` should be).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `CONNECT` tunnels opened.
    pub fn tunnels(&self) -> usize {
        self.counts.tunnels.load(Ordering::SeqCst)
    }

    /// Connections that carried absolute-form (plain http) requests.
    pub fn forwarded(&self) -> usize {
        self.counts.forwarded.load(Ordering::SeqCst)
    }

    /// Every `host:port` asked for, in order.
    pub fn authorities(&self) -> Vec<String> {
        self.counts.authorities.lock().unwrap().clone()
    }
}

/// Serves one client connection: reads the request head, then tunnels or forwards.
async fn serve(mut client: TcpStream, counts: Arc<Counts>) {
    let Some((head, rest)) = read_head(&mut client).await else {
        return;
    };
    let line = head.lines().next().unwrap_or_default().to_owned();
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let authority = if method == "CONNECT" {
        target.to_owned()
    } else {
        let Some(after) = target.strip_prefix("http://") else {
            let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            return;
        };
        after.split('/').next().unwrap_or_default().to_owned()
    };
    counts.authorities.lock().unwrap().push(authority.clone());
    let Ok(mut upstream) = TcpStream::connect(resolve(&authority)).await else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
        return;
    };
    if method == "CONNECT" {
        counts.tunnels.fetch_add(1, Ordering::SeqCst);
        if client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
    } else {
        counts.forwarded.fetch_add(1, Ordering::SeqCst);
        // Servers accept absolute-form targets: the head goes on unchanged.
        if upstream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
    }
    if upstream.write_all(&rest).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}

/// `host:port` with `*.invalid` hosts mapped to 127.0.0.1.
fn resolve(authority: &str) -> String {
    match authority.rsplit_once(':') {
        Some((host, port)) if host.ends_with(".invalid") => format!("127.0.0.1:{port}"),
        _ => authority.to_owned(),
    }
}

/// The request head (through the blank line) and any bytes read past it.
async fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buffer.split_off(end + 4);
            return Some((String::from_utf8_lossy(&buffer).into_owned(), rest));
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let n = client.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}
