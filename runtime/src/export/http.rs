//! The exporter's HTTP client: blocking (it runs on the batch processor's own
//! thread, so no async runtime is needed and none of the host's is touched),
//! with a timeout, TLS by rustls (ureq), bounded retries that honour `Retry-After`,
//! and failures reported once per kind.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{self, HeaderMap};
use opentelemetry_http::{HttpClient, HttpError, Request, Response};

use super::failures::Failures;
use super::outbox::{Outbox, Stored};

/// Retried statuses (the OTLP specification's list).
const RETRYABLE: [u16; 4] = [429, 502, 503, 504];
const MAX_RETRIES: u32 = 2;
/// The most a collector's response body is read.
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

pub(crate) struct BlockingHttp {
    agent: ureq::Agent,
    /// Retries stop when the next attempt could not finish within this.
    budget: Duration,
    /// The only custom headers sent: crewtel's reading of
    /// `OTEL_EXPORTER_OTLP_*HEADERS` (the exporter also reads the process
    /// environment on its own; what it adds is dropped here).
    headers: HeaderMap,
    failures: Arc<Failures>,
    /// Where requests are kept until a collector takes them, if anywhere.
    outbox: Option<Arc<Outbox>>,
}

impl std::fmt::Debug for BlockingHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The headers may hold credentials: never shown.
        f.debug_struct("BlockingHttp")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

/// Headers the exporter sets that describe the request itself.
const PROTOCOL_HEADERS: [header::HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::CONTENT_ENCODING,
    header::USER_AGENT,
];

impl BlockingHttp {
    /// A blocking client (ureq: no async runtime, so none of the host's is
    /// touched) with TLS by rustls, the proxy of `ALL_PROXY`, `HTTPS_PROXY`
    /// or `HTTP_PROXY` (with `NO_PROXY`), and no redirects: a redirect would
    /// carry the headers (credentials) and the events to an endpoint nobody
    /// chose.
    pub(crate) fn build(
        timeout: Duration,
        headers: HeaderMap,
        failures: Arc<Failures>,
        outbox: Option<Arc<Outbox>>,
    ) -> Result<BlockingHttp, String> {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(ureq::Proxy::try_from_env())
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .provider(ureq::tls::TlsProvider::Rustls)
                    .root_certs(ureq::tls::RootCerts::WebPki)
                    .build(),
            )
            .build()
            .into();
        Ok(BlockingHttp {
            agent,
            budget: timeout,
            headers,
            failures,
            outbox,
        })
    }

    fn attempt(&self, request: &Request<Bytes>) -> Result<Response<ureq::Body>, ureq::Error> {
        let mut headers = self.headers.clone();
        for name in PROTOCOL_HEADERS {
            if let Some(value) = request.headers().get(&name) {
                headers.insert(name, value.clone());
            }
        }
        let mut outgoing = Request::new(request.body().as_ref());
        *outgoing.method_mut() = request.method().clone();
        *outgoing.uri_mut() = request.uri().clone();
        *outgoing.headers_mut() = headers;
        self.agent.run(outgoing)
    }
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

fn failure_kind(error: &ureq::Error) -> &'static str {
    use std::io::ErrorKind;
    match error {
        ureq::Error::Timeout(_) => "the collector did not answer in time",
        ureq::Error::Io(error) if error.kind() == ErrorKind::TimedOut => {
            "the collector did not answer in time"
        }
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::ConnectProxyFailed(_) => "the collector is unreachable",
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
            "the collector is unreachable"
        }
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            "the collector's response was unreadable"
        }
        _ => "the request failed",
    }
}

/// Whether a status (or a failure to get one) is worth another attempt
/// later: network errors, 429 and 5xx are; any other refusal is for good.
fn retry_later(status: Option<u16>) -> bool {
    status.is_none_or(|status| status == 429 || (500..600).contains(&status))
}

