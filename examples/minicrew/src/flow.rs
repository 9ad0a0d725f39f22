//! Flows: methods that run in order, can pause for a person's feedback and
//! resume, and can fail. A flow's structs carry their telemetry classes, as
//! a crew's do: its name is text its author wrote, its methods' names are
//! sent only by flows that share, and anonymously only as a count.

use std::fmt;
use std::time::{Duration, Instant};

use crewtel::{Dispatch, Telemetry, TelemetryValue};

use crate::events::{
    FlowCompleted, FlowCreation, FlowExecution, FlowMethodFailed, FlowPaused, FlowPlotting,
    HumanFeedback, Outcome,
};

/// A flow and where it stands.
#[derive(Debug, Telemetry)]
pub struct Flow {
    /// The flow's name, as its author wrote it.
    #[telemetry(always, free_text, rename = "flow_name")]
    pub name: String,
    /// The flow's methods, in order: how many, anonymously; their names
    /// (text the flow's author wrote) only from flows that share.
    #[telemetry(
        share_crew,
        rename = "node_names",
        with = "method_names",
        len(always, rename = "node_count")
    )]
    pub methods: Vec<Method>,
    /// Whether the flow talks with a person as it runs (sent by the events
    /// of its runs).
    #[telemetry(never)]
    pub conversational: bool,
    /// The flow's opt-in: share its content too.
    #[telemetry(consent)]
    pub share_crew: bool,
    /// The next method to run (after a pause, the one that asked).
    #[telemetry(never)]
    pub next: usize,
    /// The feedback a paused flow waits for.
    #[telemetry(never)]
    pub waiting: bool,
    /// How long the flow has run so far, across its pauses.
    #[telemetry(never)]
    pub elapsed: std::time::Duration,
}

/// One method of a flow.
#[derive(Debug)]
pub struct Method {
    /// The method's name, as the flow's author wrote it.
    pub name: String,
    /// What it does.
    pub step: Step,
}

/// What a method does.
#[derive(Debug)]
pub enum Step {
    /// Its work, which succeeds.
    Work,
    /// Asks a person to choose one of `outcomes` (the flow pauses until the
    /// answer comes).
    AskHuman {
        /// The outcomes the person can choose, as the flow's author named
        /// them.
        outcomes: Vec<String>,
    },
    /// Its work, which fails with a message that quotes its input.
    Fail,
}

// A method holds its name and what it does, no `Secret`.
crewtel::secret_free!(Method);

/// The names of a flow's methods.
pub fn method_names(methods: &[Method]) -> Vec<&str> {
    methods.iter().map(|method| method.name.as_str()).collect()
}

/// Who started a flow's run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, TelemetryValue)]
pub enum Origin {
    /// A person, from their code or the command line.
    User,
    /// The framework itself (a flow started by another).
    Internal,
}

/// A method that failed.
#[derive(Debug)]
pub struct MethodFailed {
    /// What the failure says: it quotes the method's input, so it is never
    /// sent; only its type is.
    pub message: String,
}

impl fmt::Display for MethodFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MethodFailed {}

impl Flow {
    /// A review flow: draft, ask a person to approve, publish; with
    /// `failing`, publishing fails.
    pub fn review(share_crew: bool, failing: bool) -> Flow {
        let method = |name: &str, step| Method {
            name: name.to_owned(),
            step,
        };
        Flow {
            name: "Article review".to_owned(),
            methods: vec![
                method("draft_article", Step::Work),
                method(
                    "ask_editor",
                    Step::AskHuman {
                        outcomes: vec!["approve".to_owned(), "revise".to_owned()],
                    },
                ),
                method("publish", if failing { Step::Fail } else { Step::Work }),
            ],
            conversational: false,
            share_crew,
            next: 0,
            waiting: false,
            elapsed: std::time::Duration::ZERO,
        }
    }
}

/// Where a flow stands after a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Every method ran.
    Completed,
    /// A method waits for a person's feedback: [`Flow::resume`] goes on.
    Paused,
    /// A method failed.
    Failed,
}

impl Flow {
    /// Reports the flow's creation.
    pub fn created(&self, telemetry: &Dispatch) {
        telemetry.emit(FlowCreation::of(self).telemetry_event());
    }

