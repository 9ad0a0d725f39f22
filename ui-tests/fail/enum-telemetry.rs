// `Telemetry` is for structs; unit-only enums derive `TelemetryValue`.
use crewtel::Telemetry;

#[derive(Telemetry)]
enum Process {
    Sequential,
    Hierarchical { manager: String },
}

fn main() {}
