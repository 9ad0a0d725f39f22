//! The one pipeline every event goes through, whichever end it goes to:
//! the limits, the size cap and the counted queue are applied here, once.
//! What prints or captures gets each span as it ends, on the host's thread.
//! What is sent waits in the queue (`batch`) for the courier, the one thread
//! of an OTLP pipeline: it writes each batch into requests (crewtel's own
//! encoder, `otlp`) kept in the spool (in memory while they can go at
//! once, on disk when they cannot), and sends them to the collector, going
//! on writing while it waits on a slow one (`interleave`), so that neither
//! the host nor the shutdown ever waits on the network. Local mode's
//! batches are appended to the record by a thread of the queue's own.
mod batch;
mod capture;
mod courier;
mod drops;
mod error;
mod failures;
mod http;
mod ids;
mod interleave;
mod keep;
mod names;
mod no_proxy;
mod otlp;
pub(crate) mod outbox;
mod sample;
mod spool;
pub(crate) mod tls;
mod weight;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use ::http::{HeaderMap, HeaderName, HeaderValue};
use crewtel::attribute::KeyValue;

pub use drops::Drops;
pub(crate) use failures::Failures;
pub(crate) use outbox::Pending;
pub(crate) use sample::Episode;

use crate::config::{Export, Limits};
use crate::debug::{self, DebugSink};
use crate::limits;
use crate::local::Record;
use crate::spans::{End, Note, Span};
use crewtel::sink::SpanIds;
use error::BuildError;

/// The most events the queue may hold, whatever the host asks.
const MAX_QUEUE_SIZE: usize = 1 << 16;

/// The warning when no thread can be started for the pipeline.
const NO_THREAD: &str =
    "crewtel: no thread could be started for telemetry; nothing is kept or sent";

/// What the host chose about the pipeline.
pub(crate) struct Options {
    pub queue_size: usize,
    pub shutdown_timeout: Duration,
    pub scheduled_delay: Duration,
    /// The local record every exported span is appended to.
    pub record: Option<Arc<Record>>,
    /// Where export requests are kept until a collector takes them.
    pub outbox: Option<Arc<outbox::Outbox>>,
    /// Where the spool warns (once) that it keeps requests in memory only.
    pub warn: crate::warning::WarningSink,
}

/// The running export pipeline.
pub(crate) struct Pipeline {
    /// `None` once shut down.
    running: RwLock<Option<Running>>,
    in_flight: Arc<AtomicUsize>,
    capacity: usize,
    /// Events dropped because the queue was full.
    full: AtomicU64,
    /// Events dropped because they were too large to send.
    too_large: AtomicU64,
    /// Events that ended after the pipeline shut down.
    late: AtomicU64,
    /// Attributes removed because their value could not be cut to the
    /// length limit without breaking it (a JSON-encoded list's one entry).
    cut_attributes: AtomicU64,
    limits: Limits,
    shutdown_timeout: Duration,
    /// What sends the requests to the collector (none for the debug
    /// printer).
    courier: Option<courier::Courier>,
    /// What leaves runs out when there are more than the upload budget
    /// carries (none where nothing is uploaded).
    sampler: Option<sample::Sampler>,
}

/// Where a finished span goes.
enum Running {
    /// Straight to the end, on the host's thread.
    Direct(Deliver),
    /// To the batch thread, which hands batches to the end (local mode).
    Batched(batch::Batcher),
    /// To the queue the courier takes batches from, to the end, each span
    /// prepared as it ends.
    Queued(Arc<batch::Queue>, Arc<Deliver>, Prepare),
}

/// What the host's thread does to a span of an OTLP pipeline as it ends,
/// while its attributes are in its cache: the courier, on another core,
/// would read them from memory.
#[derive(Clone, Copy, Debug)]
struct Prepare {
    /// Writes it as a protobuf `Span` message (when requests are
    /// protobuf).
    wire: bool,
    /// Keeps its attributes once written: the record's lines and the JSON
    /// form are written from them.
    attributes: bool,
}

/// A span that has started: its name, start time, attributes, ids, parent
/// and what built it. It takes no place in the queue (and costs nothing if
/// forgotten) until it ends.
pub(crate) struct OpenSpan {
    name: &'static str,
    started: SystemTime,
    attributes: Vec<KeyValue>,
    ids: SpanIds,
    /// The span it started in, if any: in the same trace.
    parent: Option<u64>,
    /// What built it, for the ends that show it.
    note: Note,
}

impl OpenSpan {
    /// Its place in its trace, for what starts inside it.
    pub(crate) fn ids(&self) -> SpanIds {
        self.ids
    }

    /// It was ended by an event of `catalogue`.
    pub(crate) fn ended_by(&mut self, catalogue: &'static crewtel::catalogue::Catalogue) {
        self.note.ended_by(catalogue);
    }
}

