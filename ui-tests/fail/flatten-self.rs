// A struct cannot flatten itself: its keys would repeat without end.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Task {
    #[telemetry(always)]
    task_id: String,
    #[telemetry(always, flatten)]
    parent: Box<Task>,
    #[telemetry(always, flatten)]
    previous: std::rc::Rc<Self>,
}

fn main() {}
