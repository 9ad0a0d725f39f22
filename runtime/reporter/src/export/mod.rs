//! The one pipeline every event goes through, whichever exporter is at its
//! end: the limits, the size cap and the counted queue are applied here,
//! once. Two exporters: OTLP/HTTP (crewtel's own encoder, `otlp`, behind
//! the SDK's thread-based batch processor, whose requests go to the spool, on disk
//! when it can be, and from there to the collector by the courier's thread,
//! so that neither the host nor the shutdown ever waits on the network) and
//! the debug printer (`CREWTEL_DEBUG`, each event printed as it ends, on the
//! host's thread).

mod capture;
mod courier;
mod drops;
mod error;
mod failures;
mod http;
mod ids;
mod keep;
mod no_proxy;
mod otlp;
pub(crate) mod outbox;
mod sdk_attributes;
mod spool;
pub(crate) mod tls;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use ::http::{HeaderMap, HeaderName, HeaderValue};
use crewtel::attribute::KeyValue;
use opentelemetry::trace::{
    Span, SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId, TraceState,
    Tracer, TracerProvider,
};
use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider,
    SimpleSpanProcessor, SpanData, SpanExporter, SpanLimits, SpanProcessor,
};

pub use drops::Drops;
pub(crate) use failures::Failures;
pub(crate) use outbox::Pending;

use crate::config::{Export, Limits};
use crate::debug::{self, DebugSink};
use crate::limits;
use crate::local::Record;
use crewtel::sink::SpanIds;
use error::BuildError;

/// The most events the queue may hold, whatever the host asks: the batch
/// processor allocates its queue up front.
const MAX_QUEUE_SIZE: usize = 1 << 16;

/// The largest event sent, in bytes on the wire (estimated from its
/// attributes, arrays by their content): a larger one is dropped before it
/// is queued, and counted.
const MAX_EVENT_BYTES: usize = 1 << 20;

/// The most one export request carries, in the same estimate: a batch is
/// split into requests below it, so that a collector's request limit (4 MiB
/// is common) never refuses small events for the company of large ones.
const MAX_REQUEST_BYTES: usize = 2 * MAX_EVENT_BYTES;

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
    /// Each span's consent, as the reporter noted it, for the lines the
    /// record and the debug printer write.
    pub notes: Option<Arc<crate::notes::Notes>>,
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
    /// Makes each span's ids when it starts.
    ids: ids::Preset,
    /// What sends the requests to the collector (none for the debug
    /// printer).
    courier: Option<courier::Courier>,
}

struct Running {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
}

/// A span that has started: only its name, start time and attributes. It
/// takes no place in the queue (and costs nothing if forgotten) until it ends.
pub(crate) struct OpenSpan {
    name: &'static str,
    started: SystemTime,
    attributes: Vec<KeyValue>,
    ids: SpanIds,
    /// The span it started in, if any: in the same trace.
    parent: Option<u64>,
}

impl OpenSpan {
    /// Its place in its trace, for what starts inside it.
    pub(crate) fn ids(&self) -> SpanIds {
        self.ids
    }
}

impl Pipeline {
    /// The pipeline to an OTLP collector, or why it cannot be built (warned
    /// about once by the caller; nothing is then sent).
    pub(crate) fn otlp(
        settings: &Export,
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        options: Options,
        failures: Arc<Failures>,
    ) -> Result<Pipeline, BuildError> {
        let transport = transport(settings, &options.warn)?;
        let spool = spool::Spool::new(options.outbox.clone(), Arc::clone(&options.warn));
        let courier = courier::Courier::start(spool, transport, options.record.clone(), failures);
        let lines: courier::Lines = Arc::default();
        let encoding = otlp::Encoding {
            protocol: settings.protocol,
            gzip: settings.gzip,
        };
        let exporter = otlp::Encoder::new(&resource, encoding, courier.handoff(Arc::clone(&lines)));

        let mut pipeline = Pipeline::assemble(
            limits,
            resource,
            &options,
            exporter,
            options.record.as_ref().map(|_| lines),
            |counted, capacity| batched(counted, capacity, options.scheduled_delay),
        );
        pipeline.courier = Some(courier);
        Ok(pipeline)
    }

    /// The pipeline to the debug printer: the same limits, caps and counts,
    /// each event printed as it ends.
    pub(crate) fn debug(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        out: DebugSink,
        options: Options,
    ) -> Pipeline {
        let notes = options.notes.clone().unwrap_or_default();
        Pipeline::on_host_thread(limits, resource, debug::Exporter::new(out, notes), options)
    }

    /// The pipeline to the readable printer (`CREWTEL_DEBUG=pretty`): the
    /// same limits, caps and counts.
    pub(crate) fn pretty(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        out: debug::Pretty,
        options: Options,
    ) -> Pipeline {
        Pipeline::on_host_thread(limits, resource, out, options)
    }

