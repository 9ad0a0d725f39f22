// `error_type(...)` sends the type name of an error: a field that keeps
// the error's message or a code instead would send `String` or `u16`.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct ToolRun {
    /// The error, kept as its message.
    #[telemetry(never, error_type(always))]
    last_error: Option<String>,
    #[telemetry(never, error_type(always, rename = "reason_type"))]
    reason: &'static str,
    #[telemetry(never, error_type(always, rename = "code_type"))]
    code: Option<u16>,
    #[telemetry(never, error_type(always, rename = "failed_type"))]
    failed: bool,
    #[telemetry(never, error_type(always, rename = "status_type"))]
    status: Option<std::num::NonZeroU16>,
}

fn main() {}
