//! `#[derive(TelemetryValue)]` for unit-only enums.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ast::Enum;

/// Everything an enum that derived without errors gets.
pub fn derive(model: &Enum, private: &Ident) -> TokenStream {
    impls(model.ident, model.generics, arms(model, private), private)
}

/// The impls, around the body of `telemetry_value`.
pub fn impls(
    ident: &syn::Ident,
    generics: &syn::Generics,
    body: TokenStream,
    private: &Ident,
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::TelemetryValue for #ident #ty_generics #where_clause {
            const KIND: #private::Option<#private::ScalarKind> = #private::Some(#private::ScalarKind::Text);

            #[inline]
            fn telemetry_value(&self) -> #private::Scalar<'_> {
                #body
            }
        }

        // Its values are its variant names, not text a person wrote.
        #[automatically_derived]
        impl #impl_generics #private::NotFreeText for #ident #ty_generics #where_clause {}
        #[automatically_derived]
        impl #impl_generics #private::SecretFree for #ident #ty_generics #where_clause {}
        #[automatically_derived]
        impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
    }
}

fn arms(model: &Enum, private: &Ident) -> TokenStream {
    let ident = model.ident;
    if model.variants.is_empty() {
        return quote!(match *self {});
    }
    let arms = model.variants.iter().map(|variant| {
        let name = variant.name_lit();
        let v = variant.ident;
        quote!(#ident::#v => #name,)
    });
    quote! {
        #private::Scalar::Text(#private::Text::Static(match self {
            #(#arms)*
        }))
    }
}
