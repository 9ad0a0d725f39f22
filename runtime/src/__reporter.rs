//! What `crewtel-reporter` reads of this crate's process-wide state and
//! hands back to a capture. Not a public API: the reporter depends on this
//! exact version of crewtel.

pub use crate::declared_kind::newly_refused;
pub use crate::json_writer::cut_at_depth;

use crate::attribute::KeyValue;
use crate::catalogue::Catalogue;
use crate::consent::Consent;
use crate::sink::SpanIds;
use crate::testing::{Capture, Captured};

/// Keeps in `capture` what a reporter's pipeline sent, with what the
/// reporter noted of it (its consent and catalogues).
pub fn exported(
    capture: &Capture,
    name: &'static str,
    consent: Option<Consent>,
    attributes: Vec<KeyValue>,
    error_type: Option<String>,
    place: (SpanIds, Option<SpanIds>),
    catalogues: Vec<&'static Catalogue>,
) {
    capture.exported(Captured::new(
        name, consent, attributes, error_type, place, catalogues,
    ));
}
pub use crate::context::CI_VARIABLES;
