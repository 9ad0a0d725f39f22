//! `expires = "YYYY-MM-DD"`: past its day a key (or an event) is not sent,
//! through any path; every document says when it expires; and what expires
//! soon is reported.

// An expired field is still named by the generated code, so that a host's
// build sees it used as before (`canary` is read by nothing else here):
// an expiry never fails a build by itself, `-D warnings` included. (trybuild
// allows `dead_code` in its pass cases, so the check is here.)
#![deny(dead_code)]

use crewtel::testing::Capture;
use crewtel::{Consent, Dispatch, Telemetry, document, testing};
use crewtel_reporter::Reporter;
use crewtel_reporter::status::Mode;

const CANARY: &str = "CANARY-expired-7f3a";

/// A struct nested in another, whose field expired.
#[derive(Clone, Telemetry)]
struct Agent {
    /// The agent's role.
    #[telemetry(always, free_text)]
    role: String,
    /// A study that ended.
    #[telemetry(always, free_text, expires = "2020-01-01")]
    study: String,
}

/// Flattened into the event, with an expired key of its own.
#[derive(Clone, Telemetry)]
struct Ids {
    /// The crew's id.
    #[telemetry(always)]
    crew_id: u64,
    /// An old id.
    #[telemetry(always, free_text, expires = "2020-01-01")]
    legacy_id: String,
}

#[derive(Clone, Telemetry)]
#[telemetry(event = "Crew Created")]
struct Crew {
    /// Whether the crew shares.
    #[telemetry(consent)]
    share: bool,
    /// Expired long ago: never sent.
    #[telemetry(always, free_text, expires = "2020-01-01")]
    canary: String,
    /// Expired, and so are the facts about it.
    #[telemetry(share_crew, len(always), expires = "2020-01-01")]
    prompts: Vec<String>,
    /// Sent until far off.
    #[telemetry(always, expires = "2999-12-31")]
    agents_count: u32,
    /// The agents.
    #[telemetry(always)]
    agents: Vec<Agent>,
    /// The ids.
    #[telemetry(always, flatten)]
    ids: Ids,
}

/// An event that expired: not sent at all.
#[derive(Clone, Telemetry)]
#[telemetry(event = "Old Study", expires = "2020-01-01")]
struct OldStudy {
    /// What it measured.
    #[telemetry(always, free_text)]
    finding: String,
}

fn crew(share: bool) -> Crew {
    Crew {
        share,
        canary: CANARY.into(),
        prompts: vec![CANARY.into()],
        agents_count: 2,
        agents: vec![Agent {
            role: "researcher".into(),
            study: CANARY.into(),
        }],
        ids: Ids {
            crew_id: 7,
            legacy_id: CANARY.into(),
        },
    }
}

fn old() -> OldStudy {
    OldStudy {
        finding: CANARY.into(),
    }
}

/// Everything the event sends, through each way it is written.
fn every_output(crew: &Crew) -> Vec<String> {
    let event = crew.telemetry_event();
    vec![
        format!("{:?}", event.key_values()),
        event.to_json().unwrap(),
        serde_json::to_string(&event).unwrap(),
        serde_json::to_string(&event.attributes()).unwrap(),
    ]
}

#[test]
fn an_expired_key_is_not_sent_through_any_output() {
    for share in [false, true] {
        let crew = crew(share);
        for output in every_output(&crew) {
            assert!(!output.contains(CANARY), "{output}");
            assert!(
                !output.contains("prompts"),
                "its facts expire with it: {output}"
            );
            assert!(
                !output.contains("legacy_id") && !output.contains("study"),
                "{output}"
            );
            assert!(output.contains("agents_count"), "not yet expired: {output}");
            assert!(
                output.contains("researcher") && output.contains("crew_id"),
                "{output}"
            );
        }
    }
}

