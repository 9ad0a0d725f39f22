//! `ActiveSpan`: something that takes time, sent when it ends.

use crate::consent::Consent;
use crate::error_type::ErrorType;
use crate::event::{Event, Telemetry};

use super::AnyEvent;

/// A span opened by a [`Sink`](super::Sink) (a `Reporter`, a
/// [`Dispatch`](super::Dispatch)); it is sent when it ends, and dropping it
/// ends it too.
///
/// It borrows nothing and is `Send + Sync + 'static`, as `tracing::Span` is:
/// it can be held across `.await`, end on another thread, and be shared
/// (in an `Arc`) with the tasks a crew spawns, whose spans
/// [`Dispatch::start_in`](super::Dispatch::start_in) makes its children. A
/// shared span ends when its last `Arc` is dropped.
///
/// ```
/// use std::sync::Arc;
/// use crewtel::{ActiveSpan, Dispatch, Telemetry};
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Crew Execution")]
/// struct CrewRun {
///     /// How many tasks.
///     #[telemetry(always)]
///     tasks: usize,
/// }
/// #[derive(Telemetry)]
/// #[telemetry(event = "Task Execution")]
/// struct TaskRun {
///     /// Which task.
///     #[telemetry(always)]
///     index: usize,
/// }
///
/// fn kickoff(telemetry: Dispatch) {
///     let crew: Arc<ActiveSpan> = Arc::new(telemetry.start(CrewRun { tasks: 2 }.telemetry_event()));
///     let workers: Vec<_> = (0..2)
///         .map(|index| {
///             let (telemetry, crew) = (telemetry.clone(), Arc::clone(&crew));
///             std::thread::spawn(move || {
///                 telemetry.start_in(&crew, TaskRun { index }.telemetry_event()).end();
///             })
///         })
///         .collect();
///     workers.into_iter().for_each(|worker| worker.join().unwrap());
/// } // the crew's span ends with its last handle
/// # kickoff(Dispatch::none());
/// ```
#[must_use = "a span is sent when it ends: call `end`, `end_with` or `fail`"]
pub struct ActiveSpan {
    open: Option<Box<dyn EndSpan + Send + Sync>>,
}

/// How a sink ends one of its spans: what [`ActiveSpan`] calls, once.
pub trait EndSpan {
    /// Ends the span, adding the attributes `end` allows, with an error
    /// status and `error_type` (under [`ERROR_TYPE_KEY`](crate::attribute::ERROR_TYPE_KEY)) when it failed.
    /// `end` arrives bounded by [`consent`](Self::consent): under the
    /// stricter of the span's consent and its own (see [`Event::ending`]).
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>);

    /// The consent the span was started under: what it ends with is sent
    /// under no wider one.
    fn consent(&self) -> Consent;

    /// The span's place in its trace, for the spans and events that happen
    /// inside it; `None` when the sink keeps no tree.
    fn ids(&self) -> Option<SpanIds> {
        None
    }
}

/// Where a span is in the trace of its run, as what happens inside it names
/// it: a crew's run is one trace, its tasks and tool calls children of what
/// they ran in. Both ids are random, made when the run starts: they link the
/// spans of one run and nothing beyond it.
///
/// It also carries whether the run is sent ([`Sampling`]), decided once when
/// the run starts: every span of a run is sent, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SpanIds {
    /// The trace's id: the same for every span of the run.
    pub trace_id: u128,
    /// The span's own id.
    pub span_id: u64,
    /// Whether the run is sent, the same for every span of the run.
    pub sampling: Sampling,
}

impl SpanIds {
    /// The ids of a span of a run that is sent whole ([`Sampling::ALL`]).
    ///
    /// ```
    /// use crewtel::sink::{Sampling, SpanIds};
    ///
    /// let ids = SpanIds::new(7, 1);
    /// assert_eq!(ids.sampling, Sampling::ALL);
    /// assert_eq!(ids.sampled(Sampling::LeftOut).trace_id, 7);
    /// ```
    pub const fn new(trace_id: u128, span_id: u64) -> SpanIds {
        SpanIds {
            trace_id,
            span_id,
            sampling: Sampling::ALL,
        }
    }

    /// The ids of the span `span_id` inside this one: in the same trace,
    /// sampled as it is.
    ///
    /// ```
    /// use crewtel::sink::{Sampling, SpanIds};
    ///
    /// let run = SpanIds::new(7, 1).sampled(Sampling::Kept { threshold: 1 << 55 });
    /// let task = run.child(2);
    /// assert_eq!((task.trace_id, task.span_id, task.sampling), (7, 2, run.sampling));
    /// ```
    #[must_use]
    pub const fn child(self, span_id: u64) -> SpanIds {
        SpanIds { span_id, ..self }
    }

    /// The same ids, with `sampling`.
    #[must_use]
    pub const fn sampled(self, sampling: Sampling) -> SpanIds {
        SpanIds { sampling, ..self }
    }
}

