//! [`SecretFree`] and [`Countable`] for the standard library's types, from
//! one list: its scalars and strings, and its containers, pointers and cells
//! when what they hold is.

use std::borrow::{Cow, ToOwned};
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::{OsStr, OsString};
use std::marker::PhantomData;
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize, NonZeroU8,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize, Saturating, Wrapping,
};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant, SystemTime};

use super::{Countable, SecretFree};

macro_rules! leaves {
    ($($t:ty),* $(,)?) => {$(
        impl SecretFree for $t {}
        impl Countable for $t {}
    )*};
}
leaves! {
    (), bool, char, str, String,
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64,
    NonZeroU8, NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU128, NonZeroUsize,
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI128, NonZeroIsize,
    Duration, Instant, SystemTime, Path, PathBuf, OsStr, OsString,
    core::cmp::Ordering, std::io::Error, std::fmt::Error, crate::value::Literal,
    // The standard library's errors, whose presence `error_type(...)` of an
    // `Option` sends.
    std::num::ParseIntError, std::num::ParseFloatError, std::num::TryFromIntError,
    std::str::ParseBoolError, std::str::Utf8Error, std::string::FromUtf8Error,
    std::string::FromUtf16Error, std::char::ParseCharError,
    std::char::TryFromCharError, std::array::TryFromSliceError,
    std::net::AddrParseError, std::time::SystemTimeError,
    std::time::TryFromFloatSecsError, std::env::VarError,
    std::sync::mpsc::RecvError, std::sync::mpsc::RecvTimeoutError,
    std::sync::mpsc::TryRecvError, std::alloc::LayoutError,
    std::path::StripPrefixError, std::ffi::NulError, std::ffi::IntoStringError,
    std::ffi::FromBytesWithNulError, std::ffi::FromBytesUntilNulError,
    std::collections::TryReserveError, std::thread::AccessError,
    dyn std::error::Error + '_, dyn std::error::Error + Send + '_,
    dyn std::error::Error + Send + Sync + '_,
}

// Written out, not by a macro: an error that lists these impls then shows
// the impl, not the macro's internals.
impl<T> SecretFree for Option<T> where T: SecretFree {}
impl<T> Countable for Option<T> where T: Countable {}
impl<T, E> SecretFree for Result<T, E>
where
    T: SecretFree,
    E: SecretFree,
{
}
impl<T, E> Countable for Result<T, E>
where
    T: Countable,
    E: Countable,
{
}
impl<T> SecretFree for [T] where T: SecretFree {}
impl<T> Countable for [T] where T: Countable {}
impl<T, const N: usize> SecretFree for [T; N] where T: SecretFree {}
impl<T, const N: usize> Countable for [T; N] where T: Countable {}
impl<T> SecretFree for Vec<T> where T: SecretFree {}
impl<T> Countable for Vec<T> where T: Countable {}
impl<T> SecretFree for VecDeque<T> where T: SecretFree {}
impl<T> Countable for VecDeque<T> where T: Countable {}
impl<T> SecretFree for LinkedList<T> where T: SecretFree {}
impl<T> Countable for LinkedList<T> where T: Countable {}
impl<T> SecretFree for BinaryHeap<T> where T: SecretFree {}
impl<T> Countable for BinaryHeap<T> where T: Countable {}
impl<T> SecretFree for BTreeSet<T> where T: SecretFree {}
impl<T> Countable for BTreeSet<T> where T: Countable {}
impl<T, S> SecretFree for HashSet<T, S> where T: SecretFree {}
impl<T, S> Countable for HashSet<T, S> where T: Countable {}
impl<K, V> SecretFree for BTreeMap<K, V>
where
    K: SecretFree,
    V: SecretFree,
{
}
impl<K, V> Countable for BTreeMap<K, V>
where
    K: Countable,
    V: Countable,
{
}
impl<K, V, S> SecretFree for HashMap<K, V, S>
where
    K: SecretFree,
    V: SecretFree,
{
}
impl<K, V, S> Countable for HashMap<K, V, S>
where
    K: Countable,
    V: Countable,
{
}
impl<T: ?Sized> SecretFree for &T where T: SecretFree {}
impl<T: ?Sized> Countable for &T where T: Countable {}
impl<T: ?Sized> SecretFree for &mut T where T: SecretFree {}
impl<T: ?Sized> Countable for &mut T where T: Countable {}
impl<T: ?Sized> SecretFree for Box<T> where T: SecretFree {}
impl<T: ?Sized> Countable for Box<T> where T: Countable {}
impl<T: ?Sized> SecretFree for Rc<T> where T: SecretFree {}
impl<T: ?Sized> Countable for Rc<T> where T: Countable {}
impl<T: ?Sized> SecretFree for Arc<T> where T: SecretFree {}
impl<T: ?Sized> Countable for Arc<T> where T: Countable {}
impl<T: ?Sized> SecretFree for std::rc::Weak<T> where T: SecretFree {}
impl<T: ?Sized> Countable for std::rc::Weak<T> where T: Countable {}
impl<T: ?Sized> SecretFree for std::sync::Weak<T> where T: SecretFree {}
impl<T: ?Sized> Countable for std::sync::Weak<T> where T: Countable {}
impl<T: ?Sized> SecretFree for Cell<T> where T: SecretFree {}
impl<T: ?Sized> Countable for Cell<T> where T: Countable {}
impl<T: ?Sized> SecretFree for RefCell<T> where T: SecretFree {}
impl<T: ?Sized> Countable for RefCell<T> where T: Countable {}
impl<T: ?Sized> SecretFree for Mutex<T> where T: SecretFree {}
impl<T: ?Sized> Countable for Mutex<T> where T: Countable {}
impl<T: ?Sized> SecretFree for RwLock<T> where T: SecretFree {}
impl<T: ?Sized> Countable for RwLock<T> where T: Countable {}
impl<T> SecretFree for OnceCell<T> where T: SecretFree {}
impl<T> Countable for OnceCell<T> where T: Countable {}
impl<T> SecretFree for OnceLock<T> where T: SecretFree {}
impl<T> Countable for OnceLock<T> where T: Countable {}
impl<P> SecretFree for Pin<P> where P: SecretFree {}
impl<P> Countable for Pin<P> where P: Countable {}
impl<B: ToOwned + ?Sized> SecretFree for Cow<'_, B> where B: SecretFree {}
impl<B: ToOwned + ?Sized> Countable for Cow<'_, B> where B: Countable {}
impl<T> SecretFree for Wrapping<T> where T: SecretFree {}
impl<T> Countable for Wrapping<T> where T: Countable {}
impl<T> SecretFree for Saturating<T> where T: SecretFree {}
impl<T> Countable for Saturating<T> where T: Countable {}
impl<T> SecretFree for core::cmp::Reverse<T> where T: SecretFree {}
impl<T> Countable for core::cmp::Reverse<T> where T: Countable {}
impl<T: ?Sized> SecretFree for PhantomData<T> {}
impl<T: ?Sized> Countable for PhantomData<T> {}

macro_rules! tuples {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: SecretFree),+> SecretFree for ($($t,)+) {}
        impl<$($t: Countable),+> Countable for ($($t,)+) {}
    )*};
}
tuples! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
}

// Errors that hand back the value they could not send: countable when it is.
impl<T> Countable for std::sync::mpsc::SendError<T> where T: Countable {}

impl<T> Countable for std::sync::mpsc::TrySendError<T> where T: Countable {}