    /// The pipeline of a reporter built onto a capture (`crewtel::testing`):
    /// the same limits, caps and counts, each event kept in `capture` as it
    /// ends, on the host's thread.
    pub(crate) fn capture(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        capture: crewtel::testing::Capture,
        notes: Arc<crate::notes::Notes>,
        options: Options,
    ) -> Pipeline {
        let exporter = capture::ToCapture::new(capture, notes);
        Pipeline::on_host_thread(limits, resource, exporter, options)
    }

    /// The pipeline around `exporter`, which each event reaches as it ends,
    /// on the host's thread (a printer, a capture: nothing that waits).
    fn on_host_thread<E: SpanExporter + 'static>(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        exporter: E,
        options: Options,
    ) -> Pipeline {
        Pipeline::assemble(limits, resource, &options, exporter, None, |counted, _| {
            SimpleSpanProcessor::new(counted)
        })
    }

    /// The pipeline of local mode: the same limits, caps and counts, each
    /// event appended to `record` by the batch thread; nothing is uploaded.
    pub(crate) fn local(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        record: Arc<Record>,
        options: Options,
    ) -> Pipeline {
        Pipeline::assemble(
            limits,
            resource,
            &options,
            keep::Keep::new(record, options.notes.clone()),
            None,
            |counted, capacity| batched(counted, capacity, options.scheduled_delay),
        )
    }

    /// The pipeline around `exporter`, counted (and each request's record
    /// lines handed to `lines`, when a record is kept), behind the processor
    /// `processor` makes of it.
    fn assemble<E: SpanExporter + 'static, P: SpanProcessor + 'static>(
        limits: Limits,
        resource: Vec<opentelemetry::KeyValue>,
        options: &Options,
        exporter: E,
        lines: Option<courier::Lines>,
        processor: impl FnOnce(Counted<E>, usize) -> P,
    ) -> Pipeline {
        let capacity = options.queue_size.clamp(1, MAX_QUEUE_SIZE);
        let in_flight = Arc::new(AtomicUsize::new(0));
        let counted = Counted {
            inner: exporter,
            in_flight: Arc::clone(&in_flight),
            lines,
            notes: options.notes.clone(),
        };
        let processor = processor(counted, capacity);
        // Set explicitly: the SDK's defaults read `OTEL_SPAN_*` and
        // `OTEL_TRACES_SAMPLER` from the process, behind crewtel's back.
        let attribute_limit = u32::try_from(limits.count).unwrap_or(u32::MAX);
        let provider = SdkTracerProvider::builder()
            .with_id_generator(ids::Preset::default())
            .with_span_processor(processor)
            .with_resource(Resource::builder_empty().with_attributes(resource).build())
            .with_sampler(Sampler::AlwaysOn)
            .with_span_limits(SpanLimits {
                max_attributes_per_span: attribute_limit,
                ..SpanLimits::default()
            })
            .build();
        let scope = InstrumentationScope::builder("crewtel")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let tracer = provider.tracer_with_scope(scope);
        Pipeline {
            running: RwLock::new(Some(Running { provider, tracer })),
            in_flight,
            capacity,
            full: AtomicU64::new(0),
            too_large: AtomicU64::new(0),
            late: AtomicU64::new(0),
            cut_attributes: AtomicU64::new(0),
            limits,
            shutdown_timeout: options.shutdown_timeout,
            ids: ids::Preset::default(),
            courier: None,
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

    /// Starts a span, inside `parent` when there is one: notes the time and
    /// makes its ids; nothing is queued yet.
    pub(crate) fn start(
        &self,
        name: &'static str,
        attributes: Vec<KeyValue>,
        parent: Option<SpanIds>,
    ) -> OpenSpan {
        OpenSpan {
            name,
            started: SystemTime::now(),
            attributes,
            ids: self.ids.fresh(parent.map(|parent| parent.trace_id)),
            parent: parent.map(|parent| parent.span_id),
        }
    }

    /// Ends a span and queues it; never blocks. A failure gets an error
    /// status whose description is the error's type name alone. When the
    /// queue is full (or the pipeline shut down, or the event is too large)
    /// the span is dropped and counted, and `false` returned.
    ///
    /// `more` (what the end adds) and `common` (the every-event context)
    /// follow the span's own attributes, each key once. The count limit is
    /// the SDK's, which keeps the first attributes and reports how many it
    /// dropped in the span's dropped-attribute count.
    pub(crate) fn finish(
        &self,
        open: OpenSpan,
        more: &[KeyValue],
        common: &[KeyValue],
        error_type: Option<std::borrow::Cow<'static, str>>,
    ) -> bool {
        let OpenSpan {
            name,
            started,
            mut attributes,
            ids,
            parent,
        } = open;
        crewtel::attribute::append_new(&mut attributes, more);
        crewtel::attribute::append_new(&mut attributes, common);
        let cut = limits::apply_value_length(self.limits, &mut attributes);
        if cut > 0 {
            self.cut_attributes.fetch_add(cut as u64, Ordering::Relaxed);
        }
        let attributes: Vec<opentelemetry::KeyValue> =
            attributes.into_iter().map(sdk_attributes::to_sdk).collect();
        if wire_bytes(&attributes) > MAX_EVENT_BYTES {
            self.too_large.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.release_dropped(&self.full);
            return false;
        }
        // `try_read`: a shutdown in progress drops the event rather than wait.
        let running = self.running.try_read();
        let Some(running) = running.as_ref().ok().and_then(|guard| guard.as_ref()) else {
            self.release_dropped(&self.late);
            return false;
        };
        let context = match parent {
            Some(parent) => Context::new().with_remote_span_context(SpanContext::new(
                TraceId::from(ids.trace_id),
                SpanId::from(parent),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            )),
            None => Context::new(),
        };
        let builder = running
            .tracer
            .span_builder(name)
            .with_kind(SpanKind::Internal)
            .with_start_time(started)
            .with_attributes(attributes);
        let mut span = ids::building(ids, || {
            builder.start_with_context(&running.tracer, &context)
        });
        if let Some(error_type) = error_type {
            span.set_status(Status::error(error_type));
        }
        span.end();
        true
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
    /// to the spool (on disk, a matter of milliseconds), and the courier
    /// sends what it can in the time left; what it cannot stays in the
    /// outbox for the next process. The SDK's flush runs on a thread of its
    /// own, which the host never waits on past the bound. Later calls do
    /// nothing.
    pub(crate) fn shutdown(&self) {
        let taken = match self.running.write() {
            Ok(mut running) => running.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(Running { provider, tracer }) = taken else {
            return;
        };
        let bound = self.shutdown_timeout;
        let deadline = Instant::now() + bound;
        let (done, finished) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("crewtel-shutdown".into())
            .spawn(move || {
                drop(tracer);
                let _ = provider.shutdown_with_timeout(bound);
                let _ = done.send(());
                drop(provider);
            });
        if spawned.is_ok() {
            let _ = finished.recv_timeout(bound);
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

/// The SDK's batch processor around `exporter`: its own thread, a queue of
/// `capacity`, batches of at most 512, sent every `delay`.
fn batched<E: SpanExporter + 'static>(
    exporter: E,
    capacity: usize,
    delay: Duration,
) -> BatchSpanProcessor {
    let batch = BatchConfigBuilder::default()
        .with_max_queue_size(capacity)
        .with_max_export_batch_size(capacity.min(512))
        .with_scheduled_delay(delay)
        .build();
    BatchSpanProcessor::builder(exporter)
        .with_batch_config(batch)
        .build()
}

/// What an event's attributes weigh on the wire, at most: every key, every
/// value, every entry of an array (a number as its longest JSON form), and
/// each byte of text JSON would escape as six.
fn wire_bytes(attributes: &[opentelemetry::KeyValue]) -> usize {
    use opentelemetry::{Array, Value};

    fn text(s: &str) -> usize {
        let escaped = s
            .bytes()
            .filter(|b| *b < 0x20 || *b == b'"' || *b == b'\\')
            .count();
        s.len() + 5 * escaped + 4
    }
    const NUMBER: usize = 24;
    attributes
        .iter()
        .map(|kv| {
            let value = match &kv.value {
                Value::String(s) => text(s.as_str()),
                Value::Array(Array::String(items)) => items.iter().map(|s| text(s.as_str())).sum(),
                Value::Array(Array::I64(items)) => items.len() * NUMBER,
                Value::Array(Array::F64(items)) => items.len() * NUMBER,
                Value::Array(Array::Bool(items)) => items.len() * 6,
                _ => NUMBER,
            };
            text(kv.key.as_str()) + value + 16
        })
        .sum()
}

/// `batch` in requests of at most [`MAX_REQUEST_BYTES`] each (one span at
/// least), in order.
fn requests(batch: Vec<SpanData>) -> Vec<Vec<SpanData>> {
    let mut requests = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0;
    for span in batch {
        let weight = wire_bytes(&span.attributes) + span.name.len() + 64;
        if !current.is_empty() && bytes + weight > MAX_REQUEST_BYTES {
            requests.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += weight;
        current.push(span);
    }
    if !current.is_empty() {
        requests.push(current);
    }
    requests
}

/// Counts spans out of the queue, so the gate in `finish` knows how full it
/// is, and hands each request's record lines to the handoff that keeps it
/// (they are recorded once the request is delivered).
struct Counted<E> {
    inner: E,
    in_flight: Arc<AtomicUsize>,
    lines: Option<courier::Lines>,
    /// Each span's consent, for its record line.
    notes: Option<Arc<crate::notes::Notes>>,
}

impl<E: core::fmt::Debug> core::fmt::Debug for Counted<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Counted")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<E: SpanExporter> SpanExporter for Counted<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len();
        let mut result = Ok(());
        for request in requests(batch) {
            if let Some(slot) = &self.lines {
                let lines = request
                    .iter()
                    .map(|span| debug::line(span, self.notes.as_deref()))
                    .collect();
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(lines);
                }
            }
            let sent = self.inner.export(request).await;
            if result.is_ok() {
                result = sent;
            }
        }
        self.in_flight.fetch_sub(spans, Ordering::AcqRel);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
