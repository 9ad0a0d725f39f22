//! `#[derive(TelemetryValue)]` for unit-only enums.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::Enum;
use crate::ctxt::Ctxt;
use crate::valid;

pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let model = Enum::from_ast(&cx, input);
    if let Some(model) = &model {
        valid::check_enum(&cx, model);
    }
    let errors = cx.finish();
    let krate = model.as_ref().and_then(|model| model.attrs.krate.as_ref());
    let private = super::private();
    let body = match (&model, &errors) {
        (Some(model), None) => arms(model, &private),
        // Keep one precise error: a fallback impl stops "not implemented"
        // errors from cascading where the enum is used.
        _ => quote!(::core::unreachable!()),
    };
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let item = super::hygienic(
        krate,
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::TelemetryValue for #ident #ty_generics #where_clause {
                const KIND: #private::Option<#private::ScalarKind> = #private::Some(#private::ScalarKind::Text);
                // Its values are its variant names, not text a person wrote.
                const FREE_TEXT: #private::bool = false;

                #[inline]
                fn telemetry_value(&self) -> #private::Scalar<'_> {
                    #body
                }
            }

            #[automatically_derived]
            impl #impl_generics #private::SecretFree for #ident #ty_generics #where_clause {}
            #[automatically_derived]
            impl #impl_generics #private::Countable for #ident #ty_generics #where_clause {}
        },
    );
    quote!(#errors #item)
}

fn arms(model: &Enum, private: &TokenStream) -> TokenStream {
    let ident = model.ident;
    if model.variants.is_empty() {
        return quote!(match *self {});
    }
    let arms = model.variants.iter().map(|variant| {
        let name = variant.name_lit();
        let v = variant.ident;
        quote!(#ident::#v => #name,)
    });
    quote! {
        #private::Scalar::Text(#private::Text::Static(match self {
            #(#arms)*
        }))
    }
}
