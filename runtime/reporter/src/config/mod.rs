//! What the reporter does and with which settings: decided once
//! ([`Settings::decide`], in `decide`), from the variables of one table
//! (`variables`) read through a lookup function (so that tests give their
//! own environment), or from a test's capture. A malformed value is one
//! warning naming the variable (never echoing its value, which may hold a
//! credential) and a safe default. After, the decision is only ever
//! narrowed ([`Decision::narrowed`]): nothing is sent when the first-run
//! notice cannot be shown or the exporter cannot be built.

use std::path::PathBuf;
use std::time::Duration;

use crate::choice::{Choice, ChosenBy};

mod decide;
mod read;
mod variables;

pub(crate) use decide::Source;
pub(crate) use variables::all as variables;

/// The longest `CREWTEL_SHUTDOWN_TIMEOUT` honoured: a host's exit is never
/// held longer.
const MAX_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a reporter's events go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Telemetry is off: no thread, no socket, no file, no environment probing.
    Off,
    /// Each event is printed to stderr as one JSON line; nothing is sent.
    Debug,
    /// Events are exported over OTLP/HTTP.
    Export,
    /// The user chose `local`: events are kept in the local record on this
    /// machine, and nothing is uploaded (no socket is opened).
    Local,
    /// Built onto a test's capture (`crewtel::testing`): each event is kept
    /// in memory; nothing leaves the process.
    Capture,
    /// On, but no endpoint is configured anywhere: events are dropped and
    /// nothing goes on the network.
    NoEndpoint,
}

impl core::fmt::Display for Mode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Mode::Off => "off: nothing is gathered, printed or sent",
            Mode::Debug => "printing each event to stderr; nothing leaves the process",
            Mode::Export => "exporting over OTLP/HTTP",
            Mode::Local => "events are kept in the record on this machine; nothing is uploaded",
            Mode::Capture => "captured in memory by a test; nothing leaves the process",
            Mode::NoEndpoint => "no endpoint: nothing leaves the process",
        })
    }
}

/// Why a reporter does what it does: the switch, variable or setting that
/// decided its [`Mode`]. [`Reporter::status`](crate::Reporter::status)
/// shows it; it prints as a sentence (or the variable's name).
///
/// ```
/// use crewtel_reporter::Reporter;
/// use crewtel_reporter::status::Reason;
///
/// let reporter = Reporter::builder()
///     .environment(|name| (name == "DO_NOT_TRACK").then(|| "1".into()))
///     .build();
/// assert_eq!(reporter.status().decided_by, Reason::TurnedOff("DO_NOT_TRACK"));
/// assert_eq!(reporter.status().decided_by.to_string(), "DO_NOT_TRACK");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A variable that turns telemetry off: `OTEL_SDK_DISABLED`,
    /// `DO_NOT_TRACK` or `CREWTEL_DISABLED`.
    TurnedOff(&'static str),
    /// `CREWTEL_DEBUG`: events are printed.
    DebugVariable,
    /// The host's own debug setting (`ReporterBuilder::debug`).
    HostDebug,
    /// The endpoint the user set in this variable
    /// (`CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `CREWTEL_EXPORTER_OTLP_ENDPOINT`).
    Endpoint(&'static str),
    /// The host's built-in default endpoint (the user set none).
    HostDefaultEndpoint,
    /// No endpoint anywhere: nothing goes on the network.
    NoEndpoint,
    /// No endpoint anywhere, and the host prints events instead
    /// (`ReporterBuilder::debug_without_endpoint`).
    NoEndpointPrinting,
    /// The endpoint set in the environment is not a usable URL.
    UnusableEndpoint,
    /// The host's default endpoint needs the first-run notice, and it could
    /// not be shown: nothing is sent there.
    NoticeNotShown(NoticeProblem),
    /// The OTLP exporter could not be built.
    ExporterFailed,
    /// The user's lasting choice (`off` or `local`), found there.
    Chosen(ChosenBy),
    /// The host built the reporter onto a capture
    /// (`ReporterBuilder::capture`).
    Captured,
}

/// Why the first-run notice could not be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoticeProblem {
    /// In CI, or stderr is not a terminal: nobody would read it.
    NotSeen,
    /// stderr could not be written.
    NotWritable,
}

