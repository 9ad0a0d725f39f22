//! The bounds a generic struct's impls need.

use proc_macro2::Ident;
use syn::spanned::Spanned;
use syn::{Generics, WherePredicate};

use super::free_text;
use crate::ast::Struct;
use crate::attr::{Class, FactKind};
use crate::types;

/// The struct's generics, with the bounds its generic fields need (as serde
/// does): `T: Emit` for a field of type `T` that is sent, and so on.
pub fn bounded(model: &Struct, private: &Ident) -> Generics {
    let mut generics = model.generics.clone();
    let mut predicates: Vec<WherePredicate> = Vec::new();
    for field in &model.fields {
        let ty = field.ty;
        if !types::mentions_type_param(ty, model.generics) {
            continue;
        }
        let span = ty.span();
        if field.attrs.with.is_some() {
            predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::WithReads));
        } else if field.emits_value() {
            if free_text::is_judged(field) {
                predicates.extend(free_text::bounds(field, private));
            }
            if field.attrs.flatten.is_some() {
                predicates.push(syn::parse_quote_spanned!(span=>
                    #private::FlattenDepth: #private::Flattenable<#ty>
                ));
            }
            predicates.push(if field.attrs.flatten.is_some() {
                syn::parse_quote_spanned!(span=> #ty: #private::Telemetry)
            } else {
                syn::parse_quote_spanned!(span=> #ty: #private::Emit)
            });
        }
        if field.judged_as_a_credential() {
            predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::NotCredentialText));
        }
        if field.class() == Some(Class::Consent) {
            predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::ConsentFlag));
        }
        for fact in &field.attrs.facts {
            if fact.kind == FactKind::ErrorType && types::option_inner(ty).is_some() {
                // Whether the error is there is sent too.
                predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::Countable));
            }
            predicates.push(match fact.kind {
                FactKind::Len => syn::parse_quote_spanned!(span=> #ty: #private::Len),
                FactKind::Present => syn::parse_quote_spanned!(span=> #ty: #private::Present),
                FactKind::ErrorType => {
                    let error = types::option_inner(ty).unwrap_or(ty);
                    syn::parse_quote_spanned!(span=> #error: #private::ErrorType)
                }
            });
        }
    }
    generics.make_where_clause().predicates.extend(predicates);
    generics
}
