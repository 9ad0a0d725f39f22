//! Switches and exporter configuration, read once from the environment.
//!
//! Every variable is read through a lookup function, so tests can give their
//! own environment; a malformed value produces one warning naming the variable
//! (never echoing its value, which may hold a credential) and a safe default.

use std::path::PathBuf;
use std::time::Duration;

use crate::choice::{Choice, ChosenBy, Places};

/// The longest `CREWTEL_SHUTDOWN_TIMEOUT` honoured: a host's exit is never
/// held longer.
const MAX_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// The application's own OTLP endpoint variables. crewtel never reads their
/// values: they send the application's telemetry to the application's
/// collector, with its credentials. `status` says when one is set, and which
/// of crewtel's own would send usage telemetry there.
pub(crate) const APPLICATION_ENDPOINTS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// Reads one environment variable; `None` when unset.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

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
/// use crewtel_reporter::{Reason, Reporter};
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
            Reason::DebugVariable => "CREWTEL_DEBUG",
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

/// The words `CREWTEL_RECORD` knows besides a path: off, then on.
const RECORD_WORDS: &[&str] = &["0", "off", "false", "1", "on", "true"];
const RECORD_OFF: &[&str] = RECORD_WORDS.split_at(3).0;

/// What a path variable holds: a word it knows, or an absolute path.
enum Word {
    Word(&'static str),
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
    pub ssl_cert_file: Option<PathBuf>,
    pub ssl_cert_dir: Option<PathBuf>,
}

/// The configuration in force, decided once.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub mode: Mode,
    /// The variable or setting that decided `mode`.
    pub reason: Reason,
    pub endpoint: Option<String>,
    pub protocol: Protocol,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub gzip: bool,
    pub service_name: Option<String>,
    pub limits: Limits,
    /// `CREWTEL_DATA_DIR`: where crewtel keeps the record and the notice's
    /// marker instead of the user's data directory.
    pub data_dir: Option<PathBuf>,
    pub record: RecordChoice,
    /// Whether the first-run notice must be shown first.
    pub notice: NoticeGate,
    /// The user's lasting choice, where it was found, and its file.
    pub choice: Option<(Choice, ChosenBy, Option<PathBuf>)>,
    /// `CREWTEL_CONFIG_DIR`: where choices are kept instead of the user's
    /// configuration directory.
    pub config_dir: Option<PathBuf>,
    /// `CREWTEL_DEBUG=pretty`: printed for a person (each run a tree), not
    /// one JSON line an event.
    pub debug_pretty: bool,
    /// `CREWTEL_SHUTDOWN_TIMEOUT`: the most `shutdown` waits, over the
    /// host's setting (for a collector slower to answer than 100 ms).
    pub shutdown_timeout: Option<Duration>,
    /// The TLS variables: the CAs to trust, the client certificate.
    pub tls: TlsSettings,
    /// `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (and their lower-case
    /// spellings), the first set; with `NO_PROXY`.
    pub proxy: Option<ProxySetting>,
    /// The application's own endpoint variable, when one is set: never
    /// used (it is where the application's telemetry goes), only named by
    /// `status`.
    pub unused_application_endpoint: Option<&'static str>,
}

impl Settings {
    fn with_mode(mode: Mode, reason: Reason) -> Settings {
        Settings {
            mode,
            reason,
            endpoint: None,
            protocol: Protocol::HttpProtobuf,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            gzip: false,
            service_name: None,
            limits: Limits::default(),
            data_dir: None,
            record: RecordChoice::Default,
            notice: NoticeGate::NotNeeded,
            choice: None,
            config_dir: None,
            debug_pretty: false,
            shutdown_timeout: None,
            tls: TlsSettings::default(),
            proxy: None,
            unused_application_endpoint: None,
        }
    }

