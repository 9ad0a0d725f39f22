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
    dyn std::error::Error + '_, dyn std::error::Error + Send + '_,
    dyn std::error::Error + Send + Sync + '_,
}

macro_rules! wrappers {
    ($({$($g:tt)*} $t:ty => [$($b:ident),*];)*) => {$(
        impl<$($g)*> SecretFree for $t where $($b: SecretFree),* {}
        impl<$($g)*> Countable for $t where $($b: Countable),* {}
    )*};
}
wrappers! {
    {T} Option<T> => [T];
    {T, E} Result<T, E> => [T, E];
    {T} [T] => [T];
    {T, const N: usize} [T; N] => [T];
    {T} Vec<T> => [T];
    {T} VecDeque<T> => [T];
    {T} LinkedList<T> => [T];
    {T} BinaryHeap<T> => [T];
    {T} BTreeSet<T> => [T];
    {T, S} HashSet<T, S> => [T];
    {K, V} BTreeMap<K, V> => [K, V];
    {K, V, S} HashMap<K, V, S> => [K, V];
    {T: ?Sized} &T => [T];
    {T: ?Sized} &mut T => [T];
    {T: ?Sized} Box<T> => [T];
    {T: ?Sized} Rc<T> => [T];
    {T: ?Sized} Arc<T> => [T];
    {T: ?Sized} std::rc::Weak<T> => [T];
    {T: ?Sized} std::sync::Weak<T> => [T];
    {T: ?Sized} Cell<T> => [T];
    {T: ?Sized} RefCell<T> => [T];
    {T: ?Sized} Mutex<T> => [T];
    {T: ?Sized} RwLock<T> => [T];
    {T} OnceCell<T> => [T];
    {T} OnceLock<T> => [T];
    {P} Pin<P> => [P];
    {B: ToOwned + ?Sized} Cow<'_, B> => [B];
    {T} Wrapping<T> => [T];
    {T} Saturating<T> => [T];
    {T} core::cmp::Reverse<T> => [T];
    {T: ?Sized} PhantomData<T> => [];
}

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
