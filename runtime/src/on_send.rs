//! `OnSend`: a value read only when its event is sent.

use crate::catalogue::Shape;
use crate::consent::Consent;
use crate::emit::Emit;
use crate::event::{AttributeKey, Visitor};
use crate::secret::SecretFree;

/// A field value that a function reads when its event is sent, and never
/// before: the machine's exact platform, a count that costs something to
/// take. With telemetry off, or under a consent that does not allow the
/// field, the function is not called.
///
/// The function takes nothing, so it reads nothing of the struct it sits in.
/// It is host code: sent through a `Reporter`, a panic in it drops that
/// event (counted) and nothing else. Its value is judged by the free-text
/// rule as the type `T` it returns, `&'static str` included (a literal
/// field is not judged; a function's string could be anything).
///
/// ```
/// use crewtel::{Consent, OnSend, Telemetry};
///
/// fn cpus() -> usize {
///     std::thread::available_parallelism().map_or(0, |n| n.get())
/// }
///
/// #[derive(Telemetry)]
/// struct Platform {
///     /// The exact logical CPU count, read when the event is sent.
///     #[telemetry(share_crew)]
///     cpus: OnSend<usize>,
/// }
///
/// const PLATFORM: Platform = Platform { cpus: OnSend::new(cpus) };
/// assert!(PLATFORM.telemetry_event().key_values().is_empty()); // not even called
/// assert_eq!(PLATFORM.telemetry_event_with(Consent::ShareCrew).key_values().len(), 1);
/// ```
pub struct OnSend<T> {
    read: fn() -> T,
}

impl<T> OnSend<T> {
    /// A value `read` returns when it is sent.
    pub const fn new(read: fn() -> T) -> Self {
        OnSend { read }
    }

    /// Reads the value now.
    pub fn read(&self) -> T {
        (self.read)()
    }
}

impl<T> Clone for OnSend<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for OnSend<T> {}

impl<T> core::fmt::Debug for OnSend<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("OnSend(..)")
    }
}

impl<T: Emit> Emit for OnSend<T> {
    type Via = crate::emit::Own;

    #[inline]
    fn emit<V: Visitor>(&self, key: AttributeKey, consent: Consent, visitor: &mut V) {
        self.read().emit(key, consent, visitor);
    }

    const SHAPE: Shape = T::SHAPE;
}

impl<T: SecretFree> SecretFree for OnSend<T> {}
