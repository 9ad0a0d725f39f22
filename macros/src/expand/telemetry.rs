//! The `Telemetry` impl of a derived struct, and the items beside it: its
//! consent, its attribute walk (from `walk`), its catalogue (from
//! `catalogue`), how many attributes it can carry, the check that flattened
//! keys are unique, and the other impls (`nesting`, `secret_free`).

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::LitStr;
use syn::spanned::Spanned;

use super::tier::tier;
use super::{bounds, catalogue, constant, flatten, methods, nesting, secret_free, walk};
use crate::ast::{Arm, Field, Struct};
use crate::attr::Class;

/// Everything a struct that derived without errors gets.
pub fn impls(model: &Struct, private: &Ident) -> TokenStream {
    let over_types = model.over_types();
    let ident = model.ident;
    let generics = bounds::bounded(model, private);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let event = LitStr::new(&model.event(), ident.span());
    let visits = visits(model, private);
    let catalogue = catalogue::of(model, private);
    let max_attributes = max_attributes(model, private);
    let event_tier = tier(Some(model.class()), private);
    let consent = own_consent(model, private);
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
        .map(|field| constant::of(field, model.generics, private));
    let secret_free = secret_free::impls(model, private);
    let probe_traits = model
        .fields
        .iter()
        .any(|field| {
            (field.emits_value() && field.attrs.flatten.is_some())
                || constant::probed(field, model.generics)
        })
        .then(|| walk::probe_traits(private));
    let nesting = nesting::impls(&generics, model.generics, ident, private);
    let flattens = flatten::list(model);
    let methods = methods::of(model, private);
    // The impl's header carries the struct's name's span: a bound of an
    // impl that comes from a derive gets the compiler's advice to write the
    // impl by hand when a type argument misses it, and writing `Telemetry`
    // by hand is never the fix.
    let header = super::respan(
        quote!(impl #impl_generics #private::Telemetry for #ident #ty_generics #where_clause),
        ident.span(),
    );
    quote! {
        #[automatically_derived]
        #header {
            const EVENT: &'static #private::str = #event;
            const TIER: #private::Tier = #event_tier;
            const CATALOGUE: &'static #private::Catalogue = #catalogue;
            type Flattens = #flattens;
            type __DeriveOnly = ();

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
                #visits
            }
        }

        #secret_free

        #unique_keys

        #(#field_constants)*

        #nesting

        #methods
    }
}

/// The walk over the fields; for an enum, a `match` whose arms send the
/// variant's name, then its fields.
fn visits(model: &Struct, private: &Ident) -> TokenStream {
    let visit = |fields: &[Field]| -> TokenStream {
        fields
            .iter()
            .map(|field| walk::visit_field(field, model, private))
            .collect()
    };
    let Some(arms) = &model.arms else {
        return visit(&model.fields);
    };
    if arms.is_empty() {
        return quote!(match *self {});
    }
    let tag = walk::key(&model.tag_key(), model.ident.span());
    let arms = arms.iter().map(|arm| {
        let name = LitStr::new(&arm.name(), arm.ident.span());
        let fields = model.fields_of(arm);
        let visits = visit(fields);
        let pattern = pattern(arm, fields, walk::is_read);
        quote! {
            #pattern => {
                #private::scalar(
                    __visitor,
                    #tag,
                    #private::Scalar::Text(#private::Text::Static(#name)),
                );
                #visits
            }
        }
    });
    quote! {
        match self {
            #(#arms)*
        }
    }
}

/// `Self::Variant { field: __crewtel_field_0, .. }`, binding the fields
/// `bind` picks.
fn pattern(arm: &Arm, fields: &[Field], bind: impl Fn(&Field) -> bool) -> TokenStream {
    let variant = arm.ident;
    let bound = fields.iter().filter(|field| bind(field)).map(|field| {
        let member = field.ident;
        let binding = walk::binding(field);
        quote!(#member: #binding,)
    });
    quote!(Self::#variant { #(#bound)* .. })
}

/// `own_consent`, from the consent field (for an enum, the variant's).
fn own_consent(model: &Struct, private: &Ident) -> Option<TokenStream> {
    // The trait's path at the field, where a type that is not `bool` is told.
    let consent = |field: &Field| {
        let ty = field.ty;
        let of = quote_spanned!(ty.span()=> <#ty as #private::ConsentFlag>::consent);
        let value = walk::access(field);
        quote!(#private::Some(#of(#value)))
    };
    let body = match &model.arms {
        None => consent(model.consent_field()?),
        Some(arms) => {
            model.consent_field()?;
            let arms = arms.iter().map(|arm| {
                let fields = model.fields_of(arm);
                match fields.iter().find(|f| f.class() == Some(Class::Consent)) {
                    Some(field) => {
                        let pattern = pattern(arm, fields, |f| std::ptr::eq(f, field));
                        let consent = consent(field);
                        quote!(#pattern => #consent,)
                    }
                    None => {
                        let variant = arm.ident;
                        quote!(Self::#variant { .. } => #private::None,)
                    }
                }
            });
            quote!(match self { #(#arms)* })
        }
    };
    // The receiver as the derive's own tokens, so that `self` names the
    // method's receiver whatever context the host's field came from.
    Some(quote! {
        #[inline]
        fn own_consent(&self) -> #private::Option<#private::Consent> {
            #body
        }
    })
}

/// How many attributes one event can carry: its own keys, plus what each
/// flattened struct can carry; for an enum, its variant's name and the most
/// any variant's fields carry.
fn max_attributes(model: &Struct, private: &Ident) -> TokenStream {
    let Some(arms) = &model.arms else {
        return max_of_fields(&model.fields, private);
    };
    let most = arms
        .iter()
        .map(|arm| max_of_fields(model.fields_of(arm), private))
        .fold(
            quote!(0usize),
            |most, each| quote!(::core::cmp::max(#most, #each)),
        );
    quote!(1usize + #most)
}

fn max_of_fields(fields: &[Field], private: &Ident) -> TokenStream {
    let own: usize = fields.iter().map(|field| field.keys().len()).sum();
    let flattened = fields
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
    let probes = walk::probe_traits(private);
    quote!({ #probes #own #(#flattened)* })
}
