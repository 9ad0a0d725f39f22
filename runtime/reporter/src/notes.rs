//! What the reporter notes of each span it sends that the wire does not
//! carry (the consent it was built under, the catalogues of what built it),
//! for a reader at the end of the pipeline: a test's capture, the readable
//! debug printer. Keyed by span id; each note is taken once.

use std::collections::HashMap;
use std::sync::Mutex;

use crewtel::Consent;
use crewtel::catalogue::Catalogue;

/// What was noted of one span.
#[derive(Clone, Debug, Default)]
pub(crate) struct Note {
    pub consent: Option<Consent>,
    pub catalogues: Vec<&'static Catalogue>,
}

/// The notes of the spans not yet read.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    open: Mutex<HashMap<u64, Note>>,
}

impl Notes {
    /// The span `span_id` was built (or ended) by an event of `catalogue`,
    /// under `consent` when it is given.
    pub(crate) fn note(
        &self,
        span_id: u64,
        consent: Option<Consent>,
        catalogue: &'static Catalogue,
    ) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let note = open.entry(span_id).or_default();
        if consent.is_some() {
            note.consent = consent;
        }
        note.catalogues.push(catalogue);
    }

    /// What was noted of `span_id`, taken.
    pub(crate) fn take(&self, span_id: u64) -> Note {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.remove(&span_id).unwrap_or_default()
    }
}

#[cfg(test)]
impl Notes {
    /// How many spans' notes wait to be read.
    pub(crate) fn len(&self) -> usize {
        self.open.lock().map_or(0, |open| open.len())
    }
}
