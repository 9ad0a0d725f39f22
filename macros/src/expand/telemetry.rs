//! `#[derive(Telemetry)]`: the attribute walk, the catalogue, and the impls
//! that let the struct nest in another one.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, LitStr, Type, WherePredicate};

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
    match (cx.finish(), model) {
        (None, Some(model)) => impls(&model),
        (errors, _) => {
            let fallback = fallback(input);
            quote!(#errors #fallback)
        }
    }
}

/// A harmless impl emitted beside the errors, so that the host sees the
/// attribute errors and not a cascade of "`Telemetry` is not implemented".
fn fallback(input: &DeriveInput) -> TokenStream {
    let ident = &input.ident;
    let name = LitStr::new(&ident.to_string(), ident.span());
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    super::hygienic(quote! {
        impl #impl_generics ::crewtel::__private::Telemetry for #ident #ty_generics #where_clause {
            const EVENT: &'static ::crewtel::__private::str = #name;
            const CATALOGUE: &'static ::crewtel::__private::Catalogue = &::crewtel::__private::Catalogue {
                event: #name,
                type_name: #name,
                entries: &[],
            };
            fn max_attributes() -> ::crewtel::__private::usize {
                0
            }
            fn visit_attributes<__V: ::crewtel::__private::Visitor>(
                &self,
                _: ::crewtel::__private::Consent,
                _: &mut __V,
            ) {
            }
        }
    })
}

fn impls(model: &Struct) -> TokenStream {
    let ident = model.ident;
    let generics = bounded(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let event = LitStr::new(&model.event(), ident.span());
    let type_name = LitStr::new(&ident.to_string(), ident.span());
    let visits = model.fields.iter().map(visit_field);
    let entries = model.fields.iter().flat_map(catalogue_entries);
    let max_attributes = max_attributes(model);
    let consent = model.consent_field().map(|field| {
        let member = field.ident;
        quote_spanned! {field.ty.span()=>
            #[inline]
            fn consent(&self) -> ::crewtel::__private::Consent {
                ::crewtel::__private::ConsentFlag::consent(&self.#member)
            }
        }
    });
    super::hygienic(quote! {
        #[automatically_derived]
        impl #impl_generics ::crewtel::__private::Telemetry for #ident #ty_generics #where_clause {
            const EVENT: &'static ::crewtel::__private::str = #event;
            const CATALOGUE: &'static ::crewtel::__private::Catalogue = &::crewtel::__private::Catalogue {
                event: #event,
                type_name: #type_name,
                entries: &[#(#entries),*],
            };
            #[inline]
            fn max_attributes() -> ::crewtel::__private::usize {
                #max_attributes
            }

            #consent

            #[inline]
            #[allow(unused_variables)]
            fn visit_attributes<__V: ::crewtel::__private::Visitor>(
                &self,
                __consent: ::crewtel::__private::Consent,
                __visitor: &mut __V,
            ) {
                #(#visits)*
            }
        }

        #[automatically_derived]
        impl #impl_generics ::crewtel::__private::Emit for #ident #ty_generics #where_clause {
            #[inline]
            fn emit<__V: ::crewtel::__private::Visitor>(
                &self,
                __key: &'static ::crewtel::__private::str,
                __consent: ::crewtel::__private::Consent,
                __visitor: &mut __V,
            ) {
                ::crewtel::__private::Visitor::json(
                    __visitor,
                    __key,
                    &::crewtel::__private::Object::new(self, __consent),
                );
            }

            fn nested_catalogue() -> ::crewtel::__private::Option<&'static ::crewtel::__private::Catalogue> {
                ::crewtel::__private::Some(<Self as ::crewtel::__private::Telemetry>::CATALOGUE)
            }
        }

        #[automatically_derived]
        impl #impl_generics ::crewtel::__private::Element for #ident #ty_generics #where_clause {
            #[inline]
            fn emit_list<'__a, __V, __I>(
                __items: __I,
                __key: &'static ::crewtel::__private::str,
                __consent: ::crewtel::__private::Consent,
                __visitor: &mut __V,
            ) where
                Self: '__a,
                __V: ::crewtel::__private::Visitor,
                __I: ::core::iter::Iterator<Item = &'__a Self> + ::core::clone::Clone,
            {
                ::crewtel::__private::emit_struct_list(__items, __key, __consent, __visitor);
            }

            fn serialize_entry<__S: ::crewtel::__private::Serializer>(
                &self,
                __consent: ::crewtel::__private::Consent,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                ::crewtel::__private::Serialize::serialize(
                    &::crewtel::__private::Object::new(self, __consent),
                    __serializer,
                )
            }

            fn nested_catalogue() -> ::crewtel::__private::Option<&'static ::crewtel::__private::Catalogue> {
                ::crewtel::__private::Some(<Self as ::crewtel::__private::Telemetry>::CATALOGUE)
            }
        }
    })
}

