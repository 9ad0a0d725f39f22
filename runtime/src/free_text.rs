//! The free-text rule's trait: which values are never text a person wrote.
//!
//! The derive asks it of every unmarked `always` value as a trait bound, so
//! that `cargo check` (and the editor) report free text where it is written,
//! and where a generic struct is used.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use crate::on_send::OnSend;
use crate::secret::Secret;
use crate::value::Literal;

/// A value that is never text a person wrote: sent under `always` without a
/// `free_text` mark.
///
/// crewtel implements it for numbers, booleans, durations, [`Literal`],
/// every derived `TelemetryValue` enum and `Telemetry` struct (whose own
/// fields are judged where they are declared), and every `Option`, list,
/// set, array, map or pointer of such values. `String`, `str`, `char` and
/// `Cow<str>` are free text and do not implement it.
///
/// A `TelemetryValue` of your own implements it when no person writes its
/// values: a number, or an id the program mints. This is the one way to
/// say so, and a reviewer can search for it.
///
/// ```
/// use crewtel::{NotFreeText, Telemetry, TelemetryValue, value::{Scalar, ScalarKind, Text}};
///
/// /// A random id the program mints.
/// struct RunId(String);
///
/// impl TelemetryValue for RunId {
///     const KIND: Option<ScalarKind> = Some(ScalarKind::Text);
///
///     fn telemetry_value(&self) -> Scalar<'_> {
///         Scalar::Text(Text::Borrowed(&self.0))
///     }
/// }
///
/// // No person writes it.
/// impl NotFreeText for RunId {}
///
/// #[derive(Telemetry)]
/// struct Run {
///     /// The run's random id.
///     #[telemetry(always)]
///     id: RunId,
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` can hold free text (text a person wrote), sent anonymously only from a field marked `free_text`",
    label = "free text sent under `always`",
    note = "classify the field `share_crew`, send a fact about it (`len(...)`, `present(...)`), map it to a closed value with `with`, or mark it `#[telemetry(always, free_text)]`; a type of your own whose values no person writes (a number, an id the program mints) implements `crewtel::NotFreeText`"
)]
pub trait NotFreeText {
    /// What the derive reads to ask for the trait where a type is written
    /// (a path, so that an error carries no note of a private bound).
    #[doc(hidden)]
    const JUDGED: () = ();
}

// Every impl is `do_not_recommend`: an error names the field's type as it
// is written (`Vec<String>`), and lists no unrelated types.
macro_rules! closed {
    ($($t:ty)*) => {$(
        #[diagnostic::do_not_recommend]
        impl NotFreeText for $t {}
    )*};
}
closed! {
    bool i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64
    std::time::Duration Literal
}

// A `Secret` is never sent (its `Emit` is refused, with its own message):
// no second error says it is free text.
#[diagnostic::do_not_recommend]
impl<T> NotFreeText for Secret<T> {}

marker_impls! {
    NotFreeText:
    ['a, T: NotFreeText + ?Sized] &'a T;
    [T: NotFreeText + ?Sized] Box<T>;
    [T: NotFreeText + ?Sized] Rc<T>;
    [T: NotFreeText + ?Sized] Arc<T>;
    [T: NotFreeText] Option<T>;
    [T: NotFreeText] OnSend<T>;
    [T: NotFreeText] [T];
    [T: NotFreeText, const N: usize] [T; N];
    [T: NotFreeText] Vec<T>;
    [T: NotFreeText] VecDeque<T>;
    [T: NotFreeText] BTreeSet<T>;
    [T: NotFreeText, S] HashSet<T, S>;
    // A map's keys are text as much as its values.
    [K: NotFreeText, V: NotFreeText] BTreeMap<K, V>;
    [K: NotFreeText, V: NotFreeText, S] HashMap<K, V, S>;
}

/// A value a field named like a credential (`api_key`, `token`...) may
/// send: one that is not text. The derive refuses such a field written as
/// text by its name; this judges a type that is text behind an alias or a
/// type parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` can hold text, and its field is named like a credential",
    label = "a credential's name, holding text",
    note = "a credential is never telemetry: type it `Secret<String>` and classify it `#[telemetry(never)]`; if it is not a credential, mark the field `not_secret`"
)]
pub trait NotCredentialText {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const JUDGED: () = ();
}

// Not recommended: the error names this trait's rule, not `NotFreeText`'s.
#[diagnostic::do_not_recommend]
impl<T: NotFreeText + ?Sized> NotCredentialText for T {}
