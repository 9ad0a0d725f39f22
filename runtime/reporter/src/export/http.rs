//! The exporter's HTTP transport: blocking (it runs on crewtel's own
//! courier thread, so no async runtime is needed and none of the host's is
//! touched), with a timeout, TLS by rustls (ureq), and no redirects. One
//! attempt at a time: when to try again is the courier's to decide.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use ::http::Request;
use http::header::{self, HeaderMap};

use super::error::BuildError;
use super::interleave::{Interleave, Work};
use super::names::Names;
use super::outbox::Stored;
use super::tls::Tls;
use crate::config::ProxySetting;

/// The longest the courier waits for a connection to the collector (its
/// name looked up, then connected): it writes nothing meanwhile.
const MAX_CONNECT: Duration = Duration::from_secs(2);

/// The most a collector's response body is read.
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

pub(crate) struct Transport {
    /// The client, made on the first send (on the exporter's thread: the
    /// system's trust store takes tens of milliseconds to read).
    agent: std::sync::OnceLock<ureq::Agent>,
    /// What the courier does while it waits on the collector.
    work: std::sync::OnceLock<Work>,
    timeout: Duration,
    tls: Tls,
    proxy: Option<ureq::Proxy>,
    /// The variable the proxy came from, for the warning (never its value).
    proxy_variable: Option<&'static str>,
    /// Where requests go.
    uri: http::Uri,
    /// The only custom headers sent: crewtel's reading of
    /// `CREWTEL_EXPORTER_OTLP_*HEADERS`.
    headers: HeaderMap,
    /// The collector's (or proxy's) addresses, kept between requests.
    names: Names,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sent {
    /// The collector took it.
    Delivered,
    /// Not now (a network error, 429 or 5xx): try again later, not before
    /// the wait the collector asked for, if it did.
    Later {
        why: String,
        retry_after: Option<Duration>,
    },
    /// Refused for good (any other status): the warning names the likely
    /// fix.
    Refused { status: u16, why: String },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The headers may hold credentials: never shown.
        f.debug_struct("Transport").finish_non_exhaustive()
    }
}

impl Transport {
    /// A blocking client (ureq: no async runtime, so none of the host's is
    /// touched) to `uri`, with TLS by rustls (`tls`), the proxy of
    /// `ALL_PROXY`, `HTTPS_PROXY` or `HTTP_PROXY` (with `NO_PROXY`), and no
    /// redirects: a redirect would carry the headers (credentials) and the
    /// events to an endpoint nobody chose.
    pub(crate) fn build(
        timeout: Duration,
        uri: http::Uri,
        headers: HeaderMap,
        tls: Tls,
        proxy: Option<&ProxySetting>,
    ) -> Result<Transport, BuildError> {
        // `NO_PROXY` is decided once: the exporter talks to one host.
        let proxy = proxy.filter(|setting| {
            !super::no_proxy::bypasses(&setting.no_proxy, uri.host().unwrap_or(""), port(&uri))
        });
        let proxy_variable = proxy.map(|setting| setting.variable);
        let proxy = proxy.map(proxy_of).transpose()?;
        let transport = Transport {
            agent: std::sync::OnceLock::new(),
            work: std::sync::OnceLock::new(),
            timeout,
            tls,
            proxy,
            proxy_variable,
            uri,
            headers,
            names: Names::default(),
        };
        if transport.over_tls() && !transport.tls.available() {
            // ureq would panic at the first connection.
            return Err(BuildError::NoProvider);
        }
        Ok(transport)
    }

    /// Whether TLS is spoken: to the collector, or to an `https://` proxy.
    fn over_tls(&self) -> bool {
        self.uri.scheme_str() == Some("https")
            || self
                .proxy
                .as_ref()
                .is_some_and(|proxy| proxy.protocol() == ureq::ProxyProtocol::Https)
    }

