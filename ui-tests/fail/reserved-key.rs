// `error_type` is the key the reporter adds to a failed span: no field or
// derived fact can send it too.
use crewtel::Telemetry;

#[derive(Debug)]
struct ToolError;

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

#[derive(Telemetry)]
struct ToolUsage {
    #[telemetry(always)]
    error_type: String,
    #[telemetry(always, rename = "error_type")]
    kind: String,
    #[telemetry(never, error_type(always, rename = "error_type"))]
    last_error: Option<ToolError>,
}

fn main() {}
