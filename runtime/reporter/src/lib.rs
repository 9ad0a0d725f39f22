//! The reporter of crewtel: what a program builds once, at the top, to send
//! the telemetry of the libraries it links.
//!
//! Libraries derive `crewtel::Telemetry` on their structs and send through a
//! `crewtel::Dispatch`; the program builds the one [`Reporter`] of its
//! process, which is the sink behind those dispatches. It adds the
//! environment (never a host name or a path), reads crewtel's own settings
//! (never the application's `OTEL_*` configuration, except to turn off), and
//! exports over OTLP without ever blocking, panicking or delaying exit.
//!
//! The root names what a program writes: the [`Reporter`] and its
//! [`ReporterBuilder`], the [`Environment`] it adds, and its `telemetry`
//! subcommands ([`ReporterBuilder::command`], [`TELEMETRY_USAGE`],
//! [`CommandError`]). What it tells of itself is in [`status`]; the user's
//! lasting choice in [`choice`].

pub mod choice;
mod config;
mod debug;
mod environment;
mod export;
mod limits;
mod local;
mod reporter;
mod spans;
pub mod status;
mod warning;

pub use environment::Environment;
pub use reporter::{
    CommandError, DEFAULT_QUEUE_SIZE, DEFAULT_SHUTDOWN_TIMEOUT, Reporter, ReporterBuilder,
    TELEMETRY_USAGE,
};

// Lets the derives' `::crewtel::...` paths resolve: the reporter derives its
// own `ProcessContext`.
extern crate crewtel;

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
