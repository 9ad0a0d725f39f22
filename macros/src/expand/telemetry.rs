//! `#[derive(Telemetry)]`: the attribute walk, the catalogue, and the impls
//! that let the struct nest in another one.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, LitStr, Type, WherePredicate};

use super::{catalogue, constant, flatten, free_text};
use crate::ast::{Field, Struct};
use crate::attr::{Class, Fact, FactKind};
use crate::ctxt::Ctxt;
use crate::{types, valid};

pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let model = Struct::from_ast(&cx, input);
    if let Some(model) = &model {
        valid::check_struct(&cx, model);
    }
    let krate = model.as_ref().and_then(|model| model.attrs.krate.as_ref());
    let private = super::private();
    match (cx.finish(), &model) {
        (None, Some(model)) => super::hygienic(krate, impls(model, &private)),
        (errors, _) => {
            let fallback = super::hygienic(krate, fallback(input, &private));
            quote!(#errors #fallback)
        }
    }
}

/// Harmless impls emitted beside the errors, so that the host sees the
/// attribute errors and not a cascade of "`Telemetry` is not implemented"
/// wherever the struct is used or nested.
fn fallback(input: &DeriveInput, private: &TokenStream) -> TokenStream {
    let ident = &input.ident;
    let name = LitStr::new(&ident.unraw().to_string(), ident.span());
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let telemetry = quote! {
        impl #impl_generics #private::Telemetry for #ident #ty_generics #where_clause {
            const EVENT: &'static #private::str = #name;
            const CATALOGUE: &'static #private::Catalogue = &#private::Catalogue {
                event: #name,
                type_name: #name,
                path: ::core::concat!(::core::module_path!(), "::", #name),
                tier: #private::Tier::Always,
                entries: &[],
            };
            type Flattens = ();
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
    let nesting = nesting_impls(&input.generics, ident, private);
    quote!(#telemetry #secret_free #nesting)
}

fn impls(model: &Struct, private: &TokenStream) -> TokenStream {
    let over_types = model.over_types();
    let ident = model.ident;
    let generics = bounded(model, private);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let event = LitStr::new(&model.event(), ident.span());
    let visits = model
        .fields
        .iter()
        .map(|field| visit_field(field, model.generics, private));
    let catalogue = catalogue::of(model, private);
    let max_attributes = max_attributes(model, private);
    let event_tier = tier(Some(model.class()), private);
    let consent = model.consent_field().map(|field| {
        let member = field.ident;
        let ty = field.ty;
        // The receiver as the derive's own tokens, so that `self` names the
        // method's receiver whatever context the host's field came from; the
        // trait's path at the field, where a type that is not `bool` is told.
        let value = quote!(&self.#member);
        let consent = quote_spanned!(ty.span()=> <#ty as #private::ConsentFlag>::consent);
        quote! {
            #[inline]
            fn consent(&self) -> #private::Consent {
                #consent(#value)
            }
        }
    });
    // Keys a flattened struct brings in are checked here, at compile time
    // (the struct's own keys were checked by `valid`). A struct generic over
    // types is checked where it is used: its flattened types are known only
    // there.
    let flattens = model
        .fields
        .iter()
        .any(|field| field.emits_value() && field.attrs.flatten.is_some());
    let check = |ty: TokenStream| {
        quote_spanned! {ident.span()=>
            if let #private::Some(error) =
                <#ty as #private::Telemetry>::CATALOGUE.duplicate_key_error()
            {
                ::core::panic!("{}", error.as_str())
            }
        }
    };
    let (unique_keys, unique_keys_where_used) = match (flattens, over_types) {
        (false, _) => (None, None),
        (true, false) => {
            let lifetimes = model.generics.lifetimes().map(|_| quote!('static));
            let check = check(quote!(#ident<#(#lifetimes),*>));
            (Some(quote!(const _: () = #check;)), None)
        }
        (true, true) => {
            let check = check(quote!(Self));
            (None, Some(quote!(const { #check };)))
        }
    };
    let field_constants = model
        .fields
        .iter()
        .filter(|field| constant::applies(field, model.generics))
        .map(|field| constant::of(field, private));
    let secret_free = secret_free(model, private);
    let probe_traits = model
        .fields
        .iter()
        .any(|field| {
            (field.emits_value() && field.attrs.flatten.is_some())
                || constant::probed(field, model.generics)
        })
        .then(|| probe_traits(private));
    let nesting = nesting_impls(&generics, ident, private);
    let flattens = flatten::list(model);
    quote! {
        #[automatically_derived]
        impl #impl_generics #private::Telemetry for #ident #ty_generics #where_clause {
            const EVENT: &'static #private::str = #event;
            const TIER: #private::Tier = #event_tier;
            const CATALOGUE: &'static #private::Catalogue = #catalogue;
            type Flattens = #flattens;

            #[inline]
            fn max_attributes() -> #private::usize {
                #max_attributes
            }

            #consent

            #[inline]
            #[allow(unused_variables)]
            fn visit_attributes<__CrewtelV: #private::Visitor>(
                &self,
                __consent: #private::Consent,
                __visitor: &mut __CrewtelV,
            ) {
                #probe_traits
                #unique_keys_where_used
                #(#visits)*
            }
        }

        #secret_free

        #unique_keys

        #(#field_constants)*

        #nesting

    }
}

/// `Emit` and `Element` for the struct, `&` it and `Box` it: how it is sent
/// when nested in another struct (alone, in an `Option`, a list or a map).
/// Each impl names the runtime's `AsObject` and writes no method: the
/// methods are the traits' own, checked once in crewtel, not once a struct.
fn nesting_impls(generics: &Generics, ident: &syn::Ident, private: &TokenStream) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let mut with_lifetime = generics.clone();
    with_lifetime
        .params
        .insert(0, syn::parse_quote!('__crewtel_a));
    let (ref_impl_generics, _, _) = with_lifetime.split_for_impl();
    let own = quote!(#ident #ty_generics);
    let impls = [
        (quote!(#impl_generics), own.clone()),
        (quote!(#ref_impl_generics), quote!(&'__crewtel_a #own)),
        (quote!(#impl_generics), quote!(::std::boxed::Box<#own>)),
    ];
    let impls = impls.into_iter().map(|(impl_generics, target)| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::Emit for #target #where_clause {
                type Via = #private::AsObject;
            }
            #[automatically_derived]
            impl #impl_generics #private::Element for #target #where_clause {
                type Via = #private::AsObject;
            }
        }
    });
    quote!(#(#impls)*)
}

/// `SecretFree` when every field's type is, `never` fields included (a
/// `with` function may read the whole struct), and `Countable` always: its
/// `Secret`s are classified `never`, so counting such structs says nothing
/// of them. (Each bound names the impl's own lifetime, so that the compiler
/// checks it where it is used instead of refusing a false one here; a field
/// that names the struct itself is left out, or the check would never end.)
fn secret_free(model: &Struct, private: &TokenStream) -> TokenStream {
    let ident = model.ident;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
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
        #[automatically_derived]
        impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
    }
}

/// The struct's generics, with the bounds its generic fields need (as serde
/// does): `T: Emit` for a field of type `T` that is sent, and so on.
fn bounded(model: &Struct, private: &TokenStream) -> Generics {
    let mut generics = model.generics.clone();
    let mut predicates: Vec<WherePredicate> = Vec::new();
    for field in &model.fields {
        let ty = field.ty;
        if !types::mentions_type_param(ty, model.generics) {
            continue;
        }
        let span = ty.span();
        if field.attrs.with.is_some() {
            predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::SecretFree));
        } else if field.emits_value() {
            if free_text::is_judged(field)
                && let Some(judged) = free_text::judged_other_type(field, private)
            {
                predicates.push(syn::parse_quote_spanned!(span=> #judged: #private::Emit));
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
        if field.class() == Some(Class::Consent) {
            predicates.push(syn::parse_quote_spanned!(span=> #ty: #private::ConsentFlag));
        }
        for fact in &field.attrs.facts {
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

pub(super) fn tier(class: Option<Class>, private: &TokenStream) -> TokenStream {
    match class {
        Some(Class::ShareCrew) => quote!(#private::Tier::ShareCrew),
        _ => quote!(#private::Tier::Always),
    }
}

/// Sends `code` only when the consent allows `class`.
fn gated(class: Option<Class>, code: TokenStream, private: &TokenStream) -> TokenStream {
    match class {
        Some(Class::ShareCrew) => quote! {
            if __consent.allows(#private::Tier::ShareCrew) {
                #code
            }
        },
        _ => code,
    }
}

/// Fails to compile when the field's type holds a `Secret` anywhere (the
/// type system decides, through aliases and generic parameters): a `with`
/// function would read it.
fn assert_secret_free(ty: &Type, private: &TokenStream) -> TokenStream {
    quote_spanned! {ty.span()=>
        #private::assert_secret_free::<#ty>();
    }
}

/// The walk over one field: its value (unless `never`), then its facts. A
/// `never` field generates no code that reads it.
fn visit_field(field: &Field, generics: &syn::Generics, private: &TokenStream) -> TokenStream {
    let member = field.ident;
    let Locals {
        this,
        consent,
        visitor,
    } = Locals::of(field);
    let ty = field.ty;
    let mut code = TokenStream::new();
    if field.attrs.with.is_some() {
        code.extend(assert_secret_free(ty, private));
    }
    if field.emits_value() {
        let key = LitStr::new(&field.key(), member.span());
        let send = if field.attrs.flatten.is_some() {
            // Through the probe: a type that is not `Telemetry` is reported
            // once, by the catalogue, not again here.
            quote_spanned! {ty.span()=>
                (&#private::Probe::<#ty>::new()).visit_flattened(#this, #consent, #visitor);
            }
        } else if let Some((_, function)) = &field.attrs.with {
            let value = syn::Ident::new("__crewtel_value", function.span());
            let send = free_text::send_returned(field, &value, &key, private);
            quote_spanned! {function.span()=>
                {
                    let #value = &#function(#this);
                    #send
                }
            }
        } else if constant::probed(field, generics) {
            // Through the probe: the field's constant or catalogue entry
            // requires the type to be sendable, and reports it there, once.
            quote_spanned! {ty.span()=>
                (&#private::Probe::<#ty>::new()).emit_value(#this, #key, #consent, #visitor);
            }
        } else {
            if free_text::is_judged(field) {
                code.extend(free_text::where_used(field, private));
            }
            quote_spanned! {ty.span()=>
                #private::Emit::emit(#this, #key, #consent, #visitor);
            }
        };
        code.extend(gated(field.class(), send, private));
    }
    for fact in &field.attrs.facts {
        code.extend(gated(
            fact.class(),
            visit_fact(field, fact, private),
            private,
        ));
    }
    code
}

fn visit_fact(field: &Field, fact: &Fact, private: &TokenStream) -> TokenStream {
    let Locals { this, visitor, .. } = Locals::of(field);
    let ty = field.ty;
    let key = LitStr::new(&field.fact_key(fact), fact.word.span());
    match fact.kind {
        FactKind::Len => quote_spanned! {ty.span()=>
            #private::Visitor::scalar(
                #visitor,
                #key,
                #private::TelemetryValue::telemetry_value(&<#ty as #private::Len>::telemetry_len(#this)),
            );
        },
        FactKind::Present => quote_spanned! {ty.span()=>
            #private::Visitor::scalar(
                #visitor,
                #key,
                #private::Scalar::Bool(<#ty as #private::Present>::telemetry_present(#this)),
            );
        },
        FactKind::ErrorType => {
            let send = |error: TokenStream| {
                quote! {
                    #private::Visitor::scalar(
                        #visitor,
                        #key,
                        #private::Scalar::Text(::core::convert::From::from(#private::ErrorType::error_type(#error))),
                    );
                }
            };
            match types::option_inner(ty) {
                Some(inner) => {
                    let error = quote!(__error);
                    let send = send(error.clone());
                    quote_spanned! {inner.span()=>
                        if let #private::Some(#error) = #this {
                            #send
                        }
                    }
                }
                None => send(this),
            }
        }
    }
}

/// The generated code's own locals, as the derive's own tokens (call-site
/// hygiene), to interpolate into code spanned at a host's field: spanned
/// themselves, they would not resolve when the field comes from a host's
/// `macro_rules!`.
struct Locals {
    /// The field's value, `&self.field`.
    this: TokenStream,
    /// The consent the walk runs under.
    consent: TokenStream,
    /// The visitor the walk feeds.
    visitor: TokenStream,
}

impl Locals {
    fn of(field: &Field) -> Self {
        let member = field.ident;
        Locals {
            this: quote!(&self.#member),
            consent: quote!(__consent),
            visitor: quote!(__visitor),
        }
    }
}

/// The probe's traits, in scope once for a whole walk (a scope of its own
/// for each field costs the compiler a trait lookup each).
fn probe_traits(private: &TokenStream) -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use #private::{ViaEmit as _, ViaNothing as _, ViaTelemetry as _};
    }
}

/// How many attributes one event can carry: its own keys, plus what each
/// flattened struct can carry.
fn max_attributes(model: &Struct, private: &TokenStream) -> TokenStream {
    let own: usize = model.fields.iter().map(|field| field.keys().len()).sum();
    let flattened = model
        .fields
        .iter()
        .filter(|field| field.emits_value() && field.attrs.flatten.is_some())
        .map(|field| {
            let ty = field.ty;
            quote! {
                + (&#private::Probe::<#ty>::new()).max_attributes()
            }
        })
        .collect::<Vec<_>>();
    if flattened.is_empty() {
        return quote!(#own);
    }
    let probes = probe_traits(private);
    quote!({ #probes #own #(#flattened)* })
}
