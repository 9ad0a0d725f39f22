//! crewtel changes nothing of its neighbours through cargo features: cargo
//! unifies a crate's features over the whole program, so a feature crewtel
//! or its reporter (as they come, default features on) turns on in a crate
//! the application also uses is turned on for the application too. The ones that change
//! how such a crate behaves are held out here.

use std::collections::BTreeSet;
use std::process::Command;

/// Crate features that change behaviour, not only add API, and why.
const CHANGES_NEIGHBOURS: &[(&str, &str, &str)] = &[
    (
        "opentelemetry-otlp",
        "http-json",
        "the application's OTLP exporter defaults to JSON",
    ),
    (
        "opentelemetry-otlp",
        "http-proto",
        "a gRPC-only application's default exporter becomes HTTP",
    ),
    (
        "opentelemetry-otlp",
        "gzip-http",
        "the application's OTEL_EXPORTER_OTLP_COMPRESSION takes effect",
    ),
    (
        "serde_json",
        "raw_value",
        "the application's Value reads serde_json's private RawValue key",
    ),
    (
        "serde_json",
        "arbitrary_precision",
        "the application's numbers are read another way",
    ),
    (
        "serde_json",
        "preserve_order",
        "the application's maps keep insertion order",
    ),
    (
        "ureq",
        "socks-proxy",
        "the application's ureq goes through an ALL_PROXY=socks5:// proxy",
    ),
    ("ureq", "rustls", "turns on rustls's ring provider"),
    (
        "rustls",
        "ring",
        "a second rustls provider beside rustls's default makes the application's ClientConfig::builder() panic",
    ),
    (
        "rustls",
        "aws_lc_rs",
        "a second rustls provider beside an application's ring makes its ClientConfig::builder() panic",
    ),
];

/// The one such feature crewtel turns on as it comes, and why: an `https://`
/// collector needs a rustls provider, and rustls's own default is the one an
/// application on rustls most likely has already (an application on ring
/// builds crewtel with `tls-ring` instead; one that installs a provider is
/// never overridden). The README says so.
const ACCEPTED: &[(&str, &str)] = &[("rustls", "aws_lc_rs")];

/// `crate feature` pairs of crewtel's normal dependencies with its default
/// features, as `cargo tree` resolves them.
fn features() -> BTreeSet<(String, String)> {
    let out = Command::new(env!("CARGO"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // The reporter, and through it crewtel.
        .args([
            "tree",
            "--offline",
            "-p",
            "crewtel-reporter",
            "-e",
            "normal",
        ])
        .args(["--prefix", "none", "--format", "{p}|{f}"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut on = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        let name = package.split_whitespace().next().unwrap_or_default();
        let features = features.trim_end_matches(" (*)");
        for feature in features.split(',').filter(|f| !f.is_empty()) {
            on.insert((name.to_owned(), feature.to_owned()));
        }
        on.insert((name.to_owned(), String::new()));
    }
    on
}

#[test]
fn crewtel_turns_on_no_feature_that_changes_a_neighbour() {
    let on = features();
    assert!(
        on.contains(&("serde".to_owned(), "derive".to_owned())),
        "cargo tree's features were not read: {on:?}"
    );
    let changing: Vec<String> = CHANGES_NEIGHBOURS
        .iter()
        .filter(|(name, feature, _)| on.contains(&(name.to_string(), feature.to_string())))
        .filter(|(name, feature, _)| !ACCEPTED.contains(&(name, feature)))
        .map(|(name, feature, why)| format!("{name}/{feature}: {why}"))
        .collect();
    assert!(changing.is_empty(), "{changing:#?}");
    for (name, feature) in ACCEPTED {
        assert!(
            on.contains(&(name.to_string(), feature.to_string())),
            "{name}/{feature} is no longer on: take it off the accepted list"
        );
    }
    let opentelemetry: BTreeSet<&String> = on
        .iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("opentelemetry"))
        .collect();
    assert!(
        opentelemetry.is_empty(),
        "crewtel builds its spans and writes its OTLP requests itself: {opentelemetry:?}"
    );
}

/// The reporter turns on no feature of crewtel: it converts attributes for
/// the OpenTelemetry SDK itself, so that it takes a new OpenTelemetry
/// release without one of the crate every library depends on.
#[test]
fn the_reporter_turns_on_no_feature_of_crewtel() {
    let on = features();
    let crewtel: Vec<&String> = on
        .iter()
        .filter(|(name, feature)| name == "crewtel" && !["", "default"].contains(&feature.as_str()))
        .map(|(_, feature)| feature)
        .collect();
    assert!(
        on.contains(&("crewtel".to_owned(), String::new())),
        "{on:?}"
    );
    assert!(crewtel.is_empty(), "crewtel's features on: {crewtel:?}");
}