/// The struct's generics, with the bounds its generic fields need (as serde
/// does): `T: Emit` for a field of type `T` that is sent, and so on.
fn bounded(model: &Struct) -> Generics {
    let mut generics = model.generics.clone();
    let mut predicates: Vec<WherePredicate> = Vec::new();
    for field in &model.fields {
        let ty = field.ty;
        if !types::mentions_type_param(ty, model.generics) {
            continue;
        }
        let span = ty.span();
        if field.emits_value() && field.attrs.with.is_none() {
            predicates.push(if field.attrs.flatten.is_some() {
                syn::parse_quote_spanned!(span=> #ty: ::crewtel::__private::Telemetry)
            } else {
                syn::parse_quote_spanned!(span=> #ty: ::crewtel::__private::Emit)
            });
        }
        if field.class() == Some(Class::Consent) {
            predicates
                .push(syn::parse_quote_spanned!(span=> #ty: ::crewtel::__private::ConsentFlag));
        }
        for fact in &field.attrs.facts {
            predicates.push(match fact.kind {
                FactKind::Len => syn::parse_quote_spanned!(span=> #ty: ::crewtel::__private::Len),
                FactKind::Present => {
                    syn::parse_quote_spanned!(span=> #ty: ::crewtel::__private::Present)
                }
                FactKind::ErrorType => {
                    let error = types::option_inner(ty).unwrap_or(ty);
                    syn::parse_quote_spanned!(span=> #error: ::std::error::Error)
                }
            });
        }
    }
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

fn tier(class: Option<Class>) -> TokenStream {
    match class {
        Some(Class::ShareCrew) => quote!(::crewtel::__private::Tier::ShareCrew),
        _ => quote!(::crewtel::__private::Tier::Always),
    }
}

/// Sends `code` only when the consent allows `class`.
fn gated(class: Option<Class>, code: TokenStream) -> TokenStream {
    match class {
        Some(Class::ShareCrew) => quote! {
            if __consent.allows(::crewtel::__private::Tier::ShareCrew) {
                #code
            }
        },
        _ => code,
    }
}

/// The walk over one field: its value (unless `never`), then its facts. A
/// `never` field generates no code that reads it.
fn visit_field(field: &Field) -> TokenStream {
    let member = field.ident;
    let ty = field.ty;
    let mut code = TokenStream::new();
    if field.emits_value() {
        let key = LitStr::new(&field.key(), member.span());
        let send = if field.attrs.flatten.is_some() {
            quote_spanned! {ty.span()=>
                ::crewtel::__private::Telemetry::visit_attributes(&self.#member, __consent, __visitor);
            }
        } else if let Some((_, function)) = &field.attrs.with {
            quote_spanned! {function.span()=>
                ::crewtel::__private::Emit::emit(&#function(&self.#member), #key, __consent, __visitor);
            }
        } else {
            quote_spanned! {ty.span()=>
                ::crewtel::__private::Emit::emit(&self.#member, #key, __consent, __visitor);
            }
        };
        code.extend(gated(field.class(), send));
    }
    for fact in &field.attrs.facts {
        code.extend(gated(fact.class(), visit_fact(field, fact)));
    }
    code
}

fn visit_fact(field: &Field, fact: &Fact) -> TokenStream {
    let member = field.ident;
    let ty = field.ty;
    let key = LitStr::new(&field.fact_key(fact), fact.word.span());
    match fact.kind {
        FactKind::Len => quote_spanned! {ty.span()=>
            ::crewtel::__private::Visitor::scalar(
                __visitor,
                #key,
                ::crewtel::__private::TelemetryValue::telemetry_value(
                    &::crewtel::__private::Len::telemetry_len(&self.#member),
                ),
            );
        },
        FactKind::Present => quote_spanned! {ty.span()=>
            ::crewtel::__private::Visitor::scalar(
                __visitor,
                #key,
                ::crewtel::__private::Scalar::Bool(::crewtel::__private::Present::telemetry_present(&self.#member)),
            );
        },
        FactKind::ErrorType => {
            let send = |error: TokenStream| {
                quote! {
                    ::crewtel::__private::Visitor::scalar(
                        __visitor,
                        #key,
                        ::crewtel::__private::Scalar::Text(::crewtel::__private::Text::Static(
                            ::crewtel::__private::error_type_name(#error),
                        )),
                    );
                }
            };
            match types::option_inner(ty) {
                Some(inner) => {
                    let send = send(quote!(__error));
                    quote_spanned! {inner.span()=>
                        if let ::crewtel::__private::Some(__error) = &self.#member {
                            #send
                        }
                    }
                }
                None => {
                    let send = send(quote_spanned!(ty.span()=> &self.#member));
                    quote_spanned!(ty.span()=> #send)
                }
            }
        }
    }
}

/// The catalogue entries of one field: its value (or flattened struct), then
/// its facts.
fn catalogue_entries(field: &Field) -> Vec<TokenStream> {
    let member = field.ident;
    let ty = field.ty;
    let rust_type = types::display(ty);
    let mut entries = Vec::new();
    if field.emits_value() {
        let (key, source, nested) = if field.attrs.flatten.is_some() {
            (
                String::new(),
                quote!(Flatten),
                probe(ty, quote!(flattened_catalogue)),
            )
        } else if field.attrs.with.is_some() {
            (
                field.key(),
                quote!(Converted),
                quote!(::crewtel::__private::no_nested),
            )
        } else {
            (
                field.key(),
                quote!(Value),
                probe(ty, quote!(nested_catalogue)),
            )
        };
        entries.push(entry(
            &key,
            tier(field.class()),
            &rust_type,
            &field.doc,
            source,
            nested,
        ));
    }
    for fact in &field.attrs.facts {
        let (sent_type, source) = match fact.kind {
            FactKind::Len => ("usize", quote!(Len)),
            FactKind::Present => ("bool", quote!(Present)),
            FactKind::ErrorType => ("&'static str", quote!(ErrorType)),
        };
        let mut purpose = fact.kind.purpose(member);
        if !field.doc.is_empty() {
            purpose = format!("{purpose} {}", field.doc);
        }
        entries.push(entry(
            &field.fact_key(fact),
            tier(fact.class()),
            sent_type,
            &purpose,
            source,
            quote!(::crewtel::__private::no_nested),
        ));
    }
    entries
}

fn entry(
    key: &str,
    tier: TokenStream,
    rust_type: &str,
    purpose: &str,
    source: TokenStream,
    nested: TokenStream,
) -> TokenStream {
    quote! {
        ::crewtel::__private::Entry {
            key: #key,
            tier: #tier,
            rust_type: #rust_type,
            purpose: #purpose,
            source: ::crewtel::__private::Source::#source,
            nested: #nested,
        }
    }
}

/// How many attributes one event can carry: its own keys, plus what each
/// flattened struct can carry.
fn max_attributes(model: &Struct) -> TokenStream {
    let own: usize = model.fields.iter().map(|field| field.keys().len()).sum();
    let flattened = model
        .fields
        .iter()
        .filter(|field| field.emits_value() && field.attrs.flatten.is_some())
        .map(|field| {
            let ty: &Type = field.ty;
            quote! {
                + {
                    #[allow(unused_imports)]
                    use ::crewtel::__private::{ViaNothing as _, ViaTelemetry as _};
                    (&::crewtel::__private::Probe::<#ty>::new()).max_attributes()
                }
            }
        });
    quote!(#own #(#flattened)*)
}

/// A closure asking the field's type for a catalogue through the probe, which
/// requires nothing of the type (the attribute walk does).
fn probe(ty: &Type, question: TokenStream) -> TokenStream {
    quote! {
        || {
            #[allow(unused_imports)]
            use ::crewtel::__private::{ViaEmit as _, ViaNothing as _, ViaTelemetry as _};
            (&::crewtel::__private::Probe::<#ty>::new()).#question()
        }
    }
}
