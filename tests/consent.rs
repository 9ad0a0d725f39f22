//! What each consent lets through, including through nesting and flatten.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use crewtel::{Consent, Telemetry};
use serde_json::json;
use support::{attributes, crew, keys, task};

#[test]
fn anonymous_crew_sends_only_always_keys() {
    let crew = crew(false);
    let event = crew.telemetry_event();
    assert_eq!(event.consent(), Consent::Anonymous);
    assert_eq!(event.name(), "Crew Created");
    assert_eq!(
        keys(event),
        [
            "crew_id",
            "crew_process",
            "crew_memory",
            "crew_agents",
            "crew_number_of_agents",
            "crew_inputs_present"
        ]
    );
}

#[test]
fn sharing_crew_adds_share_crew_keys() {
    let crew = crew(true);
    let event = crew.telemetry_event();
    assert_eq!(event.consent(), Consent::ShareCrew);
    assert_eq!(
        keys(event),
        [
            "crew_id",
            "crew_label",
            "crew_process",
            "crew_memory",
            "crew_agents",
            "crew_number_of_agents",
            "crew_inputs",
            "crew_inputs_present",
            "manager"
        ]
    );
}

#[test]
fn explicit_consent_overrides_the_consent_field() {
    let opted_in = crew(true);
    let event = opted_in.telemetry_event_with(Consent::Anonymous);
    assert!(!keys(event).contains(&"crew_inputs".to_owned()));
    let opted_out = crew(false);
    let event = opted_out.telemetry_event_with(Consent::ShareCrew);
    assert!(keys(event).contains(&"crew_inputs".to_owned()));
}

#[test]
fn nested_entries_are_filtered_by_their_own_classes_under_the_outer_consent() {
    let anonymous = attributes(crew(false).telemetry_event());
    let agents: serde_json::Value = serde_json::from_str(
        anonymous["crew_agents"]
            .as_str()
            .expect("a JSON-encoded string"),
    )
    .unwrap();
    assert_eq!(
        agents,
        json!([
            {"role": "researcher", "llm": "gpt-4o-mini", "tools_names": ["search"]},
            {"role": "researcher", "llm": "gpt-4o-mini", "tools_names": ["search"]}
        ])
    );

    let shared = attributes(crew(true).telemetry_event());
    let agents: serde_json::Value =
        serde_json::from_str(shared["crew_agents"].as_str().unwrap()).unwrap();
    assert_eq!(agents[0]["goal"], "goal a1");
    assert_eq!(agents[1]["backstory"], "backstory a2");
    assert!(agents[0].get("system_prompt").is_none());
    let manager: serde_json::Value =
        serde_json::from_str(shared["manager"].as_str().unwrap()).unwrap();
    assert_eq!(manager["goal"], "goal m");
}

#[test]
fn flatten_brings_the_inner_keys_under_the_outer_consent() {
    let task = task();
    let anonymous = attributes(task.telemetry_event_with(Consent::Anonymous));
    assert_eq!(anonymous, json!({"crew_id": "c-1", "task_id": "t-1"}));
    let shared = attributes(task.telemetry_event_with(Consent::ShareCrew));
    assert_eq!(
        shared,
        json!({
            "crew_id": "c-1",
            "crew_label": "label",
            "task_id": "t-1",
            "formatted_description": "count llamas",
            "task_output": "42 llamas"
        })
    );
}

#[test]
fn a_share_crew_flatten_sends_nothing_anonymously() {
    #[derive(Telemetry)]
    struct Execution {
        #[telemetry(share_crew, flatten)]
        crew: support::CrewIds,
        #[telemetry(always)]
        attempt: u8,
    }
    let execution = Execution {
        crew: task().crew,
        attempt: 1,
    };
    assert_eq!(
        attributes(execution.telemetry_event()),
        json!({"attempt": 1})
    );
    assert_eq!(
        attributes(execution.telemetry_event_with(Consent::ShareCrew)),
        json!({"crew_id": "c-1", "crew_label": "label", "attempt": 1})
    );
}

