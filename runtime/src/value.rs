//! Scalar attribute values: the `TelemetryValue` trait and what it yields.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

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
    pub fn as_str(&self) -> &str {
        match self {
            Text::Static(s) => s,
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
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

/// A type whose values are sent as one scalar attribute.
///
/// Implemented for `bool`, the integer and float types, `str`, `String`,
/// `Cow<str>` and `char`, and through `&T`, `Box<T>`, `Rc<T>` and `Arc<T>`.
/// Derive it for a unit-only enum to send its variant names:
///
/// ```
/// use crewtel::{Scalar, Text, TelemetryValue};
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
/// use crewtel::{Scalar, TelemetryValue};
///
/// struct Temperature(f32);
///
/// impl TelemetryValue for Temperature {
///     fn telemetry_value(&self) -> Scalar<'_> {
///         Scalar::F64(f64::from(self.0))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a telemetry value",
    label = "not a telemetry value",
    note = "derive `TelemetryValue` for a unit-only enum, `Telemetry` for a struct, or implement `TelemetryValue` by hand"
)]
pub trait TelemetryValue {
    /// The value as it is sent.
    fn telemetry_value(&self) -> Scalar<'_>;
}

impl TelemetryValue for bool {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Bool(*self)
    }
}

macro_rules! lossless_ints {
    ($($t:ty)*) => {$(
        impl TelemetryValue for $t {
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
            #[inline]
            fn telemetry_value(&self) -> Scalar<'_> {
                Scalar::I64(i64::try_from(*self).unwrap_or(if *self > 0 { i64::MAX } else { i64::MIN }))
            }
        }
    )*};
}
saturating_ints!(u64 u128 i128 usize isize);

impl TelemetryValue for f64 {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::F64(*self)
    }
}

impl TelemetryValue for f32 {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::F64(f64::from(*self))
    }
}

impl TelemetryValue for str {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for String {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for Cow<'_, str> {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Borrowed(self))
    }
}

impl TelemetryValue for char {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        Scalar::Text(Text::Owned(self.to_string()))
    }
}

macro_rules! forward_pointers {
    ($($p:ident)*) => {$(
        impl<T: TelemetryValue + ?Sized> TelemetryValue for $p<T> {
            #[inline]
            fn telemetry_value(&self) -> Scalar<'_> {
                (**self).telemetry_value()
            }
        }
    )*};
}
forward_pointers!(Box Rc Arc);

impl<T: TelemetryValue + ?Sized> TelemetryValue for &T {
    #[inline]
    fn telemetry_value(&self) -> Scalar<'_> {
        (**self).telemetry_value()
    }
}
