//! Scalar attribute values: the `TelemetryValue` trait and what it yields.

use std::borrow::Cow;

/// Text of an attribute value, keeping whether it needs a copy to be sent.
///
/// `Static` text (an enum's variant name) is sent without allocating;
/// `Borrowed` text is copied only when the exporter needs an owned value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    /// Text that lives for the whole program.
    Static(&'static str),
    /// Text borrowed from the value the event was built from.
    Borrowed(&'a str),
    /// Text made for this event (by a conversion function).
    Owned(String),
}

impl Text<'_> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl From<Cow<'static, str>> for Text<'_> {
    /// Static text stays a borrow; owned text is moved in.
    #[inline]
    fn from(text: Cow<'static, str>) -> Self {
        match text {
            Cow::Borrowed(s) => Text::Static(s),
            Cow::Owned(s) => Text::Owned(s),
        }
    }
}

/// One scalar attribute value, with its exact type.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// A boolean (`false` is sent as `false`, never dropped).
    Bool(bool),
    /// An integer. Unsigned values above `i64::MAX` saturate to it.
    I64(i64),
    /// A floating-point number.
    F64(f64),
    /// A string.
    Text(Text<'a>),
}

impl Scalar<'_> {
    /// The kind of this value.
    ///
    /// ```
    /// use crewtel::value::{Scalar, ScalarKind};
    ///
    /// assert_eq!(Scalar::I64(3).kind(), ScalarKind::I64);
    /// ```
    #[inline]
    pub fn kind(&self) -> ScalarKind {
        match self {
            Scalar::Bool(_) => ScalarKind::Bool,
            Scalar::I64(_) => ScalarKind::I64,
            Scalar::F64(_) => ScalarKind::F64,
            Scalar::Text(_) => ScalarKind::Text,
        }
    }
}

/// The type of a scalar, known before any value is seen (an empty list of
/// integers is still an integer array).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    /// [`Scalar::Bool`].
    Bool,
    /// [`Scalar::I64`].
    I64,
    /// [`Scalar::F64`].
    F64,
    /// [`Scalar::Text`].
    Text,
}

/// A type whose values are sent as one scalar attribute.
///
/// Implemented for `bool`, the integer and float types, `str`, `String`,
/// `Cow<str>` and `char`, and through `&T`, `Box<T>`, `Rc<T>` and `Arc<T>`.
/// Derive it for a unit-only enum to send its variant names:
///
/// ```
/// use crewtel::{TelemetryValue, value::{Scalar, Text}};
///
/// #[derive(TelemetryValue)]
/// enum Process {
///     Sequential,
///     #[telemetry(rename = "manager")]
///     Hierarchical,
/// }
///
/// assert_eq!(Process::Sequential.telemetry_value(), Scalar::Text(Text::Static("sequential")));
/// assert_eq!(Process::Hierarchical.telemetry_value(), Scalar::Text(Text::Static("manager")));
/// ```
///
/// Implement it by hand for a scalar type of your own:
///
/// ```
/// use crewtel::{NotFreeText, Telemetry, TelemetryValue, value::{Scalar, ScalarKind}};
///
/// struct Temperature(f32);
///
/// impl TelemetryValue for Temperature {
///     const KIND: Option<ScalarKind> = Some(ScalarKind::F64);
///
///     fn telemetry_value(&self) -> Scalar<'_> {
///         Scalar::F64(f64::from(self.0))
///     }
/// }
///
/// // A number: not free text, so an `always` field needs no mark.
/// impl NotFreeText for Temperature {}
///
/// #[derive(Telemetry)]
/// struct Llm {
///     #[telemetry(always)]
///     temperature: Temperature,
/// }
/// ```
///
/// A hand-written value is free text: an `always` field of it must be
/// marked `free_text`, unless the type implements [`NotFreeText`](crate::NotFreeText)
/// because no person writes its values (a number, an id the program mints).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a telemetry value",
    label = "not a telemetry value",
    note = "a `Secret`, or anything that holds one, is never sent: classify its field `#[telemetry(never)]`; otherwise derive `TelemetryValue` for a unit-only enum or `Telemetry` for a struct, or implement `TelemetryValue` for a closed value of your own"
)]
pub trait TelemetryValue {
    /// The kind every value of this type is sent as, when it is always the
    /// same; it types the array of an empty list, and the catalogue lists
    /// it. It is held to: a value of another kind is not sent, and the
    /// reporter warns once, naming the type.
    const KIND: Option<ScalarKind> = None;

    /// The value as it is sent.
    fn telemetry_value(&self) -> Scalar<'_>;
}

