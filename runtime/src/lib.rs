//! Telemetry that is private by construction.
//!
//! A host framework derives [`Telemetry`] on its Crew, Agent and Task structs
//! and classifies every field:
//!
//! | attribute | sent |
//! |---|---|
//! | `#[telemetry(always)]` | under every consent (anonymous usage data) |
//! | `#[telemetry(share_crew)]` | only from crews that opted in ([`Consent::ShareCrew`]) |
//! | `#[telemetry(never)]` | never; no code reads the field |
//! | `#[telemetry(consent)]` | the event's consent: a `bool` (the crew's opt-in switch), a [`Consent`], or a `Telemetry` value such as the crew a task runs in |
//!
//! A field with no classification does not compile, and a [`Secret`] cannot be
//! sent whatever it is marked. The README has the full attribute reference.
//!
//! A library depends on this crate alone and sends through a [`Dispatch`]:
//! a handle on whatever [`Sink`] the program chose. The program builds the
//! one reporter of its process (`crewtel_reporter::Reporter`, from the
//! `crewtel-reporter` crate), which is such a sink; each event carries its
//! own consent.
//!
//! The root names what a host writes; the rest lives in modules:
//! [`event`] (the events a derive builds and the visitor of their
//! attributes), [`attribute`] (attributes as they are sent), [`value`] (what
//! a field's value is sent as), [`sink`] (where events go), [`catalogue`]
//! (what a struct can send, and the resource), [`document`] (the catalogue
//! for people and tools), [`context`] (facts about the process),
//! [`diagnostics`] (what crewtel noticed while building events), [`rules`]
//! (each rule a field is held to) and [`testing`].
//!
//! ```
//! use std::collections::BTreeMap;
//! use crewtel::{Consent, Secret, Telemetry, TelemetryValue};
//!
//! #[derive(TelemetryValue)]
//! enum Process { Sequential, Hierarchical }
//!
//! #[derive(Telemetry)]
//! #[telemetry(event = "Crew Created")]
//! struct Crew {
//!     /// How the crew runs its tasks.
//!     #[telemetry(always, rename = "crew_process")]
//!     process: Process,
//!     /// The inputs the crew was kicked off with.
//!     #[telemetry(share_crew, rename = "crew_inputs", present(always, rename = "crew_inputs_present"))]
//!     inputs: BTreeMap<String, String>,
//!     #[telemetry(consent)]
//!     share_crew: bool,
//!     #[telemetry(never)]
//!     api_key: Secret<String>,
//! }
//!
//! let crew = Crew {
//!     process: Process::Sequential,
//!     inputs: BTreeMap::from([("topic".into(), "llamas".into())]),
//!     share_crew: false,
//!     api_key: Secret::new("sk-123".into()),
//! };
//! let json = serde_json::to_string(&crew.telemetry_event().attributes()).unwrap();
//! assert_eq!(json, r#"{"crew_process":"sequential","crew_inputs_present":true}"#);
//!
//! let shared = serde_json::to_string(&crew.telemetry_event_with(Consent::ShareCrew).attributes()).unwrap();
//! assert_eq!(shared, r#"{"crew_process":"sequential","crew_inputs":"{\"topic\":\"llamas\"}","crew_inputs_present":true}"#);
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

/// Impls of a marker trait that only its bounds decide, each left out of
/// the compiler's suggestions (`do_not_recommend`), so that an error names
/// the field's type as it is written and lists no unrelated types:
/// `marker_impls!(Trait: [T: Trait] Option<T>; ...)`.
macro_rules! marker_impls {
    ($trait:ident: $([$($g:tt)*] $t:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($g)*> $trait for $t {}
    )*};
}

pub mod attribute;
pub mod catalogue;
mod consent;
pub mod context;
mod declared_kind;
pub mod diagnostics;
pub mod document;
mod emit;
mod error_kept;
mod error_type;
pub mod event;
mod flatten;
mod free_text;
mod json;
mod json_writer;
mod on_send;
mod returnable;
pub mod rules;
mod secret;
pub mod sink;
mod spelling;
pub mod testing;
mod to_json;
pub mod value;

pub use consent::Consent;
pub use context::ProcessContext;
pub use event::{Event, Telemetry};
pub use free_text::NotFreeText;
pub use on_send::OnSend;
pub use secret::Secret;
pub use sink::{ActiveSpan, Dispatch, Sink};
pub use value::{Literal, TelemetryValue};

/// Derives [`Telemetry`](trait@Telemetry) for a struct with classified fields.
pub use crewtel_macros::Telemetry;
/// Derives [`TelemetryValue`](trait@TelemetryValue) for a unit-only enum.
pub use crewtel_macros::TelemetryValue;

/// What generated code reaches; not a public API.
#[doc(hidden)]
pub mod __private;

// Lets the derives' `::crewtel::...` paths resolve inside this crate's own tests.
extern crate self as crewtel;
