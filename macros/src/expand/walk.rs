//! The attribute walk: for each field, the code that sends its value (unless
//! `never`) and its facts, under the consent in force.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{LitStr, Type};

use super::{constant, free_text};
use crate::ast::{Field, Struct};
use crate::attr::{Class, Fact, FactKind};
use crate::types;

/// The attribute key `name` as the derive writes it, one string literal
/// (`AttributeKey::__literal` reads it): the pieces a JSON writer copies
/// whole (`,"name":`, and the same escaped again as the contents of a
/// string) when the name needs no escape, as nearly all do; else a NUL and
/// the name.
pub(super) fn key(name: &str, span: Span) -> LitStr {
    if name.chars().any(|c| c == '"' || c == '\\' || c < ' ') {
        return LitStr::new(&format!("\0{name}"), span);
    }
    LitStr::new(&format!(",\"{name}\":,\\\"{name}\\\":"), span)
}

/// Sends `code` only when the consent allows `class`.
fn gated(class: Option<Class>, code: TokenStream, private: &Ident) -> TokenStream {
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
fn assert_secret_free(ty: &Type, private: &Ident) -> TokenStream {
    quote_spanned! {ty.span()=>
        let () = <#ty as #private::WithReads>::READ;
    }
}

/// The walk over one field: its value (unless `never`), then its facts. A
/// `never` field generates no code that reads it.
pub fn visit_field(field: &Field, model: &Struct, private: &Ident) -> TokenStream {
    let generics = model.generics;
    let member = field.ident;
    let Locals {
        this,
        consent,
        visitor,
    } = Locals::of(field);
    let ty = field.ty;
    let mut code = TokenStream::new();
    if field.judged_as_a_credential() && !types::mentions_type_param(ty, generics) {
        // A field named like a credential whose type, as written, is not
        // text (`valid` refuses that): its type may still be text behind an
        // alias, which the type system judges (a generic one by the bounds).
        code.extend(quote_spanned! {ty.span()=>
            let () = <#ty as #private::NotCredentialText>::JUDGED;
        });
    }
    if field.attrs.with.is_some() {
        code.extend(assert_secret_free(ty, private));
    }
    code.extend(constant::known_number_check(field, generics, private));
    if field.emits_value() {
        let key = key(&field.key(), member.span());
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
                // The value itself is judged by the impl's bounds.
                code.extend(free_text::primitive_strs(field, private));
            }
            quote_spanned! {ty.span()=>
                #private::emit(#this, #key, #consent, #visitor);
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
    expiring(field, model, code, private)
}

/// The walk over a field that expires. Past its day (its own, or its
/// event's) when it is built, the walk does not read the field at all (it
/// names it, so that the host's build sees the field used as before: an
/// expiry never fails a build by itself). Built before its own day, it asks
/// the clock first; the event's own day is asked once, for the whole event,
/// before the walk starts (`Event::is_allowed`).
fn expiring(field: &Field, model: &Struct, code: TokenStream, private: &Ident) -> TokenStream {
    let own = field.attrs.expires.as_ref().map(|expiry| expiry.day);
    let event = model.attrs.expires.as_ref().map(|expiry| expiry.day);
    let today = crate::date::today();
    if own.into_iter().chain(event).any(|day| today > day) {
        let this = access(field);
        return quote! {
            let _ = #this;
        };
    }
    match own {
        None => code,
        Some(day) => quote! {
            if !#private::expired(#day) {
                #code
            }
        },
    }
}

fn visit_fact(field: &Field, fact: &Fact, private: &Ident) -> TokenStream {
    let Locals { this, visitor, .. } = Locals::of(field);
    let ty = field.ty;
    let key = key(&field.fact_key(fact), fact.word.span());
    match fact.kind {
        FactKind::Len => quote_spanned! {ty.span()=>
            #private::scalar(
                #visitor,
                #key,
                #private::TelemetryValue::telemetry_value(&<#ty as #private::Len>::telemetry_len(#this)),
            );
        },
        FactKind::Present => quote_spanned! {ty.span()=>
            #private::scalar(
                #visitor,
                #key,
                #private::Scalar::Bool(<#ty as #private::Present>::telemetry_present(#this)),
            );
        },
        FactKind::ErrorType => {
            let send = |error: TokenStream| {
                quote! {
                    #private::scalar(
                        #visitor,
                        #key,
                        #private::Scalar::Text(#private::error_name(#error)),
                    );
                }
            };
            // Text or a number kept in an error's place, through an alias
            // too, is refused by a bound (see `ErrorKept`).
            // Spanned at `error_type`, every token, so that the error
            // points there.
            let kept = super::respan(
                quote! {
                    {
                        #[allow(unused_imports)]
                        use #private::ErrorKeptElse as _;
                        #private::ErrorKept::<#ty>::__crewtel_check();
                    }
                },
                fact.word.span(),
            );
            let send = match types::option_inner(ty) {
                Some(inner) => {
                    let error = quote!(__error);
                    let send = send(error.clone());
                    // Whether an error is there is sent too: as `present`,
                    // only of what holds no `Secret`.
                    // Of the whole type, so that an alias named `Option`
                    // is judged by what it holds.
                    quote_spanned! {inner.span()=>
                        let () = <#ty as #private::Countable>::COUNTED;
                        if let #private::Some(#error) = #this {
                            #send
                        }
                    }
                }
                None => send(this),
            };
            quote!(#kept #send)
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
        Locals {
            this: access(field),
            consent: quote!(__consent),
            visitor: quote!(__visitor),
        }
    }
}

/// The field's value as a reference: `&self.field`, or a variant's field
/// as the `match` of the walk binds it (see [`binding`]).
pub fn access(field: &Field) -> TokenStream {
    match field.arm {
        Some(_) => binding(field).into_token_stream(),
        None => {
            let member = field.ident;
            quote!(&self.#member)
        }
    }
}

/// The name a variant's field is bound to in the walk's `match`: the
/// derive's own (call-site hygiene), numbered, so no host name can clash.
pub fn binding(field: &Field) -> Ident {
    let index = field.arm.map_or(0, |(_, index)| index);
    quote::format_ident!("__crewtel_field_{}", index)
}

/// Whether the walk reads the field.
pub fn is_read(field: &Field) -> bool {
    field.emits_value() || !field.attrs.facts.is_empty()
}

/// The probe's traits, in scope once for a whole walk (a scope of its own
/// for each field costs the compiler a trait lookup each).
pub fn probe_traits(private: &Ident) -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use #private::{ViaEmit as _, ViaNothing as _, ViaTelemetry as _};
    }
}
