//! One document of everything a host can send, rendered from the derives'
//! compile-time catalogues: Markdown for people, JSON for tools, and an
//! OpenTelemetry semantic-convention registry for OpenTelemetry's tools
//! (Weaver).
//!
//! ```
//! use crewtel::{document, Telemetry};
//!
//! #[derive(Telemetry)]
//! #[telemetry(event = "Tool Usage")]
//! struct ToolUsage {
//!     /// The tool's name.
//!     #[telemetry(always, free_text)]
//!     tool_name: String,
//! }
//!
//! let events = [ToolUsage::CATALOGUE];
//! let markdown = document::markdown("my-framework", &events, None, "cargo run -- telemetry docs");
//! assert!(markdown.contains("| `tool_name` | always, free text | string | The tool's name. |"));
//! let json: serde_json::Value = serde_json::from_str(&document::json(&events, None)).unwrap();
//! assert_eq!(json["events"][0]["event"], "Tool Usage");
//! ```

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::catalogue::{RESOURCE_KEYS, ResourceKey};

mod diff;
mod expiring;
mod markdown;
mod read;
#[cfg(feature = "registry")]
mod registry;

pub use diff::{Change, Diff};
pub use expiring::{Expiring, expiring};
pub use markdown::markdown;
pub use read::CatalogueError;
#[cfg(feature = "registry")]
#[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
pub use registry::registry;

#[derive(Serialize)]
struct Document<'a> {
    version: String,
    every_event: Option<&'a Catalogue>,
    events: &'a [&'a Catalogue],
    resource: &'static [ResourceKey],
}

/// The same catalogue as JSON, for tools (and a host's `--telemetry`): its
/// version, the keys of every event, the events, and the resource keys of
/// every export. What [`Diff`] compares.
pub fn json(events: &[&Catalogue], every_event: Option<&Catalogue>) -> String {
    let document = Document {
        version: version(events, every_event),
        every_event,
        events,
        resource: RESOURCE_KEYS,
    };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// A short, stable fingerprint of the catalogue: it changes whenever what can
/// be sent changes (a first-run notice is shown again then).
pub fn version(events: &[&Catalogue], every_event: Option<&Catalogue>) -> String {
    #[derive(Serialize)]
    struct Content<'a> {
        every_event: Option<&'a Catalogue>,
        events: &'a [&'a Catalogue],
        resource: &'static [ResourceKey],
    }
    let content = serde_json::to_string(&Content {
        every_event,
        events,
        resource: RESOURCE_KEYS,
    })
    .unwrap_or_default();
    // FNV-1a: stable across builds and toolchains, unlike `DefaultHasher`.
    let hash = content
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{hash:016x}")
}
