//! Where events go, as a library sees it: the [`Sink`] trait a program's
//! backend implements (the `Reporter` does, and so can a test double), and
//! the [`Dispatch`] handle a framework's own code sends through.
//!
//! As with `log::Log` or `metrics::Recorder`, a library is written against
//! the trait and never names the backend: its crate depends on `crewtel`
//! alone, and the program that uses it picks the sink.

mod any_event;
mod dispatch;
mod span;

pub use any_event::AnyEvent;
pub use dispatch::Dispatch;
pub use span::{ActiveSpan, EndSpan, Sampling, SpanIds};

/// A destination for events: the `Reporter`, or a test double.
///
/// Each event arrives as an [`AnyEvent`]: its name, the consent it carries
/// and its attributes, built only when the sink asks for them and only for
/// the keys that consent allows. A sink cannot widen that: an `AnyEvent` is
/// always an [`Event`](crate::Event) of a `Telemetry` type.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use crewtel::{ActiveSpan, Dispatch, Sink, Telemetry, sink::AnyEvent};
///
/// /// Keeps the name and JSON attributes of every event.
/// #[derive(Default)]
/// struct Captured(Mutex<Vec<String>>);
///
/// impl Sink for Captured {
///     fn emit(&self, event: &dyn AnyEvent) {
///         let line = format!("{} {}", event.name(), event.attributes_json());
///         self.0.lock().unwrap().push(line);
///     }
///     fn start(&self, event: &dyn AnyEvent) -> ActiveSpan {
///         self.emit(event);
///         ActiveSpan::none()
///     }
/// }
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Tool Usage")]
/// struct ToolUsage<'a> {
///     /// The tool's name, as its author wrote it.
///     #[telemetry(always, free_text)]
///     tool_name: &'a str,
/// }
///
/// let captured = Arc::new(Captured::default());
/// let telemetry = Dispatch::new(captured.clone());
/// telemetry.emit(ToolUsage { tool_name: "search" }.telemetry_event());
/// assert_eq!(*captured.0.lock().unwrap(), [r#"Tool Usage {"tool_name":"search"}"#]);
/// ```
pub trait Sink: Send + Sync {
    /// Whether events are wanted at all. A [`Dispatch`] asks once, when it
    /// is made: a sink that says no costs its senders a branch an event. (A
    /// `Reporter` wants them when it exports or prints them: in debug mode
    /// too, where its `Status::enabled` says nothing leaves the process.)
    fn enabled(&self) -> bool {
        true
    }

    /// Takes one event that happened now. Must return at once and never
    /// panic: it runs on the host's thread.
    fn emit(&self, event: &dyn AnyEvent);

    /// Opens a span for something that takes time (a task's execution); it
    /// is sent when the returned [`ActiveSpan`] ends. A sink without spans
    /// returns [`ActiveSpan::none`].
    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan;

    /// Takes one event that happened inside the span `parent` (a tool call
    /// in a task). A sink that keeps no tree takes it as [`emit`](Self::emit)
    /// does, the default.
    fn emit_in(&self, parent: SpanIds, event: &dyn AnyEvent) {
        let _ = parent;
        self.emit(event);
    }

    /// Opens a span inside the span `parent` (a task in its crew's run). A
    /// sink that keeps no tree opens it as [`start`](Self::start) does, the
    /// default.
    fn start_in(&self, parent: SpanIds, event: &dyn AnyEvent) -> ActiveSpan {
        let _ = parent;
        self.start(event)
    }
}
