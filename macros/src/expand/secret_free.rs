//! `SecretFree` and `Countable` for a derived struct.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Type, WherePredicate};

use crate::ast::Struct;
use crate::types;

/// `SecretFree` when every field's type is, `never` fields included (a
/// `with` function may read the whole struct), and `Countable` always: its
/// `Secret`s are classified `never`, so counting such structs says nothing
/// of them. (Each bound names the impl's own lifetime, so that the compiler
/// checks it where it is used instead of refusing a false one here.)
pub fn impls(model: &Struct, private: &Ident) -> TokenStream {
    let ident = model.ident;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    let mut generics = model.generics.clone();
    generics.params.insert(0, syn::parse_quote!('__crewtel_x));
    let mut seen = std::collections::BTreeSet::new();
    let predicates = model
        .fields
        .iter()
        .filter_map(|field| -> Option<WherePredicate> {
            // The struct itself, where a field names it (`Box<Node>`), is
            // read as `()`: it holds a `Secret` only through its other
            // fields, each asked here. A field that still names it (in a
            // form not replaced) is left out, or the check would never end.
            let rewritten;
            let ty = match types::mentions_self(field.ty, ident) {
                false => field.ty,
                true => {
                    rewritten = without_itself(field.ty, ident);
                    if types::mentions_self(&rewritten, ident) {
                        return None;
                    }
                    &rewritten
                }
            };
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
        #[automatically_derived]
        impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
    }
}

/// `ty` with each mention of the struct itself (`Self`, or its name as a
/// type) read as `()`; a projection's own type (`<Self as Trait>::Key`) is
/// left as it is, since the impl can name it.
fn without_itself(ty: &Type, ident: &Ident) -> Type {
    struct Itself<'a>(&'a Ident);
    impl VisitMut for Itself<'_> {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            if let Type::Path(path) = ty {
                // Its name alone: in the struct's module, that is the
                // struct (a path could name another type of that name).
                let itself = path.qself.is_none()
                    && path.path.leading_colon.is_none()
                    && path.path.segments.len() == 1
                    && (path.path.segments[0].ident == *self.0
                        || path.path.segments[0].ident == "Self");
                if itself {
                    *ty = syn::parse_quote!(());
                    return;
                }
                // Not into a projection's own type: only its path's arguments.
                for segment in &mut path.path.segments {
                    self.visit_path_arguments_mut(&mut segment.arguments);
                }
                return;
            }
            visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut ty = ty.clone();
    Itself(ident).visit_type_mut(&mut ty);
    ty
}
