//! The one driver of both derives, as serde_derive and thiserror have:
//! parse the input into crewtel's model (`ast`, with `attr`), check every
//! rule (`valid`), then write the impls (`expand`); when anything is wrong,
//! every error of the derive at once, beside the `fallback` impls that keep
//! them from cascading.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::DeriveInput;

use crate::ast::{Enum, Struct};
use crate::ctxt::Ctxt;
use crate::{expand, fallback, valid};

/// `#[derive(Telemetry)]`.
pub fn telemetry(input: &DeriveInput) -> TokenStream {
    match crate::receiver::replaced(input) {
        Some(input) => run::<Struct>(&input, expand::telemetry::impls, fallback::telemetry),
        None => run::<Struct>(input, expand::telemetry::impls, fallback::telemetry),
    }
}

/// `#[derive(TelemetryValue)]`.
pub fn value(input: &DeriveInput) -> TokenStream {
    run::<Enum>(input, expand::value::derive, fallback::value)
}

/// What a derive's input becomes, and how it is checked.
trait Model<'a>: Sized {
    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self>;
    fn check(&self, cx: &Ctxt);
    /// `#[telemetry(crate = "...")]`.
    fn krate(&self) -> Option<&syn::Path>;
}

impl<'a> Model<'a> for Struct<'a> {
    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        Struct::from_ast(cx, input)
    }

    fn check(&self, cx: &Ctxt) {
        valid::check_struct(cx, self);
    }

    fn krate(&self) -> Option<&syn::Path> {
        self.attrs.krate.as_ref()
    }
}

impl<'a> Model<'a> for Enum<'a> {
    fn parse(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        Enum::from_ast(cx, input)
    }

    fn check(&self, cx: &Ctxt) {
        valid::check_enum(cx, self);
    }

    fn krate(&self) -> Option<&syn::Path> {
        self.attrs.krate.as_ref()
    }
}

/// Parses and checks, collecting every error; then the impls of a valid
/// model, or every error and the fallback, wrapped so that they import
/// nothing into the host's scope.
fn run<'a, M: Model<'a>>(
    input: &'a DeriveInput,
    expand: fn(&M, &Ident) -> TokenStream,
    fallback: fn(&DeriveInput, &Ident) -> TokenStream,
) -> TokenStream {
    let cx = Ctxt::default();
    let model = M::parse(&cx, input);
    if let Some(model) = &model {
        model.check(&cx);
    }
    let krate = model.as_ref().and_then(Model::krate);
    let private = expand::private();
    match (cx.finish(), &model) {
        (None, Some(model)) => expand::hygienic(krate, expand(model, &private)),
        (errors, _) => {
            let fallback = expand::hygienic(krate, fallback(input, &private));
            quote!(#errors #fallback)
        }
    }
}
