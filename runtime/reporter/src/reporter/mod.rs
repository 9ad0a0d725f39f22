//! `Reporter`: the one object a host keeps to send events.

mod builder;
mod command;
mod contain;
mod inspect;
mod notice;
mod span;
mod status;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crewtel::attribute::KeyValue;

pub use builder::ReporterBuilder;
pub use command::{CommandError, TELEMETRY_USAGE};
pub use status::{Drops, Pending, Status, UnderLoad};

use crate::config::{Mode, Reason, RecordChoice};
use crate::export::{OpenSpan, Pipeline};
use crate::local;
use crate::spans::Note;
use contain::Containment;
use crewtel::Consent;
use crewtel::{
    ActiveSpan, Sink,
    sink::{AnyEvent, Sampling, SpanIds},
};
use crewtel::{Event, Telemetry};
use span::Span;

pub(crate) use crate::warning::WarningSink;

/// The default bound on [`Reporter::shutdown`].
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(100);

/// The default number of events the export queue holds before it drops.
pub const DEFAULT_QUEUE_SIZE: usize = 2048;

/// How many events [`Reporter::status`] shows.
const STATUS_EVENTS: usize = 5;

/// Sends events; built once per process from the environment.
///
/// `emit` returns at once whatever the network does, and costs a branch when
/// telemetry is off. `shutdown` (or dropping the reporter) flushes within a
/// bound. Nothing here panics or returns an error to the host.
///
/// ```
/// use crewtel::Telemetry;
/// use crewtel_reporter::Reporter;
/// use crewtel_reporter::status::Mode;
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Tool Usage")]
/// struct ToolUsage {
///     /// The tool's name.
///     #[telemetry(always, rename = "tool_name")]
///     name: &'static str,
/// }
///
/// let reporter = Reporter::builder()
///     .service_name("my-framework")
///     .service_version("1.2.3")
///     .environment(|_| None) // no variables: as on a machine with none set
///     .build();
/// assert_eq!(reporter.mode(), Mode::NoEndpoint);
/// reporter.emit(ToolUsage { name: "search" }.telemetry_event());
/// reporter.shutdown();
/// ```
pub struct Reporter {
    mode: Mode,
    /// What the reporter's spans share with it: they outlive any borrow.
    shared: Arc<Shared>,
    /// What `status` reports besides the mode.
    decided_by: Reason,
    endpoint: Option<String>,
    record: Option<PathBuf>,
    /// The record being kept, when one is.
    recorder: Option<Arc<local::Record>>,
    /// Where a record from earlier runs would be, for `status` to show even
    /// when nothing is written now.
    record_choice: RecordChoice,
    data_dir: Option<PathBuf>,
    service: String,
    /// The user's lasting choice, where it was found, and its file.
    choice: Option<(
        crate::choice::Choice,
        crate::choice::ChosenBy,
        Option<PathBuf>,
    )>,
    /// The application's own endpoint variable, set and not used.
    unused_application_endpoint: Option<&'static str>,
}

/// What every event and span of a reporter goes through, held by the
/// reporter and by each of its open spans.
struct Shared {
    /// Where events go: the export or the debug printer; `None` when off
    /// or nowhere to go.
    pipeline: Option<Pipeline>,
    /// Sent on every event (`every_event`), computed once.
    common: Vec<KeyValue>,
    /// Where a panic of host code called for an event stops.
    containment: Containment,
    /// Whether spans started inside another are its children.
    tree: bool,
}

impl Reporter {
    /// A builder; nothing is read until [`ReporterBuilder::build`].
    pub fn builder() -> ReporterBuilder {
        ReporterBuilder::default()
    }

