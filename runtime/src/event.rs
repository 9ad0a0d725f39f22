//! The `Telemetry` trait a derive implements, the events it builds and the
//! visitor their attributes are walked with. How an event is written is its
//! adapters' business: JSON (`Event::to_json`, `Event::attributes`) and
//! key-values ([`Event::key_values`], in the `attribute` module).

use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;

use crate::catalogue::Catalogue;
use crate::consent::{Consent, ConsentFlag, Tier};
use crate::value::{Scalar, ScalarKind};

/// A struct whose classified fields make a telemetry event.
///
/// Derive it; every named field must be classified. See the crate
/// documentation for the attribute reference.
///
/// ```
/// use crewtel::{Consent, Telemetry};
///
/// #[derive(Telemetry)]
/// #[telemetry(event = "Agent Created")]
/// struct Agent {
///     /// The agent's role in its crew, as the user wrote it.
///     #[telemetry(always, free_text)]
///     role: String,
///     /// What the agent aims for.
///     #[telemetry(share_crew)]
///     goal: String,
/// }
///
/// let agent = Agent { role: "researcher".into(), goal: "find the cause".into() };
/// let json = serde_json::to_string(&agent.telemetry_event()).unwrap();
/// assert_eq!(json, r#"{"name":"Agent Created","consent":"anonymous","attributes":{"role":"researcher"}}"#);
/// let shared = agent.telemetry_event_with(Consent::ShareCrew);
/// assert_eq!(shared.key_values().len(), 2);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a telemetry struct",
    label = "`{Self}` does not derive `Telemetry`",
    note = "add `#[derive(crewtel::Telemetry)]` to it and classify its fields"
)]
pub trait Telemetry {
    /// The event (span) name: `#[telemetry(event = "...")]`, or the struct's name.
    const EVENT: &'static str;

    /// When the event is sent at all: `#[telemetry(share_crew)]` on the struct
    /// makes a whole event opt-in (CrewAI's "Crew Execution").
    const TIER: Tier = Tier::Always;

    /// Everything this struct can send: key, tier, Rust type and purpose.
    const CATALOGUE: &'static Catalogue;

    /// The types of the struct's flattened fields, as a list `(A, (B, ()))`:
    /// how crewtel proves at compile time that flattening ends. The derive
    /// writes it; a hand-written impl that flattens nothing writes
    /// `type Flattens = ();`.
    type Flattens;

    /// Written by the derive. An impl by hand must spell this hidden item
    /// (`type __DeriveOnly = ();`): such an impl skips every check the
    /// derive makes, and a reviewer finds each one by searching for it.
    #[doc(hidden)]
    type __DeriveOnly;

    /// The most attributes one event can carry: a capacity hint, constant
    /// once inlined.
    fn max_attributes() -> usize;

    /// The consent this value carries, if it has a `#[telemetry(consent)]`
    /// field. A struct nested or flattened in another is walked under the
    /// stricter of the outer consent and its own.
    fn own_consent(&self) -> Option<Consent> {
        None
    }

    /// The consent this value's events are built under: its own, or
    /// [`Consent::Anonymous`] when it has none.
    fn consent(&self) -> Consent {
        self.own_consent().unwrap_or(Consent::Anonymous)
    }

    /// Walks the attributes `consent` allows, in declaration order.
    fn visit_attributes<V: Visitor>(&self, consent: Consent, visitor: &mut V);

    /// The event under this value's own consent. A value without one (no
    /// `#[telemetry(consent)]` field) is anonymous, unless it ends a span:
    /// then it takes the span's consent (a task's output, sent when the
    /// task's span ends, is its crew's to share).
    fn telemetry_event(&self) -> Event<'_, Self> {
        match self.own_consent() {
            Some(consent) => Event::new(self, consent),
            None => Event {
                source: self,
                consent: Consent::Anonymous,
                own: false,
            },
        }
    }

    /// The event under an explicit consent (a task inherits its crew's).
    fn telemetry_event_with(&self, consent: Consent) -> Event<'_, Self> {
        Event::new(self, consent)
    }
}

/// Whether an event of `T` is sent under `consent`: its tier allows it and
/// it has not expired (a constant `false` for an event that does not
/// expire, once inlined).
#[inline]
pub(crate) fn allowed<T: Telemetry + ?Sized>(consent: Consent) -> bool {
    consent.allows(T::TIER) && !T::CATALOGUE.has_expired()
}

/// The key of an attribute, as a [`Visitor`] is given it: its name and,
/// where the derive wrote it, the pieces a JSON writer copies whole
/// (`,"name":`, and the same escaped as the contents of a string).
///
/// ```
/// use crewtel::event::AttributeKey;
///
/// const KEY: AttributeKey = AttributeKey::new("crew_id");
/// assert_eq!(KEY.name(), "crew_id");
/// ```
///
/// Two keys are equal when their names are, however they were made.
#[derive(Clone, Copy, Debug)]
pub struct AttributeKey {
    name: &'static str,
    once: &'static str,
    twice: &'static str,
}

