//! roombot as its own process (`roombot serve`, the real binary) against an in-process sandbox, so
//! a test can measure the server alone: resident memory and open descriptors from `/proc`, CPU
//! time, and `/healthz` latency over raw TCP. Also raises this process's open-files limit, since
//! the slow-client suites hold thousands of sockets.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use roombot::sandbox::{Role, Sandbox, SandboxHandle, SandboxOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::support::SECRET;

const BIN: &str = env!("CARGO_BIN_EXE_roombot");

/// A `roombot serve` process and the sandbox it talks to.
pub struct Served {
    pub sandbox: SandboxHandle,
    pub addr: SocketAddr,
    pub pid: u32,
    child: Child,
    _dir: tempfile::TempDir,
}

/// Starts `roombot serve` against a fresh sandbox with `extra` `ROOMBOT__*` settings, waits until
/// `/readyz` answers 200, and registers its webhooks with the sandbox.
pub async fn spawn_served(options: SandboxOptions, extra: &[(&str, &str)]) -> Served {
    spawn_served_with(options, extra, None).await
}

/// Like [`spawn_served`], with the child's open-files limit set to `nofile`.
pub async fn spawn_served_with(
    options: SandboxOptions,
    extra: &[(&str, &str)],
    nofile: Option<u64>,
) -> Served {
    let sandbox = Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut command = Command::new(BIN);
    command
        .arg("serve")
        .env_clear()
        .env("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token())
        .env("ROOMBOT__WEBEX__API_BASE", sandbox.base_url())
        .env("ROOMBOT__WEBEX__WEBHOOK_SECRET", SECRET)
        .env("ROOMBOT__SERVER__LISTEN", addr.to_string())
        .env("ROOMBOT__STORE__PATH", dir.path().join("roombot.db"))
        .env(
            "ROOMBOT__ACCESS__ADMINS",
            &sandbox.person(Role::Admin).email,
        )
        .env(
            "ROOMBOT__ACCESS__OPERATORS",
            &sandbox.person(Role::Operator).email,
        )
        .env("ROOMBOT__LOG__LEVEL", "warn")
        .envs(admin_env(&sandbox, extra))
        .envs(extra.iter().copied())
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("stderr.log")).expect("log file"))
        .kill_on_drop(true);
    if let Some(limit) = nofile {
        limit_nofile(&mut command, limit);
    }
    let child = command.spawn().expect("roombot serve starts");
    let pid = child.id().expect("a pid");
    wait_ready(addr).await;
    let webex = roombot::bot::identity::client(
        &crate::support::settings_for(&sandbox, dir.path(), &[]),
        Default::default(),
    )
    .unwrap();
    roombot::bot::webhooks::sync(
        &webex,
        &format!("http://{addr}/webhooks/webex"),
        &SECRET.to_owned().into(),
    )
    .await
    .expect("webhooks sync");
    sandbox.clear_requests();
    Served {
        sandbox,
        addr,
        pid,
        child,
        _dir: dir,
    }
}

/// roombot's admin credential for `sandbox`, unless `extra` sets (or blanks) it itself.
fn admin_env(sandbox: &SandboxHandle, extra: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    match extra
        .iter()
        .any(|(k, _)| k.starts_with("ROOMBOT__WEBEX__ADMIN__"))
    {
        true => Vec::new(),
        false => roombot::demo::admin_env(sandbox).expect("the sandbox issues admin access"),
    }
}

impl Served {
    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.pid)
    }

    /// Open file descriptors of the server process.
    pub fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// CPU time (user + system) the server process has used.
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        // Fields after the command (which may hold spaces) start after the last ')'.
        let rest = stat.rsplit(')').next().unwrap_or_default();
        let fields: Vec<u64> = rest
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect();
        let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        Duration::from_millis(ticks * 1000 / hz)
    }

    /// Everything the server wrote to stderr so far (its log).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Stops the server with SIGTERM and waits for it; returns whether it exited cleanly.
    pub async fn stop(mut self) -> bool {
        // SAFETY: kill(2) with a pid we started.
        unsafe { libc::kill(self.pid as i32, libc::SIGTERM) };
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("roombot stops within 30 s")
            .expect("exit status");
        status.success()
    }
}

/// Resident memory of process `pid`, in KiB (`VmRSS` in `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Raises this process's soft open-files limit to the hard limit (children inherit it); returns
/// the soft limit now in force.
pub fn raise_nofile() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

fn limit_nofile(command: &mut Command, nofile: u64) {
    // SAFETY: setrlimit is async-signal-safe, fine between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: nofile,
                rlim_max: nofile,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// Polls `/readyz` until it answers 200 (at most 30 s).
pub async fn wait_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok((status, _)) = get(addr, "/readyz", Duration::from_secs(2)).await
            && status == 200
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "roombot at {addr} never got ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One `GET path` on a fresh connection (`Connection: close`); the status and the time it took,
/// connect included.
pub async fn get(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> Result<(u16, Duration), String> {
    let started = Instant::now();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: roombot\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .await
            .map_err(|e| e.to_string())?;
        let head = String::from_utf8_lossy(&response);
        head.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("no status in {head:?}"))
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(status)) => Ok((status, started.elapsed())),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

/// The `q`-quantile (0.0–1.0) of `samples`.
pub fn quantile(samples: &[Duration], q: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[index]
}
