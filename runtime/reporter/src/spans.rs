//! A span as it ends, and where it goes: everything the ends of the
//! pipeline need (the wire, the record, a test's capture, a printer)
//! travels with it, its consent and the catalogues of what built it
//! included.

use std::borrow::Cow;
use std::time::SystemTime;

use crewtel::Consent;
use crewtel::attribute::KeyValue;
use crewtel::catalogue::Catalogue;
use crewtel::sink::SpanIds;

/// One finished span (an event is a span that ends as it starts).
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub name: &'static str,
    pub ids: SpanIds,
    /// The span it ran in, in the same trace.
    pub parent: Option<u64>,
    pub start: SystemTime,
    pub end: SystemTime,
    /// What is sent, after the limits, in order.
    pub attributes: Vec<KeyValue>,
    /// Attributes left out by the count limit.
    pub dropped_attributes: u32,
    /// The error's type, for a span that failed.
    pub error_type: Option<Cow<'static, str>>,
    pub note: Note,
    /// It as an OTLP protobuf `Span` message, when it was written where it
    /// ended (on the host's thread, its attributes still in the cache
    /// there): the courier puts it in a request as it is.
    pub wire: Option<Vec<u8>>,
}

/// What the reporter knows of a span that the wire does not carry.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Note {
    /// The consent it was built under.
    pub consent: Option<Consent>,
    /// The catalogues of what built it: the event, and what ended it.
    pub catalogues: [Option<&'static Catalogue>; 2],
}

impl Note {
    /// What an event of `catalogue` built under `consent`.
    pub(crate) fn of(consent: Consent, catalogue: &'static Catalogue) -> Note {
        Note {
            consent: Some(consent),
            catalogues: [Some(catalogue), None],
        }
    }

    /// The span was ended by an event of `catalogue`.
    pub(crate) fn ended_by(&mut self, catalogue: &'static Catalogue) {
        self.catalogues[1] = Some(catalogue);
    }

    /// The catalogues, in order.
    pub(crate) fn catalogues(&self) -> impl Iterator<Item = &'static Catalogue> {
        self.catalogues.into_iter().flatten()
    }
}

/// Where spans go at the end of the pipeline: a printer, a capture, the
/// record, the OTLP encoder. Called on the host's thread for what prints or
/// captures, on the courier's thread for what is sent and the batch
/// thread for what is kept (local mode).
pub(crate) trait End: Send + Sync + 'static {
    /// Takes one batch (one request's worth, or one span).
    fn export(&self, batch: Vec<Span>);

    /// The pipeline shuts down: what is held back goes out now. Called for
    /// the ends on the host's thread (a printer holds a run back until its
    /// outermost span ends); a batching end holds nothing back.
    fn shutdown(&self) {}
}
