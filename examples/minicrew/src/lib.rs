//! minicrew: a small agent framework, the host crewtel reports for.
//!
//! Its own structs carry their telemetry classes ([`framework`]): a
//! [`Crew`](framework::Crew) derives `Telemetry` with its `consent` field,
//! and every event of a crew's run takes its consent from the crew it
//! belongs to ([`events`]). The library depends on crewtel's facade only and
//! sends through a [`Dispatch`](crewtel::Dispatch): the program that runs
//! crews chooses where events go (`examples/crew/main.rs` builds the one
//! `Reporter` of its process).
//!
//! ```
//! use crewtel::Dispatch;
//! use minicrew::{run, tools};
//!
//! let crew = run::research_crew(false, tools::standard());
//! let output = run::kickoff(&Dispatch::none(), &crew);
//! assert!(output.contains("Three bullet points done by the Researcher"));
//! ```

pub mod events;
pub mod flow;
pub mod framework;
pub mod reference;
pub mod run;
pub mod telemetry;
pub mod tools;
