//! Token writers. Expansion assumes a valid model: `valid` has run.

mod catalogue;
mod constant;
mod flatten;
mod free_text;
pub mod telemetry;
pub mod value;

use proc_macro2::TokenStream;
use quote::quote;

/// The path generated code reaches crewtel through: `::crewtel::__private`,
/// or `<crate>::__private` under `#[telemetry(crate = "...")]`.
fn private(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::crewtel::__private),
    }
}

/// Wraps generated items so that they import nothing into the host's scope
/// and trip none of the host's lints.
fn hygienic(items: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(
            non_upper_case_globals,
            unused_qualifications,
            clippy::all,
            clippy::pedantic,
            clippy::nursery
        )]
        const _: () = {
            #items
        };
    }
}
