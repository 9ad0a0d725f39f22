//! `Secret<T>` implements none of the traits that send, and shows nothing.

use std::collections::BTreeMap;
use std::fmt::Display;

use crewtel::__private::{Element, Emit, Len, Present};
use crewtel::{Secret, Telemetry, TelemetryValue};
use static_assertions::assert_not_impl_any;

assert_not_impl_any!(Secret<String>: TelemetryValue, Emit, Element, Len, Present, Telemetry);
assert_not_impl_any!(Secret<&'static str>: TelemetryValue, Emit, Element, Len, Present, Telemetry);
assert_not_impl_any!(Secret<u64>: TelemetryValue, Emit, Element, Len, Present);
assert_not_impl_any!(Secret<Vec<String>>: Emit, Len, Present);
assert_not_impl_any!(Secret<String>: serde::Serialize, Display);
assert_not_impl_any!(Option<Secret<String>>: Emit);
assert_not_impl_any!(Vec<Secret<String>>: Emit);
assert_not_impl_any!(Box<Secret<String>>: Emit);
assert_not_impl_any!(&'static Secret<String>: Emit);
assert_not_impl_any!(BTreeMap<String, Secret<String>>: Emit);
assert_not_impl_any!(Option<Vec<Secret<String>>>: Emit);
// A host keeps its reporter in a static or shares it between threads.
static_assertions::assert_impl_all!(crewtel_reporter::Reporter: Send, Sync);

#[test]
fn debug_shows_no_content() {
    let secret = Secret::new(String::from("sk-live-0123456789"));
    let debug = format!("{secret:?} {secret:#?}");
    assert!(!debug.contains("sk-live"), "{debug}");
    assert!(debug.contains("redacted"));
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Llm {
        key: Secret<String>,
    }
    let llm = format!("{:?}", Llm { key: secret });
    assert!(!llm.contains("sk-live"), "{llm}");
}

#[test]
fn the_host_can_still_use_its_secret() {
    let secret = Secret::from(7_u32);
    assert_eq!(*secret.expose(), 7);
    assert_eq!(secret.into_exposed(), 7);
}
