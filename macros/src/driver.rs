//! The one driver of both derives, as serde_derive and thiserror have:
//! parse the input into crewtel's model (`ast`, with `attr`), check every
//! rule (`valid`), then write the impls (`expand`); when anything is wrong,
//! every error of the derive at once, beside the `fallback` impls that keep
//! them from cascading.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::{Enum, Struct};
use crate::ctxt::Ctxt;
use crate::{expand, fallback, valid};

/// `#[derive(Telemetry)]`.
pub fn telemetry(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let model = Struct::from_ast(&cx, input);
    if let Some(model) = &model {
        valid::check_struct(&cx, model);
    }
    let krate = model.as_ref().and_then(|model| model.attrs.krate.as_ref());
    finish(
        cx,
        krate,
        input,
        model.as_ref(),
        expand::telemetry::impls,
        fallback::telemetry,
    )
}

/// `#[derive(TelemetryValue)]`.
pub fn value(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let model = Enum::from_ast(&cx, input);
    if let Some(model) = &model {
        valid::check_enum(&cx, model);
    }
    let krate = model.as_ref().and_then(|model| model.attrs.krate.as_ref());
    finish(
        cx,
        krate,
        input,
        model.as_ref(),
        expand::value::derive,
        fallback::value,
    )
}

/// The impls of a valid model, or every error and the fallback; wrapped so
/// that they import nothing into the host's scope.
fn finish<M>(
    cx: Ctxt,
    krate: Option<&syn::Path>,
    input: &DeriveInput,
    model: Option<&M>,
    expand: fn(&M, &TokenStream) -> TokenStream,
    fallback: fn(&DeriveInput, &TokenStream) -> TokenStream,
) -> TokenStream {
    let private = expand::private();
    match (cx.finish(), model) {
        (None, Some(model)) => expand::hygienic(krate, expand(model, &private)),
        (errors, _) => {
            let fallback = expand::hygienic(krate, fallback(input, &private));
            quote!(#errors #fallback)
        }
    }
}
