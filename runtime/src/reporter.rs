//! `Reporter`: the one object a host keeps to send events.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use opentelemetry::KeyValue;

use crate::config::{Defaults, Limits, Mode, Settings};
use crate::debug::DebugSink;
use crate::environment::Environment;
use crate::export::{self, Failures, OpenSpan, Pipeline};
use crate::limits;
use crate::telemetry::{Event, Telemetry};

/// Reads one configuration variable (`None` when unset).
type EnvironmentLookup = dyn Fn(&str) -> Option<String>;

/// A function that receives crewtel's own warnings (one line each).
pub(crate) type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The default bound on [`Reporter::shutdown`].
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);

/// The default number of events the export queue holds before it drops.
pub const DEFAULT_QUEUE_SIZE: usize = 2048;

/// How often queued events are sent.
const EXPORT_INTERVAL: Duration = Duration::from_secs(1);

/// Sends events; built once per process from the environment.
///
/// `emit` returns at once whatever the network does, and costs a branch when
/// telemetry is off. `shutdown` (or dropping the reporter) flushes within a
/// bound. Nothing here panics or returns an error to the host.
///
/// ```
/// use crewtel::{Mode, Reporter, Telemetry};
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Tool Usage")]
/// struct ToolUsage {
///     /// The tool's name.
///     #[telemetry(always, rename = "tool_name")]
///     name: &'static str,
/// }
///
/// let reporter = Reporter::builder()
///     .service_name("my-framework")
///     .service_version("1.2.3")
///     .environment(|_| None) // no variables: as on a machine with none set
///     .build();
/// assert_eq!(reporter.mode(), Mode::NoEndpoint);
/// reporter.emit(ToolUsage { name: "search" }.telemetry_event());
/// reporter.shutdown();
/// ```
pub struct Reporter {
    mode: Mode,
    sink: Option<Sink>,
    /// Sent on every event (`every_event`), computed once.
    common: Vec<KeyValue>,
}

enum Sink {
    Debug { out: DebugSink, settings: Settings },
    Export(Pipeline),
}

impl Reporter {
    /// A builder; nothing is read until [`ReporterBuilder::build`].
    pub fn builder() -> ReporterBuilder {
        ReporterBuilder::default()
    }

    /// Where events go, as decided at build time.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Sends one event. Returns at once; never blocks, fails or panics.
    #[inline]
    pub fn emit<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) {
        if let Some(sink) = &self.sink
            && event.is_allowed()
        {
            sink.emit(event.name(), event.key_values_and(&self.common));
        }
    }

    /// Opens a span for something that takes time (a task's execution): it
    /// is sent when it ends, with what [`ActiveSpan::end_with`] adds, or with
    /// an error status and the error's type from [`ActiveSpan::fail`].
    /// Returns at once; never blocks, fails or panics.
    ///
    /// ```
    /// use crewtel::{Reporter, Telemetry};
    ///
    /// #[derive(Telemetry)]
    /// #[telemetry(event = "Task Execution")]
    /// struct TaskExecution {
    ///     #[telemetry(always)]
    ///     task_id: &'static str,
    /// }
    ///
    /// #[derive(Telemetry)]
    /// struct TaskOutput<'a> {
    ///     #[telemetry(share_crew)]
    ///     task_output: &'a str,
    /// }
    ///
    /// let reporter = Reporter::builder().environment(|_| None).build();
    /// let execution = TaskExecution { task_id: "t1" };
    /// let span = reporter.start(execution.telemetry_event());
    /// let output = String::from("42 llamas");
    /// span.end_with(TaskOutput { task_output: &output }.telemetry_event());
    ///
    /// let span = reporter.start(execution.telemetry_event());
    /// let error = std::io::Error::other("disk full: /home/alice/crew.db");
    /// span.fail(&error); // sends `error_type: "io::Error"`, never the message
    /// ```
    pub fn start<T: Telemetry + ?Sized>(&self, event: Event<'_, T>) -> ActiveSpan<'_> {
        let open = match &self.sink {
            Some(sink) if event.is_allowed() => {
                sink.start(event.name(), event.key_values_and(&self.common))
            }
            _ => None,
        };
        ActiveSpan { open }
    }

    /// Events dropped so far because the export queue was full (or the
    /// reporter was shut down).
    pub fn dropped_events(&self) -> u64 {
        match &self.sink {
            Some(Sink::Export(pipeline)) => pipeline.dropped(),
            _ => 0,
        }
    }

    /// Flushes what is queued, waiting at most the shutdown bound; later
    /// calls (and the drop) do nothing. Do not call it from inside an async
    /// task if you can help it: it blocks its thread for up to the bound.
    pub fn shutdown(&self) {
        if let Some(sink) = &self.sink {
            sink.shutdown();
        }
    }
}

