// A host type named like a primitive is no number: it is judged, not trusted
// by its name.
use crewtel::{Telemetry, TelemetryValue, value::{Scalar, Text}};

#[allow(non_camel_case_types)]
struct u32(String);

impl TelemetryValue for u32 {
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(&self.0))
    }
}

#[derive(Telemetry)]
struct Task {
    /// Text a person wrote, under a number's name.
    #[telemetry(always)]
    count: u32,
}

fn main() {}
