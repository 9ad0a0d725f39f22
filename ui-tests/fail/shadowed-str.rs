// A host type named `str` is no string literal: a field written
// `&'static str` is read as one only when its `str` is the primitive.
use crewtel::{Telemetry, TelemetryValue, value::{Scalar, Text}};

#[allow(non_camel_case_types)]
struct str(String);

impl TelemetryValue for str {
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(&self.0))
    }
}

#[derive(Telemetry)]
struct Task {
    /// Text a person wrote, under a literal's name.
    #[telemetry(always)]
    prompt: &'static str,
    /// The same, in a list.
    #[telemetry(always)]
    prompts: Option<Vec<&'static str>>,
}

fn main() {}