/// Whether a run is sent, decided when it starts and carried by each of its
/// spans' [`SpanIds`], so that a run is sent whole or not at all: what a
/// sink that cannot send everything (a reporter under load) does, by
/// OpenTelemetry's consistent probability sampling on the trace id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Sampling {
    /// The run is sent: it is one of the runs whose trace id's low 56 bits
    /// are at least `threshold` (OpenTelemetry's `th`, of 56 bits), each of
    /// which stands for 2^56 / (2^56 - `threshold`) runs. A threshold of 0
    /// keeps every run ([`Sampling::ALL`]).
    Kept {
        /// The rejection threshold, below 2^56.
        threshold: u64,
    },
    /// The run is left out: none of its spans is sent.
    LeftOut,
}

impl Sampling {
    /// Every run is sent.
    pub const ALL: Sampling = Sampling::Kept { threshold: 0 };
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling::ALL
    }
}

impl ActiveSpan {
    /// A span that sends nothing (telemetry is off, or the event is not
    /// allowed).
    pub fn none() -> Self {
        ActiveSpan { open: None }
    }

    /// A span of a run left out by sampling, which sends nothing and
    /// whose `ids` (made [`Sampling::LeftOut`]) keep what starts inside it
    /// in that run: what a sink that samples returns for such a run.
    ///
    /// ```
    /// use crewtel::{ActiveSpan, Consent};
    /// use crewtel::sink::{Sampling, SpanIds};
    ///
    /// let span = ActiveSpan::left_out(SpanIds::new(7, 1), Consent::Anonymous);
    /// assert!(!span.is_recording());
    /// assert_eq!(span.ids().map(|ids| ids.sampling), Some(Sampling::LeftOut));
    /// ```
    pub fn left_out(ids: SpanIds, consent: Consent) -> Self {
        let ids = ids.sampled(Sampling::LeftOut);
        ActiveSpan::new(LeftOut { ids, consent })
    }

    /// A span that `open` ends.
    pub fn new(open: impl EndSpan + Send + Sync + 'static) -> Self {
        ActiveSpan {
            open: Some(Box::new(open)),
        }
    }

    /// Whether ending it sends anything: `false` for a span of a run left
    /// out by sampling too.
    pub fn is_recording(&self) -> bool {
        self.open.as_ref().is_some_and(|open| {
            open.ids()
                .is_none_or(|ids| ids.sampling != Sampling::LeftOut)
        })
    }

    /// The span's place in its trace, which the spans and events started
    /// inside it ([`Dispatch::start_in`](super::Dispatch::start_in),
    /// [`Dispatch::emit_in`](super::Dispatch::emit_in)) take as their parent;
    /// `None` when it sends nothing or its sink keeps no tree. A span of a
    /// run left out by sampling has ids ([`Sampling::LeftOut`]), so that
    /// what starts inside it is left out too.
    pub fn ids(&self) -> Option<SpanIds> {
        self.open.as_ref().and_then(|open| open.ids())
    }

    /// Ends the span.
    pub fn end(mut self) {
        self.finish(None, None);
    }

    /// Ends the span, adding the attributes `event` allows (a task's output
    /// when its crew shares), under the stricter of the span's consent and
    /// the event's own; an event with no consent of its own (a struct
    /// without a `#[telemetry(consent)]` field) takes the span's.
    pub fn end_with<T: Telemetry + ?Sized>(mut self, event: Event<'_, T>) {
        if let Some(open) = &self.open {
            let event = event.ending(open.consent());
            self.finish(Some(&event), None);
        }
    }

    /// Ends the span with an error status and `error_type`: the error's short
    /// type name (`ToolError`, `io::Error`), never its message, which may
    /// hold prompts, output or credentials.
    ///
    /// Any error does: a `std::error::Error`, a `Box<dyn Error + Send +
    /// Sync>` (sent as [`DYN_ERROR`](crate::attribute::DYN_ERROR)), an `anyhow::Error`.
    pub fn fail<E: ErrorType + ?Sized>(mut self, error: &E) {
        if self.open.is_some() {
            self.finish(None, Some(error.error_type().as_ref()));
        }
    }

    fn finish(&mut self, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        if let Some(open) = self.open.take() {
            open.end(end, error_type);
        }
    }
}

impl std::fmt::Debug for ActiveSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActiveSpan")
            .field("recording", &self.is_recording())
            .finish()
    }
}

impl Drop for ActiveSpan {
    fn drop(&mut self) {
        self.finish(None, None);
    }
}

/// A span of a run left out, as [`ActiveSpan::left_out`] makes it.
struct LeftOut {
    ids: SpanIds,
    consent: Consent,
}

impl EndSpan for LeftOut {
    fn end(self: Box<Self>, _: Option<&dyn AnyEvent>, _: Option<&str>) {}

    fn consent(&self) -> Consent {
        self.consent
    }

    fn ids(&self) -> Option<SpanIds> {
        Some(self.ids)
    }
}
