//! Serialization of events and of nested structure, through the same visitor
//! walk that builds exporter attributes: the JSON adapter over the traits of
//! `telemetry` and `emit`, with the std impls of `Emit` written as JSON.

use core::fmt;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::catalogue::Catalogue;
use crate::catalogue::Shape;
use crate::consent::Consent;
use crate::emit::{Element, ElementVia, Emit, EmitVia};
use crate::event::Visitor;
use crate::event::{AttributeKey, Attributes, Event, Nested, NestedList, Telemetry};
use crate::json_writer::{at_depth, encode_object, encode_objects, one_deeper, within_nesting};
use crate::value::{Scalar, ScalarKind, TelemetryValue, Text};

impl Serialize for Text<'_> {
    #[inline(always)]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Scalar<'_> {
    // Always: the variant is known where the value is made, so the match
    // folds away once inlined (measured: 5% of an event's instructions).
    #[inline(always)]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Scalar::Bool(v) => serializer.serialize_bool(*v),
            Scalar::I64(v) => serializer.serialize_i64(*v),
            Scalar::F64(v) => serializer.serialize_f64(*v),
            Scalar::Text(v) => v.serialize(serializer),
        }
    }
}

impl fmt::Display for Scalar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(v) => v.fmt(f),
            Scalar::I64(v) => v.fmt(f),
            Scalar::F64(v) => v.fmt(f),
            Scalar::Text(v) => f.write_str(v.as_str()),
        }
    }
}

/// How a nested list or map is written inside serialized attributes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nesting {
    /// As the JSON-encoded string that goes on the wire (top-level attributes).
    EncodedString,
    /// As plain nested JSON (inside an already encoded value).
    Inline,
}

/// Writes visited attributes as entries of a serde map.
pub(crate) struct MapVisitor<M: SerializeMap> {
    map: M,
    nesting: Nesting,
    error: Option<M::Error>,
}

impl<M: SerializeMap> MapVisitor<M> {
    pub(crate) fn new(map: M, nesting: Nesting) -> Self {
        MapVisitor {
            map,
            nesting,
            error: None,
        }
    }

    #[inline]
    fn entry<V: Serialize + ?Sized>(&mut self, key: AttributeKey, value: &V) {
        if self.error.is_none()
            && let Err(error) = self.map.serialize_entry(key.name(), value)
        {
            self.error = Some(error);
        }
    }

    /// An entry whose value is already encoded (or failed to be).
    fn encoded(&mut self, key: AttributeKey, encoded: serde_json::Result<String>) {
        match encoded {
            Ok(encoded) => self.entry(key, &encoded),
            Err(error) => {
                if self.error.is_none() {
                    self.error = Some(serde::ser::Error::custom(error));
                }
            }
        }
    }

    pub(crate) fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

impl<M: SerializeMap> Visitor for MapVisitor<M> {
    #[inline]
    fn scalar(&mut self, key: AttributeKey, value: Scalar<'_>) {
        self.entry(key, &value);
    }

    fn list<'v, I>(&mut self, key: AttributeKey, _: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone,
    {
        self.entry(key, &Seq(items));
    }

    fn json<T: Serialize + ?Sized>(&mut self, key: AttributeKey, value: &T) {
        match self.nesting {
            Nesting::Inline => self.entry(key, value),
            Nesting::EncodedString => self.encoded(key, encode(value)),
        }
    }

    fn object<T: Telemetry + ?Sized>(&mut self, key: AttributeKey, object: Event<'_, T>) {
        match self.nesting {
            Nesting::Inline => self.entry(key, &Nested(object)),
            Nesting::EncodedString => self.encoded(key, encode_object(object)),
        }
    }

    fn objects<'a, T, I>(&mut self, key: AttributeKey, objects: I)
    where
        T: Telemetry + ?Sized + 'a,
        I: Iterator<Item = Event<'a, T>> + Clone,
    {
        match self.nesting {
            Nesting::Inline => self.entry(key, &NestedList(objects)),
            Nesting::EncodedString => self.encoded(key, encode_objects(objects)),
        }
    }
}

/// Serializes the attributes of `value` under `consent` as one map.
#[inline]
pub(crate) fn serialize_attributes<T, S>(
    value: &T,
    consent: Consent,
    nesting: Nesting,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    T: Telemetry + ?Sized,
    S: Serializer,
{
    let mut visitor = MapVisitor::new(serializer.serialize_map(None)?, nesting);
    value.visit_attributes(consent, &mut visitor);
    visitor.end()
}

struct Seq<I>(I);

impl<'v, I> Serialize for Seq<I>
where
    I: Iterator<Item = Scalar<'v>> + Clone,
{
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

/// `value` as the JSON string a top-level attribute carries, its nesting
/// counted from here.
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    at_depth(0, || serde_json::to_string(value))
}

impl<T: Telemetry + ?Sized> Serialize for Nested<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A struct sent only under `share_crew` shows nothing otherwise, and
        // one nested too deep shows nothing either.
        one_deeper(|depth| {
            if !self.0.is_allowed() || !within_nesting(depth) {
                return serializer.collect_map(core::iter::empty::<((), ())>());
            }
            serialize_attributes(self.0.source, self.0.consent(), Nesting::Inline, serializer)
        })
    }
}

