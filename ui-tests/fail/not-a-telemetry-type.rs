// A plain struct without the derive cannot be sent; the error names the type.
use crewtel::Telemetry;

struct Fingerprint {
    #[allow(dead_code)]
    uuid: String,
}

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always)]
    fingerprint: Fingerprint,
    #[telemetry(always)]
    history: Vec<Fingerprint>,
}

fn main() {}
