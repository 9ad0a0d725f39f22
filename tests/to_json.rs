//! `Event::to_json` writes the bytes `serde_json::to_string(&event)` does,
//! for every kind of value, in one pass; both are held to JSON built here
//! with `serde_json::json!`, independently of crewtel, and the nested JSON
//! `key_values()` carries is the same.

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

/// A struct nested alone, holding a list of structs in turn.
#[derive(Clone, Debug, Telemetry)]
struct Inner {
    /// A label.
    #[telemetry(always, free_text)]
    label: String,
    /// Kept for those that share.
    #[telemetry(share_crew)]
    note: String,
    /// Nested deeper.
    #[telemetry(always)]
    children: Vec<Entry>,
}

/// A struct sent only under `share_crew`: `{}` otherwise.
#[derive(Clone, Debug, Telemetry)]
#[telemetry(share_crew)]
struct OptIn {
    /// A number.
    #[telemetry(always)]
    n: u32,
}

/// A chain, cut at the nesting limit.
#[derive(Clone, Debug, Telemetry)]
struct Node {
    /// Its place in the chain.
    #[telemetry(always)]
    depth: u32,
    /// The next.
    #[telemetry(always)]
    next: Option<Box<Node>>,
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
    /// One nested struct.
    #[telemetry(always)]
    inner: Inner,
    /// An opt-in struct.
    #[telemetry(always)]
    opt_in: OptIn,
    /// A chain.
    #[telemetry(always)]
    chain: Option<Box<Node>>,
    #[telemetry(never)]
    _key: Secret<String>,
}

fn chain(length: u32) -> Option<Box<Node>> {
    (0..length).fold(None, |next, depth| Some(Box::new(Node { depth, next })))
}

fn float(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into)
}

fn entries(entries: &[Entry], shared: bool) -> serde_json::Value {
    entries
        .iter()
        .map(|e| {
            let mut object = serde_json::json!({"name": e.name, "weight": float(e.weight)});
            if shared {
                object["note"] = e.note.clone().into();
            }
            object
        })
        .collect()
}

/// `node` as it is nested at `depth`: `{}` at the limit.
fn node(node: &Node, depth: usize) -> serde_json::Value {
    if depth >= crewtel::attribute::MAX_NESTING {
        return serde_json::json!({});
    }
    let mut object = serde_json::json!({"depth": node.depth});
    if let Some(next) = &node.next {
        object["next"] = self::node(next, depth + 1);
    }
    object
}

/// What the event must be, built without crewtel (in declaration order:
/// serde_json's `preserve_order` is on for the suite).
fn expected(value: &Everything) -> String {
    let shared = value.consent == Consent::ShareCrew;
    let encoded = |v: serde_json::Value| serde_json::Value::String(v.to_string());
    let mut attributes = serde_json::json!({
        "text": value.text,
        "ratio": float(value.ratio),
        "count": value.count,
        "flag": value.flag,
    });
    if let Some(maybe) = value.maybe {
        attributes["maybe"] = maybe.into();
    }
    attributes["kind"] = match value.kind {
        Kind::Quick => "quick",
        Kind::Slow => "slow",
    }
    .into();
    attributes["tags"] = value.tags.clone().into();
    attributes["floats"] = value.floats.iter().map(|v| float(*v)).collect();
    attributes["entries"] = encoded(entries(&value.entries, shared));
    if shared {
        attributes["inputs"] = encoded(serde_json::json!(value.inputs));
    }
    let counts: serde_json::Map<_, _> = value
        .counts
        .iter()
        .map(|(k, v)| (k.clone(), (*v).into()))
        .collect();
    attributes["counts"] = encoded(counts.into());
    let mut inner = serde_json::json!({"label": value.inner.label});
    if shared {
        inner["note"] = value.inner.note.clone().into();
    }
    inner["children"] = entries(&value.inner.children, shared);
    attributes["inner"] = encoded(inner);
    attributes["opt_in"] = encoded(if shared {
        serde_json::json!({"n": value.opt_in.n})
    } else {
        serde_json::json!({})
    });
    if let Some(chain) = &value.chain {
        attributes["chain"] = encoded(node(chain, 0));
    }
    serde_json::json!({
        "name": "Every Kind",
        "consent": if shared { "share_crew" } else { "anonymous" },
        "attributes": attributes,
    })
    .to_string()
}

