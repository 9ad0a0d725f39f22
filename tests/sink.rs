//! The facade's sink: a library sends through a `Dispatch` and never names
//! the backend; a test double and the `Reporter` both receive exactly what
//! each event's own consent allows.

use std::sync::{Arc, Mutex};

use crewtel::{ActiveSpan, AnyEvent, Consent, Dispatch, EndSpan, Reporter, Sink, Telemetry};

// A span may end on another thread; the handle is shared between threads.
static_assertions::assert_impl_all!(ActiveSpan<'static>: Send);
static_assertions::assert_impl_all!(Dispatch: Send, Sync, Clone);

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct TaskExecution<'a> {
    /// The task's id.
    #[telemetry(always)]
    task_id: u32,
    /// What the task asks for.
    #[telemetry(share_crew)]
    description: &'a str,
    /// The crew's opt-in.
    #[telemetry(consent)]
    share_crew: bool,
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Execution", share_crew)]
struct CrewExecution {
    /// The crew's output.
    #[telemetry(share_crew)]
    crew_output: &'static str,
}

/// Keeps one line per event, and one per span's end.
#[derive(Default)]
struct Captured(Mutex<Vec<String>>);

impl Captured {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Ending<'s>(&'s Captured, &'static str);

impl EndSpan for Ending<'_> {
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let end = end.map(|event| event.attributes_json()).unwrap_or_default();
        let line = format!("end {} {end} {error_type:?}", self.1);
        self.0.0.lock().unwrap().push(line);
    }
}

impl Sink for Captured {
    fn emit(&self, event: &dyn AnyEvent) {
        let line = format!(
            "{} {:?} {}",
            event.name(),
            event.consent(),
            event.attributes_json()
        );
        self.0.lock().unwrap().push(line);
    }

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan<'_> {
        self.emit(event);
        ActiveSpan::new(Ending(self, event.name()))
    }
}

/// A library's code: it sees only the facade.
fn run_task(telemetry: &Dispatch, share_crew: bool) {
    let execution = TaskExecution {
        task_id: 1,
        description: "count the llamas",
        share_crew,
    };
    let span = telemetry.start(execution.telemetry_event());
    span.fail(&std::io::Error::other("the prompt was: count the llamas"));
    telemetry.emit(CrewExecution { crew_output: "42" }.telemetry_event());
}

#[test]
fn a_test_double_receives_each_event_under_its_own_consent() {
    let captured = Arc::new(Captured::default());
    let telemetry = Dispatch::new(captured.clone());
    assert!(telemetry.is_enabled());
    run_task(&telemetry, false);
    run_task(&telemetry, true);
    assert_eq!(
        captured.lines(),
        [
            r#"Task Execution Anonymous {"task_id":1}"#,
            r#"end Task Execution  Some("io::Error")"#,
            r#"Task Execution ShareCrew {"task_id":1,"description":"count the llamas"}"#,
            r#"end Task Execution  Some("io::Error")"#,
        ],
        "an anonymous crew's content and an opt-in event stay home; an error's message never goes"
    );
}

#[test]
fn a_span_ended_with_an_event_carries_what_its_consent_allows() {
    let captured = Arc::new(Captured::default());
    let telemetry = Dispatch::new(captured.clone());
    let execution = TaskExecution {
        task_id: 2,
        description: "d",
        share_crew: true,
    };
    let span = telemetry.start(execution.telemetry_event());
    assert!(span.is_recording());
    span.end_with(execution.telemetry_event_with(Consent::Anonymous));
    assert_eq!(
        captured.lines()[1],
        r#"end Task Execution {"task_id":2} None"#
    );
}

/// A sink that is off: asked once, when the dispatch is made.
struct Off(Captured);

impl Sink for Off {
    fn enabled(&self) -> bool {
        false
    }

    fn emit(&self, event: &dyn AnyEvent) {
        self.0.emit(event)
    }

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan<'_> {
        self.0.start(event)
    }
}

#[test]
fn no_sink_or_a_sink_that_is_off_receives_nothing() {
    run_task(&Dispatch::none(), true);
    let off = Arc::new(Off(Captured::default()));
    let telemetry = Dispatch::new(off.clone());
    assert!(!telemetry.is_enabled());
    run_task(&telemetry, true);
    assert!(off.0.lines().is_empty());
}

#[test]
fn the_reporter_is_a_sink_and_sends_what_it_sends_itself() {
    fn debug_lines(send: impl FnOnce(&Arc<Reporter>)) -> Vec<String> {
        let out = Arc::new(Mutex::new(Vec::<u8>::new()));
        let writer = SharedWriter(Arc::clone(&out));
        let reporter = Arc::new(
            Reporter::builder()
                .environment(|name| (name == "CREWTEL_DEBUG").then(|| "1".into()))
                .debug_output(writer)
                .build(),
        );
        send(&reporter);
        reporter.shutdown();
        let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        // The first line describes the machine; the events follow.
        text.lines().skip(1).map(str::to_owned).collect()
    }
    let through_dispatch = debug_lines(|reporter| {
        let telemetry = Dispatch::new(reporter.clone());
        run_task(&telemetry, true);
        run_task(&telemetry, false);
    });
    let direct = debug_lines(|reporter| {
        for share_crew in [true, false] {
            let execution = TaskExecution {
                task_id: 1,
                description: "count the llamas",
                share_crew,
            };
            reporter
                .start(execution.telemetry_event())
                .fail(&std::io::Error::other("the prompt was: count the llamas"));
            reporter.emit(CrewExecution { crew_output: "42" }.telemetry_event());
        }
    });
    // Two spans; the opt-in event carries no consent of its own, so it stays home.
    assert_eq!(through_dispatch.len(), 2, "{through_dispatch:?}");
    assert_eq!(through_dispatch, direct);
    assert!(!through_dispatch.concat().contains("the prompt was"));
    assert_eq!(
        through_dispatch
            .iter()
            .filter(|l| l.contains("count the llamas"))
            .count(),
        1,
        "only the crew that shares sends its task's description"
    );
}

#[test]
fn a_reporter_that_is_off_makes_a_dispatch_that_sends_nothing() {
    let reporter = Reporter::builder()
        .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
        .build();
    assert!(!Dispatch::new(Arc::new(reporter)).is_enabled());
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
