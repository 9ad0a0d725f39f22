// A key sent by a struct flattened two levels down clashes all the same.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds {
    #[telemetry(always)]
    crew_id: u32,
}

#[derive(Telemetry)]
struct TaskIds {
    #[telemetry(always)]
    task_id: u32,
    #[telemetry(always, flatten)]
    crew: CrewIds,
}

#[derive(Telemetry)]
struct ToolUsage {
    #[telemetry(always, flatten)]
    task: TaskIds,
    #[telemetry(always)]
    crew_id: u32,
}

fn main() {}
