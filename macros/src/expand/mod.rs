//! Token writers. Expansion assumes a valid model: `valid` has run.

mod bounds;
mod catalogue;
mod constant;
mod flatten;
mod free_text;
mod methods;
pub mod nesting;
mod secret_free;
pub mod telemetry;
mod tier;
pub mod value;
mod walk;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The name generated code reaches crewtel's `__private` through: an alias
/// that [`hygienic`] declares once per expansion, so that each of the many
/// paths the code names is two tokens, not eight.
///
/// An identifier, not a token stream: quoting an identifier adds one token
/// to the stream being written, where quoting a stream is a call into the
/// compiler each time, and the alias is quoted a few times for every key.
pub fn private() -> Ident {
    Ident::new("__crewtel", Span::call_site())
}

/// Wraps generated items so that they import nothing into the host's scope
/// and trip none of the host's lints; `__crewtel` there is
/// `::crewtel::__private`, or `<crate>::__private` under
/// `#[telemetry(crate = "...")]`.
pub fn hygienic(krate: Option<&syn::Path>, items: TokenStream) -> TokenStream {
    let path = match krate {
        Some(path) => quote!(#path::__private),
        None => quote!(::crewtel::__private),
    };
    let alias = private();
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
            #[allow(unused_imports)]
            use #path as #alias;
            #items
        };
    }
}

/// `tokens`, every one of them (groups included) spanned at `span`: the
/// same names, resolved the same way (a derive's tokens resolve where it is
/// called), reported at `span`.
pub fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                return TokenTree::Group(respanned);
            }
            token.set_span(span);
            token
        })
        .collect()
}
