//! How a derived struct is sent when nested in another: its `Emit` and
//! `Element` impls.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::Generics;

/// `Emit` and `Element` for the struct, `&` it and `Box` it: how it is sent
/// when nested in another struct (alone, in an `Option`, a list or a map);
/// and `NotFreeText`.
/// Each impl names the runtime's `AsObject` and writes no method: the
/// methods are the traits' own, checked once in crewtel, not once a struct.
///
/// `bounded` are the generics with the bounds sending needs; `NotFreeText`
/// needs none of them (each field is judged by the bounds where it is sent),
/// so a generic struct whose parameter cannot be sent gets that one error.
pub fn impls(
    bounded: &Generics,
    generics: &Generics,
    ident: &syn::Ident,
    private: &Ident,
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = bounded.split_for_impl();
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
    // Its own fields are judged where they are declared: the struct is not
    // free text (`&` and `Box` of it follow through crewtel's impls).
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    quote! {
        #(#impls)*
        #[automatically_derived]
        impl #impl_generics #private::NotFreeText for #own #where_clause {}
    }
}
