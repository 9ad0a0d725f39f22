// Two structs that flatten each other: their keys would repeat without end.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Crew {
    #[telemetry(always)]
    crew_id: u64,
    #[telemetry(always, flatten)]
    task: Box<Task>,
}

#[derive(Telemetry)]
struct Task {
    #[telemetry(always)]
    task_id: u64,
    #[telemetry(always, flatten)]
    crew: Box<Crew>,
}

fn main() {}
