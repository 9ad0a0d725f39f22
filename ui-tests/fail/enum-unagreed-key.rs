// A variant sends only the keys agreed for it: a key it does not declare
// does not compile (the reference drops it at run time, silently).
use crewtel::Telemetry;

#[derive(Telemetry)]
#[telemetry(event = "Feature Usage")]
enum Feature {
    #[telemetry(rename = "memory:save")]
    MemorySave {
        #[telemetry(always)]
        entries: u32,
    },
}

fn main() {
    let _ = Feature::MemorySave { entries: 1, query: "what the user asked" };
}
