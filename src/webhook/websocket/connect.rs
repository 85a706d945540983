//! Opening the websocket: a TCP connection to the `webSocketUrl`'s host, or a tunnel through the
//! HTTP proxy (`CONNECT host:port`, unless the host is one of its exceptions), then TLS for
//! `wss://` (rustls with the webpki roots) and the websocket handshake. A handshake answered 404
//! means the device registration is stale.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, http::StatusCode};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;

use crate::settings::ProxySettings;

/// An open websocket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The longest proxy answer to a `CONNECT` that is read.
const MAX_PROXY_ANSWER: usize = 8 * 1024;

/// Why the socket could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The handshake was answered 404: the registration is gone.
    #[error("the device registration is stale (404 on connect)")]
    Stale,
    /// Anything else (refused, reset, TLS, a proxy that said no, a timeout).
    #[error("{0}")]
    Failed(String),
}

/// Opens the websocket at `url`, through `proxy` when it applies to the host, within `timeout`.
pub async fn open(
    url: &Url,
    proxy: Option<&ProxySettings>,
    timeout: Duration,
) -> Result<Socket, ConnectError> {
    match tokio::time::timeout(timeout, open_now(url, proxy)).await {
        Ok(result) => result,
        Err(_) => Err(ConnectError::Failed(format!(
            "no websocket within {timeout:?}"
        ))),
    }
}

async fn open_now(url: &Url, proxy: Option<&ProxySettings>) -> Result<Socket, ConnectError> {
    let failed =
        |what: &str, e: &dyn std::fmt::Display| ConnectError::Failed(format!("{what}: {e}"));
    let host = url
        .host_str()
        .ok_or_else(|| ConnectError::Failed("the webSocketUrl has no host".into()))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| ConnectError::Failed("the webSocketUrl has no port".into()))?;
    let secure = url.scheme() == "wss";
    let tcp = match proxy.filter(|p| p.applies_to(secure, host)) {
        Some(proxy) => tunnel(proxy, host, port).await?,
        None => TcpStream::connect((host, port))
            .await
            .map_err(|e| failed(&format!("cannot reach {host}:{port}"), &e))?,
    };
    let _ = tcp.set_nodelay(true);
    let request = url
        .as_str()
        .into_client_request()
        .map_err(|e| failed("bad webSocketUrl", &e))?;
    match tokio_tungstenite::client_async_tls_with_config(request, tcp, None, None).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(answer)) if answer.status() == StatusCode::NOT_FOUND => {
            Err(ConnectError::Stale)
        }
        Err(tungstenite::Error::Http(answer)) => Err(ConnectError::Failed(format!(
            "the websocket handshake was answered {}",
            answer.status()
        ))),
        Err(error) => Err(failed("websocket handshake failed", &error)),
    }
}

/// A TCP connection to `host:port` through `proxy` by HTTP `CONNECT`.
async fn tunnel(proxy: &ProxySettings, host: &str, port: u16) -> Result<TcpStream, ConnectError> {
    let proxy_host = proxy.url.host_str().unwrap_or_default();
    let proxy_port = proxy.url.port_or_known_default().unwrap_or(80);
    let mut stream = TcpStream::connect((proxy_host, proxy_port))
        .await
        .map_err(|e| {
            ConnectError::Failed(format!(
                "cannot reach the proxy {proxy_host}:{proxy_port}: {e}"
            ))
        })?;
    let authority = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(|e| ConnectError::Failed(format!("the proxy closed: {e}")))?;
    let answer = read_head(&mut stream).await?;
    let status = answer.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with('2') {
        let line = answer.lines().next().unwrap_or_default().to_owned();
        return Err(ConnectError::Failed(format!(
            "the proxy refused CONNECT {authority}: {line}"
        )));
    }
    Ok(stream)
}

/// Reads the proxy's answer up to the blank line, byte by byte (nothing past it is consumed).
async fn read_head(stream: &mut TcpStream) -> Result<String, ConnectError> {
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_PROXY_ANSWER {
            return Err(ConnectError::Failed(
                "the proxy's answer is too long".into(),
            ));
        }
        let byte = stream
            .read_u8()
            .await
            .map_err(|e| ConnectError::Failed(format!("the proxy closed: {e}")))?;
        head.push(byte);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    /// A listener that answers each connection with `answer` and closes it.
    async fn answering(answer: &'static [u8]) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer).await;
                let _ = stream.write_all(answer).await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn a_proxy_that_refuses_connect_is_named_with_its_answer() {
        let addr = answering(b"HTTP/1.1 403 Forbidden\r\n\r\n").await;
        let proxy = ProxySettings {
            url: Url::parse(&format!("http://{addr}")).unwrap(),
            no_proxy: Vec::new(),
            secure_only: true,
        };
        let url = Url::parse("wss://mercury.example.com/v1/x").unwrap();
        let error = open(&url, Some(&proxy), Duration::from_secs(5))
            .await
            .err()
            .unwrap();
        let text = error.to_string();
        assert!(
            text.contains("refused CONNECT mercury.example.com:443") && text.contains("403"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn wss_takes_the_tls_path() {
        // Not a TLS server: the handshake fails cleanly (the TLS stack is wired, no panic).
        let addr = answering(b"HTTP/1.1 200 OK\r\n\r\n").await;
        let url = Url::parse(&format!("wss://{addr}/socket")).unwrap();
        let error = open(&url, None, Duration::from_secs(5))
            .await
            .err()
            .unwrap();
        assert!(matches!(error, ConnectError::Failed(_)), "{error}");
    }
}