impl core::fmt::Display for Reason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Reason::TurnedOff(variable) | Reason::Endpoint(variable) => variable,
            Reason::DebugVariable => variables::CREWTEL_DEBUG.name,
            Reason::HostDebug => "the host's debug setting",
            Reason::HostDefaultEndpoint => "the host's default endpoint",
            Reason::NoEndpoint => "no OTLP endpoint configured",
            Reason::NoEndpointPrinting => "no OTLP endpoint configured, so the host prints instead",
            Reason::UnusableEndpoint => "the OTLP endpoint set in the environment is not usable",
            Reason::NoticeNotShown(NoticeProblem::NotSeen) => {
                "the first-run notice could not be shown (CI, or stderr is not a terminal)"
            }
            Reason::NoticeNotShown(NoticeProblem::NotWritable) => {
                "the first-run notice could not be shown (stderr is not writable)"
            }
            Reason::ExporterFailed => "the OTLP exporter could not be built",
            Reason::Chosen(by) => return by.fmt(f),
            Reason::Captured => "the host's capture (crewtel::testing)",
        })
    }
}

/// As the sentence it prints as.
impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whether the first-run notice must be shown before anything is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NoticeGate {
    /// The endpoint is the user's own choice (or nothing is sent).
    NotNeeded,
    /// The endpoint is the host's default: the notice first; in CI nobody
    /// sees it.
    BeforeDefaultEndpoint { in_ci: bool },
}

/// The OTLP/HTTP encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    HttpProtobuf,
    HttpJson,
}

/// What the host's code sets; the environment wins over every field.
#[derive(Clone, Debug, Default)]
pub(crate) struct Defaults {
    pub service_name: Option<String>,
    pub endpoint: Option<String>,
    pub debug: bool,
    pub debug_without_endpoint: bool,
    /// Where the search for the project's choice file starts (default: the
    /// working directory).
    pub project_dir: Option<PathBuf>,
}

/// Attribute limits (`CREWTEL_ATTRIBUTE_*_LIMIT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Strings longer than this many characters are truncated.
    pub value_length: Option<usize>,
    /// At most this many attributes per event.
    pub count: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            value_length: None,
            count: DEFAULT_ATTRIBUTE_COUNT_LIMIT,
        }
    }
}

const DEFAULT_ATTRIBUTE_COUNT_LIMIT: usize = 128;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the record of sent events goes (`CREWTEL_RECORD`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RecordChoice {
    /// `sent.jsonl` in the host's folder of the user's data directory.
    Default,
    /// Not kept (`CREWTEL_RECORD=off`, `0` or `false`).
    Off,
    /// This file.
    Path(PathBuf),
}

/// A variable and the file it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Named {
    pub variable: &'static str,
    pub path: PathBuf,
}

/// The proxy variable in force, and `NO_PROXY`'s hosts.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxySetting {
    /// Which variable: a warning names it, never its value (it can hold a
    /// user name and password).
    pub variable: &'static str,
    pub url: String,
    pub no_proxy: Vec<String>,
}

/// Its URL can hold a user name and password: never shown.
impl std::fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxySetting")
            .field("variable", &self.variable)
            .field("no_proxy", &self.no_proxy)
            .finish_non_exhaustive()
    }
}

