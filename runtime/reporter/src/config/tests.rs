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

use super::read::{Misread, Warning};
use super::variables::Problem;
use super::*;

fn decide_with(vars: &[(&str, &str)], defaults: &Defaults) -> (Settings, Vec<Warning>) {
    let env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |name: &str| env.get(name).cloned();
    let mut warnings = Vec::new();
    let settings = Settings::decide(Source::Environment(&lookup), defaults, &mut |w| {
        warnings.push(w)
    });
    (settings, warnings)
}

fn decide(vars: &[(&str, &str)]) -> (Settings, Vec<Warning>) {
    decide_with(vars, &Defaults::default())
}

/// The variable a warning is about, if it is about one.
fn about(warning: &Warning) -> Option<&'static str> {
    match warning {
        Warning::Misread(Misread { variable, .. }) => Some(variable),
        Warning::Other(_) => None,
    }
}

/// The problem a warning names, if it is about a variable.
fn problem(warning: &Warning) -> Option<Problem> {
    match warning {
        Warning::Misread(Misread { problem, .. }) => Some(*problem),
        Warning::Other(_) => None,
    }
}

/// The exporter's settings of a decision to export.
fn export(settings: &Settings) -> &Export {
    settings.decision.export().expect("a decision to export")
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
        assert_eq!(settings.reason(), Reason::HostDefaultEndpoint);
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
        assert_eq!(about(&warnings[0]), Some(name), "{warnings:?}");
        assert!(
            !warnings[0].to_string().contains("sk-BAD"),
            "its value: {warnings:?}"
        );
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
        assert_eq!(settings.mode(), mode, "{kept}");
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
    assert_eq!(decide_with(&vars, &vendor).0.mode(), Mode::Off);
    std::fs::write(folder.join(crate::choice::CHOICE_FILE), "on").unwrap();
    assert_eq!(decide_with(&vars, &vendor).0.mode(), Mode::Local);
    let _ = std::fs::remove_dir_all(config);
}

#[test]
fn nothing_configured_sends_nothing() {
    let (settings, warnings) = decide(&[]);
    assert_eq!(settings.mode(), Mode::NoEndpoint);
    assert_eq!(settings.endpoint(), None);
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
        assert_eq!(settings.mode(), Mode::Off, "{switch}={value}");
        assert_eq!(settings.reason(), Reason::TurnedOff(switch));
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
        assert_eq!(settings.mode(), Mode::NoEndpoint, "{switch}={value}");
        assert!(warnings.is_empty());
    }
}

#[test]
fn a_malformed_otel_sdk_disabled_warns_once_and_is_ignored() {
    let (settings, warnings) = decide(&[("OTEL_SDK_DISABLED", "yes please")]);
    assert_eq!(settings.mode(), Mode::NoEndpoint);
    assert_eq!(warnings.len(), 1);
    assert_eq!(problem(&warnings[0]), Some(Problem::NotBool));
    assert_eq!(about(&warnings[0]), Some("OTEL_SDK_DISABLED"));
    assert!(
        !warnings[0].to_string().contains("yes please"),
        "values are never echoed"
    );
}

#[test]
fn the_shutdown_bound_can_be_lengthened_within_reason() {
    let endpoint = ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318");
    let (s, warnings) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "1500")]);
    assert_eq!(
        export(&s).shutdown_timeout,
        Some(Duration::from_millis(1500))
    );
    assert!(warnings.is_empty());
    let (s, _) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "99999999")]);
    assert_eq!(
        export(&s).shutdown_timeout,
        Some(MAX_SHUTDOWN_TIMEOUT),
        "capped"
    );
    let (s, warnings) = decide(&[endpoint, ("CREWTEL_SHUTDOWN_TIMEOUT", "soon")]);
    assert_eq!(export(&s).shutdown_timeout, None, "the host's bound");
    assert_eq!(warnings.len(), 1);
    assert_eq!(about(&warnings[0]), Some("CREWTEL_SHUTDOWN_TIMEOUT"));
}

#[test]
fn debug_needs_no_endpoint_and_builds_no_exporter() {
    let (settings, _) = decide(&[
        ("CREWTEL_DEBUG", "1"),
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://x:4318"),
    ]);
    assert_eq!(settings.mode(), Mode::Debug);
    assert_eq!(settings.endpoint(), None);
    let (settings, _) = decide(&[("CREWTEL_DEBUG", "0")]);
    assert_eq!(settings.mode(), Mode::NoEndpoint);
}

