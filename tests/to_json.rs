//! `Event::to_json` writes the bytes `serde_json::to_string(&event)` does,
//! for every kind of value, in one pass.

use std::collections::{BTreeMap, HashMap};

use crewtel::{Consent, Secret, Telemetry, TelemetryValue};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, TelemetryValue)]
enum Kind {
    Quick,
    Slow,
}

#[derive(Clone, Debug, Telemetry)]
struct Entry {
    /// A name.
    #[telemetry(always, free_text)]
    name: String,
    /// A weight.
    #[telemetry(always)]
    weight: f64,
    /// Kept for those that share.
    #[telemetry(share_crew)]
    note: String,
}

#[derive(Clone, Debug, Telemetry)]
#[telemetry(event = "Every Kind")]
struct Everything {
    /// The consent.
    #[telemetry(consent)]
    consent: Consent,
    /// Text.
    #[telemetry(always, free_text)]
    text: String,
    /// A float.
    #[telemetry(always)]
    ratio: f64,
    /// An integer.
    #[telemetry(always)]
    count: i64,
    /// A boolean.
    #[telemetry(always)]
    flag: bool,
    /// Maybe.
    #[telemetry(always)]
    maybe: Option<u32>,
    /// A closed value.
    #[telemetry(always)]
    kind: Kind,
    /// A list of text.
    #[telemetry(always, free_text)]
    tags: Vec<String>,
    /// Floats.
    #[telemetry(always)]
    floats: Vec<f64>,
    /// Nested entries.
    #[telemetry(always)]
    entries: Vec<Entry>,
    /// A map.
    #[telemetry(share_crew)]
    inputs: BTreeMap<String, String>,
    /// Another.
    #[telemetry(always, free_text)]
    counts: HashMap<String, u32>,
    #[telemetry(never)]
    _key: Secret<String>,
}

fn same(value: &Everything) {
    let event = value.telemetry_event();
    assert_eq!(
        event.to_json().unwrap(),
        serde_json::to_string(&event).unwrap()
    );
}

proptest! {
    #[test]
    fn the_bytes_are_serde_jsons(
        text in any::<String>(),
        ratio in any::<f64>(),
        count in any::<i64>(),
        flag in any::<bool>(),
        maybe in any::<Option<u32>>(),
        tags in prop::collection::vec(any::<String>(), 0..4),
        floats in prop::collection::vec(any::<f64>(), 0..4),
        entries in prop::collection::vec((any::<String>(), any::<f64>(), any::<String>()), 0..4),
        inputs in prop::collection::btree_map(any::<String>(), any::<String>(), 0..3),
        counts in prop::collection::hash_map(any::<String>(), any::<u32>(), 0..3),
        shared in any::<bool>(),
    ) {
        same(&Everything {
            consent: if shared { Consent::ShareCrew } else { Consent::Anonymous },
            text,
            ratio,
            count,
            flag,
            maybe,
            kind: if flag { Kind::Quick } else { Kind::Slow },
            tags,
            floats,
            entries: entries
                .into_iter()
                .map(|(name, weight, note)| Entry { name, weight, note })
                .collect(),
            inputs,
            counts,
            _key: Secret::new("sk-1".into()),
        });
    }
}

#[test]
fn escapes_and_odd_floats_are_written_alike() {
    let text = "\"quoted\" \\ \n\r\t\u{8}\u{c}\u{1}\u{7f} é 🦙 \u{2028}".to_owned();
    same(&Everything {
        consent: Consent::ShareCrew,
        text: text.clone(),
        ratio: f64::NAN,
        count: i64::MIN,
        flag: true,
        maybe: None,
        kind: Kind::Slow,
        tags: vec![text.clone(), String::new()],
        floats: vec![f64::INFINITY, -0.0, 1e300, 5e-324],
        entries: vec![Entry {
            name: text.clone(),
            weight: f64::NEG_INFINITY,
            note: text.clone(),
        }],
        inputs: BTreeMap::from([(text.clone(), text.clone())]),
        counts: HashMap::from([(text, 7)]),
        _key: Secret::new("sk-1".into()),
    });
}
