//! The compile-fail cases under `cargo check`, which is what an editor
//! (rust-analyzer) runs as the author types. Every error a case's reviewed
//! `.stderr` holds (what `cargo build` reports, through trybuild) must be
//! reported by `cargo check` too. Otherwise a rule would show up only in the
//! build of whichever crate first sends the event.
//!
//! The cases are checked as one crate with a binary each, against crewtel
//! without default features (the facade a library derives against).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// Cases whose errors come from a constant evaluated where a generic
/// struct is used (after monomorphization), which `cargo check` never
/// evaluates: comparing flattened keys needs the keys, and a key known only
/// where a type parameter is filled in can be compared only there. Every
/// other rule is a trait bound, or a constant of a type known where it is
/// written.
const BUILD_ONLY: &[(&str, &str)] = &[(
    "flatten-duplicate-key-generic",
    "a type parameter's flattened keys are known where it is filled in",
)];

#[test]
fn every_error_of_a_compile_fail_case_is_reported_by_cargo_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-check");
    std::fs::create_dir_all(&project).unwrap();
    let mut cases: Vec<_> = std::fs::read_dir(root.join("ui-tests/fail"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    cases.sort();
    assert!(cases.len() > 50, "the cases were not found");

    let mut manifest = format!(
        "[package]\nname = \"crewtel-ui-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ncrewtel = {{ path = {:?}, default-features = false }}\n",
        root.join("runtime")
    );
    for case in &cases {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = {:?}\npath = {:?}\n",
            stem(case),
            case
        ));
    }
    std::fs::write(project.join("Cargo.toml"), manifest).unwrap();
    // The workspace's versions, so that nothing is resolved afresh.
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();

    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&project)
        .args([
            "check",
            "--bins",
            "--keep-going",
            "--offline",
            "--quiet",
            "--message-format=json",
        ])
        .env("CARGO_TARGET_DIR", project.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "every case compiled under cargo check"
    );

    let mut reported: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    let mut private = BTreeSet::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let target = message["target"]["name"].as_str().unwrap().to_owned();
        let text = message["message"]["message"].as_str().unwrap();
        let header = match message["message"]["code"]["code"].as_str() {
            Some(code) => format!("error[{code}]: {text}"),
            None => format!("error: {text}"),
        };
        // An error speaks the host's words: the rules it names are public
        // (`crewtel::rules`), never a path into the derives' hidden module.
        if message["message"]["rendered"]
            .as_str()
            .unwrap_or_default()
            .contains("__private")
        {
            private.insert(format!("{target}: {header}"));
        }
        reported.entry(target).or_default().insert(header);
    }
    assert!(
        private.is_empty(),
        "errors that name crewtel's private module: {private:#?}"
    );
    assert!(
        !reported.is_empty(),
        "cargo check reported nothing: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let mut missing = Vec::new();
    for case in &cases {
        let name = stem(case);
        let expected = std::fs::read_to_string(case.with_extension("stderr")).unwrap();
        let found = reported.get(&name).cloned().unwrap_or_default();
        let unreported: Vec<_> = expected
            .lines()
            .filter(|line| line.starts_with("error[") || line.starts_with("error:"))
            .filter(|header| !found.contains(*header))
            .collect();
        let build_only = BUILD_ONLY.iter().any(|(case, _)| *case == name);
        match (unreported.is_empty(), build_only) {
            (true, false) => {}
            (false, true) => {}
            (true, true) => missing.push(format!(
                "{name}: listed as build-only, but cargo check reports all its errors: take it off the list"
            )),
            (false, false) => missing.push(format!("{name}: {unreported:#?}")),
        }
    }
    assert!(
        missing.is_empty(),
        "errors cargo build reports and cargo check does not:\n{}",
        missing.join("\n")
    );
}

fn stem(case: &Path) -> String {
    case.file_stem().unwrap().to_string_lossy().into_owned()
}