    /// Makes the client, on the thread that calls it (the courier's), whose
    /// waits on the collector do `work` every few milliseconds.
    pub(crate) fn prepare(&self, work: Work) {
        let _ = self.work.set(work);
        let _ = contained(|| {
            self.agent();
        });
    }

    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            use ureq::unversioned::transport::{
                ConnectProxyConnector, Connector, RustlsConnector, TcpConnector,
            };
            // A connection (and its name) not made in two seconds is a
            // failed attempt: the courier writes nothing while it connects.
            let connect = Some(self.timeout.min(MAX_CONNECT));
            let config = ureq::Agent::config_builder()
                .timeout_global(Some(self.timeout))
                .timeout_resolve(connect)
                .timeout_connect(connect)
                .max_redirects(0)
                .http_status_as_error(false)
                .proxy(self.proxy.clone())
                // Plain HTTP needs no trust store: none is read.
                .tls_config(self.tls.config(self.over_tls()))
                .build();
            let work = self.work.get().cloned().unwrap_or_else(|| Arc::new(|| {}));
            // ureq's own chain (a proxy's tunnel, else TCP; then TLS), with
            // the waits sliced beneath TLS. SOCKS proxies are refused when
            // the transport is built, and the TLS provider checked.
            let connector =
                ().chain(ConnectProxyConnector::default())
                    .chain(TcpConnector::default())
                    .chain(Interleave::new(work))
                    .chain(RustlsConnector::default());
            ureq::Agent::with_parts(config, connector, self.names.clone())
        })
    }

    /// One attempt at sending `stored`. A panic in the HTTP or TLS stack
    /// (ureq `expect`s what it thinks cannot fail) is a failed attempt, not
    /// the end of the courier.
    pub(crate) fn send(&self, stored: &Stored) -> Sent {
        contained(|| self.attempt(stored)).unwrap_or_else(|| Sent::Later {
            why: "the HTTP client failed unexpectedly".to_owned(),
            retry_after: None,
        })
    }

    fn attempt(&self, stored: &Stored) -> Sent {
        let mut headers = self.headers.clone();
        if let Ok(value) = stored.content_type.parse() {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if let Some(value) = stored
            .content_encoding
            .as_deref()
            .and_then(|v| v.parse().ok())
        {
            headers.insert(header::CONTENT_ENCODING, value);
        }
        headers.insert(
            header::USER_AGENT,
            header::HeaderValue::from_static(concat!("crewtel/", env!("CARGO_PKG_VERSION"))),
        );
        let mut outgoing = Request::new(stored.body.as_slice());
        *outgoing.method_mut() = http::Method::POST;
        *outgoing.uri_mut() = self.uri.clone();
        *outgoing.headers_mut() = headers;
        let response = match self.agent().run(outgoing) {
            Ok(response) => response,
            Err(error) => {
                // The collector may have moved: look it up again.
                self.names.forget();
                let why = self.describe(failure_kind(&error));
                let why = on_grpc_port(why, &self.uri);
                return Sent::Later {
                    why,
                    retry_after: None,
                };
            }
        };
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        // Read (a bounded part of) the body, so the connection can be kept.
        let read = response
            .into_body()
            .into_reader()
            .take(MAX_RESPONSE_BYTES)
            .read_to_end(&mut Vec::new());
        match status {
            200..=299 if read.is_ok() => Sent::Delivered,
            200..=299 => Sent::Later {
                why: "the collector's response was unreadable".to_owned(),
                retry_after: None,
            },
            429 | 500..=599 => Sent::Later {
                why: format!("the collector answered HTTP {status}"),
                retry_after,
            },
            _ => Sent::Refused {
                status,
                why: refusal(status),
            },
        }
    }
}

impl Transport {
    /// What a failed attempt's warning says, naming what would fix it: the
    /// proxy's variable (never its value), the collector's host and port
    /// (never a credential), the TLS variable.
    fn describe(&self, failure: Failure) -> String {
        let over_tls = self.uri.scheme_str() == Some("https");
        match (failure, self.proxy_variable) {
            (Failure::Unreachable | Failure::Proxy, Some(variable)) => {
                format!("the proxy of {variable} is unreachable, or could not reach the collector")
            }
            (Failure::ProxyRefused, Some(variable)) => {
                format!("the proxy of {variable} refused its credentials (407)")
            }
            (Failure::Proxy | Failure::ProxyRefused, None) => {
                "the proxy could not reach the collector".to_owned()
            }
            (Failure::Unreachable, None) => {
                let host = self.uri.host().unwrap_or("?");
                let port = port(&self.uri);
                format!(
                    "the collector is unreachable at {host}:{port}; check CREWTEL_EXPORTER_OTLP_ENDPOINT and that a collector listens on that port (OTLP/HTTP is usually 4318, not gRPC's 4317)"
                )
            }
            (Failure::Untrusted, _) => format!(
                "the collector's certificate is not trusted: {}",
                self.tls.trust_hint()
            ),
            (Failure::Closed, _) if over_tls => self.tls.closed_hint().to_owned(),
            (Failure::Closed, _) => "the collector closed the connection".to_owned(),
            (Failure::Said(why), _) => why.to_owned(),
        }
    }
}

