//! How a field's value becomes attributes: the traits the derive calls into.
//!
//! These are hidden from the documentation (they are reached through
//! `crewtel::__private`); their `on_unimplemented` messages are what a host
//! reads when a field's type cannot be sent.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::catalogue::Shape;
use crate::consent::Consent;
use crate::event::{AttributeKey, Visitor};
use crate::secret::{Countable, Secret, SecretIsNeverSent};
use crate::value::{Scalar, TelemetryValue};

/// A field value that can be sent: a scalar, an `Option`, a list, a map or a
/// nested `Telemetry` struct.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as telemetry",
    label = "`{Self}` is not a telemetry value",
    note = "a `Secret` anywhere in it can only be classified `#[telemetry(never)]`; otherwise derive `Telemetry` (a struct) or `TelemetryValue` (a unit-only enum) for the type, or classify the field `#[telemetry(never)]`"
)]
pub trait Emit {
    /// How the value is sent when its impl writes no method of its own: a
    /// derived struct's impls name `AsObject` and
    /// nothing else, so that each costs the compiler an associated type, not
    /// methods to check. Impls that write their methods name `Own`.
    #[doc(hidden)]
    type Via: EmitVia<Self>;

    /// Visits the attribute(s) this value sends under `key`.
    #[doc(hidden)]
    #[inline]
    fn emit<V: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut V) {
        <Self::Via as EmitVia<Self>>::emit(self, key, consent, visitor);
    }

    /// What the value is sent as, and where the catalogue of the struct
    /// nested in it is, if it nests one.
    #[doc(hidden)]
    const SHAPE: Shape = <Self::Via as EmitVia<Self>>::SHAPE;
}

/// How a kind of value is sent: what an [`Emit`] impl that writes no method
/// takes from its `Via`.
pub trait EmitVia<T: ?Sized> {
    /// What the value is sent as.
    const SHAPE: Shape;

    /// Visits the attribute(s) `value` sends under `key`.
    fn emit<V: Visitor>(value: &T, key: AttributeKey, consent: Consent, visitor: &mut V);
}

/// The `Via` of an impl that writes its own methods (and its own `SHAPE`):
/// its defaults send nothing (they are never reached).
pub struct Own;

impl<T: ?Sized> EmitVia<T> for Own {
    const SHAPE: Shape = Shape::scalar(None);

    #[inline]
    fn emit<V: Visitor>(_: &T, _: AttributeKey, _: Consent, _: &mut V) {}
}

impl<T: ?Sized> ElementVia<T> for Own {
    const SHAPE: Shape = Shape::scalar(None);

    #[inline]
    fn emit_list<'a, V, I>(_: I, _: AttributeKey, _: Consent, _: &mut V)
    where
        T: 'a,
        V: Visitor,
        I: Iterator<Item = &'a T> + Clone,
    {
    }

    fn serialize_entry<S: Serializer>(_: &T, _: Consent, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

/// What a list, set or map can hold: scalars (sent as an array attribute) or
/// `Telemetry` structs (sent as a JSON-encoded list of objects).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an entry of a telemetry list or map",
    label = "`{Self}` is not a telemetry value",
    note = "a `Secret` anywhere in it can only be classified `#[telemetry(never)]`; otherwise derive `Telemetry` (a struct) or `TelemetryValue` (a unit-only enum) for the type, or classify the field `#[telemetry(never)]`"
)]
pub trait Element {
    /// How an entry is sent when its impl writes no method (see
    /// [`Emit::Via`]).
    type Via: ElementVia<Self>;

    /// Visits a whole list of entries under `key`.
    #[inline]
    fn emit_list<'a, V, I>(items: I, key: AttributeKey, consent: Consent, visitor: &mut V)
    where
        Self: 'a,
        V: Visitor,
        I: Iterator<Item = &'a Self> + Clone,
    {
        <Self::Via as ElementVia<Self>>::emit_list(items, key, consent, visitor);
    }

