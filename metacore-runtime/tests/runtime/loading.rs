//! Load-time checks: modules that do not fit the ABI or the manifest are refused, naming
//! the function or import at fault.

use metacore_runtime::LoadError;

use crate::support::{addon, guest, sandbox};

fn refusal(addon_functions: &[&str], wat_text: &str) -> String {
    let addon = addon("loader", addon_functions).leak();
    let wasm = wat::parse_str(wat_text).expect("valid WAT");
    match sandbox().load(addon, &wasm) {
        Err(LoadError::Refused { findings }) => findings.join("\n"),
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("the module should have been refused"),
    }
}

#[test]
fn a_forbidden_import_is_refused_by_name() {
    let findings = refusal(
        &["echo"],
        r#"(module
             (import "metacore_host" "exec_shell" (func (param i32 i32)))
             (memory (export "memory") 1)
             (func (export "alloc") (param i32) (result i32) i32.const 8)
             (func (export "echo") (param i32 i32) (result i64) i64.const 0))"#,
    );
    assert!(findings.contains("metacore_host.exec_shell"), "{findings}");
}

#[test]
fn a_missing_handler_is_refused_with_a_suggestion() {
    let findings = refusal(
        &["EscalateTicket"],
        r#"(module
             (memory (export "memory") 1)
             (func (export "alloc") (param i32) (result i32) i32.const 8)
             (func (export "escalate_ticket") (param i32 i32) (result i64) i64.const 0))"#,
    );
    assert!(
        findings.contains("`EscalateTicket` is not exported"),
        "{findings}"
    );
    assert!(
        findings.contains("did you mean `escalate_ticket`"),
        "{findings}"
    );
}

#[test]
fn missing_memory_alloc_or_a_bad_signature_are_refused() {
    let findings = refusal(
        &["echo"],
        r#"(module (func (export "echo") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(findings.contains("`memory`"), "{findings}");
    assert!(findings.contains("`alloc`"), "{findings}");
    assert!(findings.contains("echo"), "{findings}");
}

#[test]
fn a_wasi_import_is_refused_until_wasi_is_provided() {
    let findings = refusal(
        &["echo"],
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "alloc") (param i32) (result i32) i32.const 8)
             (func (export "echo") (param i32 i32) (result i64) i64.const 0))"#,
    );
    assert!(
        findings.contains("wasi_snapshot_preview1.fd_write"),
        "{findings}"
    );
}

#[test]
fn both_handler_signatures_are_detected() {
    use metacore_runtime::wasm::HandlerAbi;
    let addon = addon("loader", &["echo", "echo_packed"]).leak();
    let module = sandbox().load(addon, &guest("")).expect("loads");
    assert_eq!(module.handler_abi("echo"), Some(HandlerAbi::PtrLen));
    assert_eq!(module.handler_abi("echo_packed"), Some(HandlerAbi::Packed));
}

#[test]
fn the_same_bytes_are_compiled_once() {
    // A sandbox of its own: other tests load modules into the shared one concurrently.
    let sandbox = metacore_runtime::Sandbox::new(metacore_runtime::SandboxConfig::default())
        .expect("the sandbox starts");
    let addon = addon("cached", &["echo"]).leak();
    let module = |body: &str| {
        wat::parse_str(format!(
            r#"(module
                 (memory (export "memory") 1)
                 (func (export "alloc") (param i32) (result i32) i32.const 8)
                 (func (export "echo") (param i32 i32) (result i64) {body}))"#
        ))
        .expect("valid WAT")
    };
    assert_eq!(sandbox.compiled_modules(), 0);
    sandbox.load(addon, &module("i64.const 0")).expect("loads");
    sandbox
        .load(addon, &module("i64.const 0"))
        .expect("loads again");
    assert_eq!(
        sandbox.compiled_modules(),
        1,
        "one compilation for one module"
    );
    sandbox.load(addon, &module("i64.const 1")).expect("loads");
    assert_eq!(
        sandbox.compiled_modules(),
        2,
        "other bytes, another compilation"
    );
}
