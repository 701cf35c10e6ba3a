//! `cargo xtask browser`: the browser test (`.ci/browser.sh`): the official React runtime in a
//! minimal Vite host (`browser/`) against the live demo server, driven in Debian's headless
//! Chromium by playwright-core, plus Swagger UI's Authorize and "Try it out" at `/docs`.

use std::process::ExitCode;

use crate::run_script;

/// Runs `.ci/browser.sh`.
pub fn run(args: &[String]) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask browser   (no arguments; see .ci/browser.sh)");
        return ExitCode::from(2);
    }
    run_script(".ci/browser.sh", &[])
}
