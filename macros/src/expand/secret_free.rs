//! `SecretFree` and `Countable` for a derived struct.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::WherePredicate;
use syn::spanned::Spanned;

use crate::ast::Struct;
use crate::attr::Class;
use crate::types;

/// `SecretFree` when every field's type is, `never` fields included (a
/// `with` function may read the whole struct), and `Countable` always: its
/// `Secret`s are classified `never`, so counting such structs says nothing
/// of them. (Each bound names the impl's own lifetime, so that the compiler
/// checks it where it is used instead of refusing a false one here; a field
/// that names the struct itself is left out, or the check would never end.)
pub fn impls(model: &Struct, private: &Ident) -> TokenStream {
    let ident = model.ident;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    let countable = quote! {
        #[automatically_derived]
        impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
    };
    // A struct with a field written as a `Secret` is not `SecretFree`, and
    // gets no impl: a conditional impl whose condition fails would be named
    // by the compiler beside the refusal ("`SecretFree` is implemented for
    // `Llm`"). One whose `Secret` hides behind an alias or a projection is
    // refused by its impl's condition.
    // (Only a `never` field can be one: any other is refused before.)
    if model
        .fields
        .iter()
        .any(|field| field.class() == Some(Class::Never) && types::mentions_secret(field.ty))
    {
        return countable;
    }
    let mut generics = model.generics.clone();
    generics.params.insert(0, syn::parse_quote!('__crewtel_x));
    let mut seen = std::collections::BTreeSet::new();
    let predicates = model
        .fields
        .iter()
        .filter(|field| !types::mentions_self(field.ty, ident))
        .filter_map(|field| -> Option<WherePredicate> {
            let ty = field.ty;
            // Each type once: the same bound twice is ambiguous.
            let written = quote::ToTokens::to_token_stream(ty).to_string();
            if !seen.insert(written) {
                return None;
            }
            Some(if types::mentions_param(ty, model.generics) {
                syn::parse_quote_spanned!(ty.span()=> #ty: #private::SecretFree)
            } else {
                // A bound on a type that names no parameter would be
                // refused here when false; naming the impl's own lifetime
                // makes it one the compiler checks where it is used.
                syn::parse_quote_spanned!(ty.span()=> (#ty, &'__crewtel_x ()): #private::SecretFree)
            })
        })
        .collect::<Vec<_>>();
    generics.make_where_clause().predicates.extend(predicates);
    let (deep_impl_generics, _, deep_where) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #deep_impl_generics #private::SecretFree for #ident #ty_generics #deep_where {}
        #countable
    }
}
