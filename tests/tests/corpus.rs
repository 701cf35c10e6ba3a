//! Every manifest of the shared corpus gets the verdict `corpus/README.md` expects, and the
//! known defects (`manifest.md` §11) produce their named diagnostics. The full diagnostics of
//! every corpus file are snapshotted, so any change in what users see is reviewed.

use metacore_gen::diagnostics::Severity;
use metacore_tests::*;

/// Files the corpus README says must be rejected (non-strict).
const REJECTED: &[&str] = &[
    "v3/cli-v3_invalid.json",
    "v3/template-minimal.json",
    "v3/template-full-page.json",
    "v3/template-crud-model.json",
    "v3/native-whatsapp_native.json",
    "v2/whatsapp_native.json",
];

fn name_of(dialect: &str, path: &std::path::Path) -> String {
    format!("{dialect}/{}", path.file_name().unwrap().to_string_lossy())
}

#[test]
fn every_corpus_file_gets_its_expected_verdict() {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for dialect in ["v3", "v2"] {
        for path in corpus_files(dialect) {
            let name = name_of(dialect, &path);
            let manifest = validate_file(&path);
            let expect_reject = REJECTED.contains(&name.as_str());
            if accepted(&manifest) == expect_reject {
                wrong.push(format!(
                    "{name}: expected {}, errors: {:?}",
                    if expect_reject { "reject" } else { "accept" },
                    error_codes(&manifest)
                ));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 90, "the corpus has 41 v3 and 49 v2 files");
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

/// (file, code, severity) triples that `manifest.md` §11 promises.
const KNOWN_DEFECTS: &[(&str, &str, Severity)] = &[
    ("v3/cli-v3_invalid.json", "MC0102", Severity::Error),
    ("v3/cli-v3_invalid.json", "MC0103", Severity::Error),
    ("v3/template-minimal.json", "MC0110", Severity::Error),
    ("v3/template-full-page.json", "MC0110", Severity::Error),
    ("v3/template-crud-model.json", "MC0110", Severity::Error),
    ("v3/native-whatsapp_native.json", "MC0402", Severity::Error),
    ("v2/whatsapp_native.json", "MC0402", Severity::Error),
    ("v3/catalog.json", "MC0412", Severity::Warning),
    ("v3/catalog.json", "MC0411", Severity::Warning),
    ("v3/fiscal_mexico.json", "MC0412", Severity::Warning),
    ("v3/tickets.json", "MC0412", Severity::Warning),
    ("v3/catalog.json", "MC0413", Severity::Warning),
    ("v3/fiscal_mexico.json", "MC0416", Severity::Warning),
    ("v3/fiscal-mx.json", "MC0411", Severity::Warning),
    ("v3/fiscal-mx.json", "MC0412", Severity::Warning),
    ("v3/woocommerce.json", "MC0504", Severity::Warning),
    ("v3/wordpress.json", "MC0504", Severity::Warning),
    ("v3/woocommerce.json", "MC0505", Severity::Warning),
    ("v2/woocommerce.json", "MC0505", Severity::Warning),
    ("v3/tickets-addon.json", "MC0414", Severity::Warning),
    ("v3/tickets-addon.json", "MC0507", Severity::Warning),
    ("v3/tickets-addon.json", "MC0707", Severity::Warning),
    ("v3/fiscal-mx.json", "MC0707", Severity::Warning),
    ("v2/catalog.json", "MC0415", Severity::Warning),
    ("v2/orders.json", "MC0415", Severity::Warning),
    ("v3/native-orders_native.json", "MC0422", Severity::Note),
];

#[test]
fn known_defects_produce_their_diagnostics() {
    let mut missing = Vec::new();
    for (file, code, severity) in KNOWN_DEFECTS {
        let manifest = validate_file(&corpus_dir().join(file));
        if !manifest
            .report
            .diagnostics
            .iter()
            .any(|d| d.code == *code && d.severity == *severity)
        {
            missing.push(format!("{file}: no {severity:?} {code}"));
        }
    }
    assert!(
        missing.is_empty(),
        "missing diagnostics:\n{}",
        missing.join("\n")
    );
}

#[test]
fn strict_rejects_every_file_with_a_warning() {
    for file in [
        "v3/catalog.json",
        "v3/tickets-addon.json",
        "v3/woocommerce.json",
    ] {
        let manifest = validate_file(&corpus_dir().join(file));
        assert!(accepted(&manifest), "{file} is accepted by default");
        assert!(
            manifest.report.has_errors(true),
            "{file} is rejected under --strict"
        );
    }
}

#[test]
fn corpus_diagnostics_snapshot() {
    for dialect in ["v3", "v2"] {
        for path in corpus_files(dialect) {
            let name = name_of(dialect, &path).replace(['/', '.'], "_");
            let manifest = validate_file(&path);
            insta::assert_json_snapshot!(name, manifest.report.located(false));
        }
    }
}

#[test]
fn human_output_snapshot_of_known_defects() {
    for file in [
        "v3/native-whatsapp_native.json",
        "v3/cli-v3_invalid.json",
        "v3/catalog.json",
    ] {
        let manifest = validate_file(&corpus_dir().join(file));
        let name = format!("human_{}", file.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, manifest.report.render_human(false));
    }
}
