// The standard containers a `&'static str` is read as a literal in are
// named through crewtel, never through `::core` or `::std`, which a host's
// crate can rename to itself (`extern crate self as core`): its `Option`
// here is a `String`, and is refused.
extern crate self as core;
pub use ::std::{
    any, assert, borrow, cell, clone, cmp, column, compile_error, concat, convert, debug_assert,
    default, env, file, fmt, format_args, hash, i64, include_str, iter, line, marker, mem,
    module_path, ops, option_env, panic, primitive, ptr, result, slice, str, stringify, u64,
    unreachable, usize,
};
pub mod option {
    pub use ::std::option::Option::{None, Some};
    pub type Option<T> = <T as crate::Judge>::Out;
}

use crewtel::Telemetry;
use option::Option;

pub trait Judge {
    type Out;
}
impl Judge for crewtel::Literal {
    type Out = u32;
}
impl Judge for &'static str {
    type Out = String;
}

#[derive(Telemetry)]
pub struct Prompted {
    /// What the user asked first.
    #[telemetry(always)]
    pub first: Option<&'static str>,
}

fn main() {}
