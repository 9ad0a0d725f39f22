//! minicrew's events: CrewAI's span set, declared with crewtel's derives
//! (`rust_version` for `python_version`; `minicrew_version`, for
//! `crewai_version`, is on every event: see [`telemetry`](crate::telemetry)).
//! Views borrow the framework's structs, and each takes its consent from the
//! crew it belongs to; nothing is copied until an event is sent.
//!
//! By what they describe: a crew (`crew.rs`), a task (`task.rs`), a tool call
//! (`tool.rs`), a crew's test run (`testing.rs`), a flow (`flow.rs`), what
//! users use (`usage.rs`).

mod crew;
mod flow;
mod task;
mod testing;
mod tool;
mod usage;

pub use crew::*;
pub use flow::*;
pub use task::*;
pub use testing::*;
pub use tool::*;
pub use usage::*;