/// Makes every string value reference-counted, so that appending the common
/// attributes to each event copies no text.
fn shared_strings(attributes: Vec<KeyValue>) -> Vec<KeyValue> {
    attributes
        .into_iter()
        .map(|KeyValue { key, value, .. }| {
            let value = match value {
                opentelemetry::Value::String(s) => {
                    opentelemetry::Value::String(std::sync::Arc::<str>::from(s.as_str()).into())
                }
                other => other,
            };
            KeyValue::new(key, value)
        })
        .collect()
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A span opened by [`Reporter::start`]; it is sent when it ends (dropping
/// it ends it too).
#[must_use = "a span is sent when it ends: call `end`, `end_with` or `fail`"]
pub struct ActiveSpan<'r> {
    open: Option<Open<'r>>,
}

#[allow(
    clippy::large_enum_variant,
    reason = "lives on the stack for one span; boxing would cost an allocation per span"
)]
enum Open<'r> {
    Debug {
        out: &'r DebugSink,
        limits: Limits,
        name: &'static str,
        attributes: Vec<KeyValue>,
    },
    Export {
        pipeline: &'r Pipeline,
        span: OpenSpan,
    },
}

/// The key [`ActiveSpan::fail`] sends the error's type under.
pub const ERROR_TYPE_KEY: &str = "error_type";

impl ActiveSpan<'_> {
    /// Ends the span.
    pub fn end(mut self) {
        self.finish(Vec::new(), None);
    }

    /// Ends the span, adding the attributes `event` allows (a task's output
    /// when its crew shares).
    pub fn end_with<T: Telemetry + ?Sized>(mut self, event: Event<'_, T>) {
        if self.open.is_some() {
            self.finish(event.key_values(), None);
        }
    }

    /// Ends the span with an error status and `error_type`: the error's short
    /// type name (`ToolError`, `io::Error`), never its message, which may
    /// hold prompts, output or credentials.
    pub fn fail<E: std::error::Error + ?Sized>(mut self, error: &E) {
        if self.open.is_some() {
            let error_type = crate::emit::error_type_name(error);
            self.finish(
                vec![KeyValue::new(ERROR_TYPE_KEY, error_type)],
                Some(error_type),
            );
        }
    }

    fn finish(&mut self, mut attributes: Vec<KeyValue>, error_type: Option<&'static str>) {
        match self.open.take() {
            None => {}
            Some(Open::Debug {
                out,
                limits,
                name,
                attributes: mut all,
            }) => {
                all.append(&mut attributes);
                limits::apply(limits, &mut all);
                out.write(name, &all, error_type.is_some());
            }
            Some(Open::Export { pipeline, span }) => pipeline.finish(span, attributes, error_type),
        }
    }
}

impl Drop for ActiveSpan<'_> {
    fn drop(&mut self) {
        self.finish(Vec::new(), None);
    }
}

impl Sink {
    fn start(&self, name: &'static str, attributes: Vec<KeyValue>) -> Option<Open<'_>> {
        match self {
            Sink::Debug { out, settings } => Some(Open::Debug {
                out,
                limits: settings.limits,
                name,
                attributes,
            }),
            Sink::Export(pipeline) => pipeline
                .start(name, attributes)
                .map(|span| Open::Export { pipeline, span }),
        }
    }

    fn emit(&self, name: &'static str, mut attributes: Vec<KeyValue>) {
        match self {
            Sink::Debug { out, settings } => {
                limits::apply(settings.limits, &mut attributes);
                out.write(name, &attributes, false);
            }
            Sink::Export(pipeline) => pipeline.emit(name, attributes),
        }
    }

    fn shutdown(&self) {
        match self {
            Sink::Debug { .. } => {}
            Sink::Export(pipeline) => pipeline.shutdown(),
        }
    }
}

/// Configures a [`Reporter`]. The environment wins over everything set here.
pub struct ReporterBuilder {
    defaults: Defaults,
    service_version: Option<String>,
    shutdown_timeout: Duration,
    queue_size: usize,
    warnings: Option<WarningSink>,
    debug_out: Option<Box<dyn Write + Send>>,
    environment: Option<Box<EnvironmentLookup>>,
    every_event: Option<Box<dyn FnOnce() -> Vec<KeyValue>>>,
}

impl Default for ReporterBuilder {
    fn default() -> Self {
        ReporterBuilder {
            defaults: Defaults::default(),
            service_version: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            queue_size: DEFAULT_QUEUE_SIZE,
            warnings: None,
            debug_out: None,
            environment: None,
            every_event: None,
        }
    }
}

impl ReporterBuilder {
    /// `service.name` (the host framework's name); `OTEL_SERVICE_NAME` wins.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.defaults.service_name = Some(name.into());
        self
    }