#[test]
fn endpoints_follow_the_specification() {
    let (s, _) = decide(&[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")]);
    assert_eq!(s.endpoint(), Some("http://127.0.0.1:4318/v1/traces"));
    assert_eq!(s.mode(), Mode::Export);
    let (s, _) = decide(&[(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        "https://collector.example/otlp/",
    )]);
    assert_eq!(
        s.endpoint(),
        Some("https://collector.example/otlp/v1/traces")
    );
    let (s, _) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://base:4318"),
        (
            "CREWTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://traces:9999/custom",
        ),
    ]);
    assert_eq!(s.endpoint(), Some("http://traces:9999/custom"));
    assert_eq!(
        s.reason(),
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
        s.endpoint(),
        Some("https://telemetry.host.example/v1/traces")
    );
    assert_eq!(s.reason(), Reason::HostDefaultEndpoint);
    let (s, _) = decide_with(
        &[("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://mine:4318")],
        &defaults,
    );
    assert_eq!(s.endpoint(), Some("http://mine:4318/v1/traces"));
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
    assert_eq!(s.mode(), Mode::NoEndpoint);
    assert_eq!(s.endpoint(), None);
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
            assert_eq!(about(&warnings[0]), Some(name), "{:?}", warnings[0]);
            if value.len() > 2 {
                assert!(
                    !warnings[0].to_string().contains(value),
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
        assert_eq!(s.mode(), Mode::NoEndpoint, "{bad}");
        assert_eq!(warnings.len(), 1, "{bad}");
        assert_eq!(about(&warnings[0]), Some("CREWTEL_EXPORTER_OTLP_ENDPOINT"));
        assert_eq!(problem(&warnings[0]), Some(Problem::NotUrl));
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
    assert_eq!(export(&s).protocol, Protocol::HttpJson);
    assert_eq!(
        export(&s).headers,
        [
            ("api-key".to_owned(), "abc==".to_owned()),
            ("tenant".to_owned(), "t1".to_owned())
        ]
    );
    assert_eq!(export(&s).timeout, Duration::from_millis(2500));
    assert!(export(&s).gzip);
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
    assert_eq!(export(&s).protocol, Protocol::HttpProtobuf);
    assert!(
        export(&s).headers.is_empty(),
        "a malformed header list is discarded whole"
    );
    assert_eq!(export(&s).timeout, DEFAULT_TIMEOUT);
    assert!(!export(&s).gzip);
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
            w.iter().filter(|w| about(w) == Some(name)).count(),
            1,
            "one warning for {name}: {w:?}"
        );
    }
    assert_eq!(w.len(), 6);
    assert!(
        !w.iter().any(|w| w.to_string().contains("sk-secret")),
        "a header value was echoed: {w:?}"
    );
}

#[test]
fn a_base_endpoint_keeps_its_query_after_the_path() {
    let (s, _) = decide(&[(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        "http://h:4318/otlp?tenant=1",
    )]);
    assert_eq!(s.endpoint(), Some("http://h:4318/otlp/v1/traces?tenant=1"));
}

#[test]
fn endpoints_the_http_stack_refuses_are_refused_here() {
    let (s, w) = decide(&[(
        "CREWTEL_EXPORTER_OTLP_ENDPOINT",
        "http://user:s3cret@127.0.0.1:9/a b",
    )]);
    // `url` percent-encodes the space; what is left must parse as a URI.
    if let Some(endpoint) = s.endpoint() {
        assert!(endpoint.parse::<http::Uri>().is_ok());
    }
    assert!(w.iter().all(|w| !w.to_string().contains("s3cret")), "{w:?}");
}

#[test]
fn header_values_with_line_breaks_discard_the_list() {
    let (s, w) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        ("CREWTEL_EXPORTER_OTLP_HEADERS", "x-a=1%0D%0AX-Injected:yes"),
    ]);
    assert!(export(&s).headers.is_empty());
    assert_eq!(w.len(), 1);
}

#[test]
fn a_zero_timeout_is_refused() {
    let (s, w) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        ("CREWTEL_EXPORTER_OTLP_TIMEOUT", "0"),
    ]);
    assert_eq!(export(&s).timeout, DEFAULT_TIMEOUT);
    assert_eq!(w.len(), 1);
}

#[test]
fn compression_is_case_insensitive_as_the_exporter_reads_it() {
    let (s, w) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        ("CREWTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"),
    ]);
    assert!(export(&s).gzip);
    assert!(w.is_empty());
}

#[test]
fn grpc_is_refused_with_a_warning() {
    let (s, w) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
        ("CREWTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"),
    ]);
    assert_eq!(export(&s).protocol, Protocol::HttpProtobuf);
    assert_eq!(w.len(), 1);
    assert_eq!(problem(&w[0]), Some(Problem::Grpc));
    // The warning keeps its wording: it says where OTLP/HTTP listens.
    assert!(w[0].to_string().contains("4318"), "{}", w[0]);
}