/// The TLS variables as they were set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TlsSettings {
    /// The CAs to trust for the collector.
    pub certificate: Option<Named>,
    /// The client certificate (chain), and its key.
    pub client_certificate: Option<Named>,
    pub client_key: Option<Named>,
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`: the system store's overrides.
    pub ssl_cert_file: Option<Named>,
    pub ssl_cert_dir: Option<Named>,
}

/// What the reporter does, decided once; after, only narrowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Nothing is gathered, printed or sent.
    Off(Reason),
    /// On, but nothing leaves the process: no endpoint, an unusable one,
    /// or one the first-run notice could not be shown for.
    NoEndpoint(Reason),
    /// Each event is printed; nothing is sent.
    Debug {
        reason: Reason,
        /// For a person (each run a tree), not one JSON line an event.
        pretty: bool,
    },
    /// Events are kept in the record on this machine; nothing is uploaded.
    Local(ChosenBy),
    /// Events are exported over OTLP/HTTP.
    Export(Box<Export>),
    /// Events are kept in a test's capture; nothing leaves the process.
    Capture,
}

impl Decision {
    pub(crate) fn mode(&self) -> Mode {
        match self {
            Decision::Off(_) => Mode::Off,
            Decision::NoEndpoint(_) => Mode::NoEndpoint,
            Decision::Debug { .. } => Mode::Debug,
            Decision::Local(_) => Mode::Local,
            Decision::Export(_) => Mode::Export,
            Decision::Capture => Mode::Capture,
        }
    }

    /// The variable or setting that decided.
    pub(crate) fn reason(&self) -> Reason {
        match self {
            Decision::Off(reason) | Decision::NoEndpoint(reason) => *reason,
            Decision::Debug { reason, .. } => *reason,
            Decision::Local(by) => Reason::Chosen(*by),
            Decision::Export(export) => export.reason,
            Decision::Capture => Reason::Captured,
        }
    }

    /// The exporter's settings, when exporting.
    pub(crate) fn export(&self) -> Option<&Export> {
        match self {
            Decision::Export(export) => Some(export),
            _ => None,
        }
    }

    /// Nothing sent after all, for `reason`: the only change a decision
    /// takes after it was made, and only a decision to export takes it
    /// (nothing else could be narrower).
    pub(crate) fn narrowed(&mut self, reason: Reason) {
        if let Decision::Export(_) = self {
            *self = Decision::NoEndpoint(reason);
        }
    }
}

/// How events are exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Export {
    /// The variable or the host's default the endpoint came from.
    pub reason: Reason,
    /// The traces URL.
    pub endpoint: String,
    /// Whether the first-run notice must be shown first.
    pub notice: NoticeGate,
    pub protocol: Protocol,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub gzip: bool,
    /// `CREWTEL_SHUTDOWN_TIMEOUT`: the most `shutdown` waits, over the
    /// host's setting (for a collector slower to answer than 100 ms).
    pub shutdown_timeout: Option<Duration>,
    /// The TLS variables: the CAs to trust, the client certificate.
    pub tls: TlsSettings,
    /// `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (and their lower-case
    /// spellings), the first set; with `NO_PROXY`.
    pub proxy: Option<ProxySetting>,
}

/// The configuration in force, decided once.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub decision: Decision,
    pub service_name: Option<String>,
    pub limits: Limits,
    /// `CREWTEL_DATA_DIR`: where crewtel keeps the record and the notice's
    /// marker instead of the user's data directory.
    pub data_dir: Option<PathBuf>,
    pub record: RecordChoice,
    /// The user's lasting choice, where it was found, and its file.
    pub choice: Option<(Choice, ChosenBy, Option<PathBuf>)>,
    /// `CREWTEL_CONFIG_DIR`: where choices are kept instead of the user's
    /// configuration directory.
    pub config_dir: Option<PathBuf>,
    /// The application's own endpoint variable, when one is set: never
    /// used (it is where the application's telemetry goes), only named by
    /// `status`.
    pub unused_application_endpoint: Option<&'static str>,
}

impl Settings {
    pub(crate) fn mode(&self) -> Mode {
        self.decision.mode()
    }

    pub(crate) fn reason(&self) -> Reason {
        self.decision.reason()
    }

    /// The traces URL, when exporting.
    pub(crate) fn endpoint(&self) -> Option<&str> {
        self.decision
            .export()
            .map(|export| export.endpoint.as_str())
    }
}

#[cfg(test)]
mod tests;
