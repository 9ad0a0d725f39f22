//! What a user can see and decide: the local record of what was sent, the
//! status a host shows, and the first-run notice before a host's default
//! endpoint is used.

mod collector;

use std::collections::HashMap;
use std::path::Path;

use collector::{Behaviour, Captured, Collector, scratch_dir, to_json};
use crewtel::{Consent, Telemetry};
use crewtel_reporter::status::{Mode, NoticeProblem, Reason};
use crewtel_reporter::{Reporter, ReporterBuilder};

#[derive(Telemetry)]
#[telemetry(event = "Tool Usage")]
struct ToolUsage {
    #[telemetry(always, free_text)]
    tool_name: String,
    #[telemetry(always)]
    attempts: u32,
}

fn usage(n: u32) -> ToolUsage {
    ToolUsage {
        tool_name: format!("tool-{n}"),
        attempts: n,
    }
}

fn builder(vars: &[(&str, String)]) -> ReporterBuilder {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    // Never the user's own data folder (the outbox is kept there).
    env.entry("CREWTEL_DATA_DIR".into())
        .or_insert_with(|| scratch_dir("local").display().to_string());
    // A long bound: the tests read the record after `shutdown`, and a
    // courier that finishes its work stops at once.
    Reporter::builder()
        .service_name("local-tests")
        .environment(move |name| env.get(name).cloned())
        .on_warning(|line| panic!("unexpected warning: {line}"))
        .shutdown_timeout(std::time::Duration::from_secs(10))
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_record_matches_what_the_collector_received() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = scratch_dir("record");
    let reporter = builder(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ])
    .build();
    for n in 0..3 {
        reporter.emit(usage(n).telemetry_event());
    }
    reporter.shutdown();
    let record = dir.join("local-tests").join("sent.jsonl");
    assert_eq!(reporter.status().record.as_deref(), Some(record.as_path()));
    let recorded = lines(&record);
    let received = collector.spans();
    assert_eq!(
        recorded.len(),
        received.len() + 1,
        "the resource, then one line an event"
    );
    // The first line is the resource the events went with, exactly.
    assert_eq!(recorded[0]["resource"], to_json(&received[0].0));
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    for (line, (_, span)) in recorded[1..].iter().zip(&received) {
        assert_eq!(line["name"], span.name.as_str());
        assert_eq!(
            line["consent"], "anonymous",
            "the consent it was sent under"
        );
        assert_eq!(line["trace_id"], hex(&span.trace_id));
        assert_eq!(line["span_id"], hex(&span.span_id));
        assert_eq!(
            line["attributes"],
            to_json(&span.attributes),
            "{}",
            span.name
        );
    }
    assert_eq!(recorded[3]["attributes"]["tool_name"], "tool-2");
    for line in &recorded[1..] {
        let at = line["delivered"].as_str().expect("when it was delivered");
        let at = humantime::parse_rfc3339(at).expect("an RFC 3339 time");
        assert!(at.elapsed().unwrap() < std::time::Duration::from_secs(60));
    }
}

#[test]
fn what_never_left_is_not_recorded() {
    let dir = scratch_dir("not-sent");
    let reporter = builder(&[
        (
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
            collector::nothing_listening(),
        ),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ])
    .on_warning(|_| {})
    .build();
    reporter.emit(usage(1).telemetry_event());
    reporter.shutdown();
    let record = dir.join("local-tests").join("sent.jsonl");
    assert!(
        lines(&record).iter().all(|line| line.get("name").is_none()),
        "an event that never left was recorded"
    );
    assert!(reporter.status().last_events.is_empty());
}

#[test]
fn an_event_kept_while_the_collector_was_down_is_recorded_when_a_later_run_delivers_it() {
    let dir = scratch_dir("kept-then-sent");
    let down = builder(&[
        (
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
            collector::nothing_listening(),
        ),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ])
    .on_warning(|_| {})
    .build();
    down.emit(usage(7).telemetry_event());
    down.shutdown();
    let record = dir.join("local-tests").join("sent.jsonl");
    assert!(lines(&record).iter().all(|line| line.get("name").is_none()));

    let collector = Collector::start(Behaviour::Accept);
    let up = builder(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_DATA_DIR", dir.display().to_string()),
    ])
    .shutdown_timeout(std::time::Duration::from_secs(10))
    .build();
    up.shutdown();
    assert_eq!(collector.spans().len(), 1, "the next run delivered it");
    let events: Vec<_> = lines(&record)
        .into_iter()
        .filter(|line| line.get("name").is_some())
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["attributes"]["tool_name"], "tool-7");
    assert!(events[0]["delivered"].is_string());
}