    /// Draws the flow's plot (to nowhere: minicrew has no UI), reporting it.
    pub fn plot(&self, telemetry: &Dispatch) {
        telemetry.emit(FlowPlotting { flow: self }.telemetry_event());
    }

    /// Runs the flow from its first method, until it pauses or ends.
    pub fn kickoff(&mut self, telemetry: &Dispatch, origin: Origin) -> State {
        self.next = 0;
        self.elapsed = Duration::ZERO;
        self.run(telemetry, origin, None)
    }

    /// Gives a paused flow the person's answer (one of its outcomes, and
    /// feedback they wrote, which is never sent) and runs on.
    pub fn resume(
        &mut self,
        telemetry: &Dispatch,
        origin: Origin,
        outcome: &str,
        feedback: Option<&str>,
    ) -> State {
        self.run(telemetry, origin, Some((outcome, feedback)))
    }

    /// One run: a trace whose root is Flow Execution.
    fn run(
        &mut self,
        telemetry: &Dispatch,
        origin: Origin,
        answer: Option<(&str, Option<&str>)>,
    ) -> State {
        let started = Instant::now();
        let resumed = answer.is_some();
        let run = telemetry.start(
            FlowExecution {
                flow: self,
                origin,
                resumed,
                conversational: self.conversational,
            }
            .telemetry_event(),
        );
        if let Some((outcome, feedback)) = answer.filter(|_| self.waiting) {
            let num_outcomes = self.outcomes_waited_for();
            // Only one of the outcomes the flow's author named is sent: what
            // a person typed instead is `other`, never their words.
            let outcome = match self.methods.get(self.next).map(|method| &method.step) {
                Some(Step::AskHuman { outcomes }) => outcomes
                    .iter()
                    .find(|named| named.as_str() == outcome)
                    .map_or("other", String::as_str),
                _ => "other",
            };
            telemetry.emit_in(
                &run,
                HumanFeedback::Received {
                    has_routing: num_outcomes > 1,
                    num_outcomes,
                    feedback_provided: feedback.is_some_and(|text| !text.is_empty()),
                    outcome,
                    flow: self,
                }
                .telemetry_event(),
            );
            self.waiting = false;
            self.next += 1;
        }
        let state = loop {
            let Some(method) = self.methods.get(self.next) else {
                break State::Completed;
            };
            match &method.step {
                Step::Work => self.next += 1,
                Step::AskHuman { outcomes } => {
                    let num_outcomes = u32::try_from(outcomes.len()).unwrap_or(u32::MAX);
                    telemetry.emit_in(
                        &run,
                        HumanFeedback::Requested {
                            has_routing: num_outcomes > 1,
                            num_outcomes,
                            flow: self,
                        }
                        .telemetry_event(),
                    );
                    self.waiting = true;
                    telemetry.emit_in(
                        &run,
                        FlowPaused {
                            flow_name: &self.name,
                            origin,
                            flow: self,
                        }
                        .telemetry_event(),
                    );
                    break State::Paused;
                }
                Step::Fail => {
                    let error = MethodFailed {
                        message: format!("{} failed on the draft it was given", method.name),
                    };
                    telemetry
                        .start_in(
                            &run,
                            FlowMethodFailed {
                                flow_name: &self.name,
                                origin,
                                flow: self,
                            }
                            .telemetry_event(),
                        )
                        .fail(&error);
                    break State::Failed;
                }
            }
        };
        self.elapsed += started.elapsed();
        if state != State::Paused {
            let outcome = match state {
                State::Failed => Outcome::Failed,
                _ => Outcome::Completed,
            };
            let completed = telemetry.start_in(
                &run,
                FlowCompleted {
                    flow_name: &self.name,
                    duration_ms: self.elapsed,
                    outcome,
                    origin,
                    conversational: self.conversational,
                    flow: self,
                }
                .telemetry_event(),
            );
            match state {
                State::Failed => completed.fail(&MethodFailed {
                    message: String::new(),
                }),
                _ => completed.end(),
            }
        }
        run.end();
        state
    }

    fn outcomes_waited_for(&self) -> u32 {
        match self.methods.get(self.next).map(|method| &method.step) {
            Some(Step::AskHuman { outcomes }) => u32::try_from(outcomes.len()).unwrap_or(u32::MAX),
            _ => 0,
        }
    }
}