    /// Serializes one entry inside a JSON-encoded list or map.
    #[inline]
    fn serialize_entry<S: Serializer>(
        &self,
        consent: Consent,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        <Self::Via as ElementVia<Self>>::serialize_entry(self, consent, serializer)
    }

    /// What one entry is sent as (within its list), and where the catalogue
    /// of the struct it is, if it is one.
    const SHAPE: Shape = <Self::Via as ElementVia<Self>>::SHAPE;
}

/// How a kind of entry is sent: what an [`Element`] impl that writes no
/// method takes from its `Via`.
pub trait ElementVia<T: ?Sized> {
    /// What one entry is sent as.
    const SHAPE: Shape;

    /// Visits a whole list of entries under `key`.
    fn emit_list<'a, V, I>(items: I, key: AttributeKey, consent: Consent, visitor: &mut V)
    where
        T: 'a,
        V: Visitor,
        I: Iterator<Item = &'a T> + Clone;

    /// Serializes one entry inside a JSON-encoded list or map.
    fn serialize_entry<S: Serializer>(
        value: &T,
        consent: Consent,
        serializer: S,
    ) -> Result<S::Ok, S::Error>;
}

impl<T: TelemetryValue + ?Sized> Emit for T {
    type Via = Own;
    const SHAPE: Shape = Shape::scalar(T::KIND);

    #[inline]
    fn emit<V: Visitor>(&self, key: AttributeKey, _: Consent, visitor: &mut V) {
        let value = self.telemetry_value();
        if crate::declared_kind::holds::<T>(&value) {
            visitor.scalar(key, value);
        }
    }
}

impl<T: TelemetryValue + ?Sized> Element for T {
    type Via = Own;
    const SHAPE: Shape = Shape::scalar(T::KIND);

    #[inline]
    fn emit_list<'a, V, I>(items: I, key: AttributeKey, _: Consent, visitor: &mut V)
    where
        Self: 'a,
        V: Visitor,
        I: Iterator<Item = &'a Self> + Clone,
    {
        let values = items
            .map(TelemetryValue::telemetry_value)
            .filter(crate::declared_kind::holds::<T>);
        visitor.list(key, T::KIND, values);
    }

    #[inline]
    fn serialize_entry<S: Serializer>(&self, _: Consent, serializer: S) -> Result<S::Ok, S::Error> {
        // A value of another kind than declared is written as `null`.
        let value = self.telemetry_value();
        match crate::declared_kind::holds::<T>(&value) {
            true => value.serialize(serializer),
            false => serializer.serialize_unit(),
        }
    }
}

// A `Secret` asks for `SecretIsNeverSent`, which nothing implements. Going
// through `TelemetryValue` (and so the blanket `Emit` and `Element` impls) makes
// the compiler report that innermost bound, whose message names `Secret` and
// the fix, however deep the `Secret` hides.
// Not recommended: errors never list `Secret<T>` among the values that can
// be sent. (A field whose type is a `Secret` behind an alias then reads "is
// not a telemetry value", with the note that a `Secret` is `never`; one
// written `Secret<...>` is refused by the derive itself, and one nested in a
// list or an `Option` still names `SecretIsNeverSent`.)
#[diagnostic::do_not_recommend]
impl<T: SecretIsNeverSent> TelemetryValue for Secret<T> {
    fn telemetry_value(&self) -> Scalar<'_> {
        unreachable!("SecretIsNeverSent has no implementation")
    }
}

impl<T: Emit> Emit for Option<T> {
    type Via = Own;

    #[inline]
    fn emit<V: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut V) {
        if let Some(value) = self {
            value.emit(key, consent, visitor);
        }
    }
    const SHAPE: Shape = T::SHAPE.optional();
}

/// A list, set or array of entries: what a list's `Emit` impl walks.
pub trait List {
    /// What it holds.
    type Entry: Element;

    /// Its entries, in order.
    fn entries(&self) -> impl Iterator<Item = &Self::Entry> + Clone;
}

