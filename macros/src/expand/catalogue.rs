//! The catalogue a derive writes: every key the struct can send, with its
//! tier, type and purpose, and the compile-time checks that read it.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::LitStr;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::{Arm, Field, Struct};
use crate::attr::{Class, Expiry, FactKind};
use crate::types;

use super::constant;
use super::tier::tier;

/// The struct's catalogue, a promoted constant.
pub fn of(model: &Struct, private: &Ident) -> TokenStream {
    let ident = model.ident;
    let event = LitStr::new(&model.event(), ident.span());
    let type_name = LitStr::new(&ident.unraw().to_string(), ident.span());
    let event_tier = tier(Some(model.class()), private);
    let mut entries: Vec<TokenStream> = Vec::new();
    if let Some(arms) = &model.arms {
        entries.push(variant_entry(model, arms, private));
    }
    // The entries that expire, by index: a list of the catalogue's own, so
    // that an entry that does not (nearly all) costs nothing to check.
    let mut expiring = Vec::new();
    for field in &model.fields {
        let variant = field
            .arm
            .and_then(|(arm, _)| model.arms.as_ref().map(|arms| arms[arm].name()));
        let first = entries.len();
        entries.extend(entries_of(field, variant, model.generics, private));
        if let Some(Expiry { lit, day }) = &field.attrs.expires {
            expiring.extend(
                (first..entries.len()).map(|index| quote!((#index, #private::expiry(#lit, #day)))),
            );
        }
    }
    let expires = expiry(model.attrs.expires.as_ref(), private);
    quote! {
        &#private::Catalogue {
            __event: #event,
            __type_name: #type_name,
            __path: ::core::concat!(::core::module_path!(), "::", #type_name),
            __tier: #event_tier,
            __expires: #expires,
            __entries: &[#(#entries),*],
            __expiring: &[#(#expiring),*],
        }
    }
}

/// An `expires` as the catalogue holds it.
fn expiry(expires: Option<&Expiry>, private: &Ident) -> TokenStream {
    match expires {
        Some(Expiry { lit, day }) => quote! {
            #private::Some(#private::expiry(#lit, #day))
        },
        None => quote!(#private::None),
    }
}

/// The entry of an enum's own key: the name of its variant.
fn variant_entry(model: &Struct, arms: &[Arm], private: &Ident) -> TokenStream {
    let each = arms
        .iter()
        .map(|arm| {
            let doc = arm.doc.trim_end_matches('.');
            match doc.is_empty() {
                true => format!("`{}`", arm.name()),
                false => format!("`{}` ({doc})", arm.name()),
            }
        })
        .collect::<Vec<_>>();
    let purpose = match each.is_empty() {
        true => "No variant: never sent.".to_owned(),
        false => format!("Which variant it is, one of: {}.", each.join("; ")),
    };
    CatalogueEntry {
        key: model.tag_key(),
        tier: tier(Some(Class::Always), private),
        rust_type: model.ident.unraw().to_string(),
        purpose,
        source: quote!(Variant),
        free_text: false,
        shape: text(private),
        flattened: quote!(#private::None),
        variant: None,
    }
    .to_tokens(private)
}

/// The catalogue entries of one field: its value (or flattened struct), then
/// its facts; `variant`, the name of the variant it belongs to.
fn entries_of(
    field: &Field,
    variant: Option<String>,
    generics: &syn::Generics,
    private: &Ident,
) -> Vec<TokenStream> {
    let ty = field.ty;
    let rust_type = types::display(field.ty);
    let mut entries = Vec::new();
    if field.emits_value() {
        let mut entry = CatalogueEntry {
            key: field.key(),
            tier: tier(field.class(), private),
            rust_type: rust_type.clone(),
            purpose: field.doc.clone(),
            source: quote!(Value),
            free_text: field.attrs.free_text.is_some(),
            shape: quote!(#private::Shape::scalar(#private::None)),
            flattened: quote!(#private::None),
            variant: variant.clone(),
        };
        if field.attrs.flatten.is_some() {
            // The one place a flattened type must be `Telemetry`.
            entry.key = String::new();
            entry.source = quote!(Flatten);
            entry.flattened =
                quote_spanned!(ty.span()=> #private::Some(#private::flattened::<#ty>()));
        } else if let Some((_, function)) = &field.attrs.with {
            entry.rust_type = format!(
                "{rust_type} via {}",
                types::display(&syn::parse_quote!(#function))
            );
            entry.source = quote!(Converted);
            // What the function returns, read off a closure that calls it as
            // the walk does (its argument coerced), never called.
            let argument = syn::Ident::new("__crewtel_value", function.span());
            entry.shape = quote_spanned! {function.span()=>
                #private::returned::<#ty, _, _>(&|#argument| #function(#argument))
            };
        } else {
            // Asked of every type, whatever it is named: a host struct called
            // `String` nests its keys like any other.
            entry.shape = if constant::applies(field, generics) {
                let name = constant::name(field);
                quote!(#name)
            } else {
                // The derive's bounds require the type to be sendable.
                quote_spanned!(ty.span()=> #private::ShapeOf::<#ty>::SHAPE)
            };
        }
        entries.push(entry.to_tokens(private));
    }
    for fact in &field.attrs.facts {
        let (sent_type, source, shape) = match fact.kind {
            FactKind::Len => ("usize", quote!(Len), scalar(quote!(I64), private)),
            FactKind::Present => ("bool", quote!(Present), scalar(quote!(Bool), private)),
            FactKind::ErrorType => {
                let text = text(private);
                // Sent only when the field holds an error.
                let shape = match types::option_inner(ty) {
                    Some(_) => quote!(#text.optional()),
                    None => text,
                };
                ("&'static str", quote!(ErrorType), shape)
            }
        };
        let purpose = fact.kind.purpose(&field.name(), &field.doc);
        let entry = CatalogueEntry {
            key: field.fact_key(fact),
            tier: tier(fact.class(), private),
            rust_type: sent_type.to_owned(),
            purpose,
            source,
            free_text: false,
            shape,
            flattened: quote!(#private::None),
            variant: variant.clone(),
        };
        entries.push(entry.to_tokens(private));
    }
    entries
}

/// The shape of one scalar of `kind`.
fn scalar(kind: TokenStream, private: &Ident) -> TokenStream {
    quote!(#private::Shape::scalar(#private::Some(#private::ScalarKind::#kind)))
}

/// The shape of a string.
fn text(private: &Ident) -> TokenStream {
    scalar(quote!(Text), private)
}

/// One `crewtel::Entry` of a catalogue, as it is written.
struct CatalogueEntry {
    key: String,
    tier: TokenStream,
    rust_type: String,
    purpose: String,
    source: TokenStream,
    free_text: bool,
    shape: TokenStream,
    flattened: TokenStream,
    variant: Option<String>,
}

impl CatalogueEntry {
    fn to_tokens(&self, private: &Ident) -> TokenStream {
        let CatalogueEntry {
            key,
            tier,
            rust_type,
            purpose,
            source,
            free_text,
            shape,
            flattened,
            variant,
        } = self;
        let variant = match variant {
            Some(name) => quote!(#private::Some(#name)),
            None => quote!(#private::None),
        };
        quote! {
            #private::Entry {
                __key: #key,
                __tier: #tier,
                __rust_type: #rust_type,
                __purpose: #purpose,
                __source: #private::Source::#source,
                __free_text: #free_text,
                __shape: #shape,
                __flattened: #flattened,
                __variant: #variant,
            }
        }
    }
}
