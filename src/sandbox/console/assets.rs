//! The chat page's files: `GET /` is `web/chat/index.html`, `GET /assets/<file>` a file of
//! `web/chat/`, and `GET /assets/vendor/<name>` one of the npm UMD builds the page loads from
//! `web/node_modules/` (installed by `npm ci` in `web/`, pinned by `web/package-lock.json`).
//!
//! `web/` is looked up in the current directory, then in the crate's source directory. A missing
//! file is a 500 whose text says what to do ("run npm ci in web/"), never a silent blank page.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The npm files the page loads: URL name under `/assets/vendor/` → path under `web/`.
pub const VENDOR_FILES: [(&str, &str); 3] = [
    (
        "adaptivecards.min.js",
        "node_modules/adaptivecards/dist/adaptivecards.min.js",
    ),
    (
        "adaptivecards.css",
        "node_modules/adaptivecards/dist/adaptivecards.css",
    ),
    (
        "markdown-it.min.js",
        "node_modules/markdown-it/dist/browser/markdown-it.umd.min.js",
    ),
];

/// Where the `web/` directory is (`None` when it was not found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebRoot {
    dir: Option<PathBuf>,
}

impl WebRoot {
    /// `web/` in the current directory if it holds `chat/index.html`, else the crate's own.
    pub fn discover() -> Self {
        let candidates = [
            std::env::current_dir().ok().map(|d| d.join("web")),
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("web")),
        ];
        let dir = candidates
            .into_iter()
            .flatten()
            .find(|d| d.join("chat/index.html").is_file());
        Self { dir }
    }

    /// A given `web/` directory.
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Some(dir.into()),
        }
    }

    /// The directory, if known.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

/// `GET /` and `GET /assets/{*file}`.
pub fn routes(web: WebRoot) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*file}", get(asset))
        .with_state(web)
}

async fn index(State(web): State<WebRoot>) -> Response {
    serve(&web, "chat/index.html").await
}

async fn asset(State(web): State<WebRoot>, UrlPath(file): UrlPath<String>) -> Response {
    if let Some(name) = file.strip_prefix("vendor/") {
        return match VENDOR_FILES.iter().find(|(n, _)| *n == name) {
            Some((_, path)) => serve(&web, path).await,
            None => not_found(&file),
        };
    }
    if !is_plain_file_name(&file) || content_type(&file).is_none() {
        return not_found(&file);
    }
    serve(&web, &format!("chat/{file}")).await
}

/// A name like `app.js`: no directories, no dot files, only `[A-Za-z0-9._-]`.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn content_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.').map(|(_, e)| e)?;
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => return None,
    })
}

async fn serve(web: &WebRoot, relative: &str) -> Response {
    let Some(dir) = web.dir() else {
        return missing(&format!(
            "The sandbox chat page's files were not found: run roombot from the repository \
             (web/chat/ next to Cargo.toml), then run npm ci in web/. Looked in ./web and {}/web.",
            env!("CARGO_MANIFEST_DIR")
        ));
    };
    let path = dir.join(relative);
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    content_type(relative).unwrap_or("application/octet-stream"),
                ),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(error) if relative.starts_with("node_modules/") => missing(&format!(
            "{} is missing ({error}): run npm ci in web/ ({}), then reload.",
            path.display(),
            dir.display()
        )),
        Err(error) => missing(&format!("{} could not be read: {error}", path.display())),
    }
}

fn missing(text: &str) -> Response {
    tracing::warn!("{text}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

fn not_found(file: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("no such sandbox page file: {file}"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn get_text(web: WebRoot, uri: &str) -> (StatusCode, String) {
        let response = routes(web)
            .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
            .await
            .expect("answer");
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 24).await.expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[test]
    fn only_plain_names_with_known_extensions_are_served() {
        assert!(is_plain_file_name("app.js"));
        assert!(!is_plain_file_name("../Cargo.toml"));
        assert!(!is_plain_file_name("sub/app.js"));
        assert!(!is_plain_file_name(".env"));
        assert_eq!(content_type("browser-test.mjs"), None);
        assert_eq!(content_type("chat.css"), Some("text/css; charset=utf-8"));
    }

    #[tokio::test]
    async fn missing_npm_files_say_to_run_npm_ci() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("chat")).expect("mkdir");
        std::fs::write(dir.path().join("chat/index.html"), "<p>hi</p>").expect("write");
        let web = WebRoot::at(dir.path());
        let (status, text) = get_text(web.clone(), "/assets/vendor/adaptivecards.min.js").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(text.contains("run npm ci in web/"), "{text}");
        assert_eq!(
            get_text(web.clone(), "/").await,
            (StatusCode::OK, "<p>hi</p>".into())
        );
        let (status, _) = get_text(web, "/assets/..%2FCargo.toml").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn no_web_directory_is_a_500_that_says_where_it_looked() {
        let (status, text) = get_text(WebRoot { dir: None }, "/").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(text.contains("npm ci in web/"), "{text}");
    }
}
