//! A crew's own events: its creation, its run (shared only) and its end.

use std::collections::BTreeMap;
use std::time::Duration;

use crewtel::{OnSend, Telemetry, TelemetryValue};

use crate::framework::{Agent, Crew, Minted, Task};

/// A crew as events name it.
#[derive(Telemetry)]
pub struct CrewIds<'a> {
    /// The crew's random key.
    #[telemetry(always)]
    pub crew_key: &'a Minted,
    /// The crew's random id.
    #[telemetry(always)]
    pub crew_id: &'a Minted,
}

impl<'a> CrewIds<'a> {
    pub(crate) fn of(crew: &'a Crew) -> Self {
        CrewIds {
            crew_key: &crew.key,
            crew_id: &crew.id,
        }
    }
}

/// The exact platform, shared only by crews that opted in. Each value is
/// read when the event is sent ([`OnSend`]): with telemetry off, or from an
/// anonymous crew, the machine is not even asked.
#[derive(Telemetry)]
pub struct Platform {
    /// OS, kernel and architecture in one string.
    #[telemetry(share_crew, rename = "platform")]
    pub summary: OnSend<String>,
    /// The kernel release.
    #[telemetry(share_crew, rename = "platform_release")]
    pub release: OnSend<&'static str>,
    /// The OS family (`linux`, `darwin`, `windows`).
    #[telemetry(share_crew, rename = "platform_system")]
    pub system: OnSend<&'static str>,
    /// The OS release.
    #[telemetry(share_crew, rename = "platform_version")]
    pub version: OnSend<&'static str>,
    /// The exact logical CPU count.
    #[telemetry(share_crew, rename = "cpus")]
    pub cpus: OnSend<usize>,
}

const PLATFORM: Platform = Platform {
    summary: OnSend::new(platform::summary),
    release: OnSend::new(platform::release),
    system: OnSend::new(platform::system),
    version: OnSend::new(platform::version),
    cpus: OnSend::new(platform::cpus),
};

/// The exact platform, as minicrew's own data: crewtel's facade probes
/// nothing of the OS (its reporter puts only coarse facts on the resource),
/// so a framework that sends more under `share_crew` reads it itself.
mod platform {
    use std::sync::OnceLock;

    /// The OS release and the kernel release, read once.
    fn releases() -> &'static (String, String) {
        static RELEASES: OnceLock<(String, String)> = OnceLock::new();
        RELEASES.get_or_init(|| {
            (
                sysinfo::System::os_version().unwrap_or_default(),
                sysinfo::System::kernel_version().unwrap_or_default(),
            )
        })
    }

    pub fn summary() -> String {
        let kernel = release();
        let kernel = if kernel.is_empty() { "unknown" } else { kernel };
        format!("{}-{kernel}-{}", system(), std::env::consts::ARCH)
    }

    pub fn release() -> &'static str {
        &releases().1
    }

    pub fn system() -> &'static str {
        std::env::consts::OS
    }

    pub fn version() -> &'static str {
        &releases().0
    }

    pub fn cpus() -> usize {
        std::thread::available_parallelism().map_or(0, usize::from)
    }
}

/// A crew was built.
#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
pub struct CrewCreated<'a> {
    /// The crew: its own keys, as it classifies them, and its consent.
    #[telemetry(consent, flatten)]
    pub crew: &'a Crew,
    /// The Rust compiler minicrew was built with.
    #[telemetry(always)]
    pub rust_version: &'static str,
    /// The crew's random fingerprint.
    #[telemetry(always)]
    pub crew_fingerprint: &'a Minted,
    /// When the crew's fingerprint was minted.
    #[telemetry(always)]
    pub crew_fingerprint_created_at: &'a Minted,
    /// What the user attached to the crew's fingerprint, when anything.
    #[telemetry(share_crew)]
    pub crew_fingerprint_metadata: Option<&'a BTreeMap<String, String>>,
    /// The exact platform (share_crew).
    #[telemetry(share_crew, flatten)]
    pub platform: Platform,
}