impl AttributeKey {
    /// The key `name`.
    pub const fn new(name: &'static str) -> Self {
        AttributeKey {
            name,
            once: "",
            twice: "",
        }
    }

    /// The key's name, as it is sent.
    #[inline(always)]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The key as the derive writes it, in one string literal: the pieces
    /// `,"name":,\\"name\\":` for a name that needs no escape (a JSON
    /// writer copies them whole), or a NUL then the name for one that
    /// does. Not a public API.
    #[doc(hidden)]
    #[inline(always)]
    pub fn __literal(literal: &'static str) -> Self {
        match literal.as_bytes().first() {
            Some(0) => AttributeKey::new(&literal[1..]),
            Some(b',') if literal.len() >= 10 => {
                let name_len = (literal.len() - 10) / 2;
                // Checked: a string the derive did not write is a name.
                match literal.split_at_checked(name_len + 4) {
                    Some((once, twice)) => match once.get(2..2 + name_len) {
                        Some(name) => AttributeKey { name, once, twice },
                        None => AttributeKey::new(literal),
                    },
                    None => AttributeKey::new(literal),
                }
            }
            _ => AttributeKey::new(literal),
        }
    }

    /// `,"name":` (`once`) or `,\"name\":` (`!once`), if the derive
    /// wrote them.
    #[inline(always)]
    pub(crate) fn rendered(&self, once: bool) -> Option<&'static str> {
        let piece = if once { self.once } else { self.twice };
        (!piece.is_empty()).then_some(piece)
    }
}

impl PartialEq for AttributeKey {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for AttributeKey {}

impl core::hash::Hash for AttributeKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl core::fmt::Display for AttributeKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name)
    }
}

/// Receives the attributes of an event, one key at a time.
///
/// The derive generates a walk over exactly the keys the consent in force allows;
/// the event turns it into JSON ([`serde::Serialize`]) or
/// `KeyValue`s through a visitor, with no intermediate map. Implement it to send
/// events somewhere else.
pub trait Visitor {
    /// A scalar attribute.
    fn scalar(&mut self, key: AttributeKey, value: Scalar<'_>);

    /// An array attribute of scalars, all of `kind` when it is known.
    fn list<'v, I>(&mut self, key: AttributeKey, kind: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone;

    /// Nested structure (a map, or what [`object`](Visitor::object) and
    /// [`objects`](Visitor::objects) hand on), sent as one JSON-encoded
    /// string because attributes cannot nest.
    fn json<T: Serialize + ?Sized>(&mut self, key: AttributeKey, value: &T);

    /// A `Telemetry` struct nested under `key`, as its event (under the
    /// stricter of the outer consent and its own): sent as one JSON-encoded
    /// object of the keys that consent allows, `{}` when it allows none. By
    /// default, serialized through [`json`](Visitor::json); a visitor that
    /// writes JSON itself can walk it instead.
    #[inline]
    fn object<T: Telemetry + ?Sized>(&mut self, key: AttributeKey, object: Event<'_, T>) {
        self.json(key, &Nested(object));
    }

    /// A list of nested `Telemetry` structs under `key`, as their events:
    /// sent as one JSON-encoded list of objects. By default, serialized
    /// through [`json`](Visitor::json).
    #[inline]
    fn objects<'a, T, I>(&mut self, key: AttributeKey, objects: I)
    where
        T: Telemetry + ?Sized + 'a,
        I: Iterator<Item = Event<'a, T>> + Clone,
    {
        self.json(key, &NestedList(objects));
    }
}

/// A nested struct's event as it is serialized inside a JSON-encoded value:
/// the object of its attributes (`Serialize` is in `json`).
pub(crate) struct Nested<'a, T: ?Sized>(pub(crate) Event<'a, T>);

/// A list of nested structs' events, serialized as a list of [`Nested`].
pub(crate) struct NestedList<I>(pub(crate) I);

