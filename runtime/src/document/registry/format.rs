//! Weaver's registry format (the stable one: a file of `groups`), as the
//! registry is written: groups, attributes, requirement levels, and
//! crewtel's facts as the annotation `crewtel`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::attribute::ERROR_TYPE_KEY;
use crate::catalogue::{CatalogueKey, Expiry, Source, ValueKind};
use crate::consent::Tier;

use super::{STABILITY, purpose};

#[derive(Serialize)]
pub(super) struct Registry {
    pub(super) groups: Vec<Group>,
}

#[derive(Serialize)]
pub(super) struct Group {
    pub(super) id: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) span_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) display_name: Option<String>,
    pub(super) brief: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) note: Option<String>,
    pub(super) stability: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) extends: Option<String>,
    pub(super) attributes: Vec<Attribute>,
}

impl Group {
    /// An attribute group: keys defined or referred to together.
    pub(super) fn attributes(
        id: String,
        display_name: &str,
        brief: String,
        attributes: Vec<Attribute>,
    ) -> Group {
        Group {
            id,
            kind: "attribute_group",
            span_kind: None,
            name: None,
            display_name: Some(display_name.to_owned()),
            brief,
            note: None,
            stability: STABILITY,
            extends: None,
            attributes,
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Attribute {
    Defined {
        id: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        brief: String,
        stability: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Referenced {
        #[serde(rename = "ref")]
        id: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        brief: Option<String>,
        requirement_level: Requirement,
        annotations: Annotations,
    },
    /// A resource key, as the entity refers to it.
    Resource {
        #[serde(rename = "ref")]
        id: &'static str,
    },
}

impl Attribute {
    /// Takes in the facts of another reference to the same key.
    pub(super) fn absorb(&mut self, other: Attribute) {
        let (
            Attribute::Referenced {
                requirement_level,
                annotations,
                ..
            },
            Attribute::Referenced {
                annotations: other, ..
            },
        ) = (self, other)
        else {
            return;
        };
        annotations.crewtel.also.push(other.crewtel);
        let all: Vec<&Facts> = core::iter::once(&annotations.crewtel)
            .chain(&annotations.crewtel.also)
            .collect();
        if all.iter().all(|facts| !facts.variants.is_empty()) {
            let tier = all[0].tier;
            if tier == Tier::Always && all.iter().all(|facts| facts.tier == tier) {
                let variants: Vec<&str> = all.iter().flat_map(|f| f.variants.clone()).collect();
                *requirement_level = Requirement::ConditionallyRequired(format!(
                    "Sent only with `{}`.",
                    variants.join("` or `")
                ));
                return;
            }
            let each: Vec<String> = all
                .iter()
                .map(|facts| {
                    let only = match facts.tier {
                        Tier::ShareCrew => " (only from crews that opted in with `share_crew`)",
                        Tier::Always => "",
                    };
                    format!("with `{}`{only}", facts.variants.join("` and `"))
                })
                .collect();
            *requirement_level =
                Requirement::ConditionallyRequired(format!("Sent only {}.", each.join("; ")));
        }
    }

    pub(super) fn id(&self) -> &'static str {
        match self {
            Attribute::Defined { id, .. }
            | Attribute::Referenced { id, .. }
            | Attribute::Resource { id } => id,
        }
    }

    /// A span's reference to `error_type`, sent when it fails.
    pub(super) fn error_type() -> Attribute {
        Attribute::Referenced {
            id: ERROR_TYPE_KEY,
            brief: None,
            requirement_level: Requirement::ConditionallyRequired(
                "Sent when the span failed.".to_owned(),
            ),
            annotations: Annotations {
                crewtel: Facts {
                    tier: Tier::Always,
                    value: ValueKind::String,
                    free_text: false,
                    source: Source::ErrorType,
                    rust_type: "&'static str",
                    at_end: true,
                    variants: Vec::new(),
                    expires: None,
                    nested: Vec::new(),
                    also: Vec::new(),
                },
            },
        }
    }
}

/// A requirement level as the format spells it: a word, or a word with its
/// condition.
pub(super) enum Requirement {
    Required,
    Recommended(String),
    ConditionallyRequired(String),
    OptIn,
}

impl Serialize for Requirement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (word, condition) = match self {
            Requirement::Required => return serializer.serialize_str("required"),
            Requirement::OptIn => return serializer.serialize_str("opt_in"),
            Requirement::Recommended(condition) => ("recommended", condition),
            Requirement::ConditionallyRequired(condition) => ("conditionally_required", condition),
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(word, condition)?;
        map.end()
    }
}

#[derive(Serialize)]
pub(super) struct Annotations {
    pub(super) crewtel: Facts,
}

/// crewtel's facts of one key, as the annotation `crewtel`.
#[derive(Serialize)]
pub(super) struct Facts {
    pub(super) tier: Tier,
    pub(super) value: ValueKind,
    pub(super) free_text: bool,
    pub(super) source: Source,
    pub(super) rust_type: &'static str,
    /// Added to the span when it ends.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub(super) at_end: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) variants: Vec<&'static str>,
    /// The last day it is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) expires: Option<Expiry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) nested: Vec<NestedKey>,
    /// The facts of the same key sent again under its name (by another
    /// variant, or by the event's end).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) also: Vec<Facts>,
}

impl Facts {
    pub(super) fn of(key: &CatalogueKey, at_end: bool) -> Facts {
        Facts {
            tier: key.tier,
            value: key.kind,
            free_text: key.free_text,
            source: key.source,
            rust_type: key.rust_type,
            at_end,
            variants: key.variants.clone(),
            expires: key.expires,
            nested: key.nested.iter().map(NestedKey::of).collect(),
            also: Vec::new(),
        }
    }
}

/// A key of a nested struct (inside a JSON value), with its own facts.
#[derive(Serialize)]
pub(super) struct NestedKey {
    pub(super) key: &'static str,
    pub(super) tier: Tier,
    pub(super) value: ValueKind,
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub(super) optional: bool,
    pub(super) free_text: bool,
    pub(super) purpose: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) variants: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) expires: Option<Expiry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) nested: Vec<NestedKey>,
}

impl NestedKey {
    pub(super) fn of(key: &CatalogueKey) -> NestedKey {
        NestedKey {
            key: key.key,
            tier: key.tier,
            value: key.kind,
            optional: key.optional,
            free_text: key.free_text,
            purpose: purpose(key.purpose),
            variants: key.variants.clone(),
            expires: key.expires,
            nested: key.nested.iter().map(NestedKey::of).collect(),
        }
    }
}
