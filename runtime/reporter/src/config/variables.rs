//! Every variable the reporter reads, in one table: its name, what it
//! means, and how its value is read. No other module names a variable.
//!
//! A value is trimmed (a path's too), and an empty one is unset (as
//! OpenTelemetry's specification reads its own), but for a path variable's,
//! which is a mistake worth a warning. A value that does not parse is a
//! [`Problem`]: one warning naming the variable, never its value (which may
//! hold a credential), and what is done instead.

use std::path::PathBuf;
use std::time::Duration;

use crate::choice::Choice;

use super::{Protocol, RecordChoice};

/// A variable: its name, what it means (for a person: `status`, the
/// README), how its value is read, and what is done when it cannot be.
pub(crate) struct Variable<T> {
    pub name: &'static str,
    pub meaning: &'static str,
    pub parse: fn(&str) -> Result<T, Problem>,
    /// What is done instead of a value that does not parse.
    pub otherwise: &'static str,
    /// What an empty value is.
    pub empty: Empty,
}

/// What an empty (or blank) value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Empty {
    /// Unset, as OpenTelemetry's specification reads its own variables.
    Unset,
    /// A value the parser refuses: a path variable set to nothing is a
    /// mistake worth one warning.
    Refused,
}

/// Why a variable's value was not used; prints as the warning's middle:
/// `crewtel: NAME {problem}; {otherwise}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    NotBool,
    NotAbsolute,
    NotAbsoluteNorRecordWord,
    NotChoice,
    NotNumber(&'static str),
    Zero,
    NotUrl,
    Grpc,
    NotProtocol,
    NotKeyValues,
    NotCompression,
}

impl core::fmt::Display for Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const RELATIVE: &str = "a relative one would put files in whatever folder the host runs in";
        match self {
            Problem::NotBool => f.write_str("is neither `true` nor `false`"),
            Problem::NotAbsolute => write!(f, "is not an absolute path ({RELATIVE})"),
            Problem::NotAbsoluteNorRecordWord => write!(
                f,
                "is neither an absolute path ({RELATIVE}) nor one of {}",
                RECORD_WORDS.join(", ")
            ),
            Problem::NotChoice => f.write_str("is not `off`, `local` or `on`"),
            Problem::NotNumber(what) => write!(f, "is not {what}"),
            Problem::Zero => f.write_str("is zero, which would fail every export"),
            Problem::NotUrl => f.write_str("is not an http:// or https:// URL"),
            Problem::Grpc => f.write_str(
                "asks for gRPC, which crewtel does not send (OTLP/HTTP only: point the endpoint at the collector's OTLP/HTTP port, 4318 by default, not gRPC's 4317)",
            ),
            Problem::NotProtocol => f.write_str("is not `http/protobuf` or `http/json`"),
            Problem::NotKeyValues => f.write_str("is not a list of key=value pairs"),
            Problem::NotCompression => f.write_str("is not `gzip` or `none`"),
        }
    }
}

/// How `CREWTEL_DEBUG` asks for events to be printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Printing {
    /// Not at all (`0`, `false`).
    No,
    /// One JSON line an event, for tools.
    Json,
    /// For a person: each run a tree (`pretty`).
    Pretty,
}

// The switches, in the order they are read: the first that says off wins.

