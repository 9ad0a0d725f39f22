//! What a `with` function may return: a value the catalogue can describe
//! by its key alone (a scalar, or an `Option`, list, set or map of them),
//! never a `Telemetry` struct, whose own keys the catalogue could not list.
//! A trait bound, so that `cargo check` reports it; and what such a value
//! is sent as, for the catalogue.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use crate::catalogue::Shape;
use crate::emit::Emit;
use crate::on_send::OnSend;
use crate::value::TelemetryValue;

/// A value a `with` function may return.
#[diagnostic::on_unimplemented(
    message = "a `with` function returns `{Self}`, which holds a telemetry struct (whose keys the catalogue cannot list) or a `Secret`",
    label = "what the `with` function returns",
    note = "send a telemetry struct itself as the field's value (without `with`), or `flatten` it; a `Secret` is never sent; a `with` function returns a scalar, or an `Option`, list, set or map of them"
)]
pub trait Returnable {}

// Every impl is `do_not_recommend`: the error names what the function
// returns, as it is written.
#[diagnostic::do_not_recommend]
impl<T: TelemetryValue + ?Sized> Returnable for T {}

marker_impls! {
    Returnable:
    [T: Returnable + ?Sized] Rc<T>;
    [T: Returnable + ?Sized] Arc<T>;
    [T: Returnable] Option<T>;
    ['a, T: Returnable] &'a Option<T>;
    ['a, T: Returnable + ?Sized] &'a Rc<T>;
    ['a, T: Returnable + ?Sized] &'a Arc<T>;
    [T: Returnable] OnSend<T>;
    [T: Returnable] [T];
    ['a, T: Returnable] &'a [T];
    [T: Returnable, const N: usize] [T; N];
    ['a, T: Returnable, const N: usize] &'a [T; N];
    [T: Returnable] Vec<T>;
    ['a, T: Returnable] &'a Vec<T>;
    [T: Returnable] VecDeque<T>;
    ['a, T: Returnable] &'a VecDeque<T>;
    [T: Returnable] BTreeSet<T>;
    ['a, T: Returnable] &'a BTreeSet<T>;
    [T: Returnable, S] HashSet<T, S>;
    ['a, T: Returnable, S] &'a HashSet<T, S>;
    [K, V: Returnable] BTreeMap<K, V>;
    ['a, K, V: Returnable] &'a BTreeMap<K, V>;
    [K, V: Returnable, S] HashMap<K, V, S>;
    ['a, K, V: Returnable, S] &'a HashMap<K, V, S>;
}

/// What the `with` function `convert` (a closure calling it, which the
/// catalogue never calls) returns for a field of type `A`, sent.
pub const fn returned<'a, A, R, F>(_convert: &F) -> Shape
where
    A: ?Sized + 'a,
    R: Emit,
    F: Fn(&'a A) -> R,
{
    R::SHAPE
}
