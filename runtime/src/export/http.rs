//! The exporter's HTTP client: blocking (it runs on the batch processor's own
//! thread, so no async runtime is needed and none of the host's is touched),
//! with a timeout, TLS by rustls, bounded retries that honour `Retry-After`,
//! and failures reported once per kind.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use opentelemetry_http::{HttpClient, HttpError, Request, Response};

use super::failures::Failures;

/// Retried statuses (the OTLP specification's list).
const RETRYABLE: [u16; 4] = [429, 502, 503, 504];
const MAX_RETRIES: u32 = 2;
/// The most a collector's response body is read.
const MAX_RESPONSE_BYTES: u64 = 1 << 20;

#[derive(Debug)]
pub(crate) struct BlockingHttp {
    client: reqwest::blocking::Client,
    /// Retries stop when the next attempt could not finish within this.
    budget: Duration,
    failures: Arc<Failures>,
}

impl BlockingHttp {
    /// Builds the client on a thread of its own: building (or dropping) a
    /// blocking client inside a tokio runtime panics, and the host may be in one.
    pub(crate) fn build(
        timeout: Duration,
        failures: Arc<Failures>,
    ) -> Result<BlockingHttp, String> {
        let client = std::thread::Builder::new()
            .name("crewtel-http-init".into())
            .spawn(move || {
                let tls = tls_config()?;
                reqwest::blocking::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(timeout)
                    .tls_backend_preconfigured(tls)
                    .build()
                    .map_err(|error| error.to_string())
            })
            .map_err(|error| error.to_string())?
            .join()
            .map_err(|_| "the HTTP client could not be built".to_owned())??;
        Ok(BlockingHttp {
            client,
            budget: timeout,
            failures,
        })
    }

    fn attempt(
        &self,
        request: &Request<Bytes>,
    ) -> Result<reqwest::blocking::Response, reqwest::Error> {
        self.client
            .request(request.method().clone(), request.uri().to_string())
            .headers(request.headers().clone())
            .body(request.body().clone())
            .send()
    }
}

/// rustls with the ring provider and the Mozilla root store: builds anywhere
/// a C compiler does, and installs nothing process-wide.
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| error.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

/// The wait a `Retry-After: <seconds>` header asks for.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "the collector did not answer in time"
    } else if error.is_connect() {
        "the collector is unreachable"
    } else if error.is_body() || error.is_decode() {
        "the collector's response was unreadable"
    } else {
        "the request failed"
    }
}

#[async_trait::async_trait]
impl HttpClient for BlockingHttp {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let started = Instant::now();
        let mut retries = 0;
        loop {
            let response = match self.attempt(&request) {
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
                if started.elapsed() + wait + Duration::from_millis(100) < self.budget {
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
            if let Err(error) = response.take(MAX_RESPONSE_BYTES).read_to_end(&mut body) {
                self.failures
                    .report("the collector's response was unreadable");
                return Err(Box::new(error));
            }
            let mut out = Response::new(Bytes::from(body));
            *out.status_mut() = status;
            return Ok(out);
        }
    }
}
