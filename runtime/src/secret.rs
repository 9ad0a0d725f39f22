//! `Secret<T>`: a value that can never be emitted.

use core::fmt;

/// A value that telemetry can never emit, whatever its field is classified.
///
/// `Secret` implements none of crewtel's emitting traits, and no `Serialize`,
/// `Display` or derived fact (not even a length). A field of this type must be
/// classified `#[telemetry(never)]`; anything else is a compile error that names
/// `Secret` and that fix, wherever the `Secret` hides (in an `Option`, a `Vec`,
/// a map, a nested struct or a generic parameter). Its `Debug` prints no content.
///
/// ```
/// use crewtel::Secret;
///
/// let key = Secret::new(String::from("sk-live-123"));
/// assert_eq!(format!("{key:?}"), "Secret(<redacted>)");
/// assert_eq!(key.expose(), "sk-live-123");
/// ```
///
/// ```compile_fail
/// use crewtel::{Secret, Telemetry};
///
/// #[derive(Telemetry)]
/// struct Llm {
///     #[telemetry(always)]
///     api_key: Secret<String>,
/// }
/// ```
#[derive(Clone, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// Borrows the value, for the host's own use (never for telemetry).
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
