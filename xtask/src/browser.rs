//! `cargo xtask browser`: the browser test (`.ci/browser.sh`): the official React runtime in a
//! minimal Vite host (`browser/`) against the live demo server, driven in Debian's headless
//! Chromium by playwright-core, plus Swagger UI's Authorize and "Try it out" at `/docs`.

use std::process::{Command, ExitCode};

use crate::workspace_root;

/// Runs `.ci/browser.sh`.
pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask browser   (no arguments; see .ci/browser.sh)");
        return ExitCode::from(2);
    }
    let status = Command::new("bash")
        .arg(".ci/browser.sh")
        .current_dir(workspace_root())
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run bash .ci/browser.sh: {e}");
            ExitCode::from(2)
        }
    }
}
