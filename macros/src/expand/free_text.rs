//! The free-text rule: text a person wrote (a role, a tool's name) is sent
//! under `always` only when its field is marked `free_text`. The type system
//! judges, through aliases and generic parameters: the value's type must be
//! `NotFreeText`, a trait bound (so `cargo check` and the editor report it)
//! whose message says the four fixes.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Lifetime, Type};

use crate::ast::Field;
use crate::attr::Class;

/// Whether the field's value is judged: an `always` value (not flattened: a
/// flattened struct's fields are judged where they are declared) that is not
/// marked `free_text`.
pub fn is_judged(field: &Field) -> bool {
    field.class() == Some(Class::Always)
        && field.attrs.free_text.is_none()
        && field.attrs.flatten.is_none()
}

/// The bounds that judge a generic field's value where the struct is used
/// (`cargo check` reports them there, at the field): `NotFreeText` of the
/// type it is judged as, and, when that is not the field's own (a
/// `&'static str` in it read as a string literal), `Emit` of it too.
pub fn bounds(field: &Field, private: &Ident) -> Vec<syn::WherePredicate> {
    let mut written = Vec::new();
    let judged = rewrite(field.ty, false, private, &mut written);
    let span = field.ty.span();
    let mut bounds = Vec::with_capacity(2);
    if !written.is_empty() {
        bounds.push(syn::parse_quote_spanned!(span=> #judged: #private::Emit));
    }
    bounds.push(syn::parse_quote_spanned!(span=> #judged: #private::NotFreeText));
    bounds
}

/// The checks that each `str` [`bounds`] reads as a literal is the
/// primitive one, for the walk of a generic struct (whose bounds judge the
/// rest).
pub fn primitive_strs(field: &Field, private: &Ident) -> TokenStream {
    judged(field.ty, false, private).1
}

/// Sends `value` (a reference to what a `with` function returned), judged
/// by its type where the struct is used: the function's return type is not
/// written in the struct. It may not hold a `Telemetry` struct (its keys
/// would be missing from the catalogue: `Returnable`) nor, unless marked,
/// free text under `always`: both bounds, which `cargo check` reports. The
/// one place that requires it to be sendable.
pub fn send_returned(
    field: &Field,
    value: &syn::Ident,
    key: &syn::LitStr,
    private: &Ident,
) -> TokenStream {
    // Judged by a bound, so that `cargo check` reports it at the call.
    let free_text = is_judged(field).then(|| quote!(__CrewtelT: #private::NotFreeText,));
    let span = field
        .attrs
        .with
        .as_ref()
        .map_or_else(|| field.ty.span(), |(_, function)| function.span());
    // The walk's locals as the derive's own tokens (see `telemetry::Locals`).
    let walk = quote!(__consent, __visitor);
    quote_spanned! {span=>
        fn __crewtel_judged<__CrewtelT, __CrewtelV>(
            value: &__CrewtelT,
            key: &'static #private::str,
            consent: #private::Consent,
            visitor: &mut __CrewtelV,
        ) where
            __CrewtelT: #private::Emit + #private::Returnable + ?::core::marker::Sized,
            #free_text
            __CrewtelV: #private::Visitor,
        {
            #private::emit(value, key, consent, visitor);
        }
        __crewtel_judged(#value, #key, #walk);
    }
}

/// `ty` as it is judged, and the checks that the rewrite means what it says: for
/// each `&'static str` it reads as a literal, that its `str` is the
/// primitive one, and for each container it reads into, that the container
/// is the standard one (a host's own `str`, or a type alias named `Vec`
/// that is something else, is refused at the field, not taken for what its
/// name says).
pub(super) fn judged(ty: &Type, statics: bool, private: &Ident) -> (Type, TokenStream) {
    let mut written = Vec::new();
    let judged = rewrite(ty, statics, private, &mut written);
    let checks = written.into_iter().map(|check| match check {
        Written::Str(str_type) => quote_spanned! {str_type.span()=>
            let () = <#str_type as #private::PrimitiveStr>::PRIMITIVE;
        },
        Written::Container {
            mut written,
            mut standard,
        } => {
            if statics {
                Statics.visit_type_mut(&mut written);
                Statics.visit_type_mut(&mut standard);
            }
            quote_spanned! {written.span()=>
                let () = <#written as #private::SameContainer<#standard>>::SAME;
            }
        }
    });
    (judged, quote!(#(#checks)*))
}

/// What [`rewrite`] read by its name, to be held to it.
enum Written {
    /// The `str` of a `&'static str` read as a literal.
    Str(Box<Type>),
    /// A container a literal was read in, as written and as the standard
    /// type of that name with the same arguments.
    Container {
        written: Box<Type>,
        standard: Box<Type>,
    },
}

/// Every lifetime as `'static`.
struct Statics;

impl VisitMut for Statics {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        *lifetime = Lifetime::new("'static", lifetime.span());
    }
}

/// `ty` with every `&'static str` read as crewtel's `Literal` (a literal
/// or a version from `env!` is not text a person wrote; [`primitive_strs`]
/// holds each such `str` to being the primitive one) and, when
/// `statics`, every lifetime as `'static`. Only where the `&'static str` is
/// the value itself, or an entry of a tuple, an array, a slice, a reference,
/// or a standard `Option`, list, set, map or pointer: inside any other
/// type's arguments (a projection, a host's type) the type is judged as
/// written. [`judged`] holds each container it reads into to the standard
/// one, so the rewrite cannot change what the type means.
fn rewrite(ty: &Type, statics: bool, private: &Ident, written: &mut Vec<Written>) -> Type {
    let mut ty = ty.clone();
    literals(&mut ty, private, written);
    if statics {
        Statics.visit_type_mut(&mut ty);
    }
    ty
}

/// The standard types whose entries are judged one by one, each
/// re-exported by crewtel's `__private` under its name (a path through
/// crewtel, which a host's crate cannot rename as it can `::std`).
const CONTAINERS: &[&str] = &[
    "Option", "Vec", "VecDeque", "BTreeSet", "HashSet", "BTreeMap", "HashMap", "Box", "Rc", "Arc",
];

fn literals(ty: &mut Type, private: &Ident, written: &mut Vec<Written>) {
    match ty {
        Type::Reference(reference)
            if reference.mutability.is_none()
                && reference
                    .lifetime
                    .as_ref()
                    .is_some_and(|lifetime| lifetime.ident == "static")
                && matches!(&*reference.elem, Type::Path(path) if path.qself.is_none() && path.path.is_ident("str")) =>
        {
            written.push(Written::Str(reference.elem.clone()));
            *ty = syn::parse_quote!(#private::Literal);
        }
        Type::Reference(reference) => literals(&mut reference.elem, private, written),
        Type::Array(array) => literals(&mut array.elem, private, written),
        Type::Slice(slice) => literals(&mut slice.elem, private, written),
        Type::Paren(paren) => literals(&mut paren.elem, private, written),
        Type::Group(group) => literals(&mut group.elem, private, written),
        Type::Tuple(tuple) => tuple
            .elems
            .iter_mut()
            .for_each(|elem| literals(elem, private, written)),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return;
            };
            let Some(standard) = CONTAINERS.iter().find(|name| last.ident == name) else {
                return;
            };
            let standard = Ident::new(standard, last.ident.span());
            let before = path.clone();
            let found = written.len();
            let last = path.path.segments.last_mut().expect("looked at above");
            if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments {
                for arg in &mut args.args {
                    if let syn::GenericArgument::Type(inner) = arg {
                        literals(inner, private, written);
                    }
                }
            }
            if written.len() > found {
                let arguments = &before
                    .path
                    .segments
                    .last()
                    .expect("looked at above")
                    .arguments;
                written.push(Written::Container {
                    standard: Box::new(
                        syn::parse_quote_spanned!(before.span()=> #private::#standard #arguments),
                    ),
                    written: Box::new(Type::Path(before)),
                });
            }
        }
        _ => {}
    }
}