macro_rules! forward_pointers {
    ($($(#[$m:meta])* [$($p:tt)*])*) => {$(
        impl<T: Telemetry + ?Sized> Telemetry for $($p)* {
            const EVENT: &'static str = T::EVENT;
            const TIER: Tier = T::TIER;
            const CATALOGUE: &'static Catalogue = T::CATALOGUE;
            type Flattens = T::Flattens;
            type __DeriveOnly = T::__DeriveOnly;

            #[inline]
            fn max_attributes() -> usize {
                T::max_attributes()
            }

            fn own_consent(&self) -> Option<Consent> {
                (**self).own_consent()
            }

            #[inline]
            fn visit_attributes<V: Visitor>(&self, consent: Consent, visitor: &mut V) {
                (**self).visit_attributes(consent, visitor)
            }
        }
    )*};
}
forward_pointers!([&T] [Box<T>] [Rc<T>] [Arc<T>]);

// A telemetry value carries its consent: a `#[telemetry(consent)]` field of
// type `&Crew` gives a task's event its crew's. (Not recommended in errors:
// a field of the wrong type is told what a consent field can be, not the
// list of every `Telemetry` type.)
#[diagnostic::do_not_recommend]
impl<T: Telemetry + ?Sized> ConsentFlag for T {
    #[inline]
    fn consent(&self) -> Consent {
        Telemetry::consent(self)
    }
}

/// The consent `value`, nested or flattened in an event built under
/// `outer`, is walked under: the stricter of the two when it carries its own.
#[inline]
pub(crate) fn nested_consent<T: Telemetry + ?Sized>(value: &T, outer: Consent) -> Consent {
    match value.own_consent() {
        Some(own) => outer.stricter(own),
        None => outer,
    }
}

/// One telemetry event: a borrowed view of a `Telemetry` value under a consent.
///
/// Building one costs a reference and a copy of the consent; attributes are
/// produced only when the event is serialized or turned into `KeyValue`s, and
/// only for the keys the consent allows.
pub struct Event<'a, T: ?Sized> {
    pub(crate) source: &'a T,
    consent: Consent,
    /// Whether the consent is the event's own (its value's consent field,
    /// or given), not the anonymous default of a value without one.
    own: bool,
}

impl<T: ?Sized> Clone for Event<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Event<'_, T> {}

// Each method is bounded, not the impl: a method of an event of a type
// that breaks a rule is then reported as the rule (E0277), not as a method
// that exists but cannot be called (E0599).
impl<'a, T: ?Sized> Event<'a, T> {
    /// The event of `source` under `consent`.
    #[inline]
    pub fn new(source: &'a T, consent: Consent) -> Self
    where
        T: Telemetry,
    {
        Event {
            source,
            consent,
            own: true,
        }
    }

    /// The event as it ends a span built under `span`: under the stricter
    /// of the two consents, or the span's when the event has none of its
    /// own. An end can never send more than its span's consent allows.
    ///
    /// ```
    /// use crewtel::{Consent, Telemetry};
    ///
    /// #[derive(Telemetry)]
    /// struct TaskOutput {
    ///     /// The task's output.
    ///     #[telemetry(share_crew)]
    ///     output: String,
    /// }
    /// let out = TaskOutput { output: "42".into() };
    /// let end = |event: crewtel::Event<'_, TaskOutput>, span| event.ending(span).consent();
    /// assert_eq!(end(out.telemetry_event(), Consent::ShareCrew), Consent::ShareCrew);
    /// assert_eq!(end(out.telemetry_event(), Consent::Anonymous), Consent::Anonymous);
    /// let widened = out.telemetry_event_with(Consent::ShareCrew);
    /// assert_eq!(end(widened, Consent::Anonymous), Consent::Anonymous);
    /// ```
    #[inline]
    pub fn ending(self, span: Consent) -> Self
    where
        T: Telemetry,
    {
        let consent = match self.own {
            true => span.stricter(self.consent),
            false => span,
        };
        Event::new(self.source, consent)
    }

    /// The event of `source` nested in one built under `outer`: under the
    /// stricter of `outer` and `source`'s own consent.
    #[inline]
    pub(crate) fn nested(source: &'a T, outer: Consent) -> Self
    where
        T: Telemetry,
    {
        Event::new(source, nested_consent(source, outer))
    }

    /// The event (span) name.
    pub fn name(&self) -> &'static str
    where
        T: Telemetry,
    {
        T::EVENT
    }

    /// The consent the event was built under.
    pub fn consent(&self) -> Consent
    where
        T: Telemetry,
    {
        self.consent
    }

    /// The catalogue of everything this kind of event can carry.
    pub fn catalogue(&self) -> &'static Catalogue
    where
        T: Telemetry,
    {
        T::CATALOGUE
    }

    /// Whether the consent allows this event at all (an event declared
    /// `share_crew` is not sent anonymously; it then has no attributes),
    /// and it has not expired.
    #[inline]
    pub fn is_allowed(&self) -> bool
    where
        T: Telemetry,
    {
        allowed::<T>(self.consent)
    }

    /// Walks the attributes the consent allows.
    #[inline]
    pub fn visit<V: Visitor>(&self, visitor: &mut V)
    where
        T: Telemetry,
    {
        if self.is_allowed() {
            self.source.visit_attributes(self.consent, visitor);
        }
    }

    /// The attributes alone, as a serializable map.
    pub fn attributes(&self) -> Attributes<'a, T>
    where
        T: Telemetry,
    {
        Attributes {
            source: self.source,
            consent: self.consent,
        }
    }
}

impl<T: Telemetry + ?Sized> core::fmt::Debug for Event<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Event")
            .field("name", &T::EVENT)
            .field("consent", &self.consent)
            .finish_non_exhaustive()
    }
}

/// The attributes of an event as a serializable map.
pub struct Attributes<'a, T: ?Sized> {
    pub(crate) source: &'a T,
    pub(crate) consent: Consent,
}
