//! crewtel as a guest in someone else's process: an async application (tokio)
//! with its own OpenTelemetry pipeline, set up the standard way (`OTEL_*`
//! variables with its collector's token, its service name and resource
//! attributes, a global tracer provider, `tracing` with
//! `tracing-opentelemetry`), runs a framework whose usage telemetry goes
//! through crewtel to the vendor's default endpoint. Two loopback
//! collectors, the vendor's and the application's: each gets its own, and
//! nothing of the other's.
//!
//! This binary (`harness = false`) runs itself as a child process with the
//! application's variables set for real; the child is the application.

mod collector;

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::Arc;

use collector::{Behaviour, Collector, attribute, spans_in, string};
use crewtel::{ActiveSpan, Dispatch, Telemetry};
use crewtel_reporter::Reporter;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::Span;

const CHILD: &str = "CREWTEL_TEST_CHILD";
/// The vendor's collector, given to the child by the parent.
const VENDOR: &str = "CREWTEL_TEST_VENDOR";
const APP_TOKEN: &str = "Bearer app-token-s3cret";
const CREWS: usize = 3;
const TASKS: usize = 4;

fn main() {
    if std::env::var_os(CHILD).is_some() {
        application();
        return;
    }
    the_application_s_telemetry_and_crewtel_s_never_meet();
    println!("test the_application_s_telemetry_and_crewtel_s_never_meet ... ok");
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Execution")]
struct CrewRun {
    /// How many tasks the crew runs.
    #[telemetry(always)]
    tasks: usize,
}

#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct TaskRun {
    /// The task's place in its crew.
    #[telemetry(always)]
    index: usize,
}

/// The framework: each crew's tasks on spawned tasks, children of the
/// crew's span, inside whatever the application has going.
async fn kickoff(telemetry: Dispatch) {
    let crew = Arc::new(telemetry.start(CrewRun { tasks: TASKS }.telemetry_event()));
    let tasks: Vec<_> = (0..TASKS)
        .map(|index| {
            let (telemetry, crew) = (telemetry.clone(), Arc::clone(&crew));
            tokio::spawn(async move {
                let task: ActiveSpan =
                    telemetry.start_in(&crew, TaskRun { index }.telemetry_event());
                tokio::task::yield_now().await;
                task.end();
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a task panicked");
    }
}

/// The child: the application, with its own pipeline and the framework's.
fn application() {
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::WithHttpConfig;
    use tracing_subscriber::layer::SubscriberExt;

    // The application's pipeline, the standard way: the exporter reads
    // `OTEL_EXPORTER_OTLP_*`, the provider `OTEL_SERVICE_NAME` and
    // `OTEL_RESOURCE_ATTRIBUTES`; it is the process's global provider, and
    // `tracing` goes through it.
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(Blocking::default())
        .build()
        .expect("the application's exporter");
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_simple_exporter(exporter)
        .build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("application")));
    tracing::subscriber::set_global_default(subscriber).expect("the application's subscriber");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // The framework's program builds the one reporter inside the runtime.
        let vendor = std::env::var(VENDOR).unwrap();
        let reporter = Arc::new(
            Reporter::builder()
                .service_name("agent-framework")
                .default_endpoint(vendor)
                .notice_output(std::io::sink(), true)
                .shutdown_timeout(std::time::Duration::from_secs(10))
                .build(),
        );
        assert_eq!(
            reporter.mode(),
            crewtel_reporter::status::Mode::Export,
            "{}",
            reporter.status()
        );
        let telemetry = Dispatch::new(reporter.clone());
        let request = tracing::info_span!("handle_request", route = "/crews");
        let crews: Vec<_> = (0..CREWS)
            .map(|_| {
                let telemetry = telemetry.clone();
                let _inside = request.enter();
                tracing::info!("kicking off a crew");
                tokio::spawn(tracing::Instrument::instrument(
                    kickoff(telemetry),
                    request.clone(),
                ))
            })
            .collect();
        for crew in crews {
            crew.await.unwrap();
        }
        drop(request);
        let shutting = Arc::clone(&reporter);
        tokio::spawn(async move { shutting.shutdown() })
            .await
            .unwrap();
    });
    provider
        .shutdown()
        .expect("the application's provider shuts down");
}

/// The application's HTTP client for its exporter: blocking, as the SDK's
/// simple processor runs it.
#[derive(Debug)]
struct Blocking(ureq::Agent);

impl Default for Blocking {
    fn default() -> Self {
        Blocking(ureq::Agent::new_with_defaults())
    }
}

