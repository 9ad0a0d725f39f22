//! TLS and networks as organisations run them: a loopback HTTPS collector
//! signed by a private CA, trusted through each way a user can say so, one
//! that requires a client certificate, one behind a loopback proxy; each
//! failure with its one warning.

mod collector;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use collector::{Behaviour, Collector, ConnectProxy, Pki};
use crewtel::Telemetry;
use crewtel_reporter::Reporter;
use crewtel_reporter::status::Mode;

#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew {
    /// How many agents.
    #[telemetry(always)]
    agents: u32,
}

struct Outcome {
    delivered: usize,
    warnings: Vec<String>,
    status: String,
}

/// One event sent to `collector` with `vars` (the process environment is
/// not read), then shut down.
fn send(collector: &Collector, vars: &[(&str, String)]) -> Outcome {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    env.insert(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT".into(),
        collector.https_endpoint(),
    );
    env.entry("CREWTEL_DATA_DIR".into())
        .or_insert_with(|| collector::scratch_dir("tls").display().to_string());
    // Room for the first attempt on a loaded machine: the exporter reads
    // the system's trust store first (tens of milliseconds, more in a
    // debug build), and `shutdown` waits 100 ms by default.
    env.entry("CREWTEL_SHUTDOWN_TIMEOUT".into())
        .or_insert_with(|| "3000".into());
    let warnings = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&warnings);
    let reporter = Reporter::builder()
        .service_name("crewtel-tests")
        .environment(move |name| env.get(name).cloned())
        .on_warning(move |line| sink.lock().unwrap().push(line.to_owned()))
        .build();
    if reporter.mode() == Mode::Export {
        reporter.emit(Crew { agents: 2 }.telemetry_event());
    }
    reporter.shutdown();
    let status = reporter.status().to_string();
    let delivered = collector
        .received()
        .iter()
        .filter(|r| r.request.is_some())
        .count();
    let warnings = warnings.lock().unwrap().clone();
    Outcome {
        delivered,
        warnings,
        status,
    }
}

/// Nothing delivered, and one warning, which says `what`: returns it.
fn refused<'o>(outcome: &'o Outcome, what: &str) -> &'o str {
    assert_eq!(outcome.delivered, 0, "{:?}", outcome.warnings);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    let warning = &outcome.warnings[0];
    assert!(warning.contains(what), "{warning}");
    warning
}

fn files(pki: &Pki) -> (std::path::PathBuf, String) {
    let dir = collector::scratch_dir("tls-files");
    let ca = Pki::write(&dir, "ca.pem", &pki.ca_pem);
    (dir, ca)
}

#[test]
fn a_private_ca_is_not_trusted_by_default_and_the_warning_names_the_fix() {
    let pki = Pki::new();
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(&collector, &[]);
    assert_eq!(outcome.delivered, 0);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    let warning = &outcome.warnings[0];
    assert!(warning.contains("certificate is not trusted"), "{warning}");
    assert!(
        warning.contains("CREWTEL_EXPORTER_OTLP_CERTIFICATE"),
        "{warning}"
    );
    assert!(!warning.contains("unreachable"), "{warning}");
}

#[test]
fn the_collector_s_ca_is_trusted_through_crewtel_exporter_otlp_certificate() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    for variable in [
        "CREWTEL_EXPORTER_OTLP_CERTIFICATE",
        "CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
    ] {
        let collector = Collector::start_tls(Behaviour::Accept, pki.server());
        let outcome = send(&collector, &[(variable, ca.clone())]);
        assert_eq!(outcome.delivered, 1, "{variable}: {:?}", outcome.warnings);
        assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    }
}

