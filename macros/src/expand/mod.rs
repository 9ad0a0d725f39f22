//! Token writers. Expansion assumes a valid model: `valid` has run.

pub mod telemetry;
pub mod value;

use proc_macro2::TokenStream;
use quote::quote;

/// Wraps generated items so that they import nothing into the host's scope.
fn hygienic(items: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #items
        };
    }
}