impl<'a, T, I> Serialize for NestedList<I>
where
    T: Telemetry + ?Sized + 'a,
    I: Iterator<Item = Event<'a, T>> + Clone,
{
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone().map(Nested))
    }
}

/// One entry of a list or map, serialized under the consent in force.
struct Entry<'a, T: ?Sized> {
    value: &'a T,
    consent: Consent,
}

impl<T: Element + ?Sized> Serialize for Entry<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize_entry(self.consent, serializer)
    }
}

/// A map whose values are filtered by their own classes under `consent`.
pub(crate) struct JsonMap<I> {
    entries: I,
    consent: Consent,
}

impl<I> JsonMap<I> {
    pub(crate) fn new(entries: I, consent: Consent) -> Self {
        JsonMap { entries, consent }
    }
}

struct MapKey<'a>(Scalar<'a>);

impl Serialize for MapKey<'_> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Scalar::Text(text) => serializer.serialize_str(text.as_str()),
            other => serializer.collect_str(other),
        }
    }
}

impl<'a, K, V, I> Serialize for JsonMap<I>
where
    K: TelemetryValue + 'a,
    V: Element + 'a,
    I: Iterator<Item = (&'a K, &'a V)> + Clone,
{
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let consent = self.consent;
        // An entry whose key is not of the kind its type declares is left
        // out (a key cannot be `null`).
        serializer.collect_map(self.entries.clone().filter_map(|(key, value)| {
            let key = key.telemetry_value();
            crate::declared_kind::holds::<K>(&key)
                .then_some((MapKey(key), Entry { value, consent }))
        }))
    }
}

/// Serialized as `{"name": ..., "consent": ..., "attributes": {...}}`, the
/// attributes exactly as they are sent (nested lists as JSON-encoded strings).
impl<T: Telemetry + ?Sized> Serialize for Event<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut event = serializer.serialize_struct("Event", 3)?;
        event.serialize_field("name", T::EVENT)?;
        event.serialize_field("consent", &self.consent())?;
        event.serialize_field("attributes", &self.attributes())?;
        event.end()
    }
}

impl<T: Telemetry + ?Sized> Serialize for Attributes<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !crate::event::allowed::<T>(self.consent) {
            return serializer.collect_map(core::iter::empty::<((), ())>());
        }
        serialize_attributes(
            self.source,
            self.consent,
            Nesting::EncodedString,
            serializer,
        )
    }
}

// The std impls of `Emit` that are written as JSON: maps, and lists of
// `Telemetry` structs (their traits are in `emit`, which needs no JSON).
macro_rules! maps {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)*> Emit for $t {
            type Via = crate::emit::Own;

            #[inline]
            fn emit<Vis: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut Vis) {
                // A map of structs that expired is not sent (its names would be).
                if V::SHAPE.has_expired() {
                    return;
                }
                visitor.json(key, &JsonMap::new(self.iter(), consent));
            }
            const SHAPE: Shape = V::SHAPE.mapped();
        }
    )*};
}
maps! {
    [K: TelemetryValue, V: Element] BTreeMap<K, V>;
    ['a, K: TelemetryValue, V: Element] &'a BTreeMap<K, V>;
    [K: TelemetryValue, V: Element, S] HashMap<K, V, S>;
    ['a, K: TelemetryValue, V: Element, S] &'a HashMap<K, V, S>;
}

/// How a `Telemetry` struct nested in another is sent: as a JSON object
/// under its key, or a JSON-encoded list of them. The derive's `Emit` and
/// `Element` impls for a struct (and `&` and `Box` of it) name it and write
/// nothing else.
pub struct AsObject;

fn catalogue_of<T: Telemetry + ?Sized>() -> &'static Catalogue {
    T::CATALOGUE
}

impl<T: Telemetry + ?Sized> EmitVia<T> for AsObject {
    const SHAPE: Shape = Shape::object(Some(catalogue_of::<T>));

    #[inline]
    fn emit<V: Visitor>(value: &T, key: AttributeKey, consent: Consent, visitor: &mut V) {
        // A struct that expired is not sent, not even as `{}`.
        if T::CATALOGUE.has_expired() {
            return;
        }
        visitor.object(key, Event::nested(value, consent));
    }
}

impl<T: Telemetry + ?Sized> ElementVia<T> for AsObject {
    const SHAPE: Shape = Shape::object(Some(catalogue_of::<T>));

    #[inline]
    fn emit_list<'a, V, I>(items: I, key: AttributeKey, consent: Consent, visitor: &mut V)
    where
        T: 'a,
        V: Visitor,
        I: Iterator<Item = &'a T> + Clone,
    {
        // A list of structs that expired is not sent, not even its length.
        if T::CATALOGUE.has_expired() {
            return;
        }
        visitor.objects(key, items.map(move |item| Event::nested(item, consent)));
    }

    fn serialize_entry<S: Serializer>(
        value: &T,
        consent: Consent,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        Nested(Event::nested(value, consent)).serialize(serializer)
    }
}