pub(crate) const OTEL_SDK_DISABLED: Variable<bool> = Variable {
    name: "OTEL_SDK_DISABLED",
    meaning: "OpenTelemetry's switch: `true` turns crewtel off too",
    parse: otel_bool,
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
pub(crate) const DO_NOT_TRACK: Variable<bool> = Variable {
    name: "DO_NOT_TRACK",
    meaning: "the console-wide opt-out: set to anything but `0` or `false`, telemetry is off",
    parse: flag,
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_DISABLED: Variable<bool> = Variable {
    name: "CREWTEL_DISABLED",
    meaning: "crewtel's own switch: set to anything but `0` or `false`, telemetry is off",
    parse: flag,
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
/// The switches that turn telemetry off, whatever else says.
pub(crate) const OFF_SWITCHES: [&Variable<bool>; 3] =
    [&OTEL_SDK_DISABLED, &DO_NOT_TRACK, &CREWTEL_DISABLED];

pub(crate) const CREWTEL_TELEMETRY: Variable<Choice> = Variable {
    name: "CREWTEL_TELEMETRY",
    meaning: "the choice for this run (`off`, `local` or `on`), over every kept one",
    parse: |word| word.parse().map_err(|_| Problem::NotChoice),
    otherwise: "reading it as `off`",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_DEBUG: Variable<Printing> = Variable {
    name: "CREWTEL_DEBUG",
    meaning: "print each event to stderr instead of sending it (`pretty`: for a person)",
    parse: |value| {
        Ok(if value.eq_ignore_ascii_case("pretty") {
            Printing::Pretty
        } else if flag(value)? {
            Printing::Json
        } else {
            Printing::No
        })
    },
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_CONFIG_DIR: Variable<PathBuf> = Variable {
    name: "CREWTEL_CONFIG_DIR",
    meaning: "where kept choices are, instead of the user's configuration directory",
    parse: absolute,
    otherwise: "using the default",
    empty: Empty::Refused,
};
pub(crate) const CREWTEL_DATA_DIR: Variable<PathBuf> = Variable {
    name: "CREWTEL_DATA_DIR",
    meaning: "where the record, the outbox and the notice's marker are, instead of the user's data directory",
    parse: absolute,
    otherwise: "using the default",
    empty: Empty::Refused,
};
pub(crate) const CREWTEL_RECORD: Variable<RecordChoice> = Variable {
    name: "CREWTEL_RECORD",
    meaning: "the local record of what was sent: a file, `off` or `on`",
    parse: record,
    otherwise: "using the default",
    empty: Empty::Refused,
};
pub(crate) const CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: Variable<usize> = Variable {
    name: "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    meaning: "the most characters a string is sent with",
    parse: |value| number(value, "a number of characters"),
    otherwise: "using the default",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_ATTRIBUTE_COUNT_LIMIT: Variable<usize> = Variable {
    name: "CREWTEL_ATTRIBUTE_COUNT_LIMIT",
    meaning: "the most attributes an event is sent with",
    parse: |value| number(value, "a number of attributes"),
    otherwise: "using the default",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_SHUTDOWN_TIMEOUT: Variable<Duration> = Variable {
    name: "CREWTEL_SHUTDOWN_TIMEOUT",
    meaning: "the most milliseconds `shutdown` waits for the collector",
    parse: millis,
    otherwise: "using the default",
    empty: Empty::Unset,
};

pub(crate) const CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Variable<String> = Variable {
    name: "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    meaning: "the collector's traces URL, used as it is",
    parse: |value| traces_url(value, false).ok_or(Problem::NotUrl),
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
pub(crate) const CREWTEL_EXPORTER_OTLP_ENDPOINT: Variable<String> = Variable {
    name: "CREWTEL_EXPORTER_OTLP_ENDPOINT",
    meaning: "the collector's base URL (`/v1/traces` is appended)",
    parse: |value| traces_url(value, true).ok_or(Problem::NotUrl),
    otherwise: "ignoring it",
    empty: Empty::Unset,
};
/// The user's endpoints, the traces URL first: one set, even malformed,
/// rules out the host's default.
pub(crate) const ENDPOINTS: [&Variable<String>; 2] = [
    &CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    &CREWTEL_EXPORTER_OTLP_ENDPOINT,
];

pub(crate) const PROTOCOL: [Variable<Protocol>; 2] = [
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        meaning: "`http/protobuf` or `http/json`",
        parse: protocol,
        otherwise: "using http/protobuf",
        empty: Empty::Unset,
    },
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_PROTOCOL",
        meaning: "`http/protobuf` or `http/json` (under the above)",
        parse: protocol,
        otherwise: "using http/protobuf",
        empty: Empty::Unset,
    },
];
/// Both are read, the traces one's keys over the general one's.
pub(crate) const HEADERS: [Variable<Vec<(String, String)>>; 2] = [
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_HEADERS",
        meaning: "headers sent with each export, `key=value,...`, percent-decoded",
        parse: headers,
        otherwise: "ignoring it",
        empty: Empty::Unset,
    },
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_TRACES_HEADERS",
        meaning: "headers sent with each export (over the above's)",
        parse: headers,
        otherwise: "ignoring it",
        empty: Empty::Unset,
    },
];
pub(crate) const TIMEOUT: [Variable<Duration>; 2] = [
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
        meaning: "the most milliseconds one export takes",
        parse: millis,
        otherwise: "using the default",
        empty: Empty::Unset,
    },
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_TIMEOUT",
        meaning: "the most milliseconds one export takes (under the above)",
        parse: millis,
        otherwise: "using the default",
        empty: Empty::Unset,
    },
];
pub(crate) const COMPRESSION: [Variable<bool>; 2] = [
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_TRACES_COMPRESSION",
        meaning: "`gzip` or `none`",
        parse: gzip,
        otherwise: "sending uncompressed",
        empty: Empty::Unset,
    },
    Variable {
        name: "CREWTEL_EXPORTER_OTLP_COMPRESSION",
        meaning: "`gzip` or `none` (under the above)",
        parse: gzip,
        otherwise: "sending uncompressed",
        empty: Empty::Unset,
    },
];

const fn file(name: &'static str, meaning: &'static str) -> Variable<PathBuf> {
    Variable {
        name,
        meaning,
        parse: |value| Ok(PathBuf::from(value)),
        otherwise: "ignoring it",
        empty: Empty::Unset,
    }
}
/// The CAs the collector is trusted through, alone.
pub(crate) const CERTIFICATE: [Variable<PathBuf>; 2] = [
    file(
        "CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
        "a PEM file of the CAs the collector is trusted through",
    ),
    file(
        "CREWTEL_EXPORTER_OTLP_CERTIFICATE",
        "a PEM file of the CAs the collector is trusted through (under the above)",
    ),
];
pub(crate) const CLIENT_CERTIFICATE: [Variable<PathBuf>; 2] = [
    file(
        "CREWTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE",
        "a PEM file of the client's certificate chain, for mutual TLS",
    ),
    file(
        "CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
        "a PEM file of the client's certificate chain (under the above)",
    ),
];
pub(crate) const CLIENT_KEY: [Variable<PathBuf>; 2] = [
    file(
        "CREWTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY",
        "a PEM file of the client certificate's key, for mutual TLS",
    ),
    file(
        "CREWTEL_EXPORTER_OTLP_CLIENT_KEY",
        "a PEM file of the client certificate's key (under the above)",
    ),
];
pub(crate) const SSL_CERT_FILE: Variable<PathBuf> = file(
    "SSL_CERT_FILE",
    "a PEM file of CAs that replaces the system's bundle (without a CERTIFICATE variable)",
);
pub(crate) const SSL_CERT_DIR: Variable<PathBuf> = file(
    "SSL_CERT_DIR",
    "a folder of CA files that replaces the system's (without a CERTIFICATE variable)",
);

const fn text(name: &'static str, meaning: &'static str) -> Variable<String> {
    Variable {
        name,
        meaning,
        parse: |value| Ok(value.to_owned()),
        otherwise: "ignoring it",
        empty: Empty::Unset,
    }
}
/// The proxies for a collector over TLS, the scheme's own first, then
/// `ALL_PROXY` (lower case too: as curl and Go read them).
pub(crate) const HTTPS_PROXIES: [Variable<String>; 2] = [
    text("HTTPS_PROXY", "the proxy to an https:// collector"),
    text("https_proxy", "the proxy to an https:// collector"),
];
/// The proxies for a plain-HTTP collector; under CGI the upper-case one
/// may be a request's `Proxy:` header (httpoxy), and is not read.
pub(crate) const HTTP_PROXIES: [Variable<String>; 2] = [
    text(
        "HTTP_PROXY",
        "the proxy to an http:// collector (not under CGI)",
    ),
    text("http_proxy", "the proxy to an http:// collector"),
];
pub(crate) const ALL_PROXIES: [Variable<String>; 2] = [
    text("ALL_PROXY", "the proxy when the scheme's own is not set"),
    text("all_proxy", "the proxy when the scheme's own is not set"),
];
pub(crate) const NO_PROXY: [Variable<String>; 2] = [
    text(
        "NO_PROXY",
        "hosts reached without the proxy, comma-separated",
    ),
    text(
        "no_proxy",
        "hosts reached without the proxy, comma-separated",
    ),
];
/// Set under CGI, where an upper-case `HTTP_PROXY` is not to be trusted.
pub(crate) const REQUEST_METHOD: Variable<String> = text(
    "REQUEST_METHOD",
    "set under CGI: `HTTP_PROXY` is then read in lower case only",
);

/// The application's service name. crewtel never names itself by it; a
/// choice kept under it, before crewtel stopped reading it, still narrows.
pub(crate) const OTEL_SERVICE_NAME: Variable<String> = text(
    "OTEL_SERVICE_NAME",
    "the application's name: an `off` or `local` kept under it still holds",
);
/// The application's own OTLP endpoint variables. crewtel never reads
/// their values (they send the application's telemetry to the
/// application's collector, with its credentials); `status` says when one
/// is set, and which of crewtel's own would send usage telemetry there.
pub(crate) const APPLICATION_ENDPOINTS: [Variable<String>; 2] = [
    text(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "the application's collector: never used, only named by `status`",
    ),
    text(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "the application's collector: never used, only named by `status`",
    ),
];

/// Every variable the reporter reads, as (name, meaning), but for the CI
/// variables, whose presence alone is read
/// ([`crewtel::context::CI_VARIABLES`]).
pub(crate) fn all() -> Vec<(&'static str, &'static str)> {
    fn of<T>(variable: &Variable<T>) -> (&'static str, &'static str) {
        (variable.name, variable.meaning)
    }
    let mut all = vec![
        of(&OTEL_SDK_DISABLED),
        of(&DO_NOT_TRACK),
        of(&CREWTEL_DISABLED),
        of(&CREWTEL_TELEMETRY),
        of(&CREWTEL_DEBUG),
        of(&CREWTEL_CONFIG_DIR),
        of(&CREWTEL_DATA_DIR),
        of(&CREWTEL_RECORD),
        of(&CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT),
        of(&CREWTEL_ATTRIBUTE_COUNT_LIMIT),
        of(&CREWTEL_SHUTDOWN_TIMEOUT),
        of(&CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
        of(&CREWTEL_EXPORTER_OTLP_ENDPOINT),
        of(&SSL_CERT_FILE),
        of(&SSL_CERT_DIR),
        of(&REQUEST_METHOD),
        of(&OTEL_SERVICE_NAME),
    ];
    all.extend(PROTOCOL.iter().map(of));
    all.extend(HEADERS.iter().map(of));
    all.extend(TIMEOUT.iter().map(of));
    all.extend(COMPRESSION.iter().map(of));
    all.extend(CERTIFICATE.iter().map(of));
    all.extend(CLIENT_CERTIFICATE.iter().map(of));
    all.extend(CLIENT_KEY.iter().map(of));
    all.extend(HTTPS_PROXIES.iter().map(of));
    all.extend(HTTP_PROXIES.iter().map(of));
    all.extend(ALL_PROXIES.iter().map(of));
    all.extend(NO_PROXY.iter().map(of));
    all.extend(APPLICATION_ENDPOINTS.iter().map(of));
    all
}

// The parsers.

/// An OpenTelemetry boolean: only (case-insensitive) `true` is true.
fn otel_bool(value: &str) -> Result<bool, Problem> {
    match value {
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(Problem::NotBool),
    }
}

/// A `DO_NOT_TRACK`-style flag: set to anything but `0` or `false`.
fn flag(value: &str) -> Result<bool, Problem> {
    Ok(value != "0" && !value.eq_ignore_ascii_case("false"))
}

/// An absolute path. Anything else (a relative path, `.`, a `~/x` no shell
/// expanded) is refused: a relative path would put files in whatever
/// folder the host happens to run in (the XDG base directory
/// specification ignores relative paths the same way).
fn absolute(value: &str) -> Result<PathBuf, Problem> {
    let path = PathBuf::from(value);
    match path.is_absolute() {
        true => Ok(path),
        false => Err(Problem::NotAbsolute),
    }
}

/// The words `CREWTEL_RECORD` knows besides a path: off, then on.
const RECORD_WORDS: [&str; 6] = ["0", "off", "false", "1", "on", "true"];

fn record(value: &str) -> Result<RecordChoice, Problem> {
    match RECORD_WORDS
        .iter()
        .position(|word| value.eq_ignore_ascii_case(word))
    {
        Some(at) if at < 3 => Ok(RecordChoice::Off),
        Some(_) => Ok(RecordChoice::Default),
        None => absolute(value)
            .map(RecordChoice::Path)
            .map_err(|_| Problem::NotAbsoluteNorRecordWord),
    }
}

fn number(value: &str, what: &'static str) -> Result<usize, Problem> {
    value.parse().map_err(|_| Problem::NotNumber(what))
}

/// Milliseconds, more than zero (a zero timeout would fail every export).
fn millis(value: &str) -> Result<Duration, Problem> {
    match number(value, "a number of milliseconds")? {
        0 => Err(Problem::Zero),
        ms => Ok(Duration::from_millis(ms as u64)),
    }
}

fn protocol(value: &str) -> Result<Protocol, Problem> {
    match value {
        "http/protobuf" => Ok(Protocol::HttpProtobuf),
        "http/json" => Ok(Protocol::HttpJson),
        "grpc" => Err(Problem::Grpc),
        _ => Err(Problem::NotProtocol),
    }
}

fn gzip(value: &str) -> Result<bool, Problem> {
    match value.to_ascii_lowercase().as_str() {
        "gzip" => Ok(true),
        "none" => Ok(false),
        _ => Err(Problem::NotCompression),
    }
}

/// `k=v,k2=v2`, percent-decoded. One malformed pair discards the whole
/// variable: half a set of credentials is worse than none.
fn headers(value: &str) -> Result<Vec<(String, String)>, Problem> {
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
        .collect::<Option<_>>()
        .ok_or(Problem::NotKeyValues)
}

/// The traces URL of an endpoint: a base endpoint gets `/v1/traces`
/// appended to its path (before any query); a signal-specific one is used as
/// it is. `None` unless it is an http(s) URL the HTTP stack accepts too.
pub(crate) fn traces_url(endpoint: &str, base: bool) -> Option<String> {
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
