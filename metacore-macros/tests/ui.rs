//! `#[metacore::model]` as a user crate sees it: a valid model compiles, runs and serves its
//! descriptors; mistakes are compile errors at the offending attribute or field.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