fn same(value: &Everything) {
    let event = value.telemetry_event();
    let json = event.to_json().unwrap();
    assert_eq!(json, expected(value));
    assert_eq!(json, serde_json::to_string(&event).unwrap());
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let key_values = event.key_values();
    assert_eq!(
        key_values.len(),
        parsed["attributes"].as_object().unwrap().len()
    );
    for kv in key_values {
        if let crewtel::attribute::Value::String(text) = &kv.value {
            assert_eq!(
                parsed["attributes"][kv.key.as_str()].as_str(),
                Some(&**text),
                "{}",
                kv.key
            );
        }
    }
}

fn everything(text: String, shared: bool) -> Everything {
    Everything {
        consent: if shared {
            Consent::ShareCrew
        } else {
            Consent::Anonymous
        },
        text: text.clone(),
        ratio: 0.5,
        count: 1,
        flag: true,
        maybe: None,
        kind: Kind::Quick,
        tags: Vec::new(),
        floats: Vec::new(),
        entries: Vec::new(),
        inputs: BTreeMap::new(),
        counts: HashMap::new(),
        inner: Inner {
            label: text.clone(),
            note: text,
            children: Vec::new(),
        },
        opt_in: OptIn { n: 3 },
        chain: None,
        _key: Secret::new("sk-1".into()),
    }
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
        (label, note) in (any::<String>(), any::<String>()),
        children in prop::collection::vec((any::<String>(), any::<f64>(), any::<String>()), 0..3),
        n in any::<u32>(),
        length in prop::option::of(0..40u32),
        shared in any::<bool>(),
    ) {
        let entry = |(name, weight, note)| Entry { name, weight, note };
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
            entries: entries.into_iter().map(entry).collect(),
            inputs,
            counts,
            inner: Inner { label, note, children: children.into_iter().map(entry).collect() },
            opt_in: OptIn { n },
            chain: length.and_then(chain),
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
        counts: HashMap::from([(text.clone(), 7)]),
        inner: Inner {
            label: text.clone(),
            note: text.clone(),
            children: vec![Entry {
                name: text.clone(),
                weight: 1e-7,
                note: text,
            }],
        },
        opt_in: OptIn { n: 1 },
        chain: chain(3),
        _key: Secret::new("sk-1".into()),
    });
}

#[test]
fn text_of_every_length_escapes_alike_wherever_the_escape_falls() {
    // Escapes before, inside, across and after each eight-byte word.
    for length in 0..20 {
        for at in 0..length {
            for escape in ['"', '\\', '\n', '\u{1}', '\u{1f}', 'é', '/'] {
                let mut text: Vec<char> = "abcdefghijklmnopqrstu".chars().take(length).collect();
                text[at] = escape;
                let text: String = text.into_iter().collect();
                same(&everything(text.clone(), false));
                same(&everything(text, true));
            }
        }
    }
}

#[test]
fn a_chain_deeper_than_the_limit_is_cut_alike() {
    for length in [31, 32, 33, 34, 100] {
        let mut value = everything("x".into(), false);
        value.chain = chain(length);
        same(&value);
    }
}

/// Keys the derive cannot write as one piece (they need escaping), nested
/// and not.
#[derive(Clone, Debug, Telemetry)]
struct OddKeyEntry {
    /// A value under a quoted key.
    #[telemetry(always, rename = "say \"hi\"")]
    said: u32,
    /// One under a backslash.
    #[telemetry(always, free_text, rename = "back\\slash")]
    slash: String,
}

#[derive(Clone, Debug, Telemetry)]
#[telemetry(event = "Odd Keys")]
struct OddKeys {
    /// First, so that the first key of the event is one that is escaped.
    #[telemetry(always, rename = "\"first\"")]
    first: bool,
    /// Nested.
    #[telemetry(always)]
    entries: Vec<OddKeyEntry>,
}

#[test]
fn keys_that_need_escaping_are_escaped_in_every_path() {
    let value = OddKeys {
        first: true,
        entries: vec![
            OddKeyEntry {
                said: 1,
                slash: "a\"b".into(),
            },
            OddKeyEntry {
                said: 2,
                slash: String::new(),
            },
        ],
    };
    let entries = serde_json::json!([
        {"say \"hi\"": 1, "back\\slash": "a\"b"},
        {"say \"hi\"": 2, "back\\slash": ""},
    ]);
    let expected = serde_json::json!({
        "name": "Odd Keys",
        "consent": "anonymous",
        "attributes": {"\"first\"": true, "entries": entries.to_string()},
    })
    .to_string();
    let event = value.telemetry_event();
    assert_eq!(event.to_json().unwrap(), expected);
    assert_eq!(serde_json::to_string(&event).unwrap(), expected);
    let key_values = event.key_values();
    assert_eq!(key_values[0].key.as_str(), "\"first\"");
    assert_eq!(
        key_values[1].value.as_str().as_ref(),
        entries.to_string().as_str()
    );
}

