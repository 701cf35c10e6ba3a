//! Memory and start-up: a server's resident set (`/proc/<pid>/status`) and the time from
//! spawning `metacore-app serve` to its first 200 on `/api/health`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::baseline::SECRET_ENV;
use super::{free_port, http, SECRET};

/// A process's memory, in KiB.
#[derive(Clone, Copy)]
pub struct Memory {
    /// `VmRSS`: resident now.
    pub rss_kib: u64,
    /// `VmHWM`: the most it has been resident.
    pub peak_kib: u64,
}

/// The memory of process `pid` (Linux only).
pub fn memory(pid: u32) -> Result<Memory, String> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("{path} has no {name}"))
    };
    Ok(Memory {
        rss_kib: field("VmRSS:")?,
        peak_kib: field("VmHWM:")?,
    })
}

/// How long `app serve` takes, `times` times, from spawning it to the first 200 on
/// `/api/health` (polled every millisecond); each server is stopped after answering.
pub fn startup(app: &Path, url: &str, times: u32) -> Result<Vec<Duration>, String> {
    (0..times).map(|_| startup_once(app, url)).collect()
}

fn startup_once(app: &Path, url: &str) -> Result<Duration, String> {
    let port = free_port()?;
    let started = Instant::now();
    let mut child = Command::new(app)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", url])
        .env(SECRET_ENV, SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", app.display()))?;
    let result = loop {
        if matches!(http(port, "GET", "/api/health", None, None), Ok((200, _))) {
            break Ok(started.elapsed());
        }
        if let Ok(Some(status)) = child.try_wait() {
            break Err(format!(
                "metacore-app serve exited ({status}) before answering"
            ));
        }
        if started.elapsed() > Duration::from_secs(60) {
            break Err("metacore-app serve did not answer /api/health within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// The median of `times` (none when empty).
pub fn median(times: &[Duration]) -> Option<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied()
}
