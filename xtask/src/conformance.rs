//! `cargo xtask conformance [--max-examples N]`: the API conformance run of `.ci/run`
//! (`.ci/conformance.sh`: openapi-spec-validator on the served spec, then schemathesis
//! against every operation of the live demo server) with more examples per operation.

use std::process::{Command, ExitCode};

use crate::workspace_root;

/// Examples per operation unless `--max-examples` says otherwise (CI uses 10).
const DEFAULT_EXAMPLES: u32 = 100;

/// Runs `.ci/conformance.sh` with the requested number of examples.
pub fn run(args: &[String]) -> ExitCode {
    let examples = match args {
        [] => DEFAULT_EXAMPLES,
        [flag, n] if flag == "--max-examples" => match n.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => return usage(),
        },
        _ => return usage(),
    };
    let status = Command::new("bash")
        .arg(".ci/conformance.sh")
        .arg(examples.to_string())
        .current_dir(workspace_root())
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run bash .ci/conformance.sh: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask conformance [--max-examples N]   (N > 0, default {DEFAULT_EXAMPLES})"
    );
    ExitCode::from(2)
}