#[test]
fn rotation_keeps_the_record_within_its_bound() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = scratch_dir("rotation");
    let record = dir.join("sent.jsonl");
    let reporter = builder(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        ("CREWTEL_RECORD", record.display().to_string()),
    ])
    .record_max_bytes(2_000)
    .build();
    for n in 0..300 {
        reporter.emit(usage(n).telemetry_event());
    }
    reporter.shutdown();
    let current = std::fs::metadata(&record).unwrap().len();
    let rotated = std::fs::metadata(dir.join("sent.jsonl.1")).unwrap().len();
    assert!(
        current <= 2_000 && rotated <= 2_000,
        "{current} + {rotated} bytes"
    );
    let status = reporter.status();
    assert_eq!(status.last_events.len(), 5);
    assert!(
        status.last_events[4].contains("tool-299"),
        "{:?}",
        status.last_events
    );
    assert_eq!(
        collector.spans().len(),
        300,
        "rotation loses nothing on the wire"
    );
}

#[test]
fn no_record_when_turned_off_or_when_nothing_leaves() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = scratch_dir("no-record");
    for vars in [
        vec![
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
            ("CREWTEL_RECORD", "off".to_owned()),
        ],
        vec![
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
            ("DO_NOT_TRACK", "1".to_owned()),
        ],
        vec![("CREWTEL_DEBUG", "1".to_owned())],
        vec![],
    ] {
        let mut vars = vars;
        vars.push(("CREWTEL_DATA_DIR", dir.display().to_string()));
        let reporter = builder(&vars).debug_output(std::io::sink()).build();
        reporter.emit(usage(1).telemetry_event());
        reporter.shutdown();
        assert_eq!(reporter.status().record, None);
        // What an export keeps until the collector takes it is gone once
        // it did; nothing else is written.
        let written: Vec<_> = walk(&dir)
            .into_iter()
            .filter(|path| path.is_file())
            .collect();
        assert!(written.is_empty(), "{written:?} was written with {vars:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Every path under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut paths = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            paths.push(entry.path());
            paths.extend(walk(&entry.path()));
        }
    }
    paths
}

