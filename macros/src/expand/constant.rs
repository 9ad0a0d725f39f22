//! The constant a derive writes beside its impl for each value field whose
//! value is judged free text or not (an unmarked `always` value whose type
//! names no type parameter): the judgement is a trait bound in a free
//! constant, so that `cargo check` reports it there, one error per field.
//! It also says what the value is sent as and where its nested catalogue
//! is, so that it is the one item that requires the type to be sendable.
//! Fields that are not judged get no constant: a constant costs a const
//! evaluation each, and their catalogue entries read their shape themselves
//! (`ShapeOf::<T>::SHAPE`).

use proc_macro2::{Ident, TokenStream};
use quote::quote_spanned;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::types;

use super::free_text;

/// Whether a field is a value sent as it is whose type names no type
/// parameter of the struct: its type is then checked once, by one item
/// (its constant, or its catalogue entry), and the attribute walk sends it
/// through the probe, which requires nothing.
pub fn probed(field: &Field, generics: &syn::Generics) -> bool {
    field.emits_value()
        && field.attrs.flatten.is_none()
        && field.attrs.with.is_none()
        && !types::mentions_type_param(field.ty, generics)
}

/// Whether a field has a constant of its own: a probed value that is judged,
/// unless it is written as a number or flag (see [`types::known_number`]).
pub fn applies(field: &Field, generics: &syn::Generics) -> bool {
    probed(field, generics)
        && free_text::is_judged(field)
        && types::known_number(field.ty).is_none()
}

/// The check that stands for the judgement of a field written as a number
/// or flag: its type is the primitive it is written as.
pub fn known_number_check(
    field: &Field,
    generics: &syn::Generics,
    private: &Ident,
) -> Option<TokenStream> {
    if !(probed(field, generics) && free_text::is_judged(field)) {
        return None;
    }
    let canonical = types::known_number(field.ty)?;
    let ty = field.ty;
    Some(quote_spanned! {ty.span()=>
        let () = <#ty as #private::Same<#canonical>>::SAME;
    })
}

/// The name of a field's constant.
pub fn name(field: &Field) -> syn::Ident {
    match field.arm {
        // A variant's field: its index in the enum's fields, as two
        // variants can have fields of the same name.
        Some((_, index)) => {
            quote::format_ident!("__CREWTEL_FIELD_{}_{}", index, field.ident.unraw())
        }
        None => quote::format_ident!("__CREWTEL_FIELD_{}", field.ident.unraw()),
    }
}

/// The constant: what the value is sent as and where its nested catalogue
/// is, with the judgement of whether the value is free text. The struct's
/// lifetimes are read as `'static`, which changes neither answer; a type
/// that names them is judged in a function generic over them, so that an
/// error names the type as written (`&'a str`, which is text, not the
/// `&'static str` a literal is).
pub fn of(field: &Field, generics: &syn::Generics, private: &Ident) -> TokenStream {
    let name = name(field);
    let (sent, strs) = free_text::judged(field.ty, true, private);
    let judgement = if types::mentions_param(field.ty, generics) {
        let (written, _) = free_text::judged(field.ty, false, private);
        let lifetimes = generics.lifetimes();
        // The struct's own relations between its lifetimes; those the
        // field's type implies (`&'a &'b u8`) come with the argument.
        let relations = generics
            .where_clause
            .iter()
            .flat_map(|clause| &clause.predicates)
            .filter(|predicate| matches!(predicate, syn::WherePredicate::Lifetime(_)));
        quote_spanned! {field.ty.span()=>
            #[allow(dead_code)]
            const fn __crewtel_judged<#(#lifetimes),*>(_: #private::PhantomData<#written>)
            where
                #(#relations,)*
            {
                let () = <#written as #private::NotFreeText>::JUDGED;
            }
        }
    } else {
        quote_spanned! {field.ty.span()=>
            let () = <#sent as #private::NotFreeText>::JUDGED;
        }
    };
    // The shape first: a type that cannot be sent at all is reported so
    // before it is judged.
    quote_spanned! {field.ty.span()=>
        const #name: #private::Shape = {
            #strs
            let shape = <#sent as #private::Emit>::SHAPE;
            #judgement
            shape
        };
    }
}