    /// Decides the configuration from the environment (`env`) and the host's
    /// defaults, reporting each malformed variable once through `warn`.
    pub(crate) fn decide(
        env: Lookup<'_>,
        defaults: &Defaults,
        warn: &mut dyn FnMut(String),
    ) -> Settings {
        let mut reader = Reader { env, warn };
        // Off keeps only where an earlier run's outbox would be, to delete
        // it, read without a warning.
        let off = |switch| {
            let mut settings = Settings::with_mode(Mode::Off, Reason::TurnedOff(switch));
            settings.service_name = defaults.service_name.clone();
            settings.data_dir = env("CREWTEL_DATA_DIR")
                .map(PathBuf::from)
                .filter(|path| path.is_absolute());
            settings.config_dir = env("CREWTEL_CONFIG_DIR")
                .map(PathBuf::from)
                .filter(|path| path.is_absolute());
            settings
        };
        if reader.otel_bool("OTEL_SDK_DISABLED") {
            return off("OTEL_SDK_DISABLED");
        }
        for switch in ["DO_NOT_TRACK", "CREWTEL_DISABLED"] {
            if reader.flag(switch) {
                return off(switch);
            }
        }
        let config_dir = match reader.path("CREWTEL_CONFIG_DIR", &[]) {
            Some(Word::Path(path)) => Some(path),
            _ => None,
        };
        let choice = reader.choice(defaults, config_dir.clone());
        if let Some((Choice::Off, by, _)) = &choice {
            let mut settings = off("");
            settings.reason = Reason::Chosen(*by);
            settings.choice = choice;
            return settings;
        }

        let mut settings = Settings::with_mode(Mode::NoEndpoint, Reason::NoEndpoint);
        settings.limits = Limits {
            value_length: reader.number(
                "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                "a number of characters",
            ),
            count: reader
                .number("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "a number of attributes")
                .unwrap_or(DEFAULT_ATTRIBUTE_COUNT_LIMIT),
        };
        settings.service_name = defaults.service_name.clone();
        settings.unused_application_endpoint = APPLICATION_ENDPOINTS
            .into_iter()
            .find(|name| reader.get(name).is_some());
        settings.data_dir = reader
            .path("CREWTEL_DATA_DIR", &[])
            .and_then(|path| match path {
                Word::Path(path) => Some(path),
                Word::Word(_) => None,
            });
        settings.record = match reader.path("CREWTEL_RECORD", RECORD_WORDS) {
            None => RecordChoice::Default,
            Some(Word::Path(path)) => RecordChoice::Path(path),
            Some(Word::Word(word)) if RECORD_OFF.contains(&word) => RecordChoice::Off,
            Some(Word::Word(_)) => RecordChoice::Default,
        };
        let in_ci = crewtel::context::CI_VARIABLES
            .iter()
            .any(|name| (reader.env)(name).is_some());

        settings.choice = choice;
        settings.config_dir = config_dir;
        settings.debug_pretty = reader
            .get("CREWTEL_DEBUG")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("pretty"));
        if reader.flag("CREWTEL_DEBUG") {
            settings.mode = Mode::Debug;
            settings.reason = Reason::DebugVariable;
            return settings;
        }
        if defaults.debug {
            settings.mode = Mode::Debug;
            settings.reason = Reason::HostDebug;
            return settings;
        }
        if let Some((Choice::Local, by, _)) = &settings.choice {
            settings.mode = Mode::Local;
            settings.reason = Reason::Chosen(*by);
            return settings;
        }

        // An endpoint the user set, even a malformed one, rules out the host's
        // default: a user who meant to keep data local must not have it sent
        // to the vendor because of a typo.
        let user_set = [
            "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        .iter()
        .any(|name| reader.get(name).is_some());
        let endpoint = reader
            .endpoint("CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT", false)
            .map(|e| (e, Reason::Endpoint("CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
            .or_else(|| reader.endpoint("CREWTEL_EXPORTER_OTLP_ENDPOINT", true).map(|e| (e, Reason::Endpoint("CREWTEL_EXPORTER_OTLP_ENDPOINT"))))
            .or_else(|| {
                let default = defaults.endpoint.as_deref().filter(|_| !user_set)?;
                match traces_url(default, true) {
                    Some(url) => Some((url, Reason::HostDefaultEndpoint)),
                    None => {
                        (reader.warn)(
                            "crewtel: the host's default endpoint is not an http:// or https:// URL; nothing is sent"
                                .to_owned(),
                        );
                        None
                    }
                }
            });
        if endpoint.is_none() && user_set {
            settings.reason = Reason::UnusableEndpoint;
        }
        let Some((endpoint, reason)) = endpoint else {
            if defaults.debug_without_endpoint {
                settings.mode = Mode::Debug;
                settings.reason = Reason::NoEndpointPrinting;
            }
            return settings;
        };

        settings.mode = Mode::Export;
        settings.reason = reason;
        settings.shutdown_timeout = reader
            .timeout("CREWTEL_SHUTDOWN_TIMEOUT")
            .map(|bound| bound.min(MAX_SHUTDOWN_TIMEOUT));
        if reason == Reason::HostDefaultEndpoint {
            settings.notice = NoticeGate::BeforeDefaultEndpoint { in_ci };
        }
        settings.endpoint = Some(endpoint);
        settings.protocol = reader.protocol();
        settings.headers = reader.headers();
        settings.timeout = reader
            .timeout("CREWTEL_EXPORTER_OTLP_TRACES_TIMEOUT")
            .or_else(|| reader.timeout("CREWTEL_EXPORTER_OTLP_TIMEOUT"))
            .unwrap_or(DEFAULT_TIMEOUT);
        settings.gzip = reader.compression();
        settings.tls = reader.tls();
        let over_tls = settings.endpoint.as_deref().is_some_and(|endpoint| {
            endpoint
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        });
        settings.proxy = reader.proxy(over_tls);
        settings
    }
}

/// The traces URL of an endpoint: a base endpoint gets `/v1/traces`
/// appended to its path (before any query); a signal-specific one is used as
/// it is. `None` unless it is an http(s) URL the HTTP stack accepts too.
fn traces_url(endpoint: &str, base: bool) -> Option<String> {
    let uri: http::Uri = endpoint.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    if !matches!(scheme.as_str(), "http" | "https") || authority.host().is_empty() {
        return None;
    }
    let path = match base {
        true => format!("{}/v1/traces", uri.path().trim_end_matches('/')),
        false => uri.path().to_owned(),
    };
    let query = uri
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    Some(format!("{scheme}://{authority}{path}{query}"))
}

struct Reader<'a, 'w> {
    env: Lookup<'a>,
    warn: &'w mut dyn FnMut(String),
}

impl Reader<'_, '_> {
    /// The variable's value, `None` when unset or empty (the spec treats
    /// empty as unset).
    fn get(&mut self, name: &str) -> Option<String> {
        (self.env)(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A variable that names a file or folder: an absolute path, or one of
    /// `words` (case-insensitive). Anything else (a relative path, `.`, a
    /// `~/x` no shell expanded, an empty value) is ignored with one warning
    /// that names the variable, never its value: a relative path would put
    /// files in whatever folder the host happens to run in (the XDG base
    /// directory specification ignores relative paths the same way).
    fn path(&mut self, name: &str, words: &[&'static str]) -> Option<Word> {
        let value = (self.env)(name)?;
        let trimmed = value.trim();
        if let Some(word) = words.iter().find(|w| trimmed.eq_ignore_ascii_case(w)) {
            return Some(Word::Word(word));
        }
        let path = PathBuf::from(&value);
        if path.is_absolute() {
            return Some(Word::Path(path));
        }
        let expected = if words.is_empty() {
            "is not an absolute path (a relative one would put files in whatever folder the host runs in)".to_owned()
        } else {
            format!(
                "is neither an absolute path (a relative one would put files in whatever folder the host runs in) nor one of {}",
                words.join(", ")
            )
        };
        self.warn(name, &expected, "using the default");
        None
    }

    fn warn(&mut self, name: &str, problem: &str, default: &str) {
        (self.warn)(format!("crewtel: {name} {problem}; {default}"));
    }

    /// An OpenTelemetry boolean: only (case-insensitive) `true` is true.
    fn otel_bool(&mut self, name: &str) -> bool {
        match self.get(name) {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(_) => {
                self.warn(name, "is neither `true` nor `false`", "ignoring it");
                false
            }
        }
    }

    /// A `DO_NOT_TRACK`-style flag: set to anything but empty, `0` or `false`.
    /// The user's lasting choice: `CREWTEL_TELEMETRY`, else the first file
    /// that holds one (see `choice`); a bad value is read as `off`.
    fn choice(
        &mut self,
        defaults: &Defaults,
        config: Option<PathBuf>,
    ) -> Option<(Choice, ChosenBy, Option<PathBuf>)> {
        if let Some(word) = self.get("CREWTEL_TELEMETRY") {
            let choice = word.parse().unwrap_or_else(|_| {
                self.warn(
                    "CREWTEL_TELEMETRY",
                    "is not `off`, `local` or `on`",
                    "reading it as `off`",
                );
                Choice::Off
            });
            return Some((choice, ChosenBy::Variable, None));
        }
        let service = defaults.service_name.clone().unwrap_or_default();
        let found =
            Places::new(config.clone(), &service, defaults.project_dir.clone()).read(self.warn);
        // Before crewtel stopped reading the application's
        // `OTEL_SERVICE_NAME`, it named the host's folder: an `off` or
        // `local` kept there still holds (turning off is always safe); it
        // never turns telemetry on.
        let earlier = self
            .get("OTEL_SERVICE_NAME")
            .filter(|name| crate::local::safe_name(name) != crate::local::safe_name(&service))
            .and_then(|name| Places::new(config, &name, None).narrowing_host_choice(self.warn));
        crate::choice::narrower(found, earlier).map(|(choice, by, file)| (choice, by, Some(file)))
    }

    fn flag(&mut self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
    }

    fn number(&mut self, name: &str, what: &str) -> Option<usize> {
        let value = self.get(name)?;
        match value.parse::<usize>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.warn(name, &format!("is not {what}"), "using the default");
                None
            }
        }
    }

    /// Milliseconds, more than zero (a zero timeout would fail every export).
    fn timeout(&mut self, name: &str) -> Option<Duration> {
        match self.number(name, "a number of milliseconds")? {
            0 => {
                self.warn(
                    name,
                    "is zero, which would fail every export",
                    "using the default",
                );
                None
            }
            ms => Some(Duration::from_millis(ms as u64)),
        }
    }

    fn endpoint(&mut self, name: &str, base: bool) -> Option<String> {
        let value = self.get(name)?;
        let url = traces_url(&value, base);
        if url.is_none() {
            self.warn(name, "is not an http:// or https:// URL", "ignoring it");
        }
        url
    }

    fn protocol(&mut self) -> Protocol {
        let name = "CREWTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
        let (name, value) = match self.get(name) {
            Some(v) => (name, v),
            None => match self.get("CREWTEL_EXPORTER_OTLP_PROTOCOL") {
                Some(v) => ("CREWTEL_EXPORTER_OTLP_PROTOCOL", v),
                None => return Protocol::HttpProtobuf,
            },
        };
        match value.as_str() {
            "http/protobuf" => Protocol::HttpProtobuf,
            "http/json" => Protocol::HttpJson,
            "grpc" => {
                self.warn(
                    name,
                    "asks for gRPC, which crewtel does not send (OTLP/HTTP only: point the endpoint at the collector's OTLP/HTTP port, 4318 by default, not gRPC's 4317)",
                    "using http/protobuf",
                );
                Protocol::HttpProtobuf
            }
            _ => {
                self.warn(
                    name,
                    "is not `http/protobuf` or `http/json`",
                    "using http/protobuf",
                );
                Protocol::HttpProtobuf
            }
        }
    }

    /// The TLS variables (the traces-specific one over the general one):
    /// files, read by the exporter.
    fn tls(&mut self) -> TlsSettings {
        let mut named = |traces: &'static str, general: &'static str| {
            [traces, general].into_iter().find_map(|variable| {
                self.get(variable).map(|path| Named {
                    variable,
                    path: PathBuf::from(path),
                })
            })
        };
        let certificate = named(
            "CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
            "CREWTEL_EXPORTER_OTLP_CERTIFICATE",
        );
        let client_certificate = named(
            "CREWTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
            "CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        );
        let client_key = named(
            "CREWTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
            "CREWTEL_EXPORTER_OTLP_CLIENT_KEY",
        );
        TlsSettings {
            certificate,
            client_certificate,
            client_key,
            ssl_cert_file: self.get("SSL_CERT_FILE").map(PathBuf::from),
            ssl_cert_dir: self.get("SSL_CERT_DIR").map(PathBuf::from),
        }
    }

    /// The proxy to go through, as curl and Go read them: the scheme's own
    /// (`HTTPS_PROXY` for a collector reached over TLS, `HTTP_PROXY` for
    /// plain HTTP, lower case too), then `ALL_PROXY`. Under CGI
    /// (`REQUEST_METHOD` set) an upper-case `HTTP_PROXY` may be a request's
    /// `Proxy:` header (httpoxy), and is not read.
    fn proxy(&mut self, over_tls: bool) -> Option<ProxySetting> {
        let cgi = self.get("REQUEST_METHOD").is_some();
        let own: &[&'static str] = match (over_tls, cgi) {
            (true, _) => &["HTTPS_PROXY", "https_proxy"],
            (false, false) => &["HTTP_PROXY", "http_proxy"],
            (false, true) => &["http_proxy"],
        };
        let (variable, url) = own
            .iter()
            .chain(&["ALL_PROXY", "all_proxy"])
            .find_map(|&variable| self.get(variable).map(|url| (variable, url)))?;
        let no_proxy = self
            .get("NO_PROXY")
            .or_else(|| self.get("no_proxy"))
            .map(|hosts| {
                hosts
                    .split(',')
                    .map(str::trim)
                    .filter(|host| !host.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Some(ProxySetting {
            variable,
            url,
            no_proxy,
        })
    }

    /// `k=v,k2=v2`, percent-decoded. One malformed pair discards the whole
    /// variable: half a set of credentials is worse than none.
    fn headers(&mut self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        for name in [
            "CREWTEL_EXPORTER_OTLP_HEADERS",
            "CREWTEL_EXPORTER_OTLP_TRACES_HEADERS",
        ] {
            let Some(value) = self.get(name) else {
                continue;
            };
            match parse_headers(&value) {
                Some(parsed) => {
                    for (key, value) in parsed {
                        headers.retain(|(k, _): &(String, String)| !k.eq_ignore_ascii_case(&key));
                        headers.push((key, value));
                    }
                }
                None => self.warn(name, "is not a list of key=value pairs", "ignoring it"),
            }
        }
        headers
    }

    fn compression(&mut self) -> bool {
        let name = "CREWTEL_EXPORTER_OTLP_TRACES_COMPRESSION";
        let (name, value) = match self.get(name) {
            Some(v) => (name, v),
            None => match self.get("CREWTEL_EXPORTER_OTLP_COMPRESSION") {
                Some(v) => ("CREWTEL_EXPORTER_OTLP_COMPRESSION", v),
                None => return false,
            },
        };
        match value.to_ascii_lowercase().as_str() {
            "gzip" => true,
            "none" => false,
            _ => {
                self.warn(name, "is not `gzip` or `none`", "sending uncompressed");
                false
            }
        }
    }
}

fn parse_headers(value: &str) -> Option<Vec<(String, String)>> {
    value
        .split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=')?;
            let key = percent_encoding::percent_decode_str(key.trim())
                .decode_utf8()
                .ok()?;
            let value = percent_encoding::percent_decode_str(value.trim())
                .decode_utf8()
                .ok()?;
            // Names and values the HTTP stack accepts, or the whole list is
            // refused (rather than a credential silently dropped).
            http::HeaderName::from_bytes(key.as_bytes()).ok()?;
            http::HeaderValue::from_str(&value).ok()?;
            Some((key.into_owned(), value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_proxy_setting_never_shows_its_url() {
        let setting = super::ProxySetting {
            variable: "HTTPS_PROXY",
            url: "http://alice:s3cret@proxy:3128".into(),
            no_proxy: vec!["example.com".into()],
        };
        let shown = format!("{setting:?}");
        assert!(
            shown.contains("HTTPS_PROXY") && shown.contains("example.com"),
            "{shown}"
        );
        assert!(
            !shown.contains("s3cret") && !shown.contains("alice"),
            "{shown}"
        );
    }

    use std::collections::HashMap;

    use super::*;

    fn decide_with(vars: &[(&str, &str)], defaults: &Defaults) -> (Settings, Vec<String>) {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| env.get(name).cloned();
        let mut warnings = Vec::new();
        let settings = Settings::decide(&lookup, defaults, &mut |w| warnings.push(w));
        (settings, warnings)
    }

    fn decide(vars: &[(&str, &str)]) -> (Settings, Vec<String>) {
        decide_with(vars, &Defaults::default())
    }

    /// Every exporter variable crewtel reads, by the part after
    /// `CREWTEL_EXPORTER_OTLP_`.
    const EXPORTER_SUFFIXES: [&str; 16] = [
        "ENDPOINT",
        "TRACES_ENDPOINT",
        "HEADERS",
        "TRACES_HEADERS",
        "PROTOCOL",
        "TRACES_PROTOCOL",
        "TIMEOUT",
        "TRACES_TIMEOUT",
        "COMPRESSION",
        "TRACES_COMPRESSION",
        "CERTIFICATE",
        "TRACES_CERTIFICATE",
        "CLIENT_CERTIFICATE",
        "TRACES_CLIENT_CERTIFICATE",
        "CLIENT_KEY",
        "TRACES_CLIENT_KEY",
    ];

    #[test]
    fn the_application_s_otel_variables_configure_nothing() {
        let application = |value_of: &dyn Fn(&str) -> &'static str| {
            let mut vars: Vec<(String, &str)> = EXPORTER_SUFFIXES
                .iter()
                .map(|suffix| (format!("OTEL_EXPORTER_OTLP_{suffix}"), value_of(suffix)))
                .collect();
            vars.extend([
                ("OTEL_SERVICE_NAME".to_owned(), "payments-api"),
                ("OTEL_RESOURCE_ATTRIBUTES".to_owned(), "tenant=acme"),
                ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT".to_owned(), "3"),
                ("OTEL_ATTRIBUTE_COUNT_LIMIT".to_owned(), "1"),
                ("OTEL_SDK_DISABLED".to_owned(), "false"),
            ]);
            vars
        };
        let usable = |suffix: &str| match suffix {
            "ENDPOINT" | "TRACES_ENDPOINT" => "http://app-collector:4318",
            "HEADERS" | "TRACES_HEADERS" => "authorization=Bearer%20app-token",
            "PROTOCOL" | "TRACES_PROTOCOL" => "http/json",
            "TIMEOUT" | "TRACES_TIMEOUT" => "1",
            "COMPRESSION" | "TRACES_COMPRESSION" => "gzip",
            _ => "/etc/app/tls.pem",
        };
        let malformed = |_: &str| "%%% not a value";
        let vendor = Defaults {
            service_name: Some("my-framework".into()),
            endpoint: Some("https://telemetry.vendor.example".into()),
            ..Defaults::default()
        };
        let (alone, _) = decide_with(&[], &vendor);
        for values in [&usable as &dyn Fn(&str) -> &'static str, &malformed] {
            let vars = application(values);
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            let (mut settings, warnings) = decide_with(&vars, &vendor);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(
                settings.unused_application_endpoint,
                Some("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            );
            settings.unused_application_endpoint = None;
            assert_eq!(format!("{settings:?}"), format!("{alone:?}"));
            assert_eq!(settings.reason, Reason::HostDefaultEndpoint);
        }
    }

    #[test]
    fn each_variable_alone_with_a_bad_value_is_one_warning_naming_it_and_the_default() {
        let endpoint = ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
        let bad = "sk-BAD%%%=\u{7f}";
        let (default, _) = decide(&[endpoint]);
        for name in [
            "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "CREWTEL_EXPORTER_OTLP_PROTOCOL",
            "CREWTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "CREWTEL_EXPORTER_OTLP_HEADERS",
            "CREWTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "CREWTEL_EXPORTER_OTLP_TIMEOUT",
            "CREWTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
            "CREWTEL_EXPORTER_OTLP_COMPRESSION",
            "CREWTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
            "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "CREWTEL_ATTRIBUTE_COUNT_LIMIT",
        ] {
            let (settings, warnings) = decide(&[endpoint, (name, bad)]);
            assert_eq!(warnings.len(), 1, "{name}: {warnings:?}");
            assert!(warnings[0].contains(name), "{warnings:?}");
            assert!(!warnings[0].contains("sk-BAD"), "its value: {warnings:?}");
            assert_eq!(
                format!("{settings:?}"),
                format!("{default:?}"),
                "{name}: not the default"
            );
        }
    }

    /// A host's `off` or `local` kept while the application's
    /// `OTEL_SERVICE_NAME` named the host's folder still holds; an `on`
    /// there turns nothing on.
    #[test]
    fn a_choice_kept_under_the_application_s_service_name_only_narrows() {
        let config = std::env::temp_dir().join(format!("crewtel-earlier-{}", std::process::id()));
        let folder = config.join("payments-api");
        std::fs::create_dir_all(&folder).unwrap();
        let vendor = Defaults {
            service_name: Some("my-framework".into()),
            endpoint: Some("https://telemetry.vendor.example".into()),
            ..Defaults::default()
        };
        let config_dir = config.display().to_string();
        let vars = [
            ("CREWTEL_CONFIG_DIR", config_dir.as_str()),
            ("OTEL_SERVICE_NAME", "payments-api"),
        ];
        for (kept, mode) in [
            ("off", Mode::Off),
            ("local", Mode::Local),
            ("on", Mode::Export),
        ] {
            std::fs::write(folder.join(crate::choice::CHOICE_FILE), kept).unwrap();
            let (settings, warnings) = decide_with(&vars, &vendor);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(settings.mode, mode, "{kept}");
        }
        // The framework's own folder's choice is read as ever, and the
        // narrower of the two wins.
        std::fs::create_dir_all(config.join("my-framework")).unwrap();
        std::fs::write(
            config.join("my-framework").join(crate::choice::CHOICE_FILE),
            "local",
        )
        .unwrap();
        std::fs::write(folder.join(crate::choice::CHOICE_FILE), "off").unwrap();
        assert_eq!(decide_with(&vars, &vendor).0.mode, Mode::Off);
        std::fs::write(folder.join(crate::choice::CHOICE_FILE), "on").unwrap();
        assert_eq!(decide_with(&vars, &vendor).0.mode, Mode::Local);
        let _ = std::fs::remove_dir_all(config);
    }

    #[test]
    fn nothing_configured_sends_nothing() {
        let (settings, warnings) = decide(&[]);
        assert_eq!(settings.mode, Mode::NoEndpoint);
        assert_eq!(settings.endpoint, None);
        assert!(warnings.is_empty());
    }

    #[test]
    fn each_off_switch_wins_over_everything() {
        let endpoint = ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
        for (switch, value) in [
            ("OTEL_SDK_DISABLED", "true"),
            ("OTEL_SDK_DISABLED", "TRUE"),
            ("DO_NOT_TRACK", "1"),
            ("DO_NOT_TRACK", "yes"),
            ("CREWTEL_DISABLED", "1"),
            ("CREWTEL_DISABLED", "true"),
        ] {
            let (settings, warnings) = decide(&[endpoint, ("CREWTEL_DEBUG", "1"), (switch, value)]);
            assert_eq!(settings.mode, Mode::Off, "{switch}={value}");
            assert_eq!(settings.reason, Reason::TurnedOff(switch));
            assert!(warnings.is_empty());
        }
    }

    #[test]
    fn off_switches_set_to_no_keep_telemetry_on() {
        for (switch, value) in [
            ("OTEL_SDK_DISABLED", "false"),
            ("DO_NOT_TRACK", "0"),
            ("DO_NOT_TRACK", "false"),
            ("DO_NOT_TRACK", ""),
            ("CREWTEL_DISABLED", "0"),
        ] {
            let (settings, warnings) = decide(&[(switch, value)]);
            assert_eq!(settings.mode, Mode::NoEndpoint, "{switch}={value}");
            assert!(warnings.is_empty());
        }
    }

    #[test]
    fn a_malformed_otel_sdk_disabled_warns_once_and_is_ignored() {
        let (settings, warnings) = decide(&[("OTEL_SDK_DISABLED", "yes please")]);
        assert_eq!(settings.mode, Mode::NoEndpoint);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("OTEL_SDK_DISABLED"));
        assert!(
            !warnings[0].contains("yes please"),
            "values are never echoed"
        );
    }

    #[test]
    fn the_shutdown_bound_can_be_lengthened_within_reason() {
        let endpoint = ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
        let (s, warnings) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "1500")]);
        assert_eq!(s.shutdown_timeout, Some(Duration::from_millis(1500)));
        assert!(warnings.is_empty());
        let (s, _) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "99999999")]);
        assert_eq!(s.shutdown_timeout, Some(MAX_SHUTDOWN_TIMEOUT), "capped");
        let (s, warnings) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "soon")]);
        assert_eq!(s.shutdown_timeout, None, "the host's bound");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("CREWTEL_SHUTDOWN_TIMEOUT"));
    }

    #[test]
    fn debug_needs_no_endpoint_and_builds_no_exporter() {
        let (settings, _) = decide(&[
            ("CREWTEL_DEBUG", "1"),
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://x:4318"),
        ]);
        assert_eq!(settings.mode, Mode::Debug);
        assert_eq!(settings.endpoint, None);
        let (settings, _) = decide(&[("CREWTEL_DEBUG", "0")]);
        assert_eq!(settings.mode, Mode::NoEndpoint);
    }

    #[test]
    fn endpoints_follow_the_specification() {
        let (s, _) = decide(&[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")]);
        assert_eq!(
            s.endpoint.as_deref(),
            Some("http://127.0.0.1:4318/v1/traces")
        );
        assert_eq!(s.mode, Mode::Export);
        let (s, _) = decide(&[(
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
            "https://collector.example/otlp/",
        )]);
        assert_eq!(
            s.endpoint.as_deref(),
            Some("https://collector.example/otlp/v1/traces")
        );
        let (s, _) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318"),
            (
                "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://traces:9999/custom",
            ),
        ]);
        assert_eq!(s.endpoint.as_deref(), Some("http://traces:9999/custom"));
        assert_eq!(
            s.reason,
            Reason::Endpoint("CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        );
    }

    #[test]
    fn the_environment_wins_over_the_hosts_default_endpoint() {
        let defaults = Defaults {
            endpoint: Some("https://telemetry.host.example".into()),
            ..Defaults::default()
        };
        let (s, _) = decide_with(&[], &defaults);
        assert_eq!(
            s.endpoint.as_deref(),
            Some("https://telemetry.host.example/v1/traces")
        );
        assert_eq!(s.reason, Reason::HostDefaultEndpoint);
        let (s, _) = decide_with(
            &[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://mine:4318")],
            &defaults,
        );
        assert_eq!(s.endpoint.as_deref(), Some("http://mine:4318/v1/traces"));
    }

    #[test]
    fn a_malformed_user_endpoint_never_falls_back_to_the_hosts_default() {
        let defaults = Defaults {
            endpoint: Some("https://telemetry.host.example".into()),
            ..Defaults::default()
        };
        let (s, w) = decide_with(
            &[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4318")],
            &defaults,
        );
        assert_eq!(s.mode, Mode::NoEndpoint);
        assert_eq!(s.endpoint, None);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn the_record_variable_reads_on_off_and_paths() {
        for (value, expected) in [
            ("off", RecordChoice::Off),
            ("0", RecordChoice::Off),
            ("on", RecordChoice::Default),
            ("1", RecordChoice::Default),
            ("TRUE", RecordChoice::Default),
            (
                "/tmp/sent.jsonl",
                RecordChoice::Path("/tmp/sent.jsonl".into()),
            ),
        ] {
            let (s, warnings) = decide(&[("CREWTEL_RECORD", value)]);
            assert_eq!(s.record, expected, "{value}");
            assert!(warnings.is_empty(), "{value}: {warnings:?}");
        }
    }

    #[test]
    fn a_path_variable_that_is_not_absolute_is_ignored_with_one_warning() {
        for name in ["CREWTEL_RECORD", "CREWTEL_DATA_DIR"] {
            for value in [
                "sent.jsonl",
                "yes",
                ".",
                "~/x",
                "",
                "0x",
                "./dir",
                "dir/sub",
            ] {
                let (s, warnings) = decide(&[(name, value)]);
                assert_eq!(s.record, RecordChoice::Default, "{name}={value}");
                assert_eq!(s.data_dir, None, "{name}={value}");
                assert_eq!(warnings.len(), 1, "{name}={value}: {warnings:?}");
                assert!(warnings[0].contains(name), "{:?}", warnings[0]);
                if value.len() > 2 {
                    assert!(
                        !warnings[0].contains(value),
                        "the value is echoed: {:?}",
                        warnings[0]
                    );
                }
            }
        }
        // `0` is `off` for the record, and a folder named `0` nowhere.
        let (s, warnings) = decide(&[("CREWTEL_DATA_DIR", "0")]);
        assert_eq!((s.data_dir, warnings.len()), (None, 1));
        let (s, warnings) = decide(&[("CREWTEL_DATA_DIR", "/var/lib/crewtel")]);
        assert_eq!(s.data_dir, Some("/var/lib/crewtel".into()));
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_malformed_endpoint_warns_and_sends_nothing() {
        for bad in ["collector:4318", "ftp://x", "http://", "not a url"] {
            let (s, warnings) = decide(&[("CREWTEL_EXPORTER_OTLP_ENDPOINT", bad)]);
            assert_eq!(s.mode, Mode::NoEndpoint, "{bad}");
            assert_eq!(warnings.len(), 1, "{bad}");
            assert!(warnings[0].contains("CREWTEL_EXPORTER_OTLP_ENDPOINT"));
        }
    }

    #[test]
    fn exporter_options_are_read_and_malformed_ones_defaulted() {
        let endpoint = ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
        let (s, w) = decide(&[
            endpoint,
            ("CREWTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
            (
                "CREWTEL_EXPORTER_OTLP_HEADERS",
                "api-key=abc%3D%3D, tenant = t1",
            ),
            ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
            ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
            ("OTEL_SERVICE_NAME", "my-service"),
            ("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64"),
            ("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "10"),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(s.protocol, Protocol::HttpJson);
        assert_eq!(
            s.headers,
            [
                ("api-key".to_owned(), "abc==".to_owned()),
                ("tenant".to_owned(), "t1".to_owned())
            ]
        );
        assert_eq!(s.timeout, Duration::from_millis(2500));
        assert!(s.gzip);
        assert_eq!(
            s.service_name, None,
            "OTEL_SERVICE_NAME is the application's"
        );
        assert_eq!(
            s.limits,
            Limits {
                value_length: Some(64),
                count: 10
            }
        );

        let (s, w) = decide(&[
            endpoint,
            ("CREWTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon"),
            ("CREWTEL_EXPORTER_OTLP_HEADERS", "api-key=sk-secret,broken"),
            ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
            ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "zstd"),
            ("CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-1"),
            ("CREWTEL_ATTRIBUTE_COUNT_LIMIT", "many"),
        ]);
        assert_eq!(s.protocol, Protocol::HttpProtobuf);
        assert!(
            s.headers.is_empty(),
            "a malformed header list is discarded whole"
        );
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert!(!s.gzip);
        assert_eq!(s.limits, Limits::default());
        for name in [
            "CREWTEL_EXPORTER_OTLP_PROTOCOL",
            "CREWTEL_EXPORTER_OTLP_HEADERS",
            "CREWTEL_EXPORTER_OTLP_TIMEOUT",
            "CREWTEL_EXPORTER_OTLP_COMPRESSION",
            "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "CREWTEL_ATTRIBUTE_COUNT_LIMIT",
        ] {
            assert_eq!(
                w.iter().filter(|w| w.contains(name)).count(),
                1,
                "one warning for {name}: {w:?}"
            );
        }
        assert_eq!(w.len(), 6);
        assert!(
            !w.iter().any(|w| w.contains("sk-secret")),
            "a header value was echoed: {w:?}"
        );
    }

    #[test]
    fn a_base_endpoint_keeps_its_query_after_the_path() {
        let (s, _) = decide(&[(
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
            "http://h:4318/otlp?tenant=1",
        )]);
        assert_eq!(
            s.endpoint.as_deref(),
            Some("http://h:4318/otlp/v1/traces?tenant=1")
        );
    }

    #[test]
    fn endpoints_the_http_stack_refuses_are_refused_here() {
        let (s, w) = decide(&[(
            "CREWTEL_EXPORTER_OTLP_ENDPOINT",
            "http://user:s3cret@127.0.0.1:9/a b",
        )]);
        // `url` percent-encodes the space; what is left must parse as a URI.
        if let Some(endpoint) = &s.endpoint {
            assert!(endpoint.parse::<http::Uri>().is_ok());
        }
        assert!(w.iter().all(|w| !w.contains("s3cret")), "{w:?}");
    }

    #[test]
    fn header_values_with_line_breaks_discard_the_list() {
        let (s, w) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("CREWTEL_EXPORTER_OTLP_HEADERS", "x-a=1%0D%0AX-Injected:yes"),
        ]);
        assert!(s.headers.is_empty());
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn a_zero_timeout_is_refused() {
        let (s, w) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "0"),
        ]);
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn compression_is_case_insensitive_as_the_exporter_reads_it() {
        let (s, w) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"),
        ]);
        assert!(s.gzip);
        assert!(w.is_empty());
    }

    #[test]
    fn grpc_is_refused_with_a_warning() {
        let (s, w) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            ("CREWTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
        ]);
        assert_eq!(s.protocol, Protocol::HttpProtobuf);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("gRPC") && w[0].contains("4318"), "{}", w[0]);
    }

    #[test]
    fn empty_values_are_unset() {
        let (s, w) = decide(&[
            ("CREWTEL_EXPORTER_OTLP_ENDPOINT", ""),
            ("OTEL_SERVICE_NAME", ""),
        ]);
        assert_eq!(s.mode, Mode::NoEndpoint);
        assert_eq!(s.service_name, None);
        assert!(w.is_empty());
    }
}