/// Verification is never turned off: a certificate the trusted CA signed
/// for another name is refused like any other.
#[test]
fn a_trusted_ca_s_certificate_for_another_name_is_refused() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server_named("collector.example"));
    let outcome = send(&collector, &[("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca)]);
    refused(&outcome, "for another name than the endpoint's host");
}

#[test]
fn the_traces_variable_wins_over_the_general_one() {
    let pki = Pki::new();
    let other = Pki::new();
    let (dir, ca) = files(&pki);
    let wrong = Pki::write(&dir, "other-ca.pem", &other.ca_pem);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", wrong),
            ("CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", ca),
        ],
    );
    assert_eq!(outcome.delivered, 1, "{:?}", outcome.warnings);
}

#[test]
fn the_system_store_s_overrides_are_honoured() {
    let pki = Pki::new();
    let (dir, ca) = files(&pki);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(&collector, &[("SSL_CERT_FILE", ca)]);
    assert_eq!(
        outcome.delivered, 1,
        "SSL_CERT_FILE: {:?}",
        outcome.warnings
    );
    let store = dir.join("store");
    std::fs::create_dir_all(&store).unwrap();
    Pki::write(&store, "company-ca.pem", &pki.ca_pem);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(&collector, &[("SSL_CERT_DIR", store.display().to_string())]);
    assert_eq!(outcome.delivered, 1, "SSL_CERT_DIR: {:?}", outcome.warnings);
}

#[test]
fn a_ca_file_that_is_missing_or_not_pem_gets_one_warning_naming_it_and_nothing_is_sent() {
    let pki = Pki::new();
    let dir = collector::scratch_dir("tls-bad");
    let secret = "SECRET-CONTENT-d41d8";
    let not_pem = Pki::write(&dir, "not.pem", &format!("{secret}\n"));
    let missing = dir.join("missing.pem").display().to_string();
    for path in [missing, not_pem] {
        let collector = Collector::start_tls(Behaviour::Accept, pki.server());
        let outcome = send(&collector, &[("CREWTEL_EXPORTER_OTLP_CERTIFICATE", path)]);
        assert_eq!(outcome.delivered, 0);
        assert!(
            collector.received().is_empty(),
            "not even a connection's request"
        );
        assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
        let warning = &outcome.warnings[0];
        assert!(
            warning.contains("CREWTEL_EXPORTER_OTLP_CERTIFICATE"),
            "{warning}"
        );
        assert!(!warning.contains(secret), "{warning}");
    }
}

#[test]
fn a_collector_that_requires_a_client_certificate_gets_one() {
    let pki = Pki::new();
    let (dir, ca) = files(&pki);
    let certificate = Pki::write(&dir, "client.pem", &pki.client_pem);
    let key = Pki::write(&dir, "client-key.pem", &pki.client_key_pem);
    let collector = Collector::start_tls(
        Behaviour::Accept,
        pki.server_requiring_a_client_certificate(),
    );
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca.clone()),
            ("CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificate),
            ("CREWTEL_EXPORTER_OTLP_CLIENT_KEY", key),
        ],
    );
    assert_eq!(outcome.delivered, 1, "{:?}", outcome.warnings);
    // Without one: refused, and the warning says so.
    let collector = Collector::start_tls(
        Behaviour::Accept,
        pki.server_requiring_a_client_certificate(),
    );
    let outcome = send(&collector, &[("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca)]);
    refused(&outcome, "client certificate");
}

#[test]
fn half_a_client_certificate_is_one_warning_naming_the_missing_half() {
    let pki = Pki::new();
    let (dir, ca) = files(&pki);
    let certificate = Pki::write(&dir, "client.pem", &pki.client_pem);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca),
            ("CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificate),
        ],
    );
    refused(&outcome, "CREWTEL_EXPORTER_OTLP_CLIENT_KEY");
}

