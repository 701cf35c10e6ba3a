//! Fuzzes the whole per-file front end: reading, dialect detection, structure, lowering,
//! checks and diagnostic rendering. Any panic is a bug: bad input must become diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use metacore_gen::frontend::{self, Options};

fuzz_target!(|data: &[u8]| {
    let manifest = frontend::load(std::path::Path::new("fuzz/manifest.json"), data, &Options::default());
    let _ = manifest.report.render_human(false);
    let _ = manifest.report.located(true);
});
