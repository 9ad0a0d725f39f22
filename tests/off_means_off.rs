//! Off means off: no thread, no socket, no file, no environment probing.
//! Alone in its test binary, so the process's own counts can be compared.

use crewtel::Telemetry;
use crewtel_reporter::status::Mode;
use crewtel_reporter::{Environment, Reporter};

#[derive(Telemetry)]
struct Ping {
    #[telemetry(always)]
    n: u8,
}

/// The process's thread count and open file descriptors (sockets and files).
fn footprint() -> (usize, usize) {
    let threads = std::fs::read_dir("/proc/self/task")
        .map(|d| d.count())
        .unwrap_or(0);
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0);
    (threads, fds)
}

#[test]
fn an_off_reporter_starts_nothing_opens_nothing_and_probes_nothing() {
    // The user's lasting choice, kept in a file: off.
    const CONFIG: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/crewtel-off-choice");
    std::fs::create_dir_all(CONFIG).unwrap();
    std::fs::write(format!("{CONFIG}/telemetry"), "off\n").unwrap();
    let before = footprint();
    // Each off switch, the choice (a variable, a file), and "no endpoint
    // anywhere": nothing may start.
    for (switch, value) in [
        ("OTEL_SDK_DISABLED", "true"),
        ("DO_NOT_TRACK", "1"),
        ("CREWTEL_DISABLED", "1"),
        ("CREWTEL_TELEMETRY", "off"),
        ("CREWTEL_CONFIG_DIR", CONFIG),
        ("", ""),
    ] {
        let reporter = Reporter::builder()
            .environment(move |name| match name {
                _ if name == switch => Some(value.into()),
                "CREWTEL_EXPORTER_OTLP_ENDPOINT" if !switch.is_empty() => {
                    Some("http://127.0.0.1:9".into())
                }
                _ => None,
            })
            .build();
        let expected = if switch.is_empty() {
            Mode::NoEndpoint
        } else {
            Mode::Off
        };
        assert_eq!(reporter.mode(), expected, "{switch}");
        for n in 0..100 {
            reporter.emit(Ping { n }.telemetry_event());
            reporter.start(Ping { n }.telemetry_event()).end();
        }
        assert_eq!(
            footprint(),
            before,
            "{switch}: threads or descriptors changed"
        );
        let _ = reporter.status();
        reporter.shutdown();
        drop(reporter);
        assert_eq!(
            footprint(),
            before,
            "{switch}: threads or descriptors changed"
        );
        assert!(
            !Environment::detected(),
            "{switch}: the environment was probed"
        );
    }

    // The measure can see a difference: an exporting reporter starts its
    // batch thread and probes the environment.
    let on = Reporter::builder()
        .environment(|name| match name {
            "CREWTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://127.0.0.1:9".into()),
            "CREWTEL_RECORD" => Some("off".into()),
            "CREWTEL_DATA_DIR" => {
                Some(concat!(env!("CARGO_TARGET_TMPDIR"), "/crewtel-off-means-off").into())
            }
            _ => None,
        })
        .build();
    assert_eq!(on.mode(), Mode::Export);
    assert!(footprint().0 > before.0);
    assert!(Environment::detected());
    drop(on);
}
