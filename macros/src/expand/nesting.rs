//! How a derived struct is sent when nested in another: its `Emit` and
//! `Element` impls.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Generics;

/// `Emit` and `Element` for the struct, `&` it and `Box` it: how it is sent
/// when nested in another struct (alone, in an `Option`, a list or a map).
/// Each impl names the runtime's `AsObject` and writes no method: the
/// methods are the traits' own, checked once in crewtel, not once a struct.
pub fn impls(generics: &Generics, ident: &syn::Ident, private: &TokenStream) -> TokenStream {
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
