//! What a derive writes beside its errors: harmless impls, so that the host
//! sees the attribute errors and not a cascade of "`Telemetry` is not
//! implemented" wherever the type is used or nested (thiserror's
//! `fallback.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::{DeriveInput, LitStr};

use crate::expand;

/// A `Telemetry` struct with no keys.
pub fn telemetry(input: &DeriveInput, private: &Ident) -> TokenStream {
    let ident = &input.ident;
    let name = LitStr::new(&ident.unraw().to_string(), ident.span());
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let telemetry = quote! {
        impl #impl_generics #private::Telemetry for #ident #ty_generics #where_clause {
            const EVENT: &'static #private::str = #name;
            const CATALOGUE: &'static #private::Catalogue = &#private::Catalogue {
                __event: #name,
                __type_name: #name,
                __path: ::core::concat!(::core::module_path!(), "::", #name),
                __tier: #private::Tier::Always,
                __expires: #private::None,
                __entries: &[],
                __expiring: &[],
            };
            type Flattens = ();
            type __DeriveOnly = ();
            fn max_attributes() -> #private::usize {
                0
            }
            fn visit_attributes<__CrewtelV: #private::Visitor>(
                &self,
                _: #private::Consent,
                _: &mut __CrewtelV,
            ) {
            }
        }
    };
    let secret_free = quote! {
        impl #impl_generics #private::SecretFree for #ident #ty_generics #where_clause {}
        impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
    };
    let nesting = expand::nesting::impls(&input.generics, &input.generics, ident, private);
    quote!(#telemetry #secret_free #nesting)
}

/// A `TelemetryValue` enum whose value is never asked for (the build fails).
pub fn value(input: &DeriveInput, private: &Ident) -> TokenStream {
    expand::value::impls(
        &input.ident,
        &input.generics,
        quote!(::core::unreachable!()),
        private,
    )
}
