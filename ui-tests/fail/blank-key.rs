// A key of blanks is as empty as an empty one.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct ToolUsage {
    #[telemetry(always, rename = "   ")]
    tool_name: String,
    #[telemetry(never, len(always, rename = "\t"))]
    prompt: String,
}

fn main() {}