#[async_trait::async_trait]
impl opentelemetry_http::HttpClient for Blocking {
    async fn send_bytes(
        &self,
        request: http::Request<bytes::Bytes>,
    ) -> Result<http::Response<bytes::Bytes>, opentelemetry_http::HttpError> {
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, body.to_vec());
        let mut response = self.0.run(request)?;
        let status = response.status();
        let body = response.body_mut().read_to_vec()?;
        Ok(http::Response::builder().status(status).body(body.into())?)
    }
}

fn the_application_s_telemetry_and_crewtel_s_never_meet() {
    let vendor = Collector::start(Behaviour::Accept);
    let app = Collector::start(Behaviour::Accept);
    // The application runs on a developer's terminal, whatever machine runs
    // this test: none of the CI's variables (in CI nobody reads crewtel's
    // first-run notice, so nothing would go to the default endpoint).
    let output = Command::new(std::env::current_exe().unwrap())
        .env_clear()
        .env(CHILD, "1")
        .env(VENDOR, vendor.endpoint())
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", app.endpoint())
        .env(
            "OTEL_EXPORTER_OTLP_HEADERS",
            format!(
                "authorization={},x-honeycomb-team=app-team",
                APP_TOKEN.replace(' ', "%20")
            ),
        )
        .env("OTEL_SERVICE_NAME", "payments-api")
        .env(
            "OTEL_RESOURCE_ATTRIBUTES",
            "tenant=acme-corp,deployment.environment=prod",
        )
        // The application's mutual TLS: not crewtel's, never read by it.
        .env(
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            "/nonexistent/app.pem",
        )
        .env("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/nonexistent/app.key")
        .env("CREWTEL_DATA_DIR", collector::scratch_dir("guest"))
        .env("CREWTEL_RECORD", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the application failed: {stderr}");
    assert!(!stderr.contains("crewtel"), "crewtel warned: {stderr}");

    // The vendor: every crewtel span, each crew one trace with its tasks as
    // children, and nothing of the application's settings.
    let received = vendor.wait_until(|r| spans_in(r).len() >= CREWS * (TASKS + 1));
    let spans = spans_in(&received);
    assert_eq!(spans.len(), CREWS * (TASKS + 1), "{:?}", names(&spans));
    for request in &received {
        assert_eq!(
            request.header("content-type"),
            Some("application/x-protobuf")
        );
        for (name, value) in &request.headers {
            assert!(
                !value.contains("app-token") && !value.contains("app-team"),
                "the application's token went to the vendor: {name}"
            );
        }
    }
    let crews: Vec<&(Vec<KeyValue>, Span)> = spans
        .iter()
        .filter(|(_, span)| span.name == "Crew Execution")
        .collect();
    assert_eq!(crews.len(), CREWS);
    for (_, crew) in &crews {
        let tasks = spans
            .iter()
            .filter(|(_, span)| span.parent_span_id == crew.span_id)
            .inspect(|(_, task)| assert_eq!(task.trace_id, crew.trace_id))
            .count();
        assert_eq!(tasks, TASKS, "each crew one trace, its tasks its children");
        assert!(crew.parent_span_id.is_empty(), "a crew's span is a root");
    }
    let traces: BTreeSet<&Vec<u8>> = crews.iter().map(|(_, crew)| &crew.trace_id).collect();
    assert_eq!(traces.len(), CREWS);
    for (resource, _) in &spans {
        assert_eq!(
            attribute(resource, "service.name"),
            Some(&string("agent-framework"))
        );
        let text = format!("{resource:?}");
        for application in ["payments-api", "acme-corp", "prod"] {
            assert!(
                !text.contains(application),
                "{application} went to the vendor"
            );
        }
    }

    // The application: its own spans, in its own protocol, under its own
    // name, and none of crewtel's.
    let received = app.wait_until(|r| names(&spans_in(r)).contains("handle_request"));
    for request in &received {
        assert_eq!(
            request.header("content-type"),
            Some("application/x-protobuf"),
            "the application's exporter changed its protocol"
        );
        assert_eq!(request.header("authorization"), Some(APP_TOKEN));
    }
    let app_spans = spans_in(&received);
    assert_eq!(
        names(&app_spans),
        BTreeSet::from(["handle_request".to_owned()])
    );
    let (resource, request_span) = &app_spans[0];
    assert_eq!(
        attribute(resource, "service.name"),
        Some(&string("payments-api"))
    );
    // crewtel's trace ids are its own, never the application's context's.
    assert!(
        spans
            .iter()
            .all(|(_, span)| span.trace_id != request_span.trace_id),
        "a crewtel span joined the application's trace"
    );
    for (_, span) in &app_spans {
        assert!(
            span.events.iter().all(|event| !event.name.contains("Crew")),
            "crewtel's events in the application's trace"
        );
    }
}

fn names(spans: &[(Vec<KeyValue>, Span)]) -> BTreeSet<String> {
    spans.iter().map(|(_, span)| span.name.clone()).collect()
}
