//! A `TelemetryValue` declares the kind of its values (`KIND`), and the
//! catalogue lists it so. A value of another kind (a hand-written impl that
//! declares numbers and returns text) is not sent; the type is noted, and
//! the reporter warns once per type, naming it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::value::{Scalar, TelemetryValue};

/// The types whose values disagreed with their `KIND`, and whether each was
/// reported.
static REFUSED: Mutex<Vec<(&'static str, bool)>> = Mutex::new(Vec::new());
/// Whether `REFUSED` holds a type not yet reported: one load per event.
static PENDING: AtomicBool = AtomicBool::new(false);

/// Whether `value` is of the kind `T` declares (any, when it declares
/// none). A value of another kind is noted, and must not be sent.
#[inline]
pub(crate) fn holds<T: TelemetryValue + ?Sized>(value: &Scalar<'_>) -> bool {
    match T::KIND {
        Some(kind) if kind != value.kind() => {
            refused(core::any::type_name::<T>());
            false
        }
        _ => true,
    }
}

#[cold]
fn refused(name: &'static str) {
    let mut refused = REFUSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !refused.iter().any(|(seen, _)| *seen == name) {
        refused.push((name, false));
        PENDING.store(true, Ordering::Release);
    }
}

/// The names of the [`TelemetryValue`] types whose values were not sent
/// because they were not of the kind the type declares
/// ([`KIND`](TelemetryValue::KIND)), each once per process: the types
/// refused since the last call, which takes them.
pub fn newly_refused() -> Vec<&'static str> {
    if !PENDING.load(Ordering::Acquire) || !PENDING.swap(false, Ordering::AcqRel) {
        return Vec::new();
    }
    let mut refused = REFUSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    refused
        .iter_mut()
        .filter(|(_, reported)| !*reported)
        .map(|(name, reported)| {
            *reported = true;
            *name
        })
        .collect()
}
