//! `Dispatch`: the handle a framework's code sends events through.

use std::sync::Arc;

use crate::event::{Event, Telemetry};

use super::{ActiveSpan, Sampling, Sink};

/// What a library sends its events through: the sink the program chose, or
/// none. Cheap to clone (an `Arc`), and with no sink, or a sink that is off,
/// each `emit` and `start` costs one branch.
///
/// ```
/// use crewtel::{Dispatch, Telemetry};
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Crew Created")]
/// struct CrewCreated {
///     /// How many agents the crew has.
///     #[telemetry(always)]
///     agents: usize,
/// }
///
/// // A library's code: it never knows where events go.
/// fn create_crew(telemetry: &Dispatch) {
///     telemetry.emit(CrewCreated { agents: 2 }.telemetry_event());
/// }
///
/// create_crew(&Dispatch::none()); // no sink: a branch, nothing else
/// ```
#[derive(Clone, Default)]
pub struct Dispatch {
    sink: Option<Arc<dyn Sink>>,
}

impl Dispatch {
    /// Sends to `sink`, if it is [enabled](Sink::enabled) (asked once, now).
    pub fn new(sink: Arc<dyn Sink>) -> Self {
        Dispatch {
            sink: sink.enabled().then_some(sink),
        }
    }

    /// Sends nothing.
    pub const fn none() -> Self {
        Dispatch { sink: None }
    }

    /// Whether events go anywhere.
    pub fn is_enabled(&self) -> bool {
        self.sink.is_some()
    }

    /// Sends one event, if its consent allows it. Returns at once.
    #[inline]
    pub fn emit<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) {
        if let Some(sink) = &self.sink
            && event.is_allowed()
        {
            sink.emit(&event);
        }
    }

    /// Opens a span, if the event's consent allows it; see [`Sink::start`].
    #[inline]
    pub fn start<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) -> ActiveSpan {
        match &self.sink {
            Some(sink) if event.is_allowed() => sink.start(&event),
            _ => ActiveSpan::none(),
        }
    }

    /// Sends one event that happened inside `parent` (a tool call in its
    /// task's span), if its consent allows it: a child of `parent` in the
    /// run's trace. When `parent` sends nothing, as [`emit`](Self::emit).
    #[inline]
    pub fn emit_in<T: Telemetry + ?Sized>(&self, parent: &ActiveSpan, event: Event<'_, T>) {
        if let Some(sink) = &self.sink
            && event.is_allowed()
        {
            match parent.ids() {
                Some(ids) => sink.emit_in(ids, &event),
                None => sink.emit(&event),
            }
        }
    }

    /// Opens a span inside `parent` (a task in its crew's run), if its
    /// consent allows it. When `parent` sends nothing, as
    /// [`start`](Self::start). Inside a run left out by sampling
    /// ([`Sampling::LeftOut`]), a span its consent does not allow still
    /// stands in the run, so that what starts inside it is left out too.
    ///
    /// ```
    /// # use crewtel::{Dispatch, Telemetry};
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Crew Completed")]
    /// struct Run {
    ///     #[telemetry(always)]
    ///     agents: u32,
    /// }
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Task Execution")]
    /// struct TaskRun {
    ///     #[telemetry(always)]
    ///     attempt: u32,
    /// }
    /// fn kickoff(telemetry: &Dispatch) {
    ///     let run = telemetry.start(Run { agents: 2 }.telemetry_event());
    ///     let task = telemetry.start_in(&run, TaskRun { attempt: 1 }.telemetry_event());
    ///     task.end();
    ///     run.end();
    /// }
    /// # kickoff(&Dispatch::none());
    /// ```
    #[inline]
    pub fn start_in<T: Telemetry + ?Sized>(
        &self,
        parent: &ActiveSpan,
        event: Event<'_, T>,
    ) -> ActiveSpan {
        match &self.sink {
            Some(sink) if event.is_allowed() => match parent.ids() {
                Some(ids) => sink.start_in(ids, &event),
                None => sink.start(&event),
            },
            // Not sent; but inside a run left out by sampling it stays in
            // that run, so that what starts inside it is left out too,
            // never sampled again as a run of its own.
            Some(_) => match parent.ids() {
                Some(ids) if ids.sampling == Sampling::LeftOut => {
                    ActiveSpan::left_out(ids, event.consent())
                }
                _ => ActiveSpan::none(),
            },
            None => ActiveSpan::none(),
        }
    }
}

impl std::fmt::Debug for Dispatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatch")
            .field("enabled", &self.is_enabled())
            .finish()
    }
}