impl Pipeline {
    /// The pipeline to an OTLP collector, or why it cannot be built (warned
    /// about once by the caller; nothing is then sent).
    pub(crate) fn otlp(
        settings: &Export,
        limits: Limits,
        resource: Vec<KeyValue>,
        options: Options,
        failures: Arc<Failures>,
    ) -> Result<Pipeline, BuildError> {
        let transport = transport(settings, &options.warn)?;
        let spool = Arc::new(spool::Spool::new(
            options.outbox.clone(),
            Arc::clone(&options.warn),
        ));
        let encoding = otlp::Encoding {
            protocol: settings.protocol,
            gzip: settings.gzip,
            record: options.record.is_some(),
        };
        let encoder = otlp::Encoder::new(&resource, encoding, Arc::clone(&spool));
        let mut pipeline = Pipeline::new(limits, &options);
        let deliver = Arc::new(Deliver {
            end: Arc::new(encoder),
            in_flight: Arc::clone(&pipeline.in_flight),
        });
        let queue = Arc::new(batch::Queue::new(
            pipeline.capacity,
            options.scheduled_delay,
        ));
        let intake = courier::Intake {
            queue: Arc::clone(&queue),
            deliver: {
                let deliver = Arc::clone(&deliver);
                Box::new(move |batch| deliver.deliver(batch))
            },
        };
        let behind = Arc::new(AtomicUsize::new(0));
        let courier = courier::Courier::start(
            spool,
            intake,
            transport,
            options.record.clone(),
            failures,
            Arc::clone(&behind),
        );
        if courier.is_running() {
            let prepare = Prepare {
                wire: matches!(settings.protocol, crate::config::Protocol::HttpProtobuf),
                attributes: options.record.is_some(),
            };
            pipeline.running = RwLock::new(Some(Running::Queued(queue, deliver, prepare)));
        } else {
            (options.warn)(NO_THREAD);
        }
        pipeline.courier = Some(courier);
        // The budget: what the courier sends in a second, full batches,
        // and less while it is behind.
        let batch = pipeline.capacity.min(batch::MAX_BATCH);
        let budget = sample::Budget {
            spans: (courier::BURST * batch) as u64,
            requests: courier::BURST,
            behind,
        };
        pipeline.sampler = Some(sample::Sampler::new(budget));
        Ok(pipeline)
    }

    /// The pipeline to the debug printer: the same limits, caps and counts,
    /// each event printed as it ends.
    pub(crate) fn debug(limits: Limits, out: DebugSink, options: Options) -> Pipeline {
        Pipeline::on_host_thread(limits, debug::Exporter::new(out), options)
    }

    /// The pipeline to the readable printer (`CREWTEL_DEBUG=pretty`): the
    /// same limits, caps and counts.
    pub(crate) fn pretty(limits: Limits, out: debug::Pretty, options: Options) -> Pipeline {
        Pipeline::on_host_thread(limits, out, options)
    }

    /// The pipeline of a reporter built onto a capture (`crewtel::testing`):
    /// the same limits, caps and counts, each event kept in `capture` as it
    /// ends, on the host's thread.
    pub(crate) fn capture(
        limits: Limits,
        capture: crewtel::testing::Capture,
        options: Options,
    ) -> Pipeline {
        Pipeline::on_host_thread(limits, capture::ToCapture::new(capture), options)
    }

    /// The pipeline of local mode: the same limits, caps and counts, each
    /// event appended to `record` by the batch thread; nothing is uploaded.
    pub(crate) fn local(limits: Limits, record: Arc<Record>, options: Options) -> Pipeline {
        Pipeline::batched(limits, &options, keep::Keep::new(record))
    }

    /// The pipeline around `end`, which each event reaches as it ends, on
    /// the host's thread (a printer, a capture: nothing that waits).
    fn on_host_thread(limits: Limits, end: impl End, options: Options) -> Pipeline {
        let mut pipeline = Pipeline::new(limits, &options);
        let deliver = Deliver {
            end: Arc::new(end),
            in_flight: Arc::clone(&pipeline.in_flight),
        };
        pipeline.running = RwLock::new(Some(Running::Direct(deliver)));
        pipeline
    }

    /// The pipeline around `end`, which gets batches from the batch
    /// thread. Without a thread, nothing is queued: every event is dropped
    /// as after shutdown.
    fn batched(limits: Limits, options: &Options, end: impl End) -> Pipeline {
        let mut pipeline = Pipeline::new(limits, options);
        let deliver = Deliver {
            end: Arc::new(end),
            in_flight: Arc::clone(&pipeline.in_flight),
        };
        let queue = batch::Queue::new(pipeline.capacity, options.scheduled_delay);
        let batcher = batch::Batcher::start(Arc::new(queue), move |batch| {
            deliver.deliver(batch);
        });
        if batcher.is_none() {
            (options.warn)(NO_THREAD);
        }
        pipeline.running = RwLock::new(batcher.map(Running::Batched));
        pipeline
    }

