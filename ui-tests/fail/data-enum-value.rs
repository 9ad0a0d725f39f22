// `TelemetryValue` sends a variant's name: variants cannot carry data (yet).
use crewtel::TelemetryValue;

#[derive(TelemetryValue)]
enum LlmError {
    Timeout,
    Refused(String),
    RateLimited { retry_after: u64 },
}

fn main() {}
