//! A field typed through `Self` (legitimate Rust) derives and sends its
//! value: the derive writes the struct's own type where `Self` is not in
//! scope.
#![deny(warnings)]

use crewtel::Telemetry;

trait HasKey {
    type Key;
}

#[derive(Telemetry)]
#[telemetry(event = "Keyed")]
struct Keyed {
    /// The key's number.
    #[telemetry(always)]
    key: <Self as HasKey>::Key,
    /// How many of them, as a list.
    #[telemetry(always, len(always))]
    keys: Vec<<Self as HasKey>::Key>,
}

impl HasKey for Keyed {
    type Key = u32;
}

#[derive(Telemetry)]
#[telemetry(event = "Generic Keyed")]
struct GenericKeyed<T: Clone + 'static> {
    /// The key's number.
    #[telemetry(always)]
    key: <Self as HasKey>::Key,
    #[telemetry(never)]
    _marker: std::marker::PhantomData<T>,
}

impl<T: Clone + 'static> HasKey for GenericKeyed<T> {
    type Key = u64;
}

fn main() {
    let keyed = Keyed { key: 7, keys: vec![1, 2] };
    let json = serde_json::to_string(&keyed.telemetry_event().attributes()).unwrap();
    assert_eq!(json, r#"{"key":7,"keys":[1,2],"keys_len":2}"#);
    let generic = GenericKeyed::<String> { key: 9, _marker: std::marker::PhantomData };
    let json = serde_json::to_string(&generic.telemetry_event().attributes()).unwrap();
    assert_eq!(json, r#"{"key":9}"#);
}
