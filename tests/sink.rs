//! The facade's sink: a library sends through a `Dispatch` and never names
//! the backend; a test double and the `Reporter` both receive exactly what
//! each event's own consent allows.

use std::sync::{Arc, Mutex};

use crewtel::{
    ActiveSpan, Consent, Dispatch, Sink, Telemetry,
    sink::{AnyEvent, EndSpan},
};
use crewtel_reporter::Reporter;

// A span may end on another thread, be shared between tasks (in an `Arc`)
// and cross `tokio::spawn`: it borrows nothing.
static_assertions::assert_impl_all!(ActiveSpan: Send, Sync);
static_assertions::assert_impl_all!(Arc<ActiveSpan>: Send, Sync);
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
struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Ending(Arc<Mutex<Vec<String>>>, &'static str, Consent);

impl EndSpan for Ending {
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let end = end.map(|event| event.attributes_json()).unwrap_or_default();
        let line = format!("end {} {end} {error_type:?}", self.1);
        self.0.lock().unwrap().push(line);
    }

    fn consent(&self) -> Consent {
        self.2
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

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan {
        self.emit(event);
        ActiveSpan::new(Ending(Arc::clone(&self.0), event.name(), event.consent()))
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

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan {
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
        // The first line describes the machine; the events follow, each
        // with ids of its own (left out here) and its consent.
        text.lines()
            .skip(1)
            .map(|line| {
                let mut event: serde_json::Value = serde_json::from_str(line).unwrap();
                let event = event.as_object_mut().unwrap();
                assert!(event.remove("trace_id").is_some() && event.remove("span_id").is_some());
                serde_json::to_string(event).unwrap()
            })
            .collect()
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
    assert!(through_dispatch[0].contains(r#""consent":"share_crew""#));
    assert!(through_dispatch[1].contains(r#""consent":"anonymous""#));
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

#[derive(Telemetry)]
struct TaskOutput {
    /// The task's output: its crew's to share.
    #[telemetry(share_crew)]
    output: &'static str,
    /// How long it took.
    #[telemetry(always)]
    seconds: u32,
}

#[derive(Telemetry)]
struct OwnOutput {
    /// The task's output.
    #[telemetry(share_crew)]
    output: &'static str,
    /// The opt-in of whoever wrote it.
    #[telemetry(consent)]
    share_crew: bool,
}

/// Each way of ending a span, through a reporter's real pipeline and through
/// the plain capture: what the end sends and the consent it is labelled
/// with.
#[test]
fn a_span_s_end_is_sent_under_no_wider_consent_than_the_span_s() {
    const OUTPUT: TaskOutput = TaskOutput {
        output: "the crew's output",
        seconds: 3,
    };
    let execution = |share_crew| TaskExecution {
        task_id: 7,
        description: "d",
        share_crew,
    };
    let ends = |telemetry: &Dispatch| {
        // Anonymous span, an end that claims to share: anonymous.
        let anonymous = execution(false);
        let span = telemetry.start(anonymous.telemetry_event());
        span.end_with(OUTPUT.telemetry_event_with(Consent::ShareCrew));
        // Sharing span, an end without a consent of its own: the span's.
        let sharing = execution(true);
        let span = telemetry.start(sharing.telemetry_event());
        span.end_with(OUTPUT.telemetry_event());
        // Sharing span, an end whose own consent is anonymous: anonymous.
        let span = telemetry.start(sharing.telemetry_event());
        let own = OwnOutput {
            output: "someone else's",
            share_crew: false,
        };
        span.end_with(own.telemetry_event());
    };
    let plain = crewtel::testing::Capture::new();
    ends(&Dispatch::new(plain.sink()));
    let piped = crewtel::testing::Capture::new();
    let reporter = Arc::new(Reporter::builder().capture(&piped).build());
    ends(&Dispatch::new(reporter.clone()));
    reporter.shutdown();
    for capture in [plain, piped] {
        let spans = capture.named("Task Execution");
        assert_eq!(spans.len(), 3);
        assert_eq!(spans[0].consent, Some(Consent::Anonymous));
        assert_eq!(spans[0].get("output"), None, "{:?}", spans[0].keys());
        assert!(spans[0].get("seconds").is_some());
        assert_eq!(spans[1].consent, Some(Consent::ShareCrew));
        assert_eq!(
            spans[1].get("output").map(ToString::to_string).as_deref(),
            Some("the crew's output")
        );
        assert_eq!(spans[2].get("output"), None, "{:?}", spans[2].keys());
        capture.assert_never_sent("someone else's");
    }
}

/// A sink that leaves every run out (as a reporter under load does), and
/// counts the runs it was asked to start.
#[derive(Default)]
struct LeavesOut {
    runs: Arc<Mutex<usize>>,
    inside: Arc<Mutex<Vec<crewtel::sink::SpanIds>>>,
}

impl Sink for LeavesOut {
    fn emit(&self, _: &dyn AnyEvent) {
        *self.runs.lock().unwrap() += 1;
    }

    fn start(&self, _: &dyn AnyEvent) -> ActiveSpan {
        let mut runs = self.runs.lock().unwrap();
        *runs += 1;
        let ids = crewtel::sink::SpanIds::new(*runs as u128, 1);
        ActiveSpan::left_out(ids, Consent::Anonymous)
    }

    fn start_in(&self, parent: crewtel::sink::SpanIds, _: &dyn AnyEvent) -> ActiveSpan {
        self.inside.lock().unwrap().push(parent);
        ActiveSpan::left_out(parent.child(parent.span_id + 1), Consent::Anonymous)
    }
}

/// Inside a run left out, a span whose consent does not allow it (a
/// shared crew's execution, in an anonymous crew) stays in that run: what
/// starts inside it is left out with the run, never started as a run of its
/// own (and sampled again).
#[test]
fn inside_a_run_left_out_a_span_not_allowed_keeps_what_it_holds_in_the_run() {
    let sink = Arc::new(LeavesOut::default());
    let telemetry = Dispatch::new(sink.clone());
    let run = telemetry.start(
        TaskExecution {
            task_id: 1,
            description: "d",
            share_crew: false,
        }
        .telemetry_event(),
    );
    assert!(!run.is_recording(), "a run left out records nothing");
    // Not allowed anonymously.
    let middle = telemetry.start_in(
        &run,
        CrewExecution {
            crew_output: "secret",
        }
        .telemetry_event(),
    );
    assert!(!middle.is_recording());
    assert_eq!(middle.ids(), run.ids(), "it stands in its run's place");
    let inner = telemetry.start_in(
        &middle,
        TaskExecution {
            task_id: 2,
            description: "d",
            share_crew: false,
        }
        .telemetry_event(),
    );
    assert!(!inner.is_recording());
    assert_eq!(*sink.runs.lock().unwrap(), 1, "no second run was started");
    assert_eq!(*sink.inside.lock().unwrap(), [run.ids().unwrap()]);
}
