//! A flow's events: its creation, its plot, each run (a kickoff, or a
//! resume after a pause), its pauses, a person's feedback, a method's
//! failure and its end.

use std::time::Duration;

use crewtel::Telemetry;

use crate::flow::{Flow, Origin};

use super::Outcome;

/// A flow was built.
#[derive(Telemetry)]
#[telemetry(event = "Flow Creation")]
pub struct FlowCreation<'a> {
    /// The flow's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub flow_name: &'a str,
    /// The flow: its consent is the event's.
    #[telemetry(consent)]
    pub flow: &'a Flow,
}

impl<'a> FlowCreation<'a> {
    /// The creation of `flow`.
    pub fn of(flow: &'a Flow) -> Self {
        FlowCreation {
            flow_name: &flow.name,
            flow,
        }
    }
}

/// A flow's plot was drawn.
#[derive(Telemetry)]
#[telemetry(event = "Flow Plotting")]
pub struct FlowPlotting<'a> {
    /// The flow: its name, how many methods it has (their names only when
    /// it shares), and its consent.
    #[telemetry(consent, flatten)]
    pub flow: &'a Flow,
}

/// A flow runs: a span around one kickoff or resume, the root of its trace.
#[derive(Telemetry)]
#[telemetry(event = "Flow Execution")]
pub struct FlowExecution<'a> {
    /// The flow: its name, its methods (see [`FlowPlotting`]) and its
    /// consent.
    #[telemetry(consent, flatten)]
    pub flow: &'a Flow,
    /// Who started the run.
    #[telemetry(always)]
    pub origin: Origin,
    /// Whether the run resumes a paused flow.
    #[telemetry(always)]
    pub resumed: bool,
    /// Whether the flow talks with a person as it runs.
    #[telemetry(always)]
    pub conversational: bool,
}

/// A flow paused for a person's feedback.
#[derive(Telemetry)]
#[telemetry(event = "Flow Paused")]
pub struct FlowPaused<'a> {
    /// The flow's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub flow_name: &'a str,
    /// Who started the run.
    #[telemetry(always)]
    pub origin: Origin,
    /// The flow: its consent is the event's.
    #[telemetry(consent)]
    pub flow: &'a Flow,
}

/// A flow's method failed: a span that ends at once with the error's type.
/// The method's name is not sent: its author wrote it.
#[derive(Telemetry)]
#[telemetry(event = "Flow Method Failed")]
pub struct FlowMethodFailed<'a> {
    /// The flow's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub flow_name: &'a str,
    /// Who started the run.
    #[telemetry(always)]
    pub origin: Origin,
    /// The flow: its consent is the event's.
    #[telemetry(consent)]
    pub flow: &'a Flow,
}

/// A flow completed or failed: a span that ends at once (with the error's
/// type when it failed).
#[derive(Telemetry)]
#[telemetry(event = "Flow Completed")]
pub struct FlowCompleted<'a> {
    /// The flow's name, as its author wrote it.
    #[telemetry(always, free_text)]
    pub flow_name: &'a str,
    /// How long the flow ran, its pauses left out, in milliseconds.
    #[telemetry(always)]
    pub duration_ms: Duration,
    /// Whether it completed or failed.
    #[telemetry(always)]
    pub outcome: Outcome,
    /// Who started the last run.
    #[telemetry(always)]
    pub origin: Origin,
    /// Whether the flow talks with a person as it runs.
    #[telemetry(always)]
    pub conversational: bool,
    /// The flow: its consent is the event's.
    #[telemetry(consent)]
    pub flow: &'a Flow,
}

/// A flow asked a person for feedback, or got it. The feedback itself (what
/// the person wrote) is never sent.
#[derive(Telemetry)]
#[telemetry(event = "Human Feedback", tag = "event_type")]
pub enum HumanFeedback<'a> {
    /// The flow asked.
    Requested {
        /// Whether the answer chooses the flow's next method.
        #[telemetry(always)]
        has_routing: bool,
        /// How many outcomes the person can choose from.
        #[telemetry(always)]
        num_outcomes: u32,
        /// The flow: its consent is the event's.
        #[telemetry(consent)]
        flow: &'a Flow,
    },
    /// The person answered.
    Received {
        /// Whether the answer chooses the flow's next method.
        #[telemetry(always)]
        has_routing: bool,
        /// How many outcomes the person could choose from.
        #[telemetry(always)]
        num_outcomes: u32,
        /// Whether the person wrote feedback besides choosing.
        #[telemetry(always)]
        feedback_provided: bool,
        /// The outcome chosen, as the flow's author named it.
        #[telemetry(always, free_text)]
        outcome: &'a str,
        /// The flow: its consent is the event's.
        #[telemetry(consent)]
        flow: &'a Flow,
    },
}
