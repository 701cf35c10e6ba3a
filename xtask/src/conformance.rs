//! `cargo xtask conformance [--max-examples N]`: the API conformance run of `.ci/run`
//! (`.ci/conformance.sh`: openapi-spec-validator on the served spec, then schemathesis
//! against every operation of the live demo server) with more examples per operation.

use std::process::ExitCode;

use crate::run_script;

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
    run_script(".ci/conformance.sh", &[examples.to_string()])
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cargo xtask conformance [--max-examples N]   (N > 0, default {DEFAULT_EXAMPLES})"
    );
    ExitCode::from(2)
}