    fn new(limits: Limits, options: &Options) -> Pipeline {
        Pipeline {
            running: RwLock::new(None),
            in_flight: Arc::new(AtomicUsize::new(0)),
            capacity: options.queue_size.clamp(1, MAX_QUEUE_SIZE),
            full: AtomicU64::new(0),
            too_large: AtomicU64::new(0),
            late: AtomicU64::new(0),
            cut_attributes: AtomicU64::new(0),
            limits,
            shutdown_timeout: options.shutdown_timeout,
            courier: None,
            sampler: None,
        }
    }

    /// Whether an event would find room in the queue now; when not, it is
    /// counted as dropped, so that the caller need not even build it.
    #[inline]
    pub(crate) fn admit(&self) -> bool {
        if self.in_flight.load(Ordering::Acquire) < self.capacity {
            return true;
        }
        self.full.fetch_add(1, Ordering::Relaxed);
        false
    }

    /// The ids of a span that starts now, inside `parent` when there is
    /// one: a new run is sent or left out as the sampler decides (under
    /// load only), a span inside a run as its run is.
    #[inline]
    pub(crate) fn place(&self, parent: Option<SpanIds>) -> SpanIds {
        let ids = ids::fresh(parent);
        match (&self.sampler, parent) {
            (None, _) => ids,
            (Some(sampler), None) => ids.sampled(sampler.run(ids.trace_id)),
            (Some(sampler), Some(_)) => {
                sampler.span();
                ids
            }
        }
    }

    /// Starts a span at `ids` (from [`place`](Self::place)), inside the
    /// span `parent`: notes the time; nothing is queued yet.
    pub(crate) fn start(
        &self,
        name: &'static str,
        attributes: Vec<KeyValue>,
        ids: SpanIds,
        parent: Option<u64>,
        note: Note,
    ) -> OpenSpan {
        OpenSpan {
            name,
            started: SystemTime::now(),
            attributes,
            ids,
            parent,
            note,
        }
    }

    /// The latest stretch of sampling under load, and the runs left out.
    pub(crate) fn sampling(&self) -> (Option<Episode>, u64) {
        self.sampler
            .as_ref()
            .map_or((None, 0), |s| (s.episode(), s.left_out()))
    }

    /// Ends a span and queues it; never blocks. A failure gets an error
    /// status whose description is the error's type name alone. When the
    /// queue is full (or the pipeline shut down, or the event is too large)
    /// the span is dropped and counted.
    ///
    /// `more` (what the end adds) and `common` (the every-event context)
    /// follow the span's own attributes, each key once. The count limit
    /// keeps the first attributes and reports how many it dropped in the
    /// span's dropped-attribute count.
    pub(crate) fn finish(
        &self,
        open: OpenSpan,
        more: &[KeyValue],
        common: &[KeyValue],
        error_type: Option<std::borrow::Cow<'static, str>>,
    ) {
        let OpenSpan {
            name,
            started,
            mut attributes,
            ids,
            parent,
            note,
        } = open;
        crewtel::attribute::append_new(&mut attributes, more);
        crewtel::attribute::append_new(&mut attributes, common);
        let cut = limits::apply_value_length(self.limits, &mut attributes);
        if cut > 0 {
            self.cut_attributes.fetch_add(cut as u64, Ordering::Relaxed);
        }
        let kept = attributes.len().min(self.limits.count);
        let dropped_attributes = u32::try_from(attributes.len() - kept).unwrap_or(u32::MAX);
        attributes.truncate(kept);
        if weight::too_large(&attributes) {
            self.too_large.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            return self.release_dropped(&self.full);
        }
        // `try_read`: a shutdown in progress drops the event rather than wait.
        let running = self.running.try_read();
        let Some(running) = running.as_ref().ok().and_then(|guard| guard.as_ref()) else {
            return self.release_dropped(&self.late);
        };
        let mut span = Span {
            name,
            ids,
            parent,
            start: started,
            end: SystemTime::now(),
            attributes,
            dropped_attributes,
            error_type,
            note,
            wire: None,
        };
        match running {
            Running::Direct(deliver) => deliver.deliver(vec![span]),
            Running::Batched(batcher) => batcher.push(span),
            Running::Queued(queue, _, prepare) => {
                if prepare.wire {
                    span.wire = Some(otlp::wire_span(&span));
                    if !prepare.attributes {
                        span.attributes = Vec::new();
                    }
                }
                queue.push(span);
            }
        }
    }

