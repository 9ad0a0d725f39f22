//! [`SecretFree`] for the standard library's types: its scalars and strings,
//! and its containers, pointers and cells when what they hold is.

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

use super::SecretFree;

macro_rules! leaves {
    ($($t:ty),* $(,)?) => {$(
        impl SecretFree for $t {}
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
    ($([$($g:tt)*] $t:ty;)*) => {$(
        impl<$($g)*> SecretFree for $t {}
    )*};
}
wrappers! {
    [T: SecretFree] Option<T>;
    [T: SecretFree, E: SecretFree] Result<T, E>;
    [T: SecretFree] [T];
    [T: SecretFree, const N: usize] [T; N];
    [T: SecretFree] Vec<T>;
    [T: SecretFree] VecDeque<T>;
    [T: SecretFree] LinkedList<T>;
    [T: SecretFree] BinaryHeap<T>;
    [T: SecretFree] BTreeSet<T>;
    [T: SecretFree, S] HashSet<T, S>;
    [K: SecretFree, V: SecretFree] BTreeMap<K, V>;
    [K: SecretFree, V: SecretFree, S] HashMap<K, V, S>;
    [T: SecretFree + ?Sized] &T;
    [T: SecretFree + ?Sized] &mut T;
    [T: SecretFree + ?Sized] Box<T>;
    [T: SecretFree + ?Sized] Rc<T>;
    [T: SecretFree + ?Sized] Arc<T>;
    [T: SecretFree + ?Sized] std::rc::Weak<T>;
    [T: SecretFree + ?Sized] std::sync::Weak<T>;
    [T: SecretFree + ?Sized] Cell<T>;
    [T: SecretFree + ?Sized] RefCell<T>;
    [T: SecretFree + ?Sized] Mutex<T>;
    [T: SecretFree + ?Sized] RwLock<T>;
    [T: SecretFree] OnceCell<T>;
    [T: SecretFree] OnceLock<T>;
    [P: SecretFree] Pin<P>;
    [B: SecretFree + ToOwned + ?Sized] Cow<'_, B>;
    [T: SecretFree] Wrapping<T>;
    [T: SecretFree] Saturating<T>;
    [T: SecretFree] core::cmp::Reverse<T>;
    [T: ?Sized] PhantomData<T>;
}

macro_rules! tuples {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: SecretFree),+> SecretFree for ($($t,)+) {}
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
