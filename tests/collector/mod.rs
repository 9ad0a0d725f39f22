//! A loopback OTLP/HTTP collector for the export tests: it decodes what it
//! receives with the official `opentelemetry-proto` types, and can misbehave
//! on purpose (fail, throttle, hang, reset, answer garbage).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

/// How the collector answers.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// 200 with an empty body.
    Accept,
    /// This status, with an optional `Retry-After` (seconds), then accepts
    /// from the `fail_times`-th request on.
    Fail {
        status: u16,
        retry_after: Option<u64>,
        fail_times: usize,
    },
    /// Reads the request and never answers.
    Hang,
    /// Accepts each request after this long: a collector slower than the
    /// reporter's budget.
    Slow(Duration),
    /// Reads requests at this many bytes a second, with a small receive
    /// buffer (a slow link), and accepts each.
    SlowLink(usize),
    /// Reads the request and resets the connection (TCP RST).
    Reset,
    /// Answers bytes that are not HTTP.
    Garbage,
    /// Answers 200 with a body that is not an OTLP response.
    GarbageBody,
    /// Answers 307, sending the request on to this URL.
    Redirect(String),
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body's length, decompressed.
    pub bytes: usize,
    pub request: Option<ExportTraceServiceRequest>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Collector {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl Collector {
    pub fn start(behaviour: Behaviour) -> Collector {
        Collector::listen(behaviour, None)
    }

    /// A collector that speaks HTTPS with `tls` (a [`Pki`]'s server).
    pub fn start_tls(behaviour: Behaviour, tls: Arc<rustls::ServerConfig>) -> Collector {
        Collector::listen(behaviour, Some(tls))
    }

    fn listen(behaviour: Behaviour, tls: Option<Arc<rustls::ServerConfig>>) -> Collector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        listener.set_nonblocking(true).unwrap();
        let (rx, st) = (Arc::clone(&received), Arc::clone(&stop));
        thread::spawn(move || {
            // Bounded: the collector stops with the test, or after a minute.
            let deadline = Instant::now() + Duration::from_secs(60);
            while !st.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (rx, st, behaviour, tls) = (
                            Arc::clone(&rx),
                            Arc::clone(&st),
                            behaviour.clone(),
                            tls.clone(),
                        );
                        thread::spawn(move || {
                            stream.set_nonblocking(false).ok();
                            stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
                            let raw = stream.try_clone().unwrap();
                            match (tls, &behaviour) {
                                (None, Behaviour::SlowLink(rate)) => {
                                    let _ = socket2::SockRef::from(&raw)
                                        .set_recv_buffer_size(16 * 1024);
                                    let stream = Throttled {
                                        inner: stream,
                                        rate: *rate,
                                    };
                                    serve(stream, raw, &behaviour, &rx, &st)
                                }
                                (None, _) => serve(stream, raw, &behaviour, &rx, &st),
                                (Some(tls), _) => {
                                    let Ok(session) = rustls::ServerConnection::new(tls) else {
                                        return;
                                    };
                                    let stream = rustls::StreamOwned::new(session, stream);
                                    serve(stream, raw, &behaviour, &rx, &st)
                                }
                            }
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Collector {
            addr,
            received,
            stop,
        }
    }

    /// The base endpoint (`CREWTEL_EXPORTER_OTLP_ENDPOINT`).
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The same, for a collector started with [`Collector::start_tls`].
    pub fn https_endpoint(&self) -> String {
        format!("https://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to ten seconds) until `done` holds of what was received: a
    /// busy CI machine may take its time, and no test should depend on that.
    pub fn wait_until(&self, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if done(&received) || Instant::now() > deadline {
                return received;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Every span received, with its resource attributes.
    pub fn spans(&self) -> Vec<(Vec<KeyValue>, Span)> {
        spans_in(&self.received())
    }
}

/// Every span of `received`, with its resource attributes.
pub fn spans_in(received: &[Received]) -> Vec<(Vec<KeyValue>, Span)> {
    let mut spans = Vec::new();
    for request in received.iter().filter_map(|r| r.request.as_ref()) {
        for resource_spans in &request.resource_spans {
            let resource = resource_spans
                .resource
                .as_ref()
                .map(|r| r.attributes.clone())
                .unwrap_or_default();
            for scope in &resource_spans.scope_spans {
                for span in &scope.spans {
                    spans.push((resource.clone(), span.clone()));
                }
            }
        }
    }
    spans
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A stream read at most `rate` bytes a second (in reads of at most 4 KiB).
struct Throttled<S> {
    inner: S,
    rate: usize,
}

impl<S: Read> Read for Throttled<S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let most = buf.len().min(4096);
        let read = self.inner.read(&mut buf[..most])?;
        let rate = self.rate.max(1) as f64;
        thread::sleep(Duration::from_secs_f64(read as f64 / rate));
        Ok(read)
    }
}

impl<S: Write> Write for Throttled<S> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// An address nothing listens on.
pub fn nothing_listening() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Serves one connection: `stream` (plain or TLS) over the socket `raw`.
fn serve<S: Read + Write>(
    stream: S,
    raw: TcpStream,
    behaviour: &Behaviour,
    received: &Mutex<Vec<Received>>,
    stop: &AtomicBool,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let count = {
            let mut all = received.lock().unwrap();
            all.push(request);
            all.len()
        };
        let response: Vec<u8> = match behaviour {
            Behaviour::Accept | Behaviour::SlowLink(_) => ok(),
            Behaviour::Slow(wait) => {
                thread::sleep(*wait);
                ok()
            }
            Behaviour::Fail {
                status,
                retry_after,
                fail_times,
            } => {
                if count > *fail_times {
                    ok()
                } else {
                    let retry = retry_after
                        .map(|s| format!("Retry-After: {s}\r\n"))
                        .unwrap_or_default();
                    format!("HTTP/1.1 {status} Nope\r\n{retry}Content-Length: 0\r\n\r\n")
                        .into_bytes()
                }
            }
            Behaviour::Hang => {
                let until = Instant::now() + Duration::from_secs(30);
                while !stop.load(Ordering::Relaxed) && Instant::now() < until {
                    thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Behaviour::Reset => {
                // Linger 0: closing sends RST, not FIN.
                let _ = socket2::SockRef::from(&raw).set_linger(Some(Duration::ZERO));
                return;
            }
            Behaviour::Garbage => b"\x00\x01\x02 this is not HTTP \xff\xfe\r\n\r\n".to_vec(),
            Behaviour::Redirect(location) => {
                format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
                    .into_bytes()
            }
            Behaviour::GarbageBody => {
                let body = b"\xde\xad\xbe\xef not protobuf {";
                let mut response =
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n", body.len())
                        .into_bytes();
                response.extend_from_slice(body);
                response
            }
        };
        let writer = reader.get_mut();
        if writer.write_all(&response).is_err() || writer.flush().is_err() {
            return;
        }
    }
}

fn ok() -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n".to_vec()
}

fn read_request<S: Read>(reader: &mut BufReader<S>) -> Option<Received> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (k, v) = header.split_once(':')?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let length: usize = find("content-length")?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    if find("content-encoding").as_deref() == Some("gzip") {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut plain)
            .ok()?;
        body = plain;
    }
    let bytes = body.len();
    let request = if find("content-type").as_deref() == Some("application/json") {
        serde_json::from_slice(&body).ok()
    } else {
        ExportTraceServiceRequest::decode(&body[..]).ok()
    };
    Some(Received {
        at: Instant::now(),
        path,
        headers,
        bytes,
        request,
    })
}

/// The attribute `key` of a list, as the proto carries it.
pub fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

pub fn string(value: &str) -> Value {
    Value::StringValue(value.to_owned())
}

pub fn strings(values: &[&str]) -> Value {
    Value::ArrayValue(opentelemetry_proto::tonic::common::v1::ArrayValue {
        values: values
            .iter()
            .map(|v| AnyValue {
                value: Some(string(v)),
            })
            .collect(),
    })
}

/// A fresh folder for one test's local files (record, notice marker), so no
/// test writes into the user's own data directory; under cargo's target
/// folder, so `cargo clean` removes them.
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("crewtel-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A `Write` whose bytes the test can read back (debug output, a notice).
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Attributes as the proto carries them, as a JSON object (what crewtel's
/// debug lines and record hold).
pub fn to_json(attributes: &[KeyValue]) -> serde_json::Value {
    fn value(v: &Value) -> serde_json::Value {
        match v {
            Value::StringValue(s) => s.clone().into(),
            Value::BoolValue(b) => (*b).into(),
            Value::IntValue(i) => (*i).into(),
            Value::DoubleValue(d) => (*d).into(),
            Value::ArrayValue(array) => serde_json::Value::Array(
                array
                    .values
                    .iter()
                    .filter_map(|v| v.value.as_ref())
                    .map(value)
                    .collect(),
            ),
            other => format!("{other:?}").into(),
        }
    }
    serde_json::Value::Object(
        attributes
            .iter()
            .filter_map(|kv| Some((kv.key.clone(), value(kv.value.as_ref()?.value.as_ref()?))))
            .collect(),
    )
}

/// A private certificate authority, as a company runs its own: its CA (PEM),
/// a server certificate for 127.0.0.1 it signed, and a client certificate
/// it signed (PEM, with its key).
pub struct Pki {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    pub ca_pem: String,
    pub client_pem: String,
    pub client_key_pem: String,
    server_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    server_key: Vec<u8>,
    ca_der: rustls::pki_types::CertificateDer<'static>,
}

impl Pki {
    pub fn new() -> Pki {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "crewtel tests' private CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&server_key, &issuer)
            .unwrap();
        let client_key = KeyPair::generate().unwrap();
        let client = CertificateParams::new(vec!["crewtel-client".to_owned()])
            .unwrap()
            .signed_by(&client_key, &issuer)
            .unwrap();
        Pki {
            issuer,
            ca_pem: ca_cert.pem(),
            client_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
            server_chain: vec![server.der().clone()],
            server_key: server_key.serialize_der(),
            ca_der: ca_cert.der().clone(),
        }
    }

    /// A server whose certificate, signed by the CA, names `name` only:
    /// not the address it is reached at.
    pub fn server_named(&self, name: &str) -> Arc<rustls::ServerConfig> {
        let key = rcgen::KeyPair::generate().unwrap();
        let certificate = rcgen::CertificateParams::new(vec![name.to_owned()])
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        Arc::new(
            rustls::ServerConfig::builder_with_provider(Pki::provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    vec![certificate.der().clone()],
                    rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
                )
                .unwrap(),
        )
    }

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::aws_lc_rs::default_provider())
    }

    /// A server that shows its certificate, and asks for none.
    pub fn server(&self) -> Arc<rustls::ServerConfig> {
        Arc::new(
            rustls::ServerConfig::builder_with_provider(Pki::provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(self.server_chain.clone(), self.key())
                .unwrap(),
        )
    }

    /// A server that requires a client certificate signed by the CA.
    pub fn server_requiring_a_client_certificate(&self) -> Arc<rustls::ServerConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(self.ca_der.clone()).unwrap();
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            Pki::provider(),
        )
        .build()
        .unwrap();
        Arc::new(
            rustls::ServerConfig::builder_with_provider(Pki::provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_client_cert_verifier(verifier)
                .with_single_cert(self.server_chain.clone(), self.key())
                .unwrap(),
        )
    }

    fn key(&self) -> rustls::pki_types::PrivateKeyDer<'static> {
        rustls::pki_types::PrivateKeyDer::Pkcs8(self.server_key.clone().into())
    }

    /// Writes `pem` into a file of `dir` (made if need be), and returns its
    /// path.
    pub fn write(dir: &std::path::Path, name: &str, pem: &str) -> String {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path.display().to_string()
    }
}

/// A loopback HTTP CONNECT proxy, as a company's egress proxy: it records
/// each CONNECT (its target, and the `Proxy-Authorization` it carried) and
/// pipes the tunnel both ways. With `credentials`, it refuses (407) a
/// CONNECT without them.
/// Each CONNECT a proxy saw: its target, and its `Proxy-Authorization`.
pub type Connects = Vec<(String, Option<String>)>;

pub struct ConnectProxy {
    pub addr: SocketAddr,
    connects: Arc<Mutex<Connects>>,
    stop: Arc<AtomicBool>,
}

impl ConnectProxy {
    pub fn start(credentials: Option<(&str, &str)>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let connects = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let expected = credentials.map(|(user, password)| {
            use base64::Engine as _;
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {encoded}")
        });
        let (seen, st) = (Arc::clone(&connects), Arc::clone(&stop));
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !st.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((client, _)) => {
                        let (seen, expected) = (Arc::clone(&seen), expected.clone());
                        thread::spawn(move || tunnel(client, &seen, expected.as_deref()));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        ConnectProxy {
            addr,
            connects,
            stop,
        }
    }

    /// Each CONNECT's target and `Proxy-Authorization`.
    pub fn connects(&self) -> Connects {
        self.connects.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn tunnel(client: TcpStream, seen: &Mutex<Connects>, expected: Option<&str>) {
    client.set_nonblocking(false).ok();
    client.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut words = line.split_whitespace();
    let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
        return;
    };
    let target = target.to_owned();
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':')
            && k.trim().eq_ignore_ascii_case("proxy-authorization")
        {
            authorization = Some(v.trim().to_owned());
        }
    }
    seen.lock()
        .unwrap()
        .push((target.clone(), authorization.clone()));
    let mut writer = client.try_clone().unwrap();
    if expected.is_some() && authorization.as_deref() != expected {
        let _ = writer
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = writer.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if writer
        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        .is_err()
    {
        return;
    }
    // Whatever the client sent after the CONNECT, already buffered, first.
    let buffered = reader.buffer().to_vec();
    let mut to_upstream = upstream.try_clone().unwrap();
    if to_upstream.write_all(&buffered).is_err() {
        return;
    }
    let mut from_upstream = upstream;
    let mut to_client = writer;
    let mut from_client = reader.into_inner();
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut from_upstream, &mut to_client);
    let _ = to_client.shutdown(std::net::Shutdown::Write);
    let _ = up.join();
}
