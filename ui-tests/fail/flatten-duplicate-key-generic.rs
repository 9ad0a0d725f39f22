// A struct generic over what it flattens is checked where it is used: this
// use sends `crew_id` twice.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds {
    #[telemetry(always, free_text)]
    crew_id: String,
}

#[derive(Telemetry)]
struct TaskEvent<C> {
    #[telemetry(always, flatten)]
    crew: C,
    #[telemetry(always, free_text)]
    crew_id: String,
}

fn main() {
    let event = TaskEvent {
        crew: CrewIds { crew_id: "c1".into() },
        crew_id: "c1".into(),
    };
    let _ = event.telemetry_event().key_values();
}
