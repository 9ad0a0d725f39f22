//! Export over OTLP/HTTP: opentelemetry-otlp behind the SDK's thread-based
//! batch processor, with a bounded, counted queue in front of it and a
//! shutdown that keeps its bound whatever the collector does.

mod failures;
mod http;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use opentelemetry::trace::{Span, SpanKind, Status, Tracer, TracerProvider};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider, SpanData,
    SpanExporter,
};

pub(crate) use failures::Failures;

use crate::config::{Limits, Protocol, Settings};
use crate::debug;
use crate::limits;
use crate::local::Record;

/// What the host chose about the pipeline.
pub(crate) struct Options {
    pub queue_size: usize,
    pub shutdown_timeout: Duration,
    pub scheduled_delay: Duration,
    /// The local record every exported span is appended to.
    pub record: Option<Arc<Record>>,
}

/// The running export pipeline.
pub(crate) struct Pipeline {
    /// `None` once shut down.
    running: RwLock<Option<Running>>,
    in_flight: Arc<AtomicUsize>,
    capacity: usize,
    dropped: AtomicU64,
    settings: Settings,
    shutdown_timeout: Duration,
}

struct Running {
    provider: SdkTracerProvider,
    tracer: SdkTracer,
}

/// A span that holds its place in the queue until it ends.
pub(crate) struct OpenSpan {
    span: opentelemetry_sdk::trace::Span,
    /// Attributes it started with (for the count limit).
    count: usize,
}

impl Pipeline {
    /// Builds the pipeline, or says why it cannot be (warned about once by
    /// the caller; nothing is then sent).
    pub(crate) fn build(
        settings: Settings,
        resource: Vec<KeyValue>,
        options: Options,
        failures: Arc<Failures>,
    ) -> Result<Pipeline, String> {
        let endpoint = settings.endpoint.clone().ok_or("no endpoint")?;
        let client = http::BlockingHttp::build(settings.timeout, failures)?;
        let mut exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(endpoint)
            .with_timeout(settings.timeout)
            .with_protocol(match settings.protocol {
                Protocol::HttpProtobuf => opentelemetry_otlp::Protocol::HttpBinary,
                Protocol::HttpJson => opentelemetry_otlp::Protocol::HttpJson,
            })
            .with_headers(settings.headers.iter().cloned().collect::<HashMap<_, _>>())
            .with_http_client(client)
            // Retries happen in the client, where `Retry-After` can be seen.
            .with_retry_policy(opentelemetry_otlp::RetryPolicy::disabled());
        if settings.gzip {
            exporter = exporter.with_compression(opentelemetry_otlp::Compression::Gzip);
        }
        let exporter = exporter.build().map_err(|error| error.to_string())?;

        let capacity = options.queue_size.max(1);
        let in_flight = Arc::new(AtomicUsize::new(0));
        let counted = Counted {
            inner: exporter,
            in_flight: Arc::clone(&in_flight),
            record: options.record,
        };
        let batch = BatchConfigBuilder::default()
            .with_max_queue_size(capacity)
            .with_max_export_batch_size(capacity.min(512))
            .with_scheduled_delay(options.scheduled_delay)
            .build();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(
                BatchSpanProcessor::builder(counted)
                    .with_batch_config(batch)
                    .build(),
            )
            .with_resource(Resource::builder_empty().with_attributes(resource).build())
            .with_sampler(Sampler::AlwaysOn)
            .build();
        let scope = InstrumentationScope::builder("crewtel")
            .with_version(env!("CARGO_PKG_VERSION"))
            .build();
        let tracer = provider.tracer_with_scope(scope);
        Ok(Pipeline {
            running: RwLock::new(Some(Running { provider, tracer })),
            in_flight,
            capacity,
            dropped: AtomicU64::new(0),
            settings,
            shutdown_timeout: options.shutdown_timeout,
        })
    }

    /// Opens a span, reserving its place in the queue; never blocks. When
    /// the queue is full (or the pipeline shut down) the event is dropped,
    /// counted, and `None` returned.
    pub(crate) fn start(
        &self,
        name: &'static str,
        mut attributes: Vec<KeyValue>,
    ) -> Option<OpenSpan> {
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.release_dropped();
            return None;
        }
        // `try_read`: a shutdown in progress drops the event rather than wait.
        let running = self.running.try_read();
        let Some(running) = running.as_ref().ok().and_then(|guard| guard.as_ref()) else {
            self.release_dropped();
            return None;
        };
        limits::apply(self.settings.limits, &mut attributes);
        let count = attributes.len();
        let span = running
            .tracer
            .span_builder(name)
            .with_kind(SpanKind::Internal)
            .with_attributes(attributes)
            .start(&running.tracer);
        Some(OpenSpan { span, count })
    }

    /// Ends a span with more attributes and, for a failure, an error status
    /// whose description is the error's type name alone.
    pub(crate) fn finish(
        &self,
        open: OpenSpan,
        mut attributes: Vec<KeyValue>,
        error_type: Option<&'static str>,
    ) {
        let OpenSpan { mut span, count } = open;
        let limits = Limits {
            count: self.settings.limits.count.saturating_sub(count),
            ..self.settings.limits
        };
        limits::apply(limits, &mut attributes);
        span.set_attributes(attributes);
        if let Some(error_type) = error_type {
            span.set_status(Status::error(error_type));
        }
        span.end();
    }

    /// Sends one event at once: a span that starts and ends.
    pub(crate) fn emit(&self, name: &'static str, attributes: Vec<KeyValue>) {
        if let Some(open) = self.start(name, attributes) {
            self.finish(open, Vec::new(), None);
        }
    }

    fn release_dropped(&self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// Events dropped because the queue was full or the pipeline shut down.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Flushes and stops, waiting at most the shutdown bound. The work goes
    /// to a thread of its own, which the host never waits on past the bound
    /// (the SDK's own shutdown may overrun it while a collector hangs).
    /// Later calls do nothing.
    pub(crate) fn shutdown(&self) {
        let taken = match self.running.write() {
            Ok(mut running) => running.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(Running { provider, tracer }) = taken else {
            return;
        };
        let bound = self.shutdown_timeout;
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
    }
}

/// Counts spans out of the queue, so the gate in `emit` knows how full it is,
/// and appends each to the local record as it leaves.
struct Counted<E> {
    inner: E,
    in_flight: Arc<AtomicUsize>,
    record: Option<Arc<Record>>,
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
        if let Some(record) = &self.record {
            let lines: Vec<String> = batch
                .iter()
                .map(|span| {
                    debug::line(
                        &span.name,
                        &span.attributes,
                        matches!(span.status, Status::Error { .. }),
                    )
                })
                .collect();
            record.append(&lines);
        }
        let result = self.inner.export(batch).await;
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