macro_rules! lists {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)*> List for $t {
            type Entry = T;

            #[inline]
            fn entries(&self) -> impl Iterator<Item = &T> + Clone {
                self.iter()
            }
        }
    )*};
}
lists! {
    [T: Element] [T];
    [T: Element] &[T];
    [T: Element, const N: usize] [T; N];
    [T: Element] Vec<T>;
    ['a, T: Element] &'a Vec<T>;
    [T: Element] VecDeque<T>;
    [T: Element] BTreeSet<T>;
    [T: Element, S] HashSet<T, S>;
}

/// How a list is sent: its entries, through their `Element` impl.
pub struct AsList;

impl<C: List + ?Sized> EmitVia<C> for AsList {
    const SHAPE: Shape = <C::Entry as Element>::SHAPE.listed();

    #[inline]
    fn emit<V: Visitor>(value: &C, key: AttributeKey, consent: Consent, visitor: &mut V) {
        C::Entry::emit_list(value.entries(), key, consent, visitor);
    }
}

// Written out, not by a macro: an error that lists them shows these lines.
impl<T: Element> Emit for [T] {
    type Via = AsList;
}
impl<T: Element> Emit for &[T] {
    type Via = AsList;
}
impl<T: Element, const N: usize> Emit for [T; N] {
    type Via = AsList;
}
impl<T: Element> Emit for Vec<T> {
    type Via = AsList;
}
impl<T: Element> Emit for &Vec<T> {
    type Via = AsList;
}
impl<T: Element> Emit for VecDeque<T> {
    type Via = AsList;
}
impl<T: Element> Emit for BTreeSet<T> {
    type Via = AsList;
}
impl<T: Element, S> Emit for HashSet<T, S> {
    type Via = AsList;
}

// `Arc` and `Rc` forward at this level (not through `TelemetryValue`, as `&T`
// and `Box<T>` do), so a shared nested struct can be sent: no crate but this
// one can implement `TelemetryValue` for them, so these impls cannot overlap
// the blanket ones. The derive adds `&T` and `Box<T>` for each struct.
macro_rules! shared_pointers {
    ($($p:ident)*) => {$(
        impl<T: Emit + ?Sized> Emit for $p<T> {
            type Via = Own;

            #[inline]
            fn emit<V: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut V) {
                (**self).emit(key, consent, visitor);
            }
            const SHAPE: Shape = T::SHAPE;
        }

        impl<T: Element + ?Sized> Element for $p<T> {
            type Via = Own;

            #[inline]
            fn emit_list<'a, V, I>(items: I, key: AttributeKey, consent: Consent, visitor: &mut V)
            where
                Self: 'a,
                V: Visitor,
                I: Iterator<Item = &'a Self> + Clone,
            {
                T::emit_list(items.map(|item| &**item), key, consent, visitor);
            }

            fn serialize_entry<S: Serializer>(&self, consent: Consent, serializer: S) -> Result<S::Ok, S::Error> {
                (**self).serialize_entry(consent, serializer)
            }
            const SHAPE: Shape = T::SHAPE;
        }
    )*};
}
shared_pointers!(Arc Rc);

// A reference to a container or pointer is sent as what it refers to: what a
// `with` function returns when it lends a part of the host's struct (the
// list references, `&[T]` and `&Vec<T>`, are above). No crate but this one
// can implement `TelemetryValue` for these, so they cannot overlap the
// blanket impls either.
macro_rules! borrowed {
    ($([$($g:tt)*] $t:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<'r, $($g)*> Emit for &'r $t
        where
            $t: Emit,
        {
            type Via = Own;

            #[inline]
            fn emit<V: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut V) {
                (**self).emit(key, consent, visitor);
            }
            const SHAPE: Shape = <$t as Emit>::SHAPE;
        }
    )*};
}
borrowed! {
    [T] Option<T>;
    [T: ?Sized] Rc<T>;
    [T: ?Sized] Arc<T>;
    [T, const N: usize] [T; N];
    [T] VecDeque<T>;
    [T] BTreeSet<T>;
    [T, S] HashSet<T, S>;
}

