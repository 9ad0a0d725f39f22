// `error_type(...)` takes an error through a type alias, a type parameter,
// and an error type that is `Debug` and `Display` but not
// `std::error::Error` (as `anyhow::Error` is): each sends its type's name.
use crewtel::Telemetry;

type IoFailure = std::io::Error;
type Boxed = Box<dyn std::error::Error + Send + Sync>;

/// Prints as an error without being a `std::error::Error`.
#[derive(Debug)]
struct Report;

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("report")
    }
}

#[derive(Telemetry)]
struct Run<E: std::fmt::Debug + std::fmt::Display> {
    #[telemetry(never, error_type(always, rename = "io_type"))]
    io: IoFailure,
    #[telemetry(never, error_type(always, rename = "boxed_type"))]
    boxed: Boxed,
    #[telemetry(never, error_type(always, rename = "report_type"))]
    report: Report,
    #[telemetry(never, error_type(always, rename = "generic_type"))]
    generic: E,
}

fn main() {
    let run = Run {
        io: std::io::Error::other("secret prompt"),
        boxed: Box::new(std::io::Error::other("secret prompt")),
        report: Report,
        generic: "42x".parse::<u8>().unwrap_err(),
    };
    let json = serde_json::to_string(&run.telemetry_event().attributes()).unwrap();
    assert_eq!(
        json,
        r#"{"io_type":"io::Error","boxed_type":"dyn Error","report_type":"Report","generic_type":"ParseIntError"}"#
    );
}