#[test]
fn a_share_crew_nested_struct_is_not_read_anonymously() {
    static CONVERSIONS: AtomicUsize = AtomicUsize::new(0);
    fn counted(goal: &str) -> String {
        CONVERSIONS.fetch_add(1, Ordering::SeqCst);
        goal.to_owned()
    }
    #[derive(Telemetry)]
    struct Agent {
        #[telemetry(always, free_text)]
        role: String,
        #[telemetry(share_crew, with = "counted")]
        goal: String,
    }
    #[derive(Telemetry)]
    struct Crew {
        #[telemetry(always)]
        agents: Vec<Agent>,
        #[telemetry(share_crew)]
        lead: Agent,
    }
    let crew = Crew {
        agents: vec![Agent {
            role: "r".into(),
            goal: "g".into(),
        }],
        lead: Agent {
            role: "l".into(),
            goal: "lg".into(),
        },
    };
    let _ = crew.telemetry_event().key_values();
    let _ = serde_json::to_string(&crew.telemetry_event()).unwrap();
    assert_eq!(
        CONVERSIONS.load(Ordering::SeqCst),
        0,
        "a share_crew field was read without consent"
    );
    let _ = crew.telemetry_event_with(Consent::ShareCrew).key_values();
    assert_eq!(
        CONVERSIONS.load(Ordering::SeqCst),
        2,
        "both the listed agent's and the lead's goal"
    );
}

#[test]
fn a_struct_without_a_consent_field_is_anonymous() {
    let task = task();
    assert_eq!(task.telemetry_event().consent(), Consent::Anonymous);
    assert_eq!(keys(task.telemetry_event()), ["crew_id", "task_id"]);
}

#[test]
fn the_json_event_carries_name_consent_and_attributes() {
    let task = task();
    let json = serde_json::to_value(task.telemetry_event()).unwrap();
    assert_eq!(
        json,
        json!({"name": "Task Created", "consent": "anonymous", "attributes": {"crew_id": "c-1", "task_id": "t-1"}})
    );
}

#[derive(Telemetry)]
#[telemetry(event = "Crew Execution", share_crew)]
struct CrewExecution {
    #[telemetry(always)]
    crew_id: &'static str,
    #[telemetry(share_crew)]
    crew_inputs: &'static str,
}

#[test]
fn a_share_crew_event_is_empty_unless_shared() {
    let execution = CrewExecution {
        crew_id: "c",
        crew_inputs: "i",
    };
    let anonymous = execution.telemetry_event_with(Consent::Anonymous);
    assert!(!anonymous.is_allowed());
    assert!(anonymous.key_values().is_empty());
    assert_eq!(attributes(anonymous), json!({}));
    let shared = execution.telemetry_event_with(Consent::ShareCrew);
    assert!(shared.is_allowed());
    assert_eq!(
        attributes(shared),
        json!({"crew_id": "c", "crew_inputs": "i"})
    );
    // Its catalogue says so: every key is share_crew, whatever its own class.
    assert!(
        CrewExecution::CATALOGUE
            .keys()
            .iter()
            .all(|k| k.tier == crewtel::catalogue::Tier::ShareCrew)
    );

    // Nested or flattened, it shows nothing anonymously either.
    #[derive(Telemetry)]
    struct Outer {
        #[telemetry(always)]
        nested: CrewExecution,
        #[telemetry(always, flatten)]
        flat: CrewExecution,
    }
    let outer = Outer {
        nested: CrewExecution {
            crew_id: "n",
            crew_inputs: "ni",
        },
        flat: CrewExecution {
            crew_id: "f",
            crew_inputs: "fi",
        },
    };
    assert_eq!(attributes(outer.telemetry_event()), json!({"nested": "{}"}));
}

/// A task's event, whose consent is its crew's.
#[derive(Telemetry)]
#[telemetry(event = "Task Execution")]
struct TaskExecution<'a> {
    /// The crew the task runs in.
    #[telemetry(consent)]
    crew: &'a support::Crew,
    /// The task's number.
    #[telemetry(always)]
    number: u32,
    /// What the task asks for.
    #[telemetry(share_crew)]
    description: &'static str,
}