/// The number of entries a collection holds: the `len(...)` derived fact.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no length to send",
    label = "`len` needs a string or a collection",
    note = "`len(...)` counts the entries of a `Vec`, slice, set or map, or the characters' bytes of a string; a `Secret` is never counted, nor anything that holds one: remove `len(...)` from its field"
)]
pub trait Len {
    /// The length.
    fn telemetry_len(&self) -> usize;
}

/// Whether a value is there: the `present(...)` derived fact.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no presence to send",
    label = "`present` needs an `Option`, a string or a collection",
    note = "`present(...)` sends whether an `Option` is `Some` or a string or collection is not empty; a `Secret` is never tested for presence, nor anything that holds one: remove `present(...)` from its field"
)]
pub trait Present {
    /// `true` when the value is there (an `Option` is `Some`, a collection is
    /// not empty).
    fn telemetry_present(&self) -> bool;
}

// A collection is counted, or tested for emptiness, only when what it holds
// is `Countable` (no `Secret`): not even how many secrets there are is sent.
// Written out, not by a macro: an error that lists these impls then shows
// the impl, not the macro's internals.
impl Len for str {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl Present for str {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl Len for String {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl Present for String {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable> Len for [T] {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable> Present for [T] {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable, const N: usize> Len for [T; N] {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable, const N: usize> Present for [T; N] {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable> Len for Vec<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable> Present for Vec<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable> Len for VecDeque<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable> Present for VecDeque<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable> Len for BTreeSet<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable> Present for BTreeSet<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable, S> Len for HashSet<T, S> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<T: Countable, S> Present for HashSet<T, S> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<K: Countable, V: Countable> Len for BTreeMap<K, V> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<K: Countable, V: Countable> Present for BTreeMap<K, V> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<K: Countable, V: Countable, S> Len for HashMap<K, V, S> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        self.len()
    }
}

impl<K: Countable, V: Countable, S> Present for HashMap<K, V, S> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Countable> Present for Option<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        self.is_some()
    }
}

impl<T: Len + ?Sized> Len for &T {
    #[inline]
    fn telemetry_len(&self) -> usize {
        (**self).telemetry_len()
    }
}

impl<T: Present + ?Sized> Present for &T {
    #[inline]
    fn telemetry_present(&self) -> bool {
        (**self).telemetry_present()
    }
}

impl<T: Len + ?Sized> Len for Box<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        (**self).telemetry_len()
    }
}

impl<T: Present + ?Sized> Present for Box<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        (**self).telemetry_present()
    }
}

impl<T: Len + ?Sized> Len for Rc<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        (**self).telemetry_len()
    }
}

impl<T: Present + ?Sized> Present for Rc<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        (**self).telemetry_present()
    }
}

impl<T: Len + ?Sized> Len for Arc<T> {
    #[inline]
    fn telemetry_len(&self) -> usize {
        (**self).telemetry_len()
    }
}

impl<T: Present + ?Sized> Present for Arc<T> {
    #[inline]
    fn telemetry_present(&self) -> bool {
        (**self).telemetry_present()
    }
}

// Not recommended: a refusal then reads as `Len`'s own, whose note names
// the `Secret` rule, and never lists this impl ("`Len` is implemented for
// `Secret<T>`") beside it.
#[diagnostic::do_not_recommend]
impl<T: SecretIsNeverSent> Len for Secret<T> {
    fn telemetry_len(&self) -> usize {
        unreachable!("SecretIsNeverSent has no implementation")
    }
}

#[diagnostic::do_not_recommend]
impl<T: SecretIsNeverSent> Present for Secret<T> {
    fn telemetry_present(&self) -> bool {
        unreachable!("SecretIsNeverSent has no implementation")
    }
}
