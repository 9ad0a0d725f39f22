// A borrowed event (a struct with a lifetime, the usual shape) that flattens
// a struct sending one of its keys does not compile.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds<'a> {
    #[telemetry(always, free_text)]
    crew_id: &'a str,
}

#[derive(Telemetry)]
struct TaskEvent<'a> {
    #[telemetry(always, flatten)]
    crew: CrewIds<'a>,
    #[telemetry(always, free_text)]
    crew_id: &'a str,
}

fn main() {}