#[test]
fn a_consent_field_of_a_telemetry_type_gives_the_event_that_value_s_consent() {
    for share_crew in [false, true] {
        let crew = crew(share_crew);
        let execution = TaskExecution {
            crew: &crew,
            number: 1,
            description: "count the llamas",
        };
        let event = execution.telemetry_event();
        assert_eq!(event.consent(), crew.consent());
        let expected: &[&str] = if share_crew {
            &["number", "description"]
        } else {
            &["number"]
        };
        assert_eq!(keys(event), expected, "share_crew = {share_crew}");
    }
}

/// An event made of a crew (its keys as it classifies them, and its
/// consent) and a key of its own.
#[derive(Telemetry)]
#[telemetry(event = "Crew Created")]
struct CrewCreated<'a> {
    /// The crew.
    #[telemetry(consent, flatten)]
    crew: &'a support::Crew,
    /// How many times the crew was built.
    #[telemetry(share_crew)]
    builds: u32,
}

#[test]
fn a_flattened_consent_field_sends_its_keys_under_its_own_consent() {
    for share_crew in [false, true] {
        let crew = crew(share_crew);
        let created = CrewCreated {
            crew: &crew,
            builds: 3,
        };
        let event = created.telemetry_event();
        assert_eq!(event.consent(), crew.consent());
        let mut expected = keys(crew.telemetry_event());
        if share_crew {
            expected.push("builds".to_owned());
        }
        assert_eq!(keys(event), expected, "share_crew = {share_crew}");
        assert_eq!(
            CrewCreated::CATALOGUE.keys().len(),
            support::Crew::CATALOGUE.keys().len() + 1
        );
    }
}

/// An event whose consent is a `Consent` its host computed.
#[derive(Telemetry)]
struct Decided {
    #[telemetry(consent)]
    consent: Consent,
    /// Content.
    #[telemetry(share_crew)]
    content: u32,
}

#[test]
fn a_consent_field_can_be_a_consent() {
    for consent in [Consent::Anonymous, Consent::ShareCrew] {
        let event = Decided {
            consent,
            content: 1,
        };
        assert_eq!(event.telemetry_event().consent(), consent);
        assert_eq!(
            keys(event.telemetry_event()).len(),
            usize::from(consent == Consent::ShareCrew)
        );
    }
}

/// An event of one crew that names another (a crew that delegates to a
/// sub-crew), nested and flattened.
#[derive(Telemetry)]
#[telemetry(event = "Crew Delegated")]
struct Delegated<'a> {
    /// The delegating crew: its consent is the event's.
    #[telemetry(consent)]
    from: &'a support::Crew,
    /// The crew delegated to, as an object.
    #[telemetry(always)]
    to: &'a support::Crew,
    #[telemetry(always, flatten)]
    flattened: &'a support::Crew,
}

#[test]
fn a_nested_or_flattened_crew_that_did_not_opt_in_shares_nothing_whatever_the_event() {
    let sharing = crew(true);
    let private = crew(false);
    let delegated = Delegated {
        from: &sharing,
        to: &private,
        flattened: &private,
    };
    for event in [
        delegated.telemetry_event(),
        delegated.telemetry_event_with(Consent::ShareCrew),
    ] {
        assert_eq!(event.consent(), Consent::ShareCrew);
        let json = serde_json::to_string(&event.attributes()).unwrap();
        assert!(
            !json.contains("crew_inputs\"") && !json.contains("crew_label"),
            "the private crew's content was sent: {json}"
        );
        assert!(json.contains("crew_process"), "its usage data is: {json}");
    }
    // The other way round, the sharing crew nested in a private one's event
    // shares nothing either: the stricter consent wins.
    let reversed = Delegated {
        from: &private,
        to: &sharing,
        flattened: &sharing,
    };
    let json = serde_json::to_string(&reversed.telemetry_event().attributes()).unwrap();
    assert!(!json.contains("crew_label"), "{json}");
    // And a crew nested in its own event shares as it chose.
    let own = Delegated {
        from: &sharing,
        to: &sharing,
        flattened: &sharing,
    };
    let json = serde_json::to_string(&own.telemetry_event().attributes()).unwrap();
    assert!(json.contains("crew_label"), "{json}");
}
