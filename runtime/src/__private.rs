//! Paths the derives generate code against. Not a public API: it changes with
//! the macros, in lockstep.

pub use core::option::Option::{self, None, Some};
pub use core::primitive::{bool, str, usize};
pub use core::stringify;

pub use crate::catalogue::{Catalogue, Entry, Source};
pub use crate::consent::{Consent, Tier};
pub use crate::emit::{
    ConsentFlag, Element, Emit, Len, Present, SecretIsNeverSent, emit_struct_list, error_type_name,
};
pub use crate::json::Object;
pub use crate::telemetry::Telemetry;
pub use crate::value::{Scalar, TelemetryValue, Text};
pub use crate::visit::Visitor;
pub use serde::{Serialize, Serializer};

/// No nested catalogue.
pub fn no_nested() -> Option<&'static Catalogue> {
    None
}

/// The catalogue nested in a field's value (a struct, or a list of them).
pub fn nested_of<T: Emit + ?Sized>() -> Option<&'static Catalogue> {
    T::nested_catalogue()
}

/// The catalogue of a flattened struct.
pub fn flattened<T: Telemetry + ?Sized>() -> Option<&'static Catalogue> {
    Some(T::CATALOGUE)
}
