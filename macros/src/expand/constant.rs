//! The one constant a derive writes beside its impl for each value field
//! whose type names no type parameter: the one item that requires the type
//! to be sendable (so that a type that is not is reported there, once),
//! which also judges whether the value is free text and says where its
//! nested catalogue is.

use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::types;

use super::free_text;

/// Whether a field has a constant of its own: a value sent as it is, whose
/// type names no type parameter of the struct.
pub fn applies(field: &Field, generics: &syn::Generics) -> bool {
    field.emits_value()
        && field.attrs.flatten.is_none()
        && field.attrs.with.is_none()
        && !types::mentions_type_param(field.ty, generics)
}

/// The name of a field's constant.
pub fn name(field: &Field) -> syn::Ident {
    quote::format_ident!("__CREWTEL_FIELD_{}", field.ident.unraw())
}

/// The constant: where the value's nested catalogue is, evaluated with the
/// struct's definition after judging whether the value is free text. The
/// struct's lifetimes are read as `'static`, which changes neither answer.
pub fn of(field: &Field, private: &TokenStream) -> TokenStream {
    let name = name(field);
    let sent = free_text::rewritten(field.ty, true, private);
    let judgement = free_text::is_judged(field).then(|| {
        let message = free_text::message(field);
        quote_spanned! {field.ty.span()=>
            if <#sent as #private::Emit>::FREE_TEXT {
                ::core::panic!(#message)
            }
        }
    });
    quote_spanned! {field.ty.span()=>
        const #name: #private::Option<fn() -> &'static #private::Catalogue> = {
            #judgement
            <#sent as #private::Emit>::NESTED
        };
    }
}
