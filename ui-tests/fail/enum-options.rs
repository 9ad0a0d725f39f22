// Options on a `TelemetryValue` enum itself are checked too.
use crewtel::TelemetryValue;

#[derive(TelemetryValue)]
#[telemetry(rename_all = "kebab-case")]
enum Mode {
    FastMode,
}

#[derive(TelemetryValue)]
#[telemetry(crat = "crewtel")]
enum Other {
    One,
}

fn main() {}
