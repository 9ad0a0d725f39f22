// Tuple structs have no names to classify and key.
use crewtel::Telemetry;

#[derive(Telemetry)]
struct Ids(String, String);

fn main() {}
