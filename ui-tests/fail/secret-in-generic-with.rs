// A generic field that is a `Secret` where the struct is used cannot be read
// by a `with` function: the derive asks the type system at the use site.
use crewtel::{Secret, Telemetry};

fn anything<T: ?Sized>(_: &T) -> &'static str {
    "known"
}

#[derive(Telemetry)]
struct Wrapped<T> {
    #[telemetry(always, with = "anything")]
    value: T,
}

fn main() {
    let wrapped = Wrapped { value: Secret::new(String::from("sk-123")) };
    let _ = wrapped.telemetry_event();
}
