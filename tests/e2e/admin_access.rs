//! Webex's access model end to end, with the sandbox enforcing it: roombot makes messages and
//! xAPI calls with the bot's token and what Webex keeps for administrators with its admin
//! credential (the request log names the token of every call); without the credential it refuses
//! those commands with no Webex call; an access token that expires while roombot runs is
//! refreshed and the command goes through; a revoked credential gives a clear reply and makes
//! `roombot check` fail; no secret ever reaches a log line.

use roombot::sandbox::{Role, SandboxOptions, TokenKind};
use roombot::settings::Settings;
use secrecy::ExposeSecret;

use crate::ops_support::{calls, text};
use crate::support::{TestBot, spawn_bot, spawn_bot_with};

/// Settings that leave roombot without its admin credential.
const BOT_ONLY: [(&str, &str); 3] = [
    ("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", ""),
    ("ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET", ""),
    ("ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN", ""),
];

/// Runs `roombot check` (the binary) with `settings`' credentials and store: exit code, stdout.
async fn roombot_check(settings: &Settings) -> (Option<i32>, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"));
    command
        .arg("check")
        .env_clear()
        .env("ROOMBOT__WEBEX__API_BASE", settings.webex.api_base.as_str())
        .env("ROOMBOT__STORE__PATH", &settings.store.path)
        .env("ROOMBOT__LOG__LEVEL", "warn");
    if let Some(token) = settings.webex.token.as_ref() {
        command.env("ROOMBOT__WEBEX__TOKEN", token.expose_secret());
    }
    if let Some(admin) = settings.webex.admin.as_ref() {
        command
            .env("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", &admin.client_id)
            .env(
                "ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET",
                admin.client_secret.expose_secret(),
            );
        if let Some(refresh) = admin.refresh_token.as_ref() {
            command.env(
                "ROOMBOT__WEBEX__ADMIN__REFRESH_TOKEN",
                refresh.expose_secret(),
            );
        }
    }
    let output = command.output().await.expect("roombot check runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), stdout)
}

/// The kind of token behind each of roombot's calls to `path_prefix`.
fn token_kinds(bot: &TestBot, method: &str, prefix: &str) -> Vec<TokenKind> {
    calls(bot, method, prefix)
        .iter()
        .filter_map(|r| r.token.as_ref().map(|t| t.kind))
        .collect()
}

#[tokio::test]
async fn admin_calls_carry_the_admin_credential_and_xapi_the_bot_token() {
    let bot = spawn_bot().await;
    let set = bot
        .say(
            Role::Operator,
            "config set Audio.DefaultVolume 55 in device \"4B Room Kit Pro\"",
        )
        .await;
    assert!(
        text(&set).contains("Audio.DefaultVolume = 55"),
        "{}",
        text(&set)
    );
    bot.say(Role::Operator, "mute room 4B").await;
    bot.say(Role::Admin, "workspace create \"Lab 9\" capacity 4")
        .await;
    assert_eq!(
        token_kinds(&bot, "PATCH", "deviceConfigurations"),
        [TokenKind::Integration]
    );
    assert_eq!(
        token_kinds(&bot, "POST", "workspaces"),
        [TokenKind::Integration]
    );
    assert_eq!(
        token_kinds(&bot, "POST", "xapi/command"),
        [TokenKind::Bot],
        "xAPI stays with the bot's grants"
    );
    assert!(
        token_kinds(&bot, "POST", "messages")
            .iter()
            .all(|k| *k == TokenKind::Bot),
        "replies are the bot's"
    );
    bot.stop().await;
}

#[tokio::test]
async fn bot_only_refuses_admin_commands_without_a_call_and_still_mutes_and_reads() {
    let bot = spawn_bot_with(SandboxOptions::default(), &BOT_ONLY).await;
    for (role, command) in [
        (Role::Operator, "config set Audio.DefaultVolume 60 in 4B"),
        (Role::Admin, "workspace create Lab"),
        (Role::Operator, "tag 4B add vip"),
        (Role::Viewer, "workspaces"),
    ] {
        bot.sandbox.clear_requests();
        let reply = text(&bot.say(role, command).await);
        assert!(reply.contains("needs admin access"), "{command}: {reply}");
        let made: Vec<String> = bot.bot_calls().iter().map(|r| r.path.clone()).collect();
        assert!(
            made.iter()
                .all(|p| p.starts_with("/v1/messages") || p.starts_with("/v1/people/")),
            "only the message, who sent it and the reply for {command}: {made:?}"
        );
    }
    // Without workspace names a room is found by a device's name: its workspace's devices.
    let muted = text(
        &bot.say(Role::Operator, "mute room \"4B Room Kit Pro\"")
            .await,
    );
    assert!(muted.contains("Microphones muted"), "{muted}");
    let status = text(&bot.say(Role::Viewer, "status \"4B Room Kit Pro\"").await);
    assert!(
        status.contains("Microphones") && status.contains("muted"),
        "{status}"
    );
    let ungranted = text(&bot.say(Role::Operator, "mute \"Lobby Room Bar Pro\"").await);
    assert!(
        ungranted.contains("no device named"),
        "a bot sees only its granted workspaces: {ungranted}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn an_access_token_that_expires_while_roombot_runs_is_refreshed() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "config Audio.DefaultVolume in 4B")
        .await;
    bot.sandbox.expire_access_tokens();
    bot.sandbox.clear_requests();
    let reply = text(
        &bot.say(
            Role::Operator,
            "config set Audio.DefaultVolume 45 in device \"4B Room Kit Pro\"",
        )
        .await,
    );
    assert!(reply.contains("Audio.DefaultVolume = 45"), "{reply}");
    let refreshed = bot
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/access_token" && r.status == 200)
        .count();
    assert_eq!(refreshed, 1, "one refresh after the 401");
    bot.stop().await;
}

#[tokio::test]
async fn a_revoked_credential_gives_a_clear_reply_and_check_fails() {
    let bot = spawn_bot().await;
    bot.say(Role::Operator, "config Audio.DefaultVolume in 4B")
        .await;
    let store = roombot::store::Store::open(&bot.settings.store.path).unwrap();
    let client_id = bot.settings.webex.admin.as_ref().unwrap().client_id.clone();
    let kept = store
        .kept_secret(&format!("admin refresh token of {client_id}"))
        .await
        .unwrap()
        .expect("the rotated refresh token is kept");
    assert!(
        bot.sandbox
            .revoke_refresh_token(kept.secret.expose_secret())
    );
    let reply = text(
        &bot.say(Role::Operator, "config set Audio.DefaultVolume 50 in 4B")
            .await,
    );
    assert!(
        reply.contains("admin access") && reply.contains("roombot auth login"),
        "{reply}"
    );
    let (status, stdout) = roombot_check(&bot.settings).await;
    assert_eq!(status, Some(1), "{stdout}");
    assert!(
        stdout.contains("the admin credential does not work"),
        "{stdout}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn check_reports_both_identities() {
    let bot = spawn_bot().await;
    let (status, stdout) = roombot_check(&bot.settings).await;
    assert_eq!(status, Some(0), "{stdout}");
    for line in [
        "ok: token of bot",
        "granted to the bot",
        "admin credential refreshed",
        "acts as",
        "workspace(s) and",
    ] {
        assert!(stdout.contains(line), "{line}: {stdout}");
    }
    bot.stop().await;
}

/// Every run of exactly 64 letters and digits in `text`: the shape of the sandbox's tokens,
/// client ids and client secrets.
fn token_shaped(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| run.len() == 64)
        .collect()
}

#[tokio::test]
async fn no_secret_reaches_the_log_even_at_trace_level() {
    let served = crate::served_support::spawn_served(
        SandboxOptions::default(),
        &[
            ("ROOMBOT__LOG__LEVEL", "trace"),
            ("ROOMBOT__LOG__FORMAT", "json"),
        ],
    )
    .await;
    let sandbox = &served.sandbox;
    let operator = sandbox.person(Role::Operator);
    let room = sandbox.direct_room(Role::Operator).unwrap().to_owned();
    let say = |text: &'static str| {
        let (token, room) = (operator.token.clone(), room.clone());
        async move {
            let sent = sandbox.post_as(&token, &room, text).await.unwrap();
            let bot = sandbox.bot_id().to_owned();
            sandbox
                .wait_for_message(
                    &room,
                    |m| {
                        let all = sandbox.messages(&room);
                        let at = |id: &str| all.iter().position(|x| x.id == id);
                        m.person_id == bot && at(&m.id) > at(&sent.id)
                    },
                    crate::support::WAIT,
                )
                .await
                .expect("the bot replies");
        }
    };
    say("config set Audio.DefaultVolume 41 in device \"4B Room Kit Pro\"").await;
    say("mute room 4B").await;
    sandbox.expire_access_tokens();
    say("config set Audio.DefaultVolume 42 in device \"4B Room Kit Pro\"").await;
    let log = served.log();
    assert!(
        log.contains("admin access token refreshed"),
        "trace logs were written"
    );
    let refreshes = sandbox
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/access_token" && r.status == 200)
        .count();
    assert!(
        refreshes >= 1,
        "a refresh happened while logging at trace level"
    );
    let allowed: Vec<String> = sandbox
        .requests()
        .iter()
        .filter_map(|r| r.token.as_ref().and_then(|t| t.client_id.clone()))
        .collect();
    let leaked: Vec<&str> = token_shaped(&log)
        .into_iter()
        .filter(|run| !allowed.iter().any(|id| id == run))
        .collect();
    assert!(
        leaked.is_empty(),
        "token-shaped strings in the log: {leaked:?}"
    );
    assert!(
        !log.contains(sandbox.bot_token()),
        "the bot token is not logged"
    );
    assert!(
        !log.contains(crate::support::SECRET),
        "the webhook secret is not logged"
    );
    served.stop().await;
}

/// A free loopback port (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn auth_login_signs_roombot_in_through_the_admins_consent() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let bot = spawn_bot_with(SandboxOptions::default(), &BOT_ONLY).await;
    let (sandbox, mut settings, store_dir) = bot.stop().await;
    let redirect = format!("http://127.0.0.1:{}/oauth/callback", free_port());
    let integration = sandbox.register_integration("roombot admin access", &[&redirect]);
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .args(["auth", "login", "--redirect-uri", &redirect])
        .env_clear()
        .env("ROOMBOT__WEBEX__API_BASE", sandbox.base_url())
        .env("ROOMBOT__STORE__PATH", &settings.store.path)
        .env("ROOMBOT__WEBEX__ADMIN__CLIENT_ID", &integration.client_id)
        .env(
            "ROOMBOT__WEBEX__ADMIN__CLIENT_SECRET",
            &integration.client_secret,
        )
        .env("ROOMBOT__LOG__LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("roombot auth login starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let consent = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("the consent address");
        if line.starts_with("http") {
            break url::Url::parse(&line).unwrap();
        }
    };
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.starts_with("Waiting") {
            break;
        }
    }
    // Ada approves on the consent page; Webex sends her browser back to roombot.
    let mut form: Vec<(String, String)> = consent.query_pairs().into_owned().collect();
    form.push(("person".into(), sandbox.person(Role::Admin).email.clone()));
    form.push(("decision".into(), "accept".into()));
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let approved = browser
        .post(format!("{}/authorize", sandbox.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    let back = approved.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&redirect), "{back}");
    let landed = browser.get(&back).send().await.unwrap();
    assert_eq!(landed.status(), 200, "{}", landed.text().await.unwrap());
    let status = tokio::time::timeout(crate::support::WAIT, child.wait())
        .await
        .expect("auth login finishes")
        .unwrap();
    assert!(status.success());
    // roombot started with only the client id and secret uses the kept refresh token.
    settings.webex.admin = Some(roombot::settings::AdminSettings {
        client_id: integration.client_id.clone(),
        client_secret: integration.client_secret.clone().into(),
        refresh_token: None,
    });
    let bot = crate::support::start_app(sandbox, settings, store_dir).await;
    let reply = text(
        &bot.say(
            Role::Operator,
            "config set Audio.DefaultVolume 47 in device \"4B Room Kit Pro\"",
        )
        .await,
    );
    assert!(reply.contains("Audio.DefaultVolume = 47"), "{reply}");
    bot.stop().await;
}

#[tokio::test]
async fn the_server_callback_refuses_a_sign_in_it_did_not_start() {
    let bot = spawn_bot().await;
    let answer = reqwest::get(format!(
        "http://{}/oauth/callback?code=stolen&state=forged",
        bot.addr
    ))
    .await
    .unwrap();
    assert_eq!(answer.status(), 400);
    let page = answer.text().await.unwrap();
    assert!(page.contains("was not started here"), "{page}");
    bot.stop().await;
}
