//! A handler that panics still answers: the person gets "something went wrong on my side" with a
//! reference, an error log line carries the same reference, and the bot keeps working. The
//! fault is injected through the responder seam, so no test-only command ships in the product.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use roombot::access::AccessPolicy;
use roombot::app::Application;
use roombot::bot::Bot;
use roombot::metrics::Metrics;
use roombot::request::{Input, Reply, Request, Responder};
use roombot::sandbox::{Role, Sandbox, SandboxOptions};
use roombot::store::Store;
use tracing_subscriber::layer::SubscriberExt;

use crate::ops_support::text;
use crate::support::{run_app, settings_for};

/// Panics on `boom`, answers `fine` otherwise.
struct Boom;

impl Responder for Boom {
    fn respond<'a>(
        &'a self,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>> {
        Box::pin(async move {
            match &request.input {
                Input::Text(text) if text == "boom" => panic!("injected fault: boom"),
                _ => Reply::text("fine"),
            }
        })
    }
}

/// Collects everything logged, as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread: every task of the bot runs where the capturing subscriber is the default.
#[tokio::test(flavor = "current_thread")]
async fn a_panicking_handler_answers_with_a_reference_and_logs_it() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(move || writer.clone()),
    );
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let store_dir = Arc::new(tempfile::tempdir().unwrap());
    let settings = settings_for(&sandbox, store_dir.path(), &[]);
    let metrics = Arc::new(Metrics::default());
    let webex = roombot::bot::identity::client(&settings, metrics.clone()).unwrap();
    let me = roombot::bot::identity::who_am_i(&webex, |_| {})
        .await
        .unwrap();
    let store = Store::open(&settings.store.path).unwrap();
    let bot = Arc::new(Bot::new(
        webex,
        me.clone(),
        store.clone(),
        AccessPolicy::new(settings.access.clone()),
        settings.bot.cache_ttl,
        Arc::new(Boom),
        metrics.clone(),
    ));
    let app = Application::build_with(&settings, &me, store, bot.handler(), metrics)
        .await
        .expect("roombot builds");
    let bot = run_app(sandbox, settings, store_dir, app).await;

    let reply = text(&bot.say(Role::Operator, "boom").await);
    let reference = reply
        .split("(reference ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap_or_else(|| panic!("no reference in {reply}"));
    assert!(reply.contains("Something went wrong on my side"), "{reply}");
    let logged = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    let line = logged
        .lines()
        .find(|l| l.contains("handling a request panicked"))
        .unwrap_or_else(|| panic!("no error line in {logged}"));
    assert!(line.contains("\"level\":\"ERROR\""), "{line}");
    assert!(
        line.contains(reference) && line.contains("injected fault: boom"),
        "{line}"
    );

    assert_eq!(text(&bot.say(Role::Operator, "hello").await).trim(), "fine");
    bot.stop().await;
}
