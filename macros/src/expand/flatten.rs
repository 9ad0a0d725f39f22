//! `Flattenable`: a struct can be flattened at depth `Next<D>` when each
//! struct it flattens can be at depth `D` (the runtime's `flatten` module
//! says why).

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::{Generics, WherePredicate};

use crate::ast::Struct;

/// The impl for a struct that derived without errors.
pub fn impl_for(model: &Struct, bounded: &Generics, private: &TokenStream) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let links: Vec<WherePredicate> = model
        .fields
        .iter()
        .filter(|field| field.emits_value() && field.attrs.flatten.is_some())
        .filter(|field| seen.insert(quote::ToTokens::to_token_stream(field.ty).to_string()))
        .map(|field| {
            let ty = field.ty;
            syn::parse_quote_spanned!(ty.span()=>
                __CrewtelDepth: #private::Flattenable<#ty>
            )
        })
        .collect();
    with_depth(bounded, model.ident, links, private)
}

/// The impl beside a derive's errors: flattenable at every depth, so that no
/// second error follows the first.
pub fn fallback(generics: &Generics, ident: &syn::Ident, private: &TokenStream) -> TokenStream {
    with_depth(generics, ident, Vec::new(), private)
}

fn with_depth(
    generics: &Generics,
    ident: &syn::Ident,
    links: Vec<WherePredicate>,
    private: &TokenStream,
) -> TokenStream {
    let (_, ty_generics, _) = generics.split_for_impl();
    let mut generics = generics.clone();
    generics.params.push(syn::parse_quote!(__CrewtelDepth));
    generics.make_where_clause().predicates.extend(links);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    quote_spanned! {ident.span()=>
        #[automatically_derived]
        impl #impl_generics #private::Flattenable<#ident #ty_generics> for #private::Next<__CrewtelDepth> #where_clause {
            const CATALOGUE: &'static #private::Catalogue =
                <#ident #ty_generics as #private::Telemetry>::CATALOGUE;
        }
    }
}