#[test]
fn empty_values_are_unset() {
    let (s, w) = decide(&[
        ("CREWTEL_EXPORTER_OTLP_ENDPOINT", ""),
        ("OTEL_SERVICE_NAME", ""),
    ]);
    assert_eq!(s.mode(), Mode::NoEndpoint);
    assert_eq!(s.service_name, None);
    assert!(w.is_empty());
}

/// A capture is its own decision: it reads the limits and where crewtel's
/// own files are, and no switch, kept choice, endpoint or anything else of
/// the machine's.
#[test]
fn a_capture_reads_only_the_limits() {
    let asked = std::cell::RefCell::new(Vec::new());
    let lookup = |name: &str| {
        asked.borrow_mut().push(name.to_owned());
        match name {
            "CREWTEL_ATTRIBUTE_COUNT_LIMIT" => Some("7".to_owned()),
            "CREWTEL_DATA_DIR" => Some("/tmp/a-test-s-data".to_owned()),
            "CREWTEL_CONFIG_DIR" => Some("/tmp/a-test-s-config".to_owned()),
            "CREWTEL_RECORD" => Some("off".to_owned()),
            // Were they read, the capture would be off.
            _ => Some("1".to_owned()),
        }
    };
    let mut warnings = Vec::new();
    let settings = Settings::decide(Source::Capture(&lookup), &Defaults::default(), &mut |w| {
        warnings.push(w)
    });
    assert_eq!(settings.decision, Decision::Capture);
    assert_eq!(
        (settings.mode(), settings.reason()),
        (Mode::Capture, Reason::Captured)
    );
    assert_eq!(settings.limits.count, 7);
    assert_eq!(settings.choice, None);
    assert_eq!(settings.data_dir, Some("/tmp/a-test-s-data".into()));
    assert_eq!(settings.config_dir, Some("/tmp/a-test-s-config".into()));
    assert_eq!(settings.record, RecordChoice::Off);
    assert_eq!(
        *asked.borrow(),
        [
            "CREWTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "CREWTEL_ATTRIBUTE_COUNT_LIMIT",
            "CREWTEL_DATA_DIR",
            "CREWTEL_CONFIG_DIR",
            "CREWTEL_RECORD"
        ]
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// The table is the one place a variable is named: no other source file of
/// the reporter spells one out as a string, and each is named once.
#[test]
fn every_variable_is_named_in_the_table_alone() {
    let all = super::variables();
    let mut names: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "a variable is in the table twice");
    assert!(all.iter().all(|(_, meaning)| !meaning.is_empty()));

    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut folders = vec![src.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let table = src.join("config").join("variables.rs");
    let this = src.join("config").join("tests.rs");
    assert!(files.contains(&table), "{files:?}");
    for file in files
        .iter()
        .filter(|file| **file != table && **file != this)
    {
        let code = std::fs::read_to_string(file).unwrap();
        // A module's own tests may set variables by name, and a comment
        // name one.
        let code = code.split("#[cfg(test)]\nmod tests").next().unwrap();
        let code: String = code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect();
        // (`no_proxy` is a field's name too: the upper-case spelling stands
        // for it.)
        for name in names
            .iter()
            .filter(|name| name.chars().any(|c| c.is_ascii_uppercase()))
        {
            assert!(
                !code.contains(&format!("\"{name}\"")),
                "{} names {name}: read it through config's table",
                file.display()
            );
        }
    }
}

/// The README's table of switches and variables names each of crewtel's
/// own.
#[test]
fn the_readme_names_every_variable_of_crewtel_s_own() {
    let readme = include_str!("../../../../README.md");
    for (name, _) in super::variables() {
        // `CREWTEL_EXPORTER_OTLP_PROTOCOL` (`_TRACES_` too).
        let general = name.replace("_TRACES_", "_");
        if name.starts_with("CREWTEL_") {
            assert!(readme.contains(&general), "the README does not name {name}");
        }
    }
}

/// Every variable declared in the table is in the list the other tests and
/// `telemetry variables` read: a string literal of the table that is a
/// variable's name (letters and `_` alone) is listed.
#[test]
fn the_list_of_variables_is_the_whole_table() {
    let listed: Vec<&str> = super::variables().iter().map(|(name, _)| *name).collect();
    let table = include_str!("variables.rs");
    let names = table.split('"').skip(1).step_by(2).filter(|text| {
        text.contains('_') && text.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
    });
    let mut seen = 0;
    for name in names {
        assert!(
            listed.contains(&name),
            "{name} is in the table, not in `all()`"
        );
        seen += 1;
    }
    assert!(
        seen >= listed.len(),
        "{seen} names read of {}",
        listed.len()
    );
}
