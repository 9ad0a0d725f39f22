//! `ReporterBuilder`: what the host sets; the environment wins over it.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use crewtel::attribute::KeyValue;

use super::contain::Containment;
use super::notice::{self, Gate, Notice, NoticeOutput};
use super::status::without_credentials;
use super::{DEFAULT_QUEUE_SIZE, DEFAULT_SHUTDOWN_TIMEOUT, Reporter, WarningSink};
use crate::config::{Decision, Defaults, Mode, NoticeGate, Reason, Settings, Source};
use crate::debug::{self, DebugSink};
use crate::environment::Environment;
use crate::export::outbox::{OUTBOX_DIR, Outbox};
use crate::export::{self, Failures, Pipeline};
use crate::local::{self, DEFAULT_RECORD_MAX_BYTES, Record};
use crewtel::Consent;
use crewtel::Telemetry;

/// Reads one configuration variable (`None` when unset).
type EnvironmentLookup = dyn Fn(&str) -> Option<String>;

/// How often queued events are sent.
const EXPORT_INTERVAL: Duration = Duration::from_secs(1);

/// Configures a [`Reporter`]. The environment wins over everything set here.
pub struct ReporterBuilder {
    pub(super) defaults: Defaults,
    service_version: Option<String>,
    shutdown_timeout: Duration,
    queue_size: usize,
    record_max_bytes: u64,
    pub(super) notice: Notice,
    pub(super) notice_output: Option<NoticeOutput>,
    pub(super) warnings: Option<WarningSink>,
    debug_out: Option<Box<dyn Write + Send>>,
    environment: Option<Box<EnvironmentLookup>>,
    every_event: Option<Box<dyn FnOnce() -> Vec<KeyValue>>>,
    tree: bool,
    pub(super) capture: Option<crewtel::testing::Capture>,
}

impl Default for ReporterBuilder {
    fn default() -> Self {
        ReporterBuilder {
            defaults: Defaults::default(),
            service_version: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            queue_size: DEFAULT_QUEUE_SIZE,
            record_max_bytes: DEFAULT_RECORD_MAX_BYTES,
            notice: Notice {
                text: None,
                version: "default".to_owned(),
            },
            notice_output: None,
            warnings: None,
            debug_out: None,
            environment: None,
            every_event: None,
            capture: None,
            tree: true,
        }
    }
}