#[test]
fn status_names_the_switch_that_decided() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = scratch_dir("status").display().to_string();
    type Case<'a> = (Vec<(&'a str, String)>, bool, Reason);
    let cases: Vec<Case> = vec![
        (
            vec![("OTEL_SDK_DISABLED", "true".into())],
            false,
            Reason::TurnedOff("OTEL_SDK_DISABLED"),
        ),
        (
            vec![("DO_NOT_TRACK", "1".into())],
            false,
            Reason::TurnedOff("DO_NOT_TRACK"),
        ),
        (
            vec![("CREWTEL_DISABLED", "1".into())],
            false,
            Reason::TurnedOff("CREWTEL_DISABLED"),
        ),
        (
            vec![("CREWTEL_DEBUG", "1".into())],
            false,
            Reason::DebugVariable,
        ),
        (vec![], false, Reason::NoEndpoint),
        (
            vec![("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint())],
            true,
            Reason::Endpoint("CREWTEL_EXPORTER_OTLP_ENDPOINT"),
        ),
        (
            vec![(
                "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                format!("{}/v1/traces", collector.endpoint()),
            )],
            true,
            Reason::Endpoint("CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        ),
    ];
    for (mut vars, enabled, decided_by) in cases {
        vars.push(("CREWTEL_DATA_DIR", dir.clone()));
        let reporter = builder(&vars).debug_output(std::io::sink()).build();
        let status = reporter.status();
        assert_eq!(status.enabled, enabled, "{vars:?}");
        assert_eq!(status.decided_by, decided_by, "{vars:?}");
        assert!(
            !status.to_string().contains("consent"),
            "status shows the reporter's decision, not one crew's consent"
        );
        let shown = status.to_string();
        assert!(shown.contains(&decided_by.to_string()), "{shown}");
    }
}

#[test]
fn status_never_shows_credentials_in_the_endpoint() {
    let collector = Collector::start(Behaviour::Accept);
    let endpoint = collector
        .endpoint()
        .replace("http://", "http://bob:hunter2@");
    let reporter = builder(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        (
            "CREWTEL_DATA_DIR",
            scratch_dir("credentials").display().to_string(),
        ),
    ])
    .build();
    let status = reporter.status();
    assert_eq!(
        status.endpoint,
        Some(format!("{}/v1/traces", collector.endpoint()))
    );
    assert!(!status.to_string().contains("hunter2"));
}

/// A reporter using only the host's default endpoint, with its notice sent
/// to `notice` and `visible` saying whether a person would see it.
fn with_default_endpoint(
    collector: &Collector,
    dir: &Path,
    extra: &[(&str, String)],
    notice: Captured,
    visible: bool,
) -> Reporter {
    let mut vars = vec![("CREWTEL_DATA_DIR", dir.display().to_string())];
    vars.extend_from_slice(extra);
    builder(&vars)
        .default_endpoint(collector.endpoint())
        .first_run_notice(
            "local-tests collects anonymous usage data; DO_NOT_TRACK=1 turns it off.",
            "catalogue-v1",
        )
        .notice_output(notice, visible)
        .build()
}

#[test]
fn nothing_reaches_the_default_endpoint_before_the_notice_is_seen() {
    let collector = Collector::start(Behaviour::Accept);
    let dir = scratch_dir("notice");

    // Nobody can see stderr: no notice, and nothing sent.
    let notice = Captured::default();
    let reporter = with_default_endpoint(&collector, &dir, &[], notice.clone(), false);
    assert_eq!(reporter.mode(), Mode::NoEndpoint);
    assert_eq!(
        reporter.status().decided_by,
        Reason::NoticeNotShown(NoticeProblem::NotSeen)
    );
    reporter.emit(usage(0).telemetry_event());
    reporter.shutdown();
    assert!(notice.text().is_empty());

    // In CI, even with a terminal: the same.
    let reporter = with_default_endpoint(
        &collector,
        &dir,
        &[("CI", "true".into())],
        notice.clone(),
        true,
    );
    assert_eq!(reporter.mode(), Mode::NoEndpoint);
    drop(reporter);
    assert_eq!(
        collector.received().len(),
        0,
        "something was sent before the notice"
    );

    // A person sees it: shown once, then events flow.
    let reporter = with_default_endpoint(&collector, &dir, &[], notice.clone(), true);
    assert_eq!(reporter.mode(), Mode::Export);
    assert!(notice.text().contains("collects anonymous usage data"));
    reporter.emit(usage(1).telemetry_event());
    reporter.shutdown();
    assert_eq!(collector.spans().len(), 1);

    // Not again for this catalogue version, even where nobody would see it.
    let again = Captured::default();
    let reporter = with_default_endpoint(&collector, &dir, &[], again.clone(), false);
    assert_eq!(reporter.mode(), Mode::Export);
    assert!(again.text().is_empty());
    drop(reporter);
}

#[test]
fn an_endpoint_the_user_chose_needs_no_notice() {
    let collector = Collector::start(Behaviour::Accept);
    let notice = Captured::default();
    let reporter = builder(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
        (
            "CREWTEL_DATA_DIR",
            scratch_dir("chosen").display().to_string(),
        ),
    ])
    .default_endpoint("https://telemetry.host.invalid")
    .notice_output(notice.clone(), false)
    .build();
    assert_eq!(reporter.mode(), Mode::Export);
    reporter.emit(usage(1).telemetry_event());
    reporter.shutdown();
    assert_eq!(collector.spans().len(), 1);
    assert!(notice.text().is_empty());
}

#[cfg(unix)]
mod the_record_is_the_users_alone {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::{Arc, Mutex};

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn reporter_writing_to(
        collector: &Collector,
        record: &Path,
        max_bytes: u64,
    ) -> (Reporter, Arc<Mutex<Vec<String>>>) {
        let env: HashMap<String, String> = HashMap::from([
            (
                "CREWTEL_EXPORTER_OTLP_ENDPOINT".to_owned(),
                collector.endpoint(),
            ),
            ("CREWTEL_RECORD".to_owned(), record.display().to_string()),
            (
                "CREWTEL_DATA_DIR".to_owned(),
                scratch_dir("private").display().to_string(),
            ),
        ]);
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&warnings);
        let reporter = Reporter::builder()
            .service_name("local-tests")
            .environment(move |name| env.get(name).cloned())
            .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
            .record_max_bytes(max_bytes)
            .build();
        (reporter, warnings)
    }

    #[test]
    fn wider_permissions_of_an_existing_record_are_tightened() {
        let collector = Collector::start(Behaviour::Accept);
        let dir = scratch_dir("record-perms");
        let record = dir.join("open").join("sent.jsonl");
        std::fs::create_dir_all(record.parent().unwrap()).unwrap();
        std::fs::set_permissions(record.parent().unwrap(), PermissionsExt::from_mode(0o755))
            .unwrap();
        std::fs::write(&record, "").unwrap();
        std::fs::set_permissions(&record, PermissionsExt::from_mode(0o644)).unwrap();
        let (reporter, warnings) = reporter_writing_to(&collector, &record, 1 << 20);
        reporter.emit(usage(1).telemetry_event());
        reporter.shutdown();
        assert_eq!(lines(&record).len(), 2, "the resource and the event");
        assert_eq!(mode(&record), 0o600);
        assert_eq!(mode(record.parent().unwrap()), 0o700);
        assert!(warnings.lock().unwrap().is_empty());
    }

    #[test]
    fn a_symbolic_link_is_not_followed() {
        let collector = Collector::start(Behaviour::Accept);
        let dir = scratch_dir("record-link");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, PermissionsExt::from_mode(0o700)).unwrap();
        let elsewhere = dir.join("someone-elses.txt");
        std::fs::write(&elsewhere, "untouched\n").unwrap();
        let record = dir.join("sent.jsonl");
        std::os::unix::fs::symlink(&elsewhere, &record).unwrap();
        let (reporter, warnings) = reporter_writing_to(&collector, &record, 1 << 20);
        reporter.emit(usage(1).telemetry_event());
        reporter.emit(usage(2).telemetry_event());
        reporter.shutdown();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "untouched\n");
        assert_eq!(collector.spans().len(), 2, "sending is not affected");
        let warnings = warnings.lock().unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("symbolic link"), "{warnings:?}");
        assert_eq!(reporter.status().unrecorded_events, 2);
    }

    #[test]
    fn one_line_longer_than_the_bound_is_left_out_and_counted() {
        #[derive(Telemetry)]
        #[telemetry(event = "Task Execution (end)")]
        struct Output {
            #[telemetry(share_crew)]
            task_output: String,
        }
        let collector = Collector::start(Behaviour::Accept);
        let dir = scratch_dir("record-long");
        let record = dir.join("sent.jsonl");
        let (reporter, _) = reporter_writing_to(&collector, &record, 4_000);
        // 1,000 bytes of quotes and control characters: four times that once
        // escaped as JSON.
        let escaped = "\"\u{1}".repeat(500);
        reporter.emit(
            Output {
                task_output: escaped,
            }
            .telemetry_event_with(Consent::ShareCrew),
        );
        reporter.emit(usage(1).telemetry_event());
        reporter.shutdown();
        let size = std::fs::metadata(&record).unwrap().len();
        assert!(size <= 4_000, "{size} bytes");
        assert!(
            !dir.join("sent.jsonl.1").exists()
                || std::fs::metadata(dir.join("sent.jsonl.1")).unwrap().len() <= 4_000
        );
        assert_eq!(reporter.status().unrecorded_events, 1);
        assert_eq!(collector.spans().len(), 2);
        let recorded = lines(&record);
        assert!(recorded.last().unwrap().to_string().contains("tool-1"));
    }
}
