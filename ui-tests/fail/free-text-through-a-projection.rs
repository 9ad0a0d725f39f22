// A `&'static str` is read as program text only where it is the value, or an
// entry of a standard container: through another type's arguments (here a
// projection that maps it to `String`) the type is judged as written.
use crewtel::Telemetry;

trait Pick {
    type Out;
}

impl Pick for &'static str {
    type Out = String;
}

impl Pick for crewtel::Literal {
    type Out = u8;
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always)]
    role: <&'static str as Pick>::Out,
    #[telemetry(always)]
    version: Option<&'static str>,
}

fn main() {}
