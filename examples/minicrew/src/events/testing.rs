//! A crew's test run: the crew kicked off several times, each run scored by
//! a model.

use std::collections::BTreeMap;
use std::time::Duration;

use crewtel::Telemetry;

use crate::framework::Crew;

use super::CrewIds;

/// A crew was tested: a span around its runs, each of which is inside it.
#[derive(Telemetry)]
#[telemetry(event = "Crew Test Execution")]
pub struct CrewTestExecution<'a> {
    /// The crew under test: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// How many times the crew runs.
    #[telemetry(always)]
    pub iterations: u32,
    /// The model that scores each run, as the user named it.
    #[telemetry(always, free_text)]
    pub model_name: &'a str,
    /// The inputs the crew is tested with.
    #[telemetry(share_crew)]
    pub inputs: &'a BTreeMap<String, String>,
}

impl<'a> CrewTestExecution<'a> {
    /// The test of `crew`, `iterations` runs scored by `model_name`.
    pub fn of(crew: &'a Crew, iterations: u32, model_name: &'a str) -> Self {
        CrewTestExecution {
            crew,
            crew_ids: CrewIds::of(crew),
            iterations,
            model_name,
            inputs: &crew.inputs,
        }
    }
}

/// One run of a crew's test, scored.
#[derive(Telemetry)]
#[telemetry(event = "Crew Individual Test Result")]
pub struct CrewIndividualTestResult<'a> {
    /// The crew under test: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// The score the model gave the run, from 0 to 10.
    #[telemetry(always)]
    pub quality: f64,
    /// How long the run took, in milliseconds.
    #[telemetry(always)]
    pub exec_time: Duration,
    /// The model that scored the run, as the user named it.
    #[telemetry(always, free_text)]
    pub model_name: &'a str,
}
