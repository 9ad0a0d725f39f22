//! Paths the derives generate code against. Not a public API: it changes with
//! the macros, in lockstep.

pub use core::marker::PhantomData;
pub use core::option::Option::{self, None, Some};
// The standard containers a `&'static str` is read as a literal in, which
// the derive holds a field's containers to (never a path a host's crate
// could rename, such as `::std` or `::core`).
pub use core::primitive::{bool, str, usize};
pub use std::boxed::Box;
pub use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
pub use std::rc::Rc;
pub use std::sync::Arc;
pub use std::vec::Vec;

pub use crate::catalogue::Shape;
pub use crate::catalogue::expiry;
pub use crate::catalogue::{Catalogue, Entry, Expiry, Source};
pub use crate::consent::{Consent, ConsentFlag, Tier};
pub use crate::secret::{Countable, SecretFree, SecretIsNeverSent, WithReads};

pub use crate::emit::{Element, Emit, Len, Present};
pub use crate::error_kept::{ErrorKept, ErrorKeptElse, error_name};
pub use crate::error_type::ErrorType;
pub use crate::event::Visitor;
pub use crate::event::{AttributeKey, Event, Telemetry};
pub use crate::flatten::{FlattenDepth, Flattenable, flattened};
pub use crate::free_text::{NotCredentialText, NotFreeText};
pub use crate::json::AsObject;
pub use crate::returnable::{Returnable, returned};
pub use crate::spelling::{PrimitiveStr, Same, SameContainer};
pub use crate::value::{Literal, Scalar, ScalarKind, TelemetryValue, Text};

// The derive writes each key as one string literal (see
// `AttributeKey::__literal`): a call that builds the key in the host's code
// would cost its compiler a path and a call per key (measured: 4% of the
// derive's cost on a 50-field struct). These turn it into the key.

/// Sends `value` under the key the derive wrote as `key`.
#[inline(always)]
pub fn emit<T: Emit + ?Sized, V: Visitor>(
    value: &T,
    key: &'static str,
    consent: Consent,
    visitor: &mut V,
) {
    value.emit(AttributeKey::__literal(key), consent, visitor);
}

/// Visits `value` under the key the derive wrote as `key`.
#[inline(always)]
pub fn scalar<V: Visitor>(visitor: &mut V, key: &'static str, value: Scalar<'_>) {
    visitor.scalar(AttributeKey::__literal(key), value);
}

/// Whether `day` (counted from 1970-01-01), the last day a field is sent,
/// has passed: what the walk asks of a field built before its expiry.
#[inline]
pub fn expired(day: u32) -> bool {
    crate::catalogue::today() > day
}

/// Reaches a field's value without requiring anything of its type.
///
/// One generated item per field requires the field's type to be sendable
/// (the field's constant beside the impl, or the catalogue's flattened
/// entry), so that a type that is not gets one error, not one per generated
/// item. The attribute walk sends through this probe instead: by method
/// resolution (autoref), `ViaEmit`/`ViaTelemetry` answer when the type
/// implements the trait, and `ViaNothing` when it does not.
pub struct Probe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> Probe<T> {
    /// A probe of `T`.
    #[allow(
        clippy::new_without_default,
        reason = "only generated code makes probes"
    )]
    pub const fn new() -> Self {
        Probe(PhantomData)
    }
}

/// The probe's answer for a sendable field type.
pub trait ViaEmit<T: ?Sized> {
    /// Sends the field's value (whose type a compile-time check beside the
    /// impl requires to be sendable, so that it is reported there, once).
    fn emit_value<V: Visitor>(
        &self,
        value: &T,
        key: &'static str,
        consent: Consent,
        visitor: &mut V,
    );
}

impl<T: Emit + ?Sized> ViaEmit<T> for Probe<T> {
    #[inline]
    fn emit_value<V: Visitor>(
        &self,
        value: &T,
        key: &'static str,
        consent: Consent,
        visitor: &mut V,
    ) {
        value.emit(AttributeKey::__literal(key), consent, visitor);
    }
}

/// The probe's answer for a flattened `Telemetry` struct.
pub trait ViaTelemetry<T: ?Sized> {
    /// Walks the flattened struct's attributes.
    fn visit_flattened<V: Visitor>(&self, value: &T, consent: Consent, visitor: &mut V);
    /// How many attributes the flattened struct can add.
    fn max_attributes(&self) -> usize;
}

impl<T: Telemetry + ?Sized> ViaTelemetry<T> for Probe<T> {
    #[inline]
    fn visit_flattened<V: Visitor>(&self, value: &T, consent: Consent, visitor: &mut V) {
        // A flattened struct that carries its own consent (a crew) is walked
        // under the stricter of the event's and its own.
        let consent = crate::event::nested_consent(value, consent);
        if crate::event::allowed::<T>(consent) {
            value.visit_attributes(consent, visitor);
        }
    }

    #[inline]
    fn max_attributes(&self) -> usize {
        T::max_attributes()
    }
}

/// The probe's answer for a type that is neither (an error reported elsewhere).
pub trait ViaNothing {
    /// Nothing to walk.
    fn visit_flattened<T: ?Sized, V: Visitor>(&self, _: &T, _: Consent, _: &mut V) {}
    /// Nothing to send.
    fn emit_value<T: ?Sized, V: Visitor>(&self, _: &T, _: &'static str, _: Consent, _: &mut V) {}
    /// No attributes.
    fn max_attributes(&self) -> usize {
        0
    }
}

impl<T: ?Sized> ViaNothing for &Probe<T> {}

/// What a value of `T` is sent as: what a catalogue entry reads.
///
/// An inherent constant, not `<T as Emit>::SHAPE`: the compiler checks each
/// operand of a constant's value for interior mutability, and a trait's
/// constant is checked by solving `Freeze` for its type, afresh for every
/// entry (5 M instructions of a 50-field struct's 122 M), where an inherent
/// one is checked once, for every `T` (BENCHMARKS.md, section 5).
pub struct ShapeOf<T: ?Sized + Emit>(PhantomData<T>);

impl<T: ?Sized + Emit> ShapeOf<T> {
    /// `T`'s shape.
    pub const SHAPE: Shape = T::SHAPE;
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_field_s_day_has_passed_by_the_clock() {
        assert!(super::expired(0), "1970-01-01 has passed");
        assert!(!super::expired(u32::MAX), "a day far off has not");
        let today = crate::catalogue::today();
        assert!(!super::expired(today), "sent on its last day");
        assert!(super::expired(today - 1));
    }
}