/// The port `uri` reaches: its own, or its scheme's.
fn port(uri: &http::Uri) -> u16 {
    uri.port_u16().unwrap_or(match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    })
}

/// Why an attempt failed, as far as the error says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    /// Nothing answered where the collector (or the proxy) should be.
    Unreachable,
    /// The collector's certificate is not signed by a trusted CA.
    Untrusted,
    /// The collector closed the connection as the request was written.
    Closed,
    /// The proxy could not reach the collector.
    Proxy,
    /// The proxy refused its credentials.
    ProxyRefused,
    /// Anything else, said as it is.
    Said(&'static str),
}

/// `why`, with what the port says when it is gRPC's: a collector there
/// speaks HTTP/2 gRPC, which crewtel does not (it weighs 46 more crates, an
/// async runtime among them), and answers OTLP/HTTP with nothing readable.
fn on_grpc_port(why: String, uri: &http::Uri) -> String {
    match uri.port_u16() == Some(4317) && !why.contains("4317") {
        true => format!(
            "{why} (4317 is the OTLP/gRPC port; crewtel sends OTLP/HTTP, on 4318 by default: point CREWTEL_EXPORTER_OTLP_ENDPOINT there)"
        ),
        false => why,
    }
}

/// What a refusal for good says: the status and its likely fix.
fn refusal(status: u16) -> String {
    let fix = match status {
        400 => {
            "the collector could not read the request; check that CREWTEL_EXPORTER_OTLP_PROTOCOL is one it accepts"
        }
        401 | 403 => {
            "the collector refused the credentials; a header it requires (an API key, a project or experiment id) may be missing from CREWTEL_EXPORTER_OTLP_HEADERS"
        }
        404 => {
            "the endpoint has no OTLP traces path; CREWTEL_EXPORTER_OTLP_ENDPOINT takes the collector's base URL (`/v1/traces` is added), CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT the whole URL"
        }
        413 => "a request was larger than the collector accepts; raise its request size limit",
        415 => {
            "the collector may accept only http/protobuf; set CREWTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
        }
        422 => {
            "the collector refused the events' content; a header it requires (a project or experiment id) may be missing from CREWTEL_EXPORTER_OTLP_HEADERS"
        }
        _ => "the collector refused the events",
    };
    format!("the collector answered HTTP {status}: {fix}; these events are dropped")
}

/// The wait a `Retry-After` header asks for: seconds, or an HTTP date.
/// Capped at an hour: any longer is never waited for anyway, and the sum with
/// the time already spent must not overflow.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    };
    Some(wait.min(Duration::from_secs(3600)))
}

/// `run`'s value, or `None` when it panicked.
fn contained<T>(run: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).ok()
}

/// The proxy a variable names. A URL that is not one, or a SOCKS proxy, is
/// an error naming the variable, never its value (it can hold a password):
/// nothing is then sent, rather than sent around the proxy. SOCKS would
/// take ureq's `socks-proxy` feature, which also sends the application's
/// own ureq requests through an `ALL_PROXY=socks5://` they went around
/// before (cargo unifies features).
fn proxy_of(setting: &ProxySetting) -> Result<ureq::Proxy, BuildError> {
    let variable = setting.variable;
    let proxy = ureq::Proxy::new(&setting.url).map_err(|_| BuildError::NotAProxy { variable })?;
    match proxy.protocol() {
        ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https => Ok(proxy),
        _ => Err(BuildError::Socks { variable }),
    }
}