    /// Where events go, as decided at build time.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Sends one event, under the consent it carries. Returns at once;
    /// never blocks, fails or panics.
    #[inline]
    pub fn emit<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) {
        self.emit_under(None, &event);
    }

    /// Opens a span for something that takes time (a task's execution): it
    /// is sent when it ends, with what [`ActiveSpan::end_with`] adds, or with
    /// an error status and the error's type from [`ActiveSpan::fail`].
    /// Returns at once; never blocks, fails or panics. The span borrows
    /// nothing: it can cross `.await` and `tokio::spawn`.
    ///
    /// ```
    /// use crewtel::{Consent, Telemetry};
    /// use crewtel_reporter::Reporter;
    ///
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Task Execution")]
    /// struct TaskExecution {
    ///     #[telemetry(always)]
    ///     task_id: &'static str,
    ///     /// The crew's opt-in.
    ///     #[telemetry(consent)]
    ///     share_crew: bool,
    /// }
    ///
    /// #[derive(Telemetry)]
    /// struct TaskOutput<'a> {
    ///     /// What the task produced: its crew's to share.
    ///     #[telemetry(share_crew)]
    ///     task_output: &'a str,
    /// }
    ///
    /// let reporter = Reporter::builder().environment(|_| None).build();
    /// // A crew that shares: the output, which has no consent of its own,
    /// // is sent under the span's.
    /// let execution = TaskExecution { task_id: "t1", share_crew: true };
    /// let span = reporter.start(execution.telemetry_event());
    /// let output = String::from("42 llamas");
    /// span.end_with(TaskOutput { task_output: &output }.telemetry_event());
    ///
    /// // An anonymous crew's span never sends it, whatever the end says.
    /// let anonymous = TaskExecution { task_id: "t2", share_crew: false };
    /// let span = reporter.start(anonymous.telemetry_event());
    /// span.end_with(TaskOutput { task_output: &output }.telemetry_event_with(Consent::ShareCrew));
    ///
    /// let span = reporter.start(execution.telemetry_event());
    /// let error = std::io::Error::other("disk full: /home/alice/crew.db");
    /// span.fail(&error); // sends `error_type: "io::Error"`, never the message
    /// ```
    pub fn start<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) -> ActiveSpan {
        self.start_under(None, &event)
    }

    /// Events dropped so far: the export queue was full, an event was too
    /// large, the reporter was shut down, or host code called to build the
    /// event panicked.
    pub fn dropped_events(&self) -> u64 {
        let shared = &self.shared;
        let exported = shared.pipeline.as_ref().map_or(0, Pipeline::dropped);
        exported + shared.containment.dropped()
    }

    fn drops(&self) -> Drops {
        let mut drops = self
            .shared
            .pipeline
            .as_ref()
            .map(Pipeline::drops)
            .unwrap_or_default();
        drops.host_code_panicked = self.shared.containment.dropped();
        drops
    }

    fn pending(&self) -> Pending {
        let Some((pending, next)) = self.shared.pipeline.as_ref().map(Pipeline::pending) else {
            return Pending::default();
        };
        Pending {
            requests: pending.requests,
            oldest_age: pending.oldest.and_then(|at| at.elapsed().ok()),
            next_attempt_in: next
                .and_then(|at| at.duration_since(std::time::SystemTime::now()).ok()),
        }
    }

    fn sampling(&self) -> Option<UnderLoad> {
        let (episode, runs_left_out) = self.shared.pipeline.as_ref()?.sampling();
        let episode = episode?;
        let ago = |at: std::time::SystemTime| at.elapsed().unwrap_or_default();
        Some(UnderLoad {
            started_ago: ago(episode.since),
            ended_ago: episode.until.map(ago),
            keeping: episode.keeping,
            runs_left_out,
        })
    }

    /// Attributes left out so far because `CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`
    /// could not cut them without breaking them (a JSON-encoded list whose
    /// first entry alone is longer), and nested structs cut at the nesting
    /// limit ([`MAX_NESTING`](crewtel::attribute::MAX_NESTING), counted for the whole
    /// process). The count limit's drops are in each span's
    /// dropped-attribute count.
    pub fn dropped_attributes(&self) -> u64 {
        let cut = self
            .shared
            .pipeline
            .as_ref()
            .map_or(0, Pipeline::cut_attributes);
        cut + crewtel::diagnostics::cut_at_depth()
    }

    /// Whether telemetry is on and why, the consent, the endpoint, the local
    /// record and the last events in it: what a host's `telemetry status`
    /// command shows. Reads the record; not for a hot path.
    pub fn status(&self) -> Status {
        let recording = self.record.is_some();
        let record = self.record.clone().or_else(|| self.earlier_record());
        Status {
            enabled: self.mode == Mode::Export,
            mode: self.mode,
            decided_by: self.decided_by,
            endpoint: self.endpoint.clone(),
            last_events: record
                .as_deref()
                .map(|path| local::tail(path, STATUS_EVENTS))
                .unwrap_or_default(),
            record,
            recording,
            dropped_events: self.dropped_events(),
            dropped: self.drops(),
            choice: self.choice.as_ref().map(|(choice, _, _)| *choice),
            chosen_by: self.choice.as_ref().map(|(_, by, _)| *by),
            choice_file: self.choice.as_ref().and_then(|(_, _, file)| file.clone()),
            pending: self.pending(),
            sampling: self.sampling(),
            unrecorded_events: self.recorder.as_ref().map_or(0, |r| r.left_out()),
            unused_application_endpoint: self.unused_application_endpoint,
        }
    }

    /// The record of earlier runs, if one is there (looked up only when a
    /// user asks, so that off stays off).
    fn earlier_record(&self) -> Option<PathBuf> {
        let dir = local::host_dir(self.data_dir.clone(), &self.service);
        record_path(&self.record_choice, dir.as_deref()).filter(|path| path.exists())
    }

    /// Flushes what is queued, waiting at most the shutdown bound; later
    /// calls (and the drop) do nothing. Events emitted after it are dropped
    /// and counted ([`dropped_events`](Self::dropped_events)), printed ones
    /// in debug mode too: the printer is the pipeline's exporter. Do not call it from inside an async
    /// task if you can help it: it blocks its thread for up to the bound.
    pub fn shutdown(&self) {
        if let Some(pipeline) = &self.shared.pipeline {
            pipeline.shutdown();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The one reporter of a process is the sink its libraries send through:
/// `Dispatch::new(Arc::new(reporter))`, or an `Arc<Reporter>` kept to shut
/// it down.
impl Sink for Reporter {
    fn enabled(&self) -> bool {
        self.shared.pipeline.is_some()
    }

    fn emit(&self, event: &dyn AnyEvent) {
        self.emit_under(None, event);
    }

    fn start(&self, event: &dyn AnyEvent) -> ActiveSpan {
        self.start_under(None, event)
    }

    fn emit_in(&self, parent: SpanIds, event: &dyn AnyEvent) {
        self.emit_under(Some(parent), event);
    }

    fn start_in(&self, parent: SpanIds, event: &dyn AnyEvent) -> ActiveSpan {
        self.start_under(Some(parent), event)
    }
}

impl Reporter {
    #[inline]
    fn emit_under<E: AnyEvent + ?Sized>(&self, parent: Option<SpanIds>, event: &E) {
        if let Some(pipeline) = &self.shared.pipeline
            && event.is_allowed()
        {
            self.shared.send(pipeline, event, parent);
        }
    }

    fn start_under<E: AnyEvent + ?Sized>(&self, parent: Option<SpanIds>, event: &E) -> ActiveSpan {
        let Some(pipeline) = &self.shared.pipeline else {
            return ActiveSpan::none();
        };
        if !event.is_allowed() {
            return ActiveSpan::none();
        }
        let parent = parent.filter(|_| self.shared.tree);
        let ids = pipeline.place(parent);
        if ids.sampling == Sampling::LeftOut {
            // What starts inside it is left out with it.
            return match self.shared.tree {
                true => ActiveSpan::left_out(ids, event.consent()),
                false => ActiveSpan::none(),
            };
        }
        match self.shared.open(pipeline, event, ids, parent) {
            Some((open, consent)) => ActiveSpan::new(Span {
                shared: Arc::clone(&self.shared),
                open,
                consent,
            }),
            None => ActiveSpan::none(),
        }
    }
}

impl Shared {
    /// Builds the attributes (where host code's panics stop) and sends them,
    /// inside `parent` when there is one and spans form a tree; a full queue
    /// drops the event before they are built.
    #[inline]
    fn send<E: AnyEvent + ?Sized>(&self, pipeline: &Pipeline, event: &E, parent: Option<SpanIds>) {
        let parent = parent.filter(|_| self.tree);
        let ids = pipeline.place(parent);
        if ids.sampling == Sampling::LeftOut || !pipeline.admit() {
            return;
        }
        if let Some(attributes) = self.containment.run(|| event.key_values_and(&self.common)) {
            let parent = parent.map(|parent| parent.span_id);
            let open = pipeline.start(event.name(), attributes, ids, parent, note(event));
            pipeline.finish(open, &[], &[], None);
        }
    }

    /// A span's own attributes, and the consent it was started under;
    /// `common` joins them when it ends, after what the end adds, so that a
    /// count limit drops the context first.
    fn open<E: AnyEvent + ?Sized>(
        &self,
        pipeline: &Pipeline,
        event: &E,
        ids: SpanIds,
        parent: Option<SpanIds>,
    ) -> Option<(OpenSpan, Consent)> {
        let attributes = self.containment.run(|| event.key_values())?;
        let parent = parent.map(|parent| parent.span_id);
        let open = pipeline.start(event.name(), attributes, ids, parent, note(event));
        Some((open, event.consent()))
    }
}

/// What built a span, for the ends that show it (a printer, a capture, the
/// record): it travels with the span.
fn note<E: AnyEvent + ?Sized>(event: &E) -> Note {
    Note::of(event.consent(), event.catalogue())
}

/// Where the record is, or would be, kept: `choice`'s file, or the one in
/// the host's folder of the user's data directory.
fn record_path(choice: &RecordChoice, host_dir: Option<&Path>) -> Option<PathBuf> {
    match choice {
        RecordChoice::Off => None,
        RecordChoice::Path(path) => Some(path.clone()),
        RecordChoice::Default => host_dir.map(|dir| dir.join(local::RECORD_FILE)),
    }
}
