//! The reporter of crewtel: what a program builds once, at the top, to send
//! the telemetry of the libraries it links.
//!
//! Libraries derive `crewtel::Telemetry` on their structs and send through a
//! `crewtel::Dispatch`; the program builds the one [`Reporter`] of its
//! process, which is the sink behind those dispatches. It adds the
//! environment (never a host name or a path), reads crewtel's own settings
//! (never the application's `OTEL_*` configuration, except to turn off), and
//! exports over OTLP without ever blocking, panicking or delaying exit.

mod choice;
mod config;
mod debug;
mod environment;
mod export;
mod limits;
mod local;
mod notes;
mod reporter;
mod warning;

pub use choice::{Choice, ChosenBy};
pub use config::{Mode, NoticeProblem, Reason};
pub use environment::Environment;
pub use reporter::{
    CommandError, DEFAULT_QUEUE_SIZE, DEFAULT_SHUTDOWN_TIMEOUT, Drops, Pending, Reporter,
    ReporterBuilder, Status, TELEMETRY_USAGE,
};

// Lets the derives' `::crewtel::...` paths resolve: the reporter derives its
// own `ProcessContext`.
extern crate crewtel;

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
