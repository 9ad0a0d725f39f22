//! Property: whatever the content, a `never` field (or a `Secret`) never leaves
//! the process, a `share_crew` field leaves only from a consenting crew, and
//! text sent anonymously leaves only under a key the catalogue marks
//! `free_text`: in the JSON form, in the exporter's `KeyValue`s, nested and
//! flattened.

use std::collections::BTreeMap;

use crewtel::{Consent, Secret, Telemetry, catalogue::CatalogueKey};
use proptest::prelude::*;

#[derive(Telemetry, Debug)]
struct Agent {
    #[telemetry(always, free_text)]
    role: String,
    #[telemetry(share_crew)]
    goal: String,
    #[telemetry(never, len(always))]
    system_prompt: String,
    #[telemetry(never)]
    api_key: Secret<String>,
}

#[derive(Telemetry, Debug)]
struct Ids {
    #[telemetry(always, free_text)]
    crew_id: String,
    #[telemetry(share_crew)]
    crew_name: String,
    #[telemetry(never)]
    owner_email: String,
}

#[derive(Telemetry, Debug)]
struct Crew {
    #[telemetry(always, flatten)]
    ids: Ids,
    #[telemetry(always, len(always))]
    agents: Vec<Agent>,
    #[telemetry(share_crew, present(always))]
    inputs: BTreeMap<String, String>,
    #[telemetry(always)]
    lead: Option<Agent>,
    #[telemetry(never, present(always))]
    last_response: Option<String>,
    #[telemetry(consent)]
    share_crew: bool,
}

/// A marker that cannot occur by chance, nor inside another marker.
fn marker(tier: &'static str) -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{12}".prop_map(move |body| format!("<{tier}:{body}>"))
}

/// Free text for `always` fields: anything, unicode and JSON metacharacters
/// included, but never a marker's opening.
fn free_text() -> impl Strategy<Value = String> {
    "\\PC{0,16}".prop_map(|s| s.replace('<', "‹"))
}

fn agent() -> impl Strategy<Value = Agent> {
    (
        free_text(),
        marker("SHARE"),
        marker("NEVER"),
        marker("NEVER"),
    )
        .prop_map(|(role, goal, prompt, key)| Agent {
            role,
            goal,
            system_prompt: prompt,
            api_key: Secret::new(key),
        })
}

fn crew() -> impl Strategy<Value = Crew> {
    (
        (free_text(), marker("SHARE"), marker("NEVER")),
        prop::collection::vec(agent(), 0..4),
        prop::collection::btree_map(marker("SHARE"), marker("SHARE"), 0..3),
        prop::option::of(agent()),
        prop::option::of(marker("NEVER")),
        any::<bool>(),
    )
        .prop_map(
            |(
                (crew_id, crew_name, owner_email),
                agents,
                inputs,
                lead,
                last_response,
                share_crew,
            )| Crew {
                ids: Ids {
                    crew_id,
                    crew_name,
                    owner_email,
                },
                agents,
                inputs,
                lead,
                last_response,
                share_crew,
            },
        )
}

/// Every marker of `tier` written into the crew.
fn markers(crew: &Crew, tier: &str) -> Vec<String> {
    let mut all = vec![crew.ids.crew_name.clone(), crew.ids.owner_email.clone()];
    for agent in crew.agents.iter().chain(&crew.lead) {
        all.extend([
            agent.goal.clone(),
            agent.system_prompt.clone(),
            agent.api_key.expose().clone(),
        ]);
    }
    for (k, v) in &crew.inputs {
        all.extend([k.clone(), v.clone()]);
    }
    all.extend(crew.last_response.clone());
    let prefix = format!("<{tier}:");
    all.into_iter().filter(|m| m.starts_with(&prefix)).collect()
}

/// Everything an event puts out, in both forms.
fn sent(crew: &Crew, consent: Consent) -> String {
    let event = crew.telemetry_event_with(consent);
    let json = serde_json::to_string(&event).unwrap();
    let key_values = format!("{:?}", event.key_values());
    format!("{json}\n{key_values}")
}

/// Every text value the anonymous attributes carry, with the catalogue key
/// it is sent under (nested JSON-encoded values decoded by their catalogue).
fn anonymous_text<'k>(
    attributes: &serde_json::Map<String, serde_json::Value>,
    keys: &'k [CatalogueKey],
    out: &mut Vec<(&'k CatalogueKey, String)>,
) {
    for (name, value) in attributes {
        let key = keys
            .iter()
            .find(|key| key.key == name)
            .unwrap_or_else(|| panic!("`{name}` is sent but not in the catalogue"));
        match value {
            serde_json::Value::String(encoded) if !key.nested.is_empty() => {
                let decoded: serde_json::Value = serde_json::from_str(encoded).unwrap();
                let entries = match decoded {
                    serde_json::Value::Array(entries) => entries,
                    single => vec![single],
                };
                for entry in entries {
                    anonymous_text(entry.as_object().unwrap(), &key.nested, out);
                }
            }
            serde_json::Value::String(text) => out.push((key, text.clone())),
            serde_json::Value::Array(items) => out.extend(
                items
                    .iter()
                    .filter_map(|item| item.as_str())
                    .map(|text| (key, text.to_owned())),
            ),
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn never_fields_and_secrets_never_leave(crew in crew()) {
        for consent in [Consent::Anonymous, Consent::ShareCrew, crew.consent()] {
            let out = sent(&crew, consent);
            for marker in markers(&crew, "NEVER") {
                prop_assert!(!out.contains(&marker), "{marker} leaked under {consent:?}: {out}");
            }
        }
    }

    #[test]
    fn share_crew_fields_leave_only_with_consent(crew in crew()) {
        let anonymous = sent(&crew, Consent::Anonymous);
        let shared = sent(&crew, Consent::ShareCrew);
        for marker in markers(&crew, "SHARE") {
            prop_assert!(!anonymous.contains(&marker), "{marker} leaked anonymously: {anonymous}");
            // Under consent it does go out (in the JSON form, inside the
            // encoded nested values too), so the first check is not vacuous.
            prop_assert!(shared.contains(&marker), "{marker} missing when shared: {shared}");
        }
        let own = sent(&crew, crew.consent());
        prop_assert_eq!(own == shared, crew.share_crew);
    }

    #[test]
    fn anonymous_text_leaves_only_under_keys_marked_free_text(crew in crew()) {
        let keys = Crew::CATALOGUE.keys();
        let event = serde_json::to_value(crew.telemetry_event_with(Consent::Anonymous).attributes()).unwrap();
        let mut text = Vec::new();
        anonymous_text(event.as_object().unwrap(), &keys, &mut text);
        for (key, value) in &text {
            prop_assert!(key.free_text, "`{}` sent {value:?} anonymously without `free_text`", key.key);
        }
        // The roles and the crew id do go out, so the check is not vacuous.
        let expected = 1 + crew.agents.len() + usize::from(crew.lead.is_some());
        prop_assert_eq!(text.len(), expected);
    }
}
