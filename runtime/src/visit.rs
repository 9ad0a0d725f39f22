//! The visitor a derived `Telemetry` impl walks its emitted keys with.

use serde::Serialize;

use crate::value::{Scalar, ScalarKind};

/// Receives the attributes of an event, one key at a time.
///
/// The derive generates a walk over exactly the keys the consent in force allows;
/// the event turns it into JSON ([`serde::Serialize`]) or OpenTelemetry
/// `KeyValue`s through a visitor, with no intermediate map. Implement it to send
/// events somewhere else.
pub trait Visitor {
    /// A scalar attribute.
    fn scalar(&mut self, key: &'static str, value: Scalar<'_>);

    /// An array attribute of scalars, all of `kind` when it is known.
    fn list<'v, I>(&mut self, key: &'static str, kind: Option<ScalarKind>, items: I)
    where
        I: Iterator<Item = Scalar<'v>> + Clone;

    /// Nested structure (entries of a list of structs, a map), sent as one
    /// JSON-encoded string because attributes cannot nest.
    fn json<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T);
}