fn failure_kind(error: &ureq::Error) -> Failure {
    use std::io::ErrorKind;
    // rustls's errors reach ureq inside an I/O error.
    if let ureq::Error::Io(io) = error
        && let Some(tls) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return tls_failure(tls);
    }
    match error {
        // Over TLS 1.3, a collector that refuses the client's certificate
        // (or wants one) says so after the handshake, and closes: the
        // request's write fails.
        ureq::Error::Io(error)
            if matches!(
                error.kind(),
                ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof
            ) =>
        {
            Failure::Closed
        }
        ureq::Error::Timeout(_) => Failure::Said("the collector did not answer in time"),
        ureq::Error::Io(error) if error.kind() == ErrorKind::TimedOut => {
            Failure::Said("the collector did not answer in time")
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => Failure::Unreachable,
        ureq::Error::ConnectProxyFailed(answer) if answer.contains("407") => Failure::ProxyRefused,
        ureq::Error::ConnectProxyFailed(_) => Failure::Proxy,
        ureq::Error::Io(error)
            if matches!(
                error.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::NotConnected
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::AddrNotAvailable
            ) =>
        {
            Failure::Unreachable
        }
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            Failure::Said("the collector's response was unreadable")
        }
        ureq::Error::Rustls(error) => tls_failure(error),
        _ => Failure::Said("the request failed"),
    }
}

/// A TLS failure, named for what fixes it.
fn tls_failure(error: &rustls::Error) -> Failure {
    use rustls::AlertDescription as Alert;
    use rustls::CertificateError as Certificate;
    match error {
        rustls::Error::InvalidCertificate(
            Certificate::NotValidForName | Certificate::NotValidForNameContext { .. },
        ) => Failure::Said(
            "the collector's certificate is for another name than the endpoint's host (check the host of CREWTEL_EXPORTER_OTLP_ENDPOINT)",
        ),
        rustls::Error::InvalidCertificate(
            Certificate::Expired
            | Certificate::ExpiredContext { .. }
            | Certificate::NotValidYet
            | Certificate::NotValidYetContext { .. },
        ) => Failure::Said(
            "the collector's certificate is expired or not yet valid (or this machine's clock is off)",
        ),
        rustls::Error::InvalidCertificate(_) => Failure::Untrusted,
        rustls::Error::AlertReceived(
            Alert::CertificateRequired | Alert::BadCertificate | Alert::UnknownCA,
        ) => Failure::Said(
            "the collector refused the client certificate (CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and CREWTEL_EXPORTER_OTLP_CLIENT_KEY), or requires one",
        ),
        _ => Failure::Said("the TLS handshake with the collector failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_on_grpc_s_port_says_to_use_the_http_one() {
        let grpc: http::Uri = "http://collector:4317/v1/traces".parse().unwrap();
        let why = on_grpc_port("the collector's response was unreadable".into(), &grpc);
        assert!(why.contains("4318") && why.contains("gRPC"), "{why}");
        let http: http::Uri = "http://collector:4318/v1/traces".parse().unwrap();
        let why = on_grpc_port("the collector closed the connection".into(), &http);
        assert_eq!(why, "the collector closed the connection");
    }

    #[test]
    fn the_client_looks_the_collector_up_through_the_kept_names() {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let collector = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buffer = [0; 4096];
            // The head and its one-byte body.
            while !request.ends_with(b"\r\n\r\nx") {
                let read = stream.read(&mut buffer).unwrap();
                assert!(read > 0, "the request ended early");
                request.extend_from_slice(&buffer[..read]);
            }
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                .unwrap();
        });
        let uri = format!("http://localhost:{port}/v1/traces")
            .parse()
            .unwrap();
        let tls = Tls::read(&crate::config::TlsSettings::default()).unwrap();
        let transport =
            Transport::build(Duration::from_secs(5), uri, HeaderMap::new(), tls, None).unwrap();
        let stored = Stored {
            content_type: "application/x-protobuf".to_owned(),
            content_encoding: None,
            body: b"x".to_vec(),
            lines: Vec::new(),
        };
        assert_eq!(transport.send(&stored), Sent::Delivered);
        collector.join().unwrap();
        assert_eq!(transport.names.kept(), Some(format!("localhost:{port}")));
    }

    #[test]
    fn retry_after_is_capped() {
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "18446744073709551615".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3600)));
        headers.insert(header::RETRY_AFTER, "2".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        // A date in the past: retry now.
        headers.insert(
            header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
        headers.insert(header::RETRY_AFTER, soon.parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        headers.insert(header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
