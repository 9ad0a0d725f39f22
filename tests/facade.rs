//! The weight of `crewtel`, what libraries depend on: a library that only
//! derives `Telemetry` and builds events (`tests/facade-user`, on `crewtel`
//! as it comes) compiles at most 20 crates, and none that sends, encrypts,
//! probes the OS, runs async tasks or builds C; nor does crewtel pull any in
//! for minicrew's library, a whole framework written against `Dispatch`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const USER: &str = "crewtel-facade-user";
/// The example framework's library, on the facade too.
const FRAMEWORK: &str = "minicrew";
const MOST_CRATES: usize = 20;
/// What minicrew's library depends on itself, and why: crewtel's doing is
/// everything else.
const FRAMEWORK_OWN: &[(&str, &str)] = &[(
    "sysinfo",
    "the exact platform minicrew sends under `share_crew`",
)];

/// Crates the facade must never pull in, by what they are.
const HEAVY: &[(&str, &str)] = &[
    ("reqwest", "an HTTP client"),
    ("hyper", "an HTTP client"),
    ("ureq", "an HTTP client"),
    ("rustls", "TLS"),
    ("native-tls", "TLS"),
    ("openssl", "TLS"),
    ("ring", "a C build"),
    ("aws-lc-rs", "a C build"),
    ("cc", "a C build"),
    ("tokio", "an async runtime"),
    ("async-std", "an async runtime"),
    ("sysinfo", "OS probing"),
    ("opentelemetry_sdk", "the OpenTelemetry SDK"),
    ("opentelemetry-otlp", "OTLP"),
    ("opentelemetry-http", "OTLP over HTTP"),
    ("prost", "protobuf encoding (OTLP)"),
];

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs cargo in the workspace; its standard output, or a failure that
/// says what `what` was and what cargo printed.
fn cargo(args: &[&std::ffi::OsStr], what: &str) -> String {
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace())
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The distinct crates of `cargo tree` for `package`, over `edges`.
fn crates(package: &str, edges: &str) -> BTreeSet<String> {
    let args = [
        "tree",
        "--offline",
        "-p",
        package,
        "-e",
        edges,
        "--prefix",
        "none",
    ];
    let args: Vec<&std::ffi::OsStr> = args
        .iter()
        .chain(&["--format", "{p}"])
        .map(|a| a.as_ref())
        .collect();
    cargo(&args, "cargo tree")
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect()
}

#[test]
fn a_library_on_crewtel_compiles_at_most_20_crates() {
    let normal = crates(USER, "normal");
    // The library itself does not count against the facade.
    let facade: Vec<&String> = normal.iter().filter(|c| !c.starts_with(USER)).collect();
    assert!(
        facade.len() <= MOST_CRATES,
        "the facade compiles {} crates (at most {MOST_CRATES}): {facade:#?}",
        facade.len()
    );
}

/// The heavy crates `package` pulls in, over normal and build edges (a C
/// build is a build dependency).
fn heavy(package: &str) -> Vec<String> {
    let all = crates(package, "normal,build");
    let found: Vec<String> = all
        .iter()
        .filter_map(|c| {
            let name = c.split(' ').next()?;
            let (_, what) = HEAVY.iter().find(|(heavy, _)| *heavy == name)?;
            Some(format!("{c} ({what})"))
        })
        .collect();
    found
}

#[test]
fn the_facade_pulls_in_no_exporter_tls_runtime_or_os_probe() {
    let found = heavy(USER);
    assert!(found.is_empty(), "the facade pulls in: {found:?}");
}

#[test]
fn a_framework_on_the_facade_pulls_in_no_exporter_either() {
    let found: Vec<String> = heavy(FRAMEWORK)
        .into_iter()
        .filter(|c| {
            !FRAMEWORK_OWN
                .iter()
                .any(|(own, _)| c.starts_with(&format!("{own} ")))
        })
        .collect();
    assert!(found.is_empty(), "minicrew's library pulls in: {found:?}");
}

#[test]
fn the_facade_alone_builds_a_library_that_derives_and_a_framework() {
    // Alone, so that no other package's features (the reporter) unify in.
    let target = workspace().join("target").join("facade");
    let args = [
        "check",
        "--offline",
        "-q",
        "-p",
        USER,
        "-p",
        FRAMEWORK,
        "--target-dir",
    ];
    let mut args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    args.push(target.as_os_str());
    cargo(&args, "building the facade's user alone");
}
