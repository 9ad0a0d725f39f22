//! Compile-time guarantees: every case in `ui-tests/fail` must fail to compile
//! with exactly its reviewed `.stderr`; every case in `ui-tests/pass` must
//! compile (under `#![deny(warnings)]`) and run.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/fail/*.rs");
    cases.pass("ui-tests/pass/*.rs");
}