#[test]
fn an_https_collector_is_reached_through_a_proxy_whose_password_is_never_shown() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let password = "pr0xy-s3cret";
    let proxy = ConnectProxy::start(Some(("alice", password)));
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let url = format!("http://alice:{password}@{}", proxy.addr);
    for variable in ["HTTPS_PROXY", "ALL_PROXY", "https_proxy"] {
        let before = proxy.connects().len();
        let outcome = send(
            &collector,
            &[
                ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca.clone()),
                (variable, url.clone()),
            ],
        );
        assert_eq!(outcome.warnings, Vec::<String>::new(), "{variable}");
        let connects = proxy.connects();
        assert!(
            connects.len() > before,
            "{variable}: the proxy was not used"
        );
        let (target, authorization) = connects.last().unwrap();
        assert_eq!(target, &collector.addr.to_string());
        assert!(
            authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Basic "))
        );
        assert!(!outcome.status.contains(password), "{}", outcome.status);
    }
    assert!(collector.received().len() >= 3);
}

#[test]
fn a_proxy_that_refuses_gets_one_warning_without_its_credentials() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let proxy = ConnectProxy::start(Some(("alice", "right")));
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let wrong = "wr0ng-s3cret";
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca),
            (
                "HTTPS_PROXY",
                format!("http://alice:{wrong}@{}", proxy.addr),
            ),
        ],
    );
    refused(&outcome, "proxy");
    for text in [&outcome.warnings[0], &outcome.status] {
        assert!(!text.contains(wrong) && !text.contains("alice"), "{text}");
    }
}

#[test]
fn no_proxy_hosts_go_direct_and_a_proxy_that_is_no_url_is_one_warning() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let proxy = ConnectProxy::start(None);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca.clone()),
            ("HTTPS_PROXY", format!("http://{}", proxy.addr)),
            ("NO_PROXY", "example.com, 127.0.0.0/8".to_owned()),
        ],
    );
    assert_eq!(outcome.delivered, 1, "{:?}", outcome.warnings);
    assert!(proxy.connects().is_empty(), "{:?}", proxy.connects());
    let secret = "n0t-a-url-s3cret";
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca),
            ("HTTPS_PROXY", format!("http://[{secret}")),
        ],
    );
    assert_eq!(outcome.delivered, 0);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    assert!(outcome.warnings[0].contains("HTTPS_PROXY"));
    assert!(!outcome.warnings[0].contains(secret));
}

/// One event to a collector of `pki` that requires a client certificate,
/// shown `pki`'s client certificate with the key `key_pem`.
fn with_client_key(pki: &Pki, key_pem: &str) -> Outcome {
    let (dir, ca) = files(pki);
    let certificate = Pki::write(&dir, "client.pem", &pki.client_pem);
    let key = Pki::write(&dir, "client-key-under-test.pem", key_pem);
    let collector = Collector::start_tls(
        Behaviour::Accept,
        pki.server_requiring_a_client_certificate(),
    );
    send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca),
            ("CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", certificate),
            ("CREWTEL_EXPORTER_OTLP_CLIENT_KEY", key),
        ],
    )
}

#[test]
fn a_client_key_that_is_not_the_certificate_s_is_one_warning_not_a_panic() {
    let pki = Pki::new();
    let other = Pki::new();
    let outcome = with_client_key(&pki, &other.client_key_pem);
    refused(
        &outcome,
        "CREWTEL_EXPORTER_OTLP_CLIENT_KEY does not hold the key",
    );
}

/// A key under another kind's PEM label (PKCS#8 bytes labelled SEC1) is
/// read by its label, as the HTTP client will read it: either the provider
/// takes it (and the event is delivered) or one warning names the variable;
/// never the client's panic on the courier's thread, which would leave the
/// event undelivered and the shutdown waiting out its bound.
#[test]
fn a_client_key_under_another_kind_s_label_is_one_warning_not_a_panic() {
    let pki = Pki::new();
    let relabelled = pki
        .client_key_pem
        .replace("BEGIN PRIVATE KEY", "BEGIN EC PRIVATE KEY")
        .replace("END PRIVATE KEY", "END EC PRIVATE KEY");
    assert_ne!(relabelled, pki.client_key_pem);
    let outcome = with_client_key(&pki, &relabelled);
    match outcome.delivered {
        1 => assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings),
        _ => {
            refused(&outcome, "CREWTEL_EXPORTER_OTLP_CLIENT_KEY");
        }
    }
}