impl ReporterBuilder {
    /// `service.name`: the host framework's name. The application's
    /// `OTEL_SERVICE_NAME` names the application, and changes nothing here.
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
    /// only when the user set no `CREWTEL_EXPORTER_OTLP_*ENDPOINT`, and only
    /// after the first-run notice was shown to this user.
    pub fn default_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.defaults.endpoint = Some(endpoint.into());
        self
    }

    /// The notice shown once per user and `catalogue_version` (see
    /// [`document::version`](crewtel::document::version)) before anything is
    /// sent to the host's default endpoint. Without it a plain notice naming
    /// the service and endpoint is shown.
    pub fn first_run_notice(
        mut self,
        text: impl Into<String>,
        catalogue_version: impl Into<String>,
    ) -> Self {
        self.notice = Notice {
            text: Some(text.into()),
            version: catalogue_version.into(),
        };
        self
    }

    /// Where the first-run notice goes (default: stderr) and whether a person
    /// can see it there (default: whether stderr is a terminal).
    pub fn notice_output(mut self, out: impl Write + Send + 'static, visible: bool) -> Self {
        self.notice_output = Some(NoticeOutput {
            out: Box::new(out),
            visible,
        });
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

    /// Builds the reporter onto `capture` (`crewtel::testing`), whatever
    /// the environment says: every event goes through the same pipeline as
    /// an export (the limits, the size cap, the every-event attributes, the
    /// counters of [`Reporter::status`]) and is kept in the capture as it
    /// ends; nothing leaves the process, and nothing is written.
    ///
    /// ```
    /// use crewtel::testing::Capture;
    /// use crewtel::Telemetry;
    /// use crewtel_reporter::Reporter;
    ///
    /// #[derive(Telemetry)]
    /// struct Ping {
    ///     /// How many.
    ///     #[telemetry(always)]
    ///     n: u8,
    /// }
    /// let capture = Capture::new();
    /// let reporter = Reporter::builder()
    ///     .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
    ///     .capture(&capture)
    ///     .build();
    /// reporter.emit(Ping { n: 1 }.telemetry_event());
    /// assert_eq!(capture.named("Ping").len(), 1);
    /// assert_eq!(reporter.dropped_events(), 0);
    /// ```
    pub fn capture(mut self, capture: &crewtel::testing::Capture) -> Self {
        self.capture = Some(capture.clone());
        self
    }

    /// Where the search for the project's choice file
    /// (`.crewtel-telemetry`, which can turn telemetry `off` or `local` for
    /// everyone who works on the project) starts; it goes up from there.
    /// Default: the working directory.
    pub fn project_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.defaults.project_dir = Some(dir.into());
        self
    }

    /// The most [`Reporter::shutdown`] waits (default 100 ms): the queue
    /// goes to the outbox, and what the collector has not taken by then is
    /// sent by the next process.
    pub fn shutdown_timeout(mut self, bound: Duration) -> Self {
        self.shutdown_timeout = bound;
        self
    }

    /// Whether spans started inside another ([`Dispatch::start_in`],
    /// [`Dispatch::emit_in`]) are its children in one trace (the default:
    /// a collector shows each run as a tree), or each its own trace, as the
    /// reference sends them (`false`).
    ///
    /// [`Dispatch::start_in`]: crewtel::Dispatch::start_in
    /// [`Dispatch::emit_in`]: crewtel::Dispatch::emit_in
    pub fn span_tree(mut self, on: bool) -> Self {
        self.tree = on;
        self
    }

    /// How many events may wait for export (default 2048); past that,
    /// `emit` drops and counts them ([`Reporter::dropped_events`]).
    pub fn queue_size(mut self, events: usize) -> Self {
        self.queue_size = events;
        self
    }

    /// The most bytes one file of the local record holds before it rotates
    /// (default 1 MiB; the record keeps one rotated file beside it).
    pub fn record_max_bytes(mut self, bytes: u64) -> Self {
        self.record_max_bytes = bytes;
        self
    }

    /// Attributes sent on every event, such as a [`ProcessContext`](crewtel::ProcessContext).
    /// `detect` runs once, at build time, and only when telemetry is on; its
    /// value's `always` keys are sent.
    ///
    /// ```
    /// use crewtel::ProcessContext;
    /// use crewtel_reporter::Reporter;
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
                .telemetry_event_with(Consent::Anonymous)
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
    /// environment (for tests, or a host with its own configuration). What
    /// `lookup` returns counts as the user's choice: an endpoint from it
    /// needs no first-run notice, so a host must only pass on what its user
    /// configured.
    pub fn environment(mut self, lookup: impl Fn(&str) -> Option<String> + 'static) -> Self {
        self.environment = Some(Box::new(lookup));
        self
    }

    /// Reads the environment and builds the reporter. Never fails or panics:
    /// what cannot be used is warned about once and replaced by a safe default.
    pub fn build(mut self) -> Reporter {
        let warnings = self.warning_sink();
        let mut settings = self.decide(&warnings);
        let service = settings
            .service_name
            .clone()
            .unwrap_or_else(|| "unknown_service".to_owned());
        // Off reads and writes nothing, but for one thing: what an earlier
        // run kept unsent is deleted, so that turning telemetry off, by any
        // switch, also stops what was pending. Local mode, which uploads
        // nothing, deletes it too.
        if matches!(settings.mode(), Mode::Off | Mode::Local)
            && let Some(dir) = local::host_dir(settings.data_dir.clone(), &service)
        {
            let _ = std::fs::remove_dir_all(dir.join(OUTBOX_DIR));
        }
        let record_choice = settings.record.clone();
        let unused_application_endpoint = settings.unused_application_endpoint;
        let choice = settings.choice.clone();
        let data_dir = settings.data_dir.clone();
        let dir = (settings.mode() != Mode::Off)
            .then(|| local::host_dir(settings.data_dir.clone(), &service))
            .flatten();

        // The decision is only ever narrowed from here: nothing is sent
        // when the notice cannot be shown or the exporter cannot be built.
        if let Some(export) = settings.decision.export()
            && let NoticeGate::BeforeDefaultEndpoint { in_ci } = export.notice
        {
            let output = self.notice_output.take().unwrap_or_else(|| NoticeOutput {
                out: Box::new(std::io::stderr()),
                visible: std::io::stderr().is_terminal(),
            });
            let endpoint = without_credentials(&export.endpoint);
            if let Gate::Closed(why) = notice::gate(
                &self.notice,
                &service,
                &endpoint,
                dir.as_deref(),
                in_ci,
                output,
            ) {
                settings.decision.narrowed(Reason::NoticeNotShown(why));
            }
        }

        let record = super::record_path(&settings.record, dir.as_deref())
            .filter(|_| matches!(settings.mode(), Mode::Export | Mode::Local));
        let mut recorder = None;
        // One pipeline, whichever exporter is at its end: the limits, the
        // size cap and the counted queue apply to both.
        let options = export::Options {
            queue_size: self.queue_size,
            shutdown_timeout: settings
                .decision
                .export()
                .and_then(|export| export.shutdown_timeout)
                .unwrap_or(self.shutdown_timeout),
            scheduled_delay: EXPORT_INTERVAL,
            record: None,
            outbox: None,
            warn: Arc::clone(&warnings),
        };
        // What every export carries about this machine: probed only when
        // something is printed or sent.
        let resource = || Environment::get().resource(&service, self.service_version.as_deref());
        // The record, with the resource its events went with first.
        let record_max_bytes = self.record_max_bytes;
        let keep_record = |resource: &[crewtel::attribute::KeyValue]| {
            record.clone().map(|path| {
                Arc::new(Record::new(
                    path,
                    record_max_bytes,
                    debug::resource_line(resource),
                    Arc::clone(&warnings),
                ))
            })
        };
        let mut failed = false;
        let pipeline = match &settings.decision {
            Decision::Off(_) | Decision::NoEndpoint(_) => None,
            Decision::Debug { pretty, .. } => {
                let resource = resource();
                let out = self
                    .debug_out
                    .unwrap_or_else(|| Box::new(std::io::stderr()));
                if *pretty {
                    let out = debug::Pretty::new(out, &resource);
                    Some(Pipeline::pretty(settings.limits, out, options))
                } else {
                    // Before the first event: what every export would carry
                    // about this machine.
                    let out = DebugSink::new(out, debug::resource_line(&resource));
                    Some(Pipeline::debug(settings.limits, out, options))
                }
            }
            Decision::Capture => self
                .capture
                .clone()
                .map(|capture| Pipeline::capture(settings.limits, capture, options)),
            Decision::Local(_) => {
                let resource = resource();
                recorder = keep_record(&resource);
                recorder
                    .clone()
                    .map(|record| Pipeline::local(settings.limits, record, options))
            }
            Decision::Export(export) => {
                let resource = resource();
                recorder = keep_record(&resource);
                // What could not be sent yet is kept on disk, in the host's
                // folder; without one (no disk, read-only, someone else's),
                // in memory only, with one warning.
                let outbox = dir.as_ref().and_then(|dir| {
                    Outbox::open(dir.join(OUTBOX_DIR), Arc::clone(&warnings))
                        .map_err(|why| {
                            warnings(&format!(
                                "crewtel: events that cannot be sent now are kept in memory only: the outbox cannot be kept ({why})"
                            ));
                        })
                        .ok()
                        .map(Arc::new)
                });
                let options = export::Options {
                    record: recorder.clone(),
                    outbox,
                    ..options
                };
                let failures = Arc::new(Failures::new(Arc::clone(&warnings)));
                match Pipeline::otlp(export, settings.limits, resource, options, failures) {
                    Ok(pipeline) => Some(pipeline),
                    Err(error) => {
                        warnings(&format!(
                            "crewtel: the OTLP exporter could not be built ({error}); nothing is sent"
                        ));
                        failed = true;
                        None
                    }
                }
            }
        };
        if failed {
            settings.decision.narrowed(Reason::ExporterFailed);
        }
        // Where events go: none once narrowed.
        let endpoint = settings.endpoint().map(without_credentials);
        let containment = Containment::new(Arc::clone(&warnings));
        let common = match (&pipeline, self.every_event) {
            (Some(_), Some(detect)) => containment.run(detect).unwrap_or_default(),
            _ => Vec::new(),
        };
        let record = record.filter(|_| matches!(settings.mode(), Mode::Export | Mode::Local));
        Reporter {
            mode: settings.mode(),
            shared: Arc::new(super::Shared {
                pipeline,
                common,
                containment,
                tree: self.tree,
            }),
            decided_by: settings.reason(),
            endpoint,
            record,
            recorder,
            record_choice,
            data_dir,
            service,
            choice,
            unused_application_endpoint,
        }
    }
}

impl ReporterBuilder {
    /// Where warnings go: the host's sink (contained), else stderr. Taken
    /// once.
    pub(super) fn warning_sink(&mut self) -> WarningSink {
        // `writeln!`, not `eprintln!`: a closed stderr must not panic the host.
        match self.warnings.take() {
            Some(host) => crate::warning::contained(host),
            None => Arc::new(|line: &str| {
                let _ = writeln!(std::io::stderr(), "{line}");
            }),
        }
    }

    /// The settings, from the environment (or the host's lookup) and the
    /// host's defaults, or the capture the host built the reporter onto.
    pub(super) fn decide(&self, warnings: &WarningSink) -> Settings {
        let process_env = |name: &str| std::env::var(name).ok();
        let host_env = |name: &str| {
            let lookup = self.environment.as_deref().unwrap_or(&process_env);
            crate::warning::lookup_contained(lookup, name)
        };
        let source = match self.capture {
            Some(_) => Source::Capture(&host_env),
            None => Source::Environment(&host_env),
        };
        Settings::decide(source, &self.defaults, &mut |warning| {
            warnings(&warning.to_string());
        })
    }
}
