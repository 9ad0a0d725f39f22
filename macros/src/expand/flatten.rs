//! `Telemetry::Flattens`: the types a struct flattens, as a type-level list
//! the runtime's one `Flattenable` impl follows to prove that flattening
//! ends (the runtime's `flatten` module says how).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Struct;

/// `(A, (B, ()))` for a struct that flattens an `A` and a `B`.
pub fn list(model: &Struct) -> TokenStream {
    model
        .fields
        .iter()
        .rev()
        .filter(|field| field.emits_value() && field.attrs.flatten.is_some())
        .fold(quote!(()), |rest, field| {
            let ty = field.ty;
            quote!((#ty, #rest))
        })
}