impl<'a> CrewCreated<'a> {
    /// The event of `crew`'s creation.
    pub fn of(crew: &'a Crew) -> Self {
        CrewCreated {
            crew,
            rust_version: crewtel::context::RUSTC_VERSION,
            crew_fingerprint: &crew.fingerprint.uuid,
            crew_fingerprint_created_at: &crew.fingerprint.created_at,
            crew_fingerprint_metadata: Some(&crew.fingerprint.metadata)
                .filter(|metadata| !metadata.is_empty()),
            platform: PLATFORM,
        }
    }
}

/// A crew ran, from kickoff to its last task: only from crews that share.
#[derive(Telemetry)]
#[telemetry(event = "Crew Execution", share_crew)]
pub struct CrewExecution<'a> {
    /// The crew that ran: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// The inputs the crew was kicked off with.
    #[telemetry(share_crew)]
    pub crew_inputs: &'a BTreeMap<String, String>,
    /// The crew's agents.
    #[telemetry(share_crew)]
    pub crew_agents: &'a [Agent],
    /// The crew's tasks.
    #[telemetry(share_crew)]
    pub crew_tasks: &'a [Task],
}

impl<'a> CrewExecution<'a> {
    /// The run of `crew`.
    pub fn of(crew: &'a Crew) -> Self {
        CrewExecution {
            crew,
            crew_ids: CrewIds::of(crew),
            crew_inputs: &crew.inputs,
            crew_agents: &crew.agents,
            crew_tasks: &crew.tasks,
        }
    }
}

/// One task's result, in `crew_tasks_output`.
#[derive(Telemetry)]
pub struct TaskResult {
    /// The task's random id.
    #[telemetry(share_crew)]
    pub id: Minted,
    /// The task's description.
    #[telemetry(share_crew)]
    pub description: String,
    /// What the task produced (empty when it failed).
    #[telemetry(share_crew)]
    pub output: String,
}

/// What a finished crew adds to its span.
#[derive(Telemetry)]
#[telemetry(event = "Crew Execution (end)", share_crew)]
pub struct CrewEnded<'a> {
    /// The crew that ran: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's final output.
    #[telemetry(share_crew)]
    pub crew_output: &'a str,
    /// Each task's id, description and output.
    #[telemetry(share_crew)]
    pub crew_tasks_output: &'a [TaskResult],
}

/// A crew's run, from kickoff to its end: every run, anonymously, and the
/// root of the run's trace (its tasks and tool calls are inside it). It is
/// sent when the run ends; a killed run still has its Crew Created.
#[derive(Telemetry)]
#[telemetry(event = "Crew Completed")]
pub struct CrewCompleted<'a> {
    /// The crew that ran: its consent is the event's.
    #[telemetry(consent)]
    pub crew: &'a Crew,
    /// The crew's ids.
    #[telemetry(always, flatten)]
    pub crew_ids: CrewIds<'a>,
    /// The crew's random fingerprint.
    #[telemetry(always)]
    pub crew_fingerprint: &'a Minted,
}

impl<'a> CrewCompleted<'a> {
    /// The run of `crew`.
    pub fn of(crew: &'a Crew) -> Self {
        CrewCompleted {
            crew,
            crew_ids: CrewIds::of(crew),
            crew_fingerprint: &crew.fingerprint.uuid,
        }
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, TelemetryValue)]
pub enum Outcome {
    /// Every step succeeded.
    Completed,
    /// A step failed.
    Failed,
}

/// What the end of a run (a crew's, a flow's) adds to its span.
#[derive(Telemetry)]
#[telemetry(event = "Crew Completed, Flow Completed (end)")]
pub struct RunEnded {
    /// How long the run took, in milliseconds.
    #[telemetry(always)]
    pub duration_ms: Duration,
    /// Whether it completed or failed.
    #[telemetry(always)]
    pub outcome: Outcome,
}