#[test]
fn a_certificate_file_larger_than_a_mebibyte_is_not_read() {
    let pki = Pki::new();
    let dir = collector::scratch_dir("tls-large");
    // A real CA, padded past the bound with PEM comment lines.
    let padded = format!("{}{}", pki.ca_pem, "# padding\n".repeat(120_000));
    let path = Pki::write(&dir, "ca.pem", &padded);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(&collector, &[("CREWTEL_EXPORTER_OTLP_CERTIFICATE", path)]);
    refused(&outcome, "larger than 1 MiB");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_named_as_a_certificate_does_not_block_the_host() {
    let dir = collector::scratch_dir("tls-fifo");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("ca.pem");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let pki = Pki::new();
    let mut paths = vec!["/dev/zero".to_owned()];
    if made.is_ok_and(|status| status.success()) {
        paths.push(fifo.display().to_string());
    }
    for path in paths {
        let collector = Collector::start_tls(Behaviour::Accept, pki.server());
        // `send` returns only once the reporter is built: a blocking read
        // would hang the test here.
        let outcome = send(
            &collector,
            &[("CREWTEL_EXPORTER_OTLP_CERTIFICATE", path.clone())],
        );
        refused(&outcome, "not a file");
    }
}

/// SOCKS is not gone through (ureq's `socks-proxy` feature would change the
/// application's own ureq): one warning naming the variable, and nothing
/// sent, never around the proxy, never a panic.
#[test]
fn a_socks_proxy_is_one_warning_and_nothing_is_sent_around_it() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    for scheme in ["socks5://", "socks5h://", "socks4://"] {
        let nothing = collector::nothing_listening().replace("http://", scheme);
        let outcome = send(
            &collector,
            &[
                ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca.clone()),
                ("ALL_PROXY", nothing),
            ],
        );
        let warning = refused(&outcome, "ALL_PROXY");
        assert!(warning.contains("SOCKS"), "{warning}");
        assert!(!warning.contains("127.0.0.1"), "its value: {warning}");
    }
}

#[test]
fn the_scheme_s_own_proxy_variable_wins_over_all_proxy() {
    let pki = Pki::new();
    let (_dir, ca) = files(&pki);
    let proxy = ConnectProxy::start(None);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            ("CREWTEL_EXPORTER_OTLP_CERTIFICATE", ca),
            ("ALL_PROXY", collector::nothing_listening()),
            ("HTTPS_PROXY", format!("http://{}", proxy.addr)),
            // For plain HTTP only: not this collector's.
            ("HTTP_PROXY", collector::nothing_listening()),
        ],
    );
    assert_eq!(outcome.delivered, 1, "{:?}", outcome.warnings);
    assert_eq!(proxy.connects().len(), 1);
}

#[test]
fn an_override_of_the_system_store_that_names_nothing_is_one_warning_and_not_used() {
    let pki = Pki::new();
    // The folder holds the CA (`ca.pem`): it is used; the missing file is not.
    let (dir, _ca) = files(&pki);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[
            (
                "SSL_CERT_FILE",
                dir.join("missing.pem").display().to_string(),
            ),
            ("SSL_CERT_DIR", dir.display().to_string()),
        ],
    );
    assert_eq!(outcome.delivered, 1, "{:?}", outcome.warnings);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    assert!(
        outcome.warnings[0].contains("SSL_CERT_FILE names no file"),
        "{}",
        outcome.warnings[0]
    );
}

#[test]
fn an_untrusted_certificate_names_the_variable_that_was_set() {
    let pki = Pki::new();
    let other = Pki::new();
    let dir = collector::scratch_dir("tls-other");
    let wrong = Pki::write(&dir, "other-ca.pem", &other.ca_pem);
    let collector = Collector::start_tls(Behaviour::Accept, pki.server());
    let outcome = send(
        &collector,
        &[("CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", wrong)],
    );
    refused(
        &outcome,
        "not signed by a CA of CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE's file",
    );
}