#[test]
fn an_expired_event_is_not_sent_at_all() {
    let old = old();
    let event = old.telemetry_event();
    assert!(!event.is_allowed());
    assert!(event.key_values().is_empty());
    assert!(!event.to_json().unwrap().contains(CANARY));
    let capture = Capture::new();
    let dispatch = Dispatch::new(capture.sink());
    dispatch.emit(old.telemetry_event());
    dispatch.emit(crew(true).telemetry_event());
    let names: Vec<&str> = capture.events().iter().map(|e| e.name).collect();
    assert_eq!(names, ["Crew Created"]);
    capture.assert_never_sent(CANARY);
}

#[test]
fn nothing_expired_reaches_a_reporter_s_pipeline() {
    let data = std::env::temp_dir().join(format!("crewtel-expiry-{}", std::process::id()));
    let data_dir = data.display().to_string();
    let capture = Capture::new();
    let reporter = Reporter::builder()
        .environment(move |name| match name {
            "CREWTEL_DATA_DIR" | "CREWTEL_CONFIG_DIR" => Some(data_dir.clone()),
            _ => None,
        })
        .capture(&capture)
        .build();
    assert_eq!(reporter.mode(), Mode::Capture);
    for share in [false, true] {
        reporter.emit(crew(share).telemetry_event());
    }
    reporter.emit(old().telemetry_event());
    reporter.start(old().telemetry_event()).end();
    assert_eq!(capture.events().len(), 2);
    capture.assert_never_sent(CANARY);
    capture.assert_key_absent("canary");
    capture.assert_key_absent("prompts_len");
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn the_catalogue_says_when_each_key_expires() {
    let keys = Crew::CATALOGUE.keys();
    let expiry = |name: &str| {
        keys.iter()
            .find(|k| k.key == name)
            .and_then(|k| k.expires)
            .map(|e| e.date)
    };
    assert_eq!(expiry("canary"), Some("2020-01-01"));
    assert_eq!(expiry("prompts_len"), Some("2020-01-01"));
    assert_eq!(expiry("agents_count"), Some("2999-12-31"));
    assert_eq!(expiry("legacy_id"), Some("2020-01-01"), "through flatten");
    assert_eq!(expiry("crew_id"), None);
    let agents = keys.iter().find(|k| k.key == "agents").unwrap();
    assert_eq!(agents.nested[1].expires.map(|e| e.date), Some("2020-01-01"));
    assert!(
        keys.iter()
            .find(|k| k.key == "canary")
            .unwrap()
            .expires
            .unwrap()
            .has_passed()
    );
    // An event's expiry is its keys'.
    assert_eq!(
        OldStudy::CATALOGUE.expires().map(|e| e.date),
        Some("2020-01-01")
    );
    assert_eq!(
        OldStudy::CATALOGUE.keys()[0].expires.map(|e| e.date),
        Some("2020-01-01")
    );
    assert!(OldStudy::CATALOGUE.has_expired());
}

#[test]
fn every_document_shows_the_expiry() {
    let events = [Crew::CATALOGUE, OldStudy::CATALOGUE];
    let markdown = document::markdown("host", &events, None, "regenerate");
    assert!(
        markdown.contains("| `canary` | always, free text | string | Expired long ago: never sent. Sent until 2020-01-01, not after. |"),
        "{markdown}"
    );
    assert!(markdown.contains("| `agents[].study` | always, free text | string | A study that ended. Sent until 2020-01-01, not after. |"));
    assert!(
        markdown.contains(
            "Sent under every consent until 2020-01-01, not after; declared by `OldStudy`."
        )
    );
    let json: serde_json::Value = serde_json::from_str(&document::json(&events, None)).unwrap();
    assert_eq!(json["events"][0]["keys"][0]["key"], "canary");
    assert_eq!(json["events"][0]["keys"][0]["expires"], "2020-01-01");
    assert_eq!(json["events"][1]["expires"], "2020-01-01");
    let registry: serde_json::Value =
        serde_saphyr::from_str(&document::registry("host", &events, None, "regenerate")).unwrap();
    let group = |id: &str| {
        registry["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == id)
            .unwrap()
            .clone()
    };
    let crew = group("span.host.crew_created");
    assert_eq!(crew["attributes"][0]["ref"], "canary");
    assert_eq!(
        crew["attributes"][0]["annotations"]["crewtel"]["expires"],
        "2020-01-01"
    );
    let old = group("span.host.old_study");
    assert!(
        old["note"]
            .as_str()
            .unwrap()
            .contains("It is sent until 2020-01-01, not after.")
    );
}

#[test]
fn what_expires_within_days_is_reported() {
    let json = document::json(&[Crew::CATALOGUE, OldStudy::CATALOGUE], None);
    let soon = document::expiring(&json, 30).unwrap();
    let keys: Vec<(&str, &str)> = soon
        .iter()
        .map(|e| (e.event.as_str(), e.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("Crew Created", "canary"),
            ("Crew Created", "prompts"),
            ("Crew Created", "prompts_len"),
            ("Crew Created", "agents[].study"),
            ("Crew Created", "legacy_id"),
            ("Old Study", ""),
        ]
    );
    assert!(soon.iter().all(|e| e.days_left < 0));
    assert!(
        soon[0]
            .to_string()
            .contains("expired after 2020-01-01: it is not sent")
    );
    // Far enough ahead, the one still sent shows too.
    let all = document::expiring(&json, 400_000).unwrap();
    let later = all.iter().find(|e| e.key == "agents_count").unwrap();
    assert!(later.days_left > 300_000 / 10);
    assert!(later.to_string().contains("expires after 2999-12-31, in"));
}

#[test]
#[should_panic(expected = "`Crew Created`: `canary` expired after 2020-01-01")]
fn the_test_helper_fails_on_what_expires_soon() {
    testing::assert_none_expire_within(&document::json(&[Crew::CATALOGUE], None), 30);
}

#[test]
fn a_consent_does_not_bring_an_expired_key_back() {
    let crew = crew(false);
    let shared = crew.telemetry_event_with(Consent::ShareCrew);
    assert!(!format!("{:?}", shared.key_values()).contains(CANARY));
}

/// A struct that expired as a whole, held by another's fields.
#[derive(Clone, Telemetry)]
#[telemetry(expires = "2020-01-01")]
struct Study {
    /// What it found.
    #[telemetry(always, free_text)]
    finding: String,
}

#[derive(Clone, Telemetry)]
#[telemetry(event = "Holder")]
struct Holder {
    /// One.
    #[telemetry(always)]
    study: Study,
    /// Maybe one.
    #[telemetry(always)]
    maybe: Option<Study>,
    /// Several: not even how many is sent.
    #[telemetry(always)]
    studies: Vec<Study>,
    /// By name: not even the names are sent.
    #[telemetry(always, free_text)]
    by_name: std::collections::BTreeMap<String, Study>,
    /// Still sent.
    #[telemetry(always)]
    count: u32,
}

#[test]
fn a_key_holding_an_expired_struct_is_not_sent_at_all() {
    let study = Study {
        finding: CANARY.into(),
    };
    let holder = Holder {
        study: study.clone(),
        maybe: Some(study.clone()),
        studies: vec![study.clone(); 3],
        by_name: [(format!("{CANARY}-name"), study)].into(),
        count: 1,
    };
    let event = holder.telemetry_event();
    for output in [
        format!("{:?}", event.key_values()),
        event.to_json().unwrap(),
        serde_json::to_string(&event).unwrap(),
    ] {
        assert!(!output.contains(CANARY), "{output}");
        for key in ["study", "maybe", "studies", "by_name"] {
            assert!(!output.contains(&format!("\"{key}\"")), "{key} in {output}");
        }
        assert!(output.contains("count"), "{output}");
    }
    assert_eq!(event.key_values().len(), 1);
    for key in Holder::CATALOGUE.keys() {
        match key.key {
            "count" => assert_eq!(key.expires, None),
            held => assert_eq!(key.expires.map(|e| e.date), Some("2020-01-01"), "{held}"),
        }
    }
}
