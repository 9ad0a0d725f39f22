//! How a derived struct is sent when nested in another: its `Emit` and
//! `Element` impls.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::Generics;

/// `Emit` and `Element` for the struct, `&` it and `Box` it: how it is sent
/// when nested in another struct (alone, in an `Option`, a list or a map).
/// Each impl names the runtime's `AsObject` and writes no method: the
/// methods are the traits' own, checked once in crewtel, not once a struct.
pub fn impls(generics: &Generics, ident: &syn::Ident, private: &Ident) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let own = quote!(#ident #ty_generics);
    // `&'_`: a lifetime of the impl's own, which an error lists as `&Agent`.
    let targets = [
        own.clone(),
        quote!(&'_ #own),
        quote!(::std::boxed::Box<#own>),
    ];
    let impls = targets.into_iter().map(|target| {
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