/// A chain of structs with a map at each level, which serde writes at the
/// depth the walk hands it; and a map of structs, which serde walks.
#[derive(Clone, Debug, Telemetry)]
struct Deep {
    /// Written by serde, first.
    #[telemetry(always, free_text)]
    sizes: BTreeMap<String, u32>,
    /// Below, by name: structs serde walks.
    #[telemetry(always, free_text)]
    below: BTreeMap<String, Deep>,
    /// The next, written by the walk after the maps.
    #[telemetry(always)]
    next: Option<Box<Deep>>,
    /// Read when it is sent: panics on request.
    #[telemetry(always, with = "checked")]
    fuse: bool,
}

fn checked(fuse: &bool) -> bool {
    assert!(!*fuse, "host code panics");
    false
}

fn leaf(fuse: bool) -> Deep {
    Deep {
        sizes: BTreeMap::from([("n".to_owned(), 1)]),
        below: BTreeMap::new(),
        next: None,
        fuse,
    }
}

/// `levels` structs deep through `next`, or through maps (`below`).
fn deep(levels: usize, through_maps: bool, fuse: bool) -> Deep {
    let mut deep = leaf(fuse);
    for _ in 0..levels {
        let mut outer = leaf(false);
        match through_maps {
            true => outer.below = BTreeMap::from([("x".to_owned(), deep)]),
            false => outer.next = Some(Box::new(deep)),
        }
        deep = outer;
    }
    deep
}

/// A host's own visitor, which leaves nested structs to serde (the
/// `Visitor`'s defaults).
#[derive(Default)]
struct SerdeVisitor(Vec<String>);

impl crewtel::event::Visitor for SerdeVisitor {
    fn scalar(&mut self, _: crewtel::event::AttributeKey, _: crewtel::value::Scalar<'_>) {}
    fn list<'v, I>(
        &mut self,
        _: crewtel::event::AttributeKey,
        _: Option<crewtel::value::ScalarKind>,
        _: I,
    ) where
        I: Iterator<Item = crewtel::value::Scalar<'v>> + Clone,
    {
    }
    fn json<T: serde::Serialize + ?Sized>(&mut self, _: crewtel::event::AttributeKey, value: &T) {
        self.0.push(serde_json::to_string(value).unwrap());
    }
}

fn through_serde(value: &Deep) -> Vec<String> {
    let mut visitor = SerdeVisitor::default();
    value.telemetry_event().visit(&mut visitor);
    visitor.0
}

#[test]
fn a_deep_walk_or_a_panic_in_host_code_leaves_later_events_whole() {
    let shallow = deep(2, true, false);
    let before = through_serde(&shallow);
    assert_eq!(before[0], r#"{"n":1}"#);
    assert!(before[1].contains(r#"{"x":{"sizes":{"n":1},"below":{"x":{"sizes""#));
    // A walk that ends deep in a chain, and one that panics deep in maps.
    let _ = deep(31, false, false).telemetry_event().to_json();
    assert_eq!(through_serde(&shallow), before);
    let unwound = std::panic::catch_unwind(|| deep(30, true, true).telemetry_event().to_json());
    assert!(unwound.is_err());
    assert_eq!(through_serde(&shallow), before);
    assert_eq!(
        shallow.telemetry_event().to_json().unwrap(),
        serde_json::to_string(&shallow.telemetry_event()).unwrap()
    );
}

#[test]
fn attribute_keys_are_equal_by_name() {
    use crewtel::event::AttributeKey;
    let written = AttributeKey::__literal(r#","n":,\"n\":"#);
    assert_eq!(written, AttributeKey::new("n"));
    let hash = |key: AttributeKey| {
        use std::hash::{BuildHasher, RandomState};
        let state = RandomState::new();
        (state.hash_one(key), state.hash_one(AttributeKey::new("n")))
    };
    let (a, b) = hash(written);
    assert_eq!(a, b);
    // Not written by the derive: read as a name, not split.
    assert_eq!(AttributeKey::__literal(",ééééé").name(), ",ééééé");
}
