//! What a reporter tells of itself ([`Reporter::status`](crate::Reporter::status)):
//! whether telemetry is on and why, what was dropped and what waits to be
//! sent. The user's choice it names is in [`choice`](crate::choice).
//!
//! ```
//! use crewtel_reporter::Reporter;
//! use crewtel_reporter::status::{Mode, Reason};
//!
//! let reporter = Reporter::builder()
//!     .environment(|name| (name == "CREWTEL_DISABLED").then(|| "1".into()))
//!     .build();
//! let status = reporter.status();
//! assert_eq!(status.mode, Mode::Off);
//! assert_eq!(status.decided_by, Reason::TurnedOff("CREWTEL_DISABLED"));
//! ```

pub use crate::config::{Mode, NoticeProblem, Reason};
pub use crate::reporter::{Drops, Pending, Status, UnderLoad};
