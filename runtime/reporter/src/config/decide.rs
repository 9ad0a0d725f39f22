//! The decision: from the host's defaults and the variables (or a test's
//! capture), what the reporter does, made once, here.

use std::path::PathBuf;

use crate::choice::{Choice, ChosenBy, Places};

use super::read::{Lookup, Reader, Warning};
use super::variables::{self as var, Variable};
use super::{
    DEFAULT_ATTRIBUTE_COUNT_LIMIT, DEFAULT_TIMEOUT, Decision, Defaults, Export, Limits,
    MAX_SHUTDOWN_TIMEOUT, Named, NoticeGate, Protocol, ProxySetting, Reason, RecordChoice,
    Settings, TlsSettings,
};

/// Where the decision comes from.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// The environment (or the host's lookup), and the user's kept choices.
    Environment(Lookup<'a>),
    /// A test's capture (`ReporterBuilder::capture`): every event is kept in
    /// memory, whatever the machine's switches, kept choices and endpoints
    /// say (none is read). The limits still come from `Lookup`, so that a
    /// test sees events as they would be sent, and so do the folders of
    /// crewtel's own files.
    Capture(Lookup<'a>),
}

impl Settings {
    /// Decides the configuration, reporting each malformed variable once
    /// through `warn`.
    pub(crate) fn decide(
        source: Source<'_>,
        defaults: &Defaults,
        warn: &mut dyn FnMut(Warning),
    ) -> Settings {
        match source {
            Source::Capture(env) => {
                let mut reader = Reader { env, warn };
                let mut settings = Settings::new(Decision::Capture, defaults, limits(&mut reader));
                // Where crewtel's own files are: the `telemetry` subcommands
                // of a builder onto a capture act on a test's folders, never
                // on the user's.
                settings.data_dir = reader.get(&var::CREWTEL_DATA_DIR);
                settings.config_dir = reader.get(&var::CREWTEL_CONFIG_DIR);
                settings.record = reader
                    .get(&var::CREWTEL_RECORD)
                    .unwrap_or(RecordChoice::Default);
                settings
            }
            Source::Environment(env) => decide(Reader { env, warn }, defaults),
        }
    }

    fn new(decision: Decision, defaults: &Defaults, limits: Limits) -> Settings {
        Settings {
            decision,
            service_name: defaults.service_name.clone(),
            limits,
            data_dir: None,
            record: RecordChoice::Default,
            choice: None,
            config_dir: None,
            unused_application_endpoint: None,
        }
    }
}

fn limits(reader: &mut Reader<'_, '_>) -> Limits {
    Limits {
        value_length: reader.get(&var::CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT),
        count: reader
            .get(&var::CREWTEL_ATTRIBUTE_COUNT_LIMIT)
            .unwrap_or(DEFAULT_ATTRIBUTE_COUNT_LIMIT),
    }
}

fn decide(mut reader: Reader<'_, '_>, defaults: &Defaults) -> Settings {
    // Off keeps only where an earlier run's outbox would be, to delete it,
    // read without a warning.
    let off = |reader: &Reader<'_, '_>, reason| {
        let mut settings = Settings::new(Decision::Off(reason), defaults, Limits::default());
        settings.data_dir = reader.quietly(&var::CREWTEL_DATA_DIR);
        settings.config_dir = reader.quietly(&var::CREWTEL_CONFIG_DIR);
        settings
    };
    for switch in var::OFF_SWITCHES {
        if reader.get(switch) == Some(true) {
            return off(&reader, Reason::TurnedOff(switch.name));
        }
    }
    let config_dir = reader.get(&var::CREWTEL_CONFIG_DIR);
    let choice = kept_choice(&mut reader, defaults, config_dir.clone());
    if let Some((Choice::Off, by, _)) = &choice {
        let mut settings = off(&reader, Reason::Chosen(*by));
        settings.choice = choice;
        return settings;
    }

    let mut settings = Settings::new(
        Decision::NoEndpoint(Reason::NoEndpoint),
        defaults,
        limits(&mut reader),
    );
    settings.unused_application_endpoint = var::APPLICATION_ENDPOINTS
        .iter()
        .find(|variable| reader.is_set(variable))
        .map(|variable| variable.name);
    settings.data_dir = reader.get(&var::CREWTEL_DATA_DIR);
    settings.record = reader
        .get(&var::CREWTEL_RECORD)
        .unwrap_or(RecordChoice::Default);
    settings.choice = choice;
    settings.config_dir = config_dir;
    settings.decision = what_to_do(&mut reader, defaults, &settings);
    settings
}

/// Off is decided before: debug, local, export, or nothing sent.
fn what_to_do(reader: &mut Reader<'_, '_>, defaults: &Defaults, settings: &Settings) -> Decision {
    let printing = reader.get(&var::CREWTEL_DEBUG);
    if let Some(printing @ (var::Printing::Json | var::Printing::Pretty)) = printing {
        return Decision::Debug {
            reason: Reason::DebugVariable,
            pretty: printing == var::Printing::Pretty,
        };
    }
    if defaults.debug {
        return Decision::Debug {
            reason: Reason::HostDebug,
            pretty: false,
        };
    }
    if let Some((Choice::Local, by, _)) = &settings.choice {
        return Decision::Local(*by);
    }

    // An endpoint the user set, even a malformed one, rules out the host's
    // default: a user who meant to keep data local must not have it sent
    // to the vendor because of a typo.
    let user_set = var::ENDPOINTS
        .iter()
        .any(|variable| reader.is_set(variable));
    let endpoint = var::ENDPOINTS
        .iter()
        .find_map(|variable| Some((reader.get(variable)?, Reason::Endpoint(variable.name))))
        .or_else(|| {
            let default = defaults.endpoint.as_deref().filter(|_| !user_set)?;
            match var::traces_url(default, true) {
                Some(url) => Some((url, Reason::HostDefaultEndpoint)),
                None => {
                    reader.other(
                        "crewtel: the host's default endpoint is not an http:// or https:// URL; nothing is sent"
                            .to_owned(),
                    );
                    None
                }
            }
        });
    let Some((endpoint, reason)) = endpoint else {
        return if defaults.debug_without_endpoint {
            Decision::Debug {
                reason: Reason::NoEndpointPrinting,
                pretty: false,
            }
        } else if user_set {
            Decision::NoEndpoint(Reason::UnusableEndpoint)
        } else {
            Decision::NoEndpoint(Reason::NoEndpoint)
        };
    };
    let in_ci = crewtel::context::CI_VARIABLES
        .iter()
        .any(|name| (reader.env)(name).is_some());
    let over_tls = endpoint
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    Decision::Export(Box::new(Export {
        reason,
        notice: match reason {
            Reason::HostDefaultEndpoint => NoticeGate::BeforeDefaultEndpoint { in_ci },
            _ => NoticeGate::NotNeeded,
        },
        endpoint,
        shutdown_timeout: reader
            .get(&var::CREWTEL_SHUTDOWN_TIMEOUT)
            .map(|bound| bound.min(MAX_SHUTDOWN_TIMEOUT)),
        protocol: reader
            .first(&var::PROTOCOL)
            .and_then(|(_, protocol)| protocol)
            .unwrap_or(Protocol::HttpProtobuf),
        headers: headers(reader),
        timeout: var::TIMEOUT
            .iter()
            .find_map(|variable| reader.get(variable))
            .unwrap_or(DEFAULT_TIMEOUT),
        gzip: reader
            .first(&var::COMPRESSION)
            .and_then(|(_, gzip)| gzip)
            .unwrap_or(false),
        tls: tls(reader),
        proxy: proxy(reader, over_tls),
    }))
}

/// The user's lasting choice: `CREWTEL_TELEMETRY`, else the first file that
/// holds one (see `choice`); a bad value is read as `off`.
fn kept_choice(
    reader: &mut Reader<'_, '_>,
    defaults: &Defaults,
    config: Option<PathBuf>,
) -> Option<(Choice, ChosenBy, Option<PathBuf>)> {
    if let Some(choice) = reader.read(&var::CREWTEL_TELEMETRY) {
        let by = ChosenBy::Variable(var::CREWTEL_TELEMETRY.name);
        return Some((choice.unwrap_or(Choice::Off), by, None));
    }
    let service = defaults.service_name.clone().unwrap_or_default();
    let mut warn = |line| reader.other(line);
    let found = Places::new(config.clone(), &service, defaults.project_dir.clone()).read(&mut warn);
    // Before crewtel stopped reading the application's `OTEL_SERVICE_NAME`,
    // it named the host's folder: an `off` or `local` kept there still
    // holds (turning off is always safe); it never turns telemetry on.
    let earlier = reader
        .get(&var::OTEL_SERVICE_NAME)
        .filter(|name| crate::local::safe_name(name) != crate::local::safe_name(&service))
        .and_then(|name| {
            let mut warn = |line| reader.other(line);
            Places::new(config, &name, None).narrowing_host_choice(&mut warn)
        });
    crate::choice::narrower(found, earlier).map(|(choice, by, file)| (choice, by, Some(file)))
}

/// Both header variables, the traces one's keys over the general one's.
fn headers(reader: &mut Reader<'_, '_>) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for variable in &var::HEADERS {
        for (key, value) in reader.get(variable).unwrap_or_default() {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&key));
            headers.push((key, value));
        }
    }
    headers
}