impl TelemetryValue for bool {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Bool);
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Bool(*self)
    }
}

macro_rules! lossless_ints {
    ($($t:ty)*) => {$(
        impl TelemetryValue for $t {
            const KIND: Option<ScalarKind> = Some(ScalarKind::I64);

            #[inline]
            fn telemetry_value(&self) -> Scalar<'_> {
                Scalar::I64(i64::from(*self))
            }
        }
    )*};
}
lossless_ints!(i8 i16 i32 i64 u8 u16 u32);

macro_rules! saturating_ints {
    ($($t:ty)*) => {$(
        impl TelemetryValue for $t {
            const KIND: Option<ScalarKind> = Some(ScalarKind::I64);

            #[inline]
            fn telemetry_value(&self) -> Scalar<'_> {
                Scalar::I64(i64::try_from(*self).unwrap_or(if *self > 0 { i64::MAX } else { i64::MIN }))
            }
        }
    )*};
}
saturating_ints!(u64 u128 i128 usize isize);

impl TelemetryValue for f64 {
    const KIND: Option<ScalarKind> = Some(ScalarKind::F64);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::F64(*self)
    }
}

impl TelemetryValue for f32 {
    const KIND: Option<ScalarKind> = Some(ScalarKind::F64);

    /// The `f64` with the same shortest decimal form (`0.1_f32` is sent as
    /// `0.1`, not `0.10000000149011612`).
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::F64(self.to_string().parse().unwrap_or(f64::from(*self)))
    }
}

/// A duration is sent in milliseconds, as an `f64` (the reference's
/// `duration_ms`): fractions of a millisecond are kept; the key's purpose
/// says the unit.
///
/// ```
/// use std::time::Duration;
/// use crewtel::{TelemetryValue, value::Scalar};
///
/// assert_eq!(Duration::from_micros(1500).telemetry_value(), Scalar::F64(1.5));
/// ```
impl TelemetryValue for std::time::Duration {
    const KIND: Option<ScalarKind> = Some(ScalarKind::F64);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::F64(self.as_secs_f64() * 1000.0)
    }
}

impl TelemetryValue for str {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for String {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for Cow<'_, str> {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for char {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Owned(self.to_string()))
    }
}

macro_rules! forward_pointers {
    ($($p:ident)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: TelemetryValue + ?Sized> TelemetryValue for $p<T> {
            const KIND: Option<ScalarKind> = T::KIND;

            #[inline]
            fn telemetry_value(&self) -> Scalar<'_> {
                (**self).telemetry_value()
            }
        }
    )*};
}
forward_pointers!(Box);

#[diagnostic::do_not_recommend]
impl<T: TelemetryValue + ?Sized> TelemetryValue for &T {
    const KIND: Option<ScalarKind> = T::KIND;

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        (**self).telemetry_value()
    }
}

/// Text the program holds, not text a person wrote: a name from a fixed
/// list, written in the source. It is sent under `always` without a
/// `free_text` mark, so it is what a `with` function returns to map a value
/// to a closed set. Made only from a string literal, with
/// [`literal!`](crate::literal!), so that no text a person typed can pass
/// for one by accident. (A `&'static str` field is read the same way:
/// a literal, a version from `env!`; text leaked into one on purpose is not
/// something the compiler can see.)
///
/// ```
/// use crewtel::{Literal, Telemetry, literal};
///
/// fn band(cpus: &usize) -> Literal {
///     if *cpus <= 4 { literal!("1-4") } else { literal!("5+") }
/// }
///
/// #[derive(Telemetry)]
/// struct Machine {
///     /// The CPU count as a band.
///     #[telemetry(always, rename = "cpu_band", with = "band")]
///     cpus: usize,
/// }
///
/// let json = serde_json::to_string(&Machine { cpus: 8 }.telemetry_event().attributes()).unwrap();
/// assert_eq!(json, r#"{"cpu_band":"5+"}"#);
/// ```
///
/// ```compile_fail
/// let typed = String::from("what a user typed");
/// let _ = crewtel::literal!(typed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Literal(&'static str);

impl Literal {
    /// What [`literal!`](crate::literal!) expands to; not for direct use.
    #[doc(hidden)]
    pub const fn __from_string_literal(text: &'static str) -> Self {
        Literal(text)
    }

    /// The text.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
}

/// A [`Literal`] from a string literal: `literal!("1-2")`.
#[macro_export]
macro_rules! literal {
    ($text:literal) => {
        $crate::Literal::__from_string_literal($text)
    };
}

impl TelemetryValue for Literal {
    const KIND: Option<ScalarKind> = Some(ScalarKind::Text);

    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Static(self.0))
    }
}
