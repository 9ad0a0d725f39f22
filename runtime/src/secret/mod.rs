//! `Secret<T>`, a value that can never be emitted, and [`SecretFree`], the
//! types whose values crewtel may hand to a `with` function, count or test
//! for presence.

use core::fmt;

mod impls;
mod read;

pub use read::WithReads;

/// A value that telemetry can never emit, whatever its field is classified.
///
/// `Secret` implements none of crewtel's emitting traits, and no `Serialize`,
/// `Display` or derived fact (not even a length). A field of this type must be
/// classified `#[telemetry(never)]`; anything else is a compile error that names
/// `Secret` and that fix, wherever the `Secret` hides (in an `Option`, a `Vec`,
/// a tuple, a map, a nested struct, a type alias or a generic parameter). Its
/// `Debug` prints no content.
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
    ///
    /// Every way to read a secret spells `expose` (this, and
    /// [`into_exposed`](Self::into_exposed)), so that a reviewer who
    /// searches for it finds each place a secret is read.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value, for the host's own use (never for telemetry).
    ///
    /// ```
    /// let key = crewtel::Secret::new(String::from("sk-live-123"));
    /// assert_eq!(key.into_exposed(), "sk-live-123");
    /// ```
    pub fn into_exposed(self) -> T {
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

/// Never implemented: a `Secret` asks for it wherever it is asked to be sent,
/// counted or converted, so the compiler's message names `Secret` and the fix.
#[diagnostic::on_unimplemented(
    message = "a `Secret` can never be sent as telemetry, nor any fact about it",
    label = "this holds a `Secret`",
    note = "classify the field `#[telemetry(never)]`, with no `with`, `len(...)`, `present(...)` or `error_type(...)`: a `Secret` is never sent, converted, counted or tested for presence"
)]
pub trait SecretIsNeverSent: sealed::Sealed {}

mod sealed {
    /// Keeps hosts from implementing `SecretIsNeverSent`.
    pub trait Sealed {}
}

/// A type that holds no [`Secret`] crewtel could reveal: what a `with`
/// function may read and `len(...)` / `present(...)` may count or test.
///
/// The compiler decides it from the type's structure, through type aliases,
/// renamed imports and generic parameters: the standard library's scalars,
/// strings, tuples, `Option`s, collections, maps, pointers and cells are
/// `SecretFree` when what they hold is, and `Secret<T>` never is. A struct
/// that derives [`Telemetry`](trait@crate::Telemetry) is `SecretFree` when
/// every field's type is, `never` fields included (a `with` function could
/// read those); an enum that derives
/// [`TelemetryValue`](trait@crate::TelemetryValue) always is.
///
/// ```compile_fail
/// use crewtel::{Secret, Telemetry};
///
/// type Keys = Option<Vec<Secret<String>>>;
///
/// #[derive(Telemetry)]
/// struct Llm {
///     // Not even how many keys there are.
///     #[telemetry(never, len(always))]
///     keys: Keys,
/// }
/// ```
///
/// # The one door left
///
/// A type of your own that derives neither, or a trait object of your own
/// trait, is declared `SecretFree` with [`secret_free!`](crate::secret_free!)
/// (which also lets `len(...)` count it):
///
/// ```
/// struct Template { text: String }
/// trait Tool { fn name(&self) -> &str; }
///
/// crewtel::secret_free!(Template, dyn Tool);
/// ```
///
/// crewtel cannot see into such a type, nor into a `with` function's body:
/// a `with` function on your own type can read whatever that type holds.
/// What it cannot do is read a `Secret`'s content without spelling
/// `expose`, which is where a reviewer looks.
#[diagnostic::on_unimplemented(
    message = "a `with` function cannot read `{Self}`: it holds a `Secret`, or crewtel cannot see that it holds none",
    label = "a `with` function needs a type that holds no `Secret`",
    note = "a struct deriving `Telemetry` is `SecretFree` only when no field holds a `Secret`, `never` fields included; for a type of your own that holds none, declare it with `crewtel::secret_free!(YourType);`"
)]
pub trait SecretFree {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const FREE: () = ();
}

impl<T: SecretIsNeverSent> SecretFree for Secret<T> {}

/// What `len(...)` and `present(...)` may count or test, and what an
/// `Option` may hold under `error_type(...)` (whether it is `Some` is sent):
/// a value that is not a [`Secret`], nor a container of one. A struct deriving `Telemetry` is,
/// whatever its `never` fields hold (counting a crew's agents says nothing
/// of their keys); a type of your own becomes one with
/// [`secret_free!`](crate::secret_free!).
#[diagnostic::on_unimplemented(
    message = "crewtel cannot see whether `{Self}` holds a `Secret`",
    label = "`len(...)`, `present(...)` and `error_type(...)` of an `Option` tell whether it is there: it must hold no `Secret`",
    note = "derive `Telemetry` (a struct) or `TelemetryValue` (a unit-only enum) for your type, or, if nothing in it is a `Secret`, declare it with `crewtel::secret_free!(YourType);`"
)]
pub trait Countable {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const COUNTED: () = ();
}

impl<T: SecretIsNeverSent> Countable for Secret<T> {}

/// Declares types of your own [`SecretFree`] (and countable): the one door
/// crewtel leaves, spelled where a reviewer sees it. Use it only for a type
/// that holds no `Secret`, or whose `Secret`s the `with` functions that read
/// it reach only with [`expose()`](Secret::expose).
///
/// ```
/// struct Template { text: String }
/// trait Tool { fn name(&self) -> &str; }
///
/// crewtel::secret_free!(Template, dyn Tool);
/// ```
#[macro_export]
macro_rules! secret_free {
    ($($ty:ty),+ $(,)?) => {$(
        impl $crate::rules::SecretFree for $ty {}
        impl $crate::__private::Countable for $ty {}
    )+};
}