/// The TLS variables (the traces-specific one over the general one):
/// files, read by the exporter.
fn tls(reader: &mut Reader<'_, '_>) -> TlsSettings {
    fn named(reader: &mut Reader<'_, '_>, variables: &[Variable<PathBuf>]) -> Option<Named> {
        let (variable, path) = reader.first(variables)?;
        Some(Named {
            variable: variable.name,
            path: path?,
        })
    }
    TlsSettings {
        certificate: named(reader, &var::CERTIFICATE),
        client_certificate: named(reader, &var::CLIENT_CERTIFICATE),
        client_key: named(reader, &var::CLIENT_KEY),
        ssl_cert_file: named(reader, std::slice::from_ref(&var::SSL_CERT_FILE)),
        ssl_cert_dir: named(reader, std::slice::from_ref(&var::SSL_CERT_DIR)),
    }
}

/// The proxy to go through, as curl and Go read them: the scheme's own
/// (`HTTPS_PROXY` for a collector reached over TLS, `HTTP_PROXY` for plain
/// HTTP, lower case too), then `ALL_PROXY`. Under CGI (`REQUEST_METHOD`
/// set) an upper-case `HTTP_PROXY` may be a request's `Proxy:` header
/// (httpoxy), and is not read.
fn proxy(reader: &mut Reader<'_, '_>, over_tls: bool) -> Option<ProxySetting> {
    let cgi = reader.is_set(&var::REQUEST_METHOD);
    let own = match (over_tls, cgi) {
        (true, _) => &var::HTTPS_PROXIES[..],
        (false, false) => &var::HTTP_PROXIES[..],
        (false, true) => &var::HTTP_PROXIES[1..],
    };
    let (variable, url) = reader.first(own.iter().chain(&var::ALL_PROXIES))?;
    let no_proxy = reader
        .first(&var::NO_PROXY)
        .and_then(|(_, hosts)| hosts)
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
        variable: variable.name,
        url: url?,
        no_proxy,
    })
}
