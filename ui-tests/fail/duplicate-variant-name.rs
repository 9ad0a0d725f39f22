// Two variants cannot be sent as the same name.
use crewtel::TelemetryValue;

#[derive(TelemetryValue)]
enum Process {
    Sequential,
    #[telemetry(rename = "sequential")]
    Hierarchical,
}

fn main() {}
