// A generic field is judged where the struct is used: here it is text.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Labelled<T> {
    #[telemetry(always)]
    value: T,
}

fn main() {
    let counted = Labelled { value: 3_u32 };
    let _ = counted.telemetry_event().key_values();
    let named = Labelled { value: String::from("researcher") };
    let _ = named.telemetry_event().key_values();
}
