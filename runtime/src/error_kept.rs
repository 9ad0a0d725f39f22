//! How `error_type(...)` reads a field: the type name it sends, and the
//! check that the field holds an error, not text or a number kept in its
//! place, judged by what the field's type is (through a type alias too),
//! as a bound that `cargo check` reports.
//!
//! `ErrorKept::<T>::__crewtel_check()` resolves to the inherent method,
//! which asks `T: IsAnError` (never implemented), when `T` is text, a
//! number or a flag (or an `Option` or a pointer of one); for any other
//! type, to the trait method of [`ErrorKeptElse`], which asks nothing. (A
//! type parameter is not known to be text where the struct is written; it
//! is held to `ErrorType` alone.)

use core::marker::PhantomData;
use std::borrow::Cow;
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize, NonZeroU8,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize, Saturating, Wrapping,
};
use std::rc::Rc;
use std::sync::Arc;

use crate::error_type::ErrorType;
use crate::value::Text;

/// Never implemented: what an `error_type(...)` on text or a number asks.
#[diagnostic::on_unimplemented(
    message = "`error_type(...)` sends the type name of an error, and `{Self}` is text or a number, not an error",
    label = "not an error",
    note = "keep the error itself in the field (`std::io::Error`, your `ToolError`, `Box<dyn Error + Send + Sync>`, or an `Option` of one)"
)]
pub trait IsAnError: sealed::Never {}

mod sealed {
    /// Keeps hosts from implementing `IsAnError`.
    pub trait Never {}
}

/// Text, numbers and flags: what an error's message or code is kept as.
pub trait KeptInPlaceOfAnError {}

marker_impls! {
    KeptInPlaceOfAnError:
    [] String;
    [] str;
    [] char;
    [] bool;
    [] i8; [] i16; [] i32; [] i64; [] i128; [] isize;
    [] u8; [] u16; [] u32; [] u64; [] u128; [] usize;
    [] f32; [] f64;
    [] NonZeroU8; [] NonZeroU16; [] NonZeroU32; [] NonZeroU64; [] NonZeroU128; [] NonZeroUsize;
    [] NonZeroI8; [] NonZeroI16; [] NonZeroI32; [] NonZeroI64; [] NonZeroI128; [] NonZeroIsize;
    [T: KeptInPlaceOfAnError] Wrapping<T>;
    [T: KeptInPlaceOfAnError] Saturating<T>;
    ['a, T: KeptInPlaceOfAnError + ToOwned + ?Sized] Cow<'a, T>;
    ['a, T: KeptInPlaceOfAnError + ?Sized] &'a T;
    ['a, T: KeptInPlaceOfAnError + ?Sized] &'a mut T;
    [T: KeptInPlaceOfAnError + ?Sized] Box<T>;
    [T: KeptInPlaceOfAnError + ?Sized] Rc<T>;
    [T: KeptInPlaceOfAnError + ?Sized] Arc<T>;
    [T: KeptInPlaceOfAnError] Option<T>;
}

/// Resolves [`__crewtel_check`](ErrorKept::__crewtel_check) for a field's type `T`.
pub struct ErrorKept<T: ?Sized>(PhantomData<T>);

// The method's name is crewtel's own, so that no trait of the host's in
// scope (a blanket `check()`) makes the call ambiguous.
impl<T: KeptInPlaceOfAnError + ?Sized> ErrorKept<T> {
    /// Refuses `T`, by a bound it never meets.
    #[inline(always)]
    pub fn __crewtel_check()
    where
        T: IsAnError,
    {
    }
}

/// The check of a type that is not text nor a number: nothing.
pub trait ErrorKeptElse {
    /// Nothing to refuse.
    #[inline(always)]
    fn __crewtel_check() {}
}

impl<T: ?Sized> ErrorKeptElse for ErrorKept<T> {}

/// The type name `error_type(...)` sends of `error`. (A function, so that a
/// field whose type is not an error is reported with `ErrorType`'s message.)
#[inline(always)]
pub fn error_name<E: ErrorType + ?Sized>(error: &E) -> Text<'static> {
    Text::from(error.error_type())
}