    /// `service.version` (the host framework's version).
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.service_version = Some(version.into());
        self
    }

    /// The host's own collector: a base URL (`/v1/traces` is appended), used
    /// only when the user set no `OTEL_EXPORTER_OTLP_*ENDPOINT`.
    pub fn default_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.defaults.endpoint = Some(endpoint.into());
        self
    }

    /// Prints events instead of sending them, as `CREWTEL_DEBUG=1` does.
    pub fn debug(mut self, on: bool) -> Self {
        self.defaults.debug = on;
        self
    }

    /// When no endpoint is configured anywhere, print events instead of
    /// dropping them (a host's "show me what would be sent" mode).
    pub fn debug_without_endpoint(mut self, on: bool) -> Self {
        self.defaults.debug_without_endpoint = on;
        self
    }

    /// The most [`Reporter::shutdown`] waits (default 2 s).
    pub fn shutdown_timeout(mut self, bound: Duration) -> Self {
        self.shutdown_timeout = bound;
        self
    }

    /// How many events may wait for export (default 2048); past that,
    /// `emit` drops and counts them ([`Reporter::dropped_events`]).
    pub fn queue_size(mut self, events: usize) -> Self {
        self.queue_size = events;
        self
    }

    /// Attributes sent on every event, such as a [`ProcessContext`](crate::ProcessContext).
    /// `detect` runs once, at build time, and only when telemetry is on; its
    /// value's `always` keys are sent.
    ///
    /// ```
    /// use crewtel::{ProcessContext, Reporter};
    ///
    /// let reporter = Reporter::builder()
    ///     .every_event(|| ProcessContext::detect("my-project"))
    ///     .build();
    /// ```
    pub fn every_event<T: Telemetry + 'static>(
        mut self,
        detect: impl FnOnce() -> T + 'static,
    ) -> Self {
        self.every_event = Some(Box::new(move || {
            detect()
                .telemetry_event_with(crate::Consent::Anonymous)
                .key_values()
        }));
        self
    }

    /// Receives crewtel's own warnings (a malformed variable, the first export
    /// failure of a kind) instead of stderr.
    pub fn on_warning(mut self, sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warnings = Some(Arc::new(sink));
        self
    }

    /// Where debug output goes, instead of stderr.
    pub fn debug_output(mut self, out: impl Write + Send + 'static) -> Self {
        self.debug_out = Some(Box::new(out));
        self
    }

    /// Reads configuration through `lookup` instead of the process
    /// environment (for tests, or a host with its own configuration).
    pub fn environment(mut self, lookup: impl Fn(&str) -> Option<String> + 'static) -> Self {
        self.environment = Some(Box::new(lookup));
        self
    }

    /// Reads the environment and builds the reporter. Never fails or panics:
    /// what cannot be used is warned about once and replaced by a safe default.
    pub fn build(self) -> Reporter {
        let warnings: WarningSink = self
            .warnings
            .unwrap_or_else(|| Arc::new(|line: &str| eprintln!("{line}")));
        let process_env = |name: &str| std::env::var(name).ok();
        let lookup: &dyn Fn(&str) -> Option<String> = match &self.environment {
            Some(lookup) => lookup.as_ref(),
            None => &process_env,
        };
        let settings = Settings::decide(lookup, &self.defaults, &mut |line| warnings(&line));
        let mut mode = settings.mode;
        let sink = match mode {
            Mode::Off | Mode::NoEndpoint => None,
            Mode::Debug => Some(Sink::Debug {
                out: DebugSink::new(
                    self.debug_out
                        .unwrap_or_else(|| Box::new(std::io::stderr())),
                ),
                settings,
            }),
            Mode::Export => {
                let service_name = settings
                    .service_name
                    .clone()
                    .unwrap_or_else(|| "unknown_service".to_owned());
                let resource =
                    Environment::get().resource(&service_name, self.service_version.as_deref());
                let options = export::Options {
                    queue_size: self.queue_size,
                    shutdown_timeout: self.shutdown_timeout,
                    scheduled_delay: EXPORT_INTERVAL,
                };
                match Pipeline::build(
                    settings,
                    resource,
                    options,
                    Arc::new(Failures::new(Arc::clone(&warnings))),
                ) {
                    Ok(pipeline) => Some(Sink::Export(pipeline)),
                    Err(error) => {
                        warnings(&format!(
                            "crewtel: the OTLP exporter could not be built ({error}); nothing is sent"
                        ));
                        mode = Mode::NoEndpoint;
                        None
                    }
                }
            }
        };
        let common = match (&sink, self.every_event) {
            (Some(_), Some(detect)) => shared_strings(detect()),
            _ => Vec::new(),
        };
        Reporter { mode, sink, common }
    }
}