impl BlockingHttp {
    /// Sends `request` within the budget, retrying what the OTLP
    /// specification says to retry; the response, or the error.
    fn exchange(&self, request: &Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let started = Instant::now();
        let mut retries = 0;
        loop {
            let response = match self.attempt(request) {
                Ok(response) => response,
                Err(error) => {
                    self.failures.report(failure_kind(&error));
                    return Err(Box::new(error));
                }
            };
            let status = response.status();
            if RETRYABLE.contains(&status.as_u16()) && retries < MAX_RETRIES {
                let wait = retry_after(response.headers())
                    .unwrap_or(Duration::from_millis(100 << retries));
                // Only wait when the next attempt can still end within the budget.
                let next_ends = started
                    .elapsed()
                    .saturating_add(wait)
                    .saturating_add(Duration::from_millis(100));
                if next_ends < self.budget {
                    std::thread::sleep(wait);
                    retries += 1;
                    continue;
                }
            }
            if !status.is_success() {
                self.failures
                    .report(&format!("the collector answered HTTP {}", status.as_u16()));
            }
            let mut body = Vec::new();
            let read = response
                .into_body()
                .into_reader()
                .take(MAX_RESPONSE_BYTES)
                .read_to_end(&mut body);
            if let Err(error) = read {
                self.failures
                    .report("the collector's response was unreadable");
                return Err(Box::new(error));
            }
            let mut out = Response::new(Bytes::from(body));
            *out.status_mut() = status;
            return Ok(out);
        }
    }

    /// Delivers what earlier attempts (of this process or another) left in
    /// the outbox, to `like`'s endpoint, oldest first, until one cannot be
    /// sent now.
    fn deliver_pending(&self, outbox: &Outbox, like: &Request<Bytes>) {
        outbox.deliver_pending(|stored, claim| {
            let request = rebuilt(like, stored);
            let status = self.exchange(&request).ok().map(|r| r.status().as_u16());
            if retry_later(status) {
                claim.release();
                return false;
            }
            // Delivered, or refused for good (and reported): gone.
            claim.delivered();
            true
        });
    }
}

/// The request `stored` holds, to `like`'s endpoint.
fn rebuilt(like: &Request<Bytes>, stored: &Stored) -> Request<Bytes> {
    let mut request = Request::new(Bytes::from(stored.body.clone()));
    *request.method_mut() = like.method().clone();
    *request.uri_mut() = like.uri().clone();
    let headers = request.headers_mut();
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
    if let Some(agent) = like.headers().get(header::USER_AGENT) {
        headers.insert(header::USER_AGENT, agent.clone());
    }
    request
}

/// What of `request` the outbox keeps.
fn stored(request: &Request<Bytes>) -> Stored {
    let text = |name| {
        request
            .headers()
            .get(name)
            .and_then(|value: &header::HeaderValue| value.to_str().ok())
            .map(str::to_owned)
    };
    Stored {
        content_type: text(header::CONTENT_TYPE)
            .unwrap_or_else(|| "application/x-protobuf".to_owned()),
        content_encoding: text(header::CONTENT_ENCODING),
        body: request.body().to_vec(),
    }
}

#[async_trait::async_trait]
impl HttpClient for BlockingHttp {
    /// Keeps the request in the outbox first (when there is one), sends it,
    /// and then forgets it, or leaves it pending when it could not be sent
    /// now; after a delivery, delivers what is pending.
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let claim = self
            .outbox
            .as_ref()
            .and_then(|outbox| outbox.keep(&stored(&request)).ok());
        let result = self.exchange(&request);
        let status = result.as_ref().ok().map(|r| r.status().as_u16());
        match claim {
            Some(claim) if retry_later(status) => claim.release(),
            Some(claim) => claim.delivered(),
            None => {}
        }
        if let (Some(outbox), Some(200..=299)) = (&self.outbox, status) {
            self.deliver_pending(outbox, &request);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
