// Borrowed and generic structs (over types or constants) flatten others,
// their keys checked where they are used; this use sends each key once.
#![deny(warnings)]

use crewtel::Telemetry;

#[derive(Telemetry)]
struct CrewIds<'a> {
    #[telemetry(always, free_text)]
    crew_id: &'a str,
}

#[derive(Telemetry)]
#[telemetry(event = "Task Created")]
struct TaskEvent<'a, C> {
    #[telemetry(always, flatten)]
    crew: C,
    #[telemetry(always, free_text)]
    task_id: &'a str,
}

/// Generic over a constant: its array field is judged where it is used.
#[derive(Telemetry)]
struct Window<const N: usize> {
    #[telemetry(always)]
    samples: [u8; N],
}

fn main() {
    let window = Window { samples: [1, 2, 3] };
    assert_eq!(window.telemetry_event().key_values().len(), 1);
    let crew_id = String::from("c1");
    let event = TaskEvent {
        crew: CrewIds { crew_id: &crew_id },
        task_id: "t1",
    };
    let keys: Vec<String> = event
        .telemetry_event()
        .key_values()
        .into_iter()
        .map(|kv| kv.key.to_string())
        .collect();
    assert_eq!(keys, ["crew_id", "task_id"]);
}