    fn release_dropped(&self, reason: &AtomicU64) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        reason.fetch_add(1, Ordering::Relaxed);
    }

    /// Events dropped because the queue was full, they were too large, or
    /// the pipeline had shut down; and requests dropped after they were
    /// built (refused by the collector, past the outbox's bounds, damaged),
    /// one each.
    pub(crate) fn dropped(&self) -> u64 {
        let drops = self.drops();
        drops.queue_full
            + drops.too_large
            + drops.after_shutdown
            + drops.refused
            + drops.outbox_full
            + drops.damaged
    }

    /// What was dropped, by reason.
    pub(crate) fn drops(&self) -> Drops {
        let courier = self.courier.as_ref();
        Drops {
            queue_full: self.full.load(Ordering::Relaxed),
            too_large: self.too_large.load(Ordering::Relaxed),
            after_shutdown: self.late.load(Ordering::Relaxed),
            refused: courier.map_or(0, |c| c.refused()),
            outbox_full: courier.map_or(0, |c| c.overflowed()),
            damaged: courier.map_or(0, |c| c.damaged()),
            ..Drops::default()
        }
    }

    /// What waits to be sent, and when the next attempt is due.
    pub(crate) fn pending(&self) -> (Pending, Option<SystemTime>) {
        match &self.courier {
            Some(courier) => (courier.pending(), courier.next_attempt()),
            None => (Pending::default(), None),
        }
    }

    /// Attributes removed by the value length limit.
    pub(crate) fn cut_attributes(&self) -> u64 {
        self.cut_attributes.load(Ordering::Relaxed)
    }

    /// Flushes and stops, waiting at most the shutdown bound: the queue goes
    /// to the spool (a matter of milliseconds), and the courier sends what
    /// it can in the time left; what it cannot is written to the outbox
    /// for the next process. The host never waits on the batch
    /// thread past the bound. Later calls do nothing.
    pub(crate) fn shutdown(&self) {
        let taken = match self.running.write() {
            Ok(mut running) => running.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(running) = taken else {
            return;
        };
        let bound = self.shutdown_timeout;
        let deadline = Instant::now() + bound;
        match running {
            Running::Direct(deliver) => deliver.end.shutdown(),
            Running::Batched(batcher) => batcher.stop(bound),
            // Into requests on this thread (what waits is at most the
            // queue's bound: milliseconds), whatever the courier is doing;
            // what is left past the bound (a slow disk the spool writes
            // to) is dropped, counted.
            Running::Queued(queue, deliver, _) => {
                while let Some(batch) = queue.take(true) {
                    if Instant::now() < deadline {
                        deliver.deliver(batch);
                    } else {
                        let left = batch.len();
                        self.in_flight.fetch_sub(left, Ordering::AcqRel);
                        self.late.fetch_add(left as u64, Ordering::Relaxed);
                    }
                }
            }
        }
        if let Some(courier) = &self.courier {
            courier.finish(deadline, bound);
        }
    }
}

/// The client an OTLP pipeline sends through (nothing started), or why it
/// cannot be made: the endpoint, the TLS files and provider, the proxy.
/// The notes of the TLS files go to `warn`.
fn transport(
    settings: &Export,
    warn: &crate::warning::WarningSink,
) -> Result<http::Transport, BuildError> {
    let endpoint = &settings.endpoint;
    let headers: HeaderMap = settings
        .headers
        .iter()
        .filter_map(|(k, v)| {
            Some((
                HeaderName::from_bytes(k.as_bytes()).ok()?,
                HeaderValue::from_str(v).ok()?,
            ))
        })
        .collect();
    let uri: ::http::Uri = endpoint.parse().map_err(|_| BuildError::EndpointRefused)?;
    let tls = tls::Tls::read(&settings.tls)?;
    for note in &tls.notes {
        warn(note);
    }
    http::Transport::build(settings.timeout, uri, headers, tls, settings.proxy.as_ref())
}

/// Whether an OTLP pipeline could be built on `settings`, and why not:
/// what `telemetry status` reports without building one. Reads the TLS
/// files; starts, opens and writes nothing.
pub(crate) fn check(settings: &Export) -> Result<(), BuildError> {
    let quiet: crate::warning::WarningSink = Arc::new(|_: &str| {});
    transport(settings, &quiet).map(|_| ())
}

/// Hands spans to the end and counts them out of the queue, so the gate in
/// `finish` knows how full it is.
struct Deliver {
    end: Arc<dyn End>,
    in_flight: Arc<AtomicUsize>,
}

impl Deliver {
    fn deliver(&self, batch: Vec<Span>) {
        let spans = batch.len();
        // A panic at the end (none is known) loses this batch, never the
        // count: the queue stays open.
        let end = std::panic::AssertUnwindSafe(|| self.end.export(batch));
        let _ = std::panic::catch_unwind(end);
        self.in_flight.fetch_sub(spans, Ordering::AcqRel);
    }
}
