// Nested structs behind references, boxes and shared pointers, and a
// recursive struct, are sent like the struct itself.
#![deny(warnings)]

use std::rc::Rc;
use std::sync::Arc;

use crewtel::Telemetry;

#[derive(Telemetry)]
struct Agent {
    #[telemetry(always)]
    role: &'static str,
}

#[derive(Telemetry)]
struct Crew<'a> {
    #[telemetry(always)]
    lead: &'a Agent,
    #[telemetry(always)]
    boxed: Box<Agent>,
    #[telemetry(always)]
    shared: Arc<Agent>,
    #[telemetry(always)]
    counted: Rc<Agent>,
    #[telemetry(always)]
    borrowed: Vec<&'a Agent>,
    #[telemetry(always)]
    pool: Vec<Arc<Agent>>,
}

#[derive(Telemetry)]
struct Task {
    #[telemetry(always)]
    id: u32,
    #[telemetry(always)]
    next: Option<Box<Task>>,
}

fn main() {
    let agent = Agent { role: "r" };
    let crew = Crew {
        lead: &agent,
        boxed: Box::new(Agent { role: "b" }),
        shared: Arc::new(Agent { role: "s" }),
        counted: Rc::new(Agent { role: "c" }),
        borrowed: vec![&agent],
        pool: vec![Arc::new(Agent { role: "p" })],
    };
    let json = serde_json::to_string(&crew.telemetry_event().attributes()).unwrap();
    assert_eq!(
        json,
        r#"{"lead":"{\"role\":\"r\"}","boxed":"{\"role\":\"b\"}","shared":"{\"role\":\"s\"}","counted":"{\"role\":\"c\"}","borrowed":"[{\"role\":\"r\"}]","pool":"[{\"role\":\"p\"}]"}"#
    );
    let task = Task { id: 1, next: Some(Box::new(Task { id: 2, next: None })) };
    let json = serde_json::to_string(&task.telemetry_event().attributes()).unwrap();
    assert_eq!(json, r#"{"id":1,"next":"{\"id\":2}"}"#);
    // A recursive struct's catalogue lists itself once, not forever.
    assert_eq!(Task::CATALOGUE.keys()[1].nested.len(), 0);
}
