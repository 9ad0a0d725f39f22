//! The event methods of a struct generic over types, as its own methods.
//!
//! Whether such a struct is `Telemetry` depends on its type arguments (a
//! `Labelled<String>` sends free text). Called through the trait, a method
//! of a struct whose arguments break a rule is "not found" (E0599, with a
//! suggestion to implement the trait by hand). Called as the struct's own
//! method, bounded by `Self: Telemetry`, it is found, and the compiler
//! reports the rule the argument breaks, with that rule's message.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ast::Struct;

pub fn of(model: &Struct, private: &Ident) -> Option<TokenStream> {
    if !model.over_types() {
        return None;
    }
    let ident = model.ident;
    let vis = model.vis;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    Some(quote! {
        #[automatically_derived]
        impl #impl_generics #ident #ty_generics #where_clause {
            /// The event under this value's own consent (see
            /// `Telemetry::telemetry_event`).
            #[inline]
            #vis fn telemetry_event(&self) -> #private::Event<'_, Self>
            where
                Self: #private::Telemetry,
            {
                <Self as #private::Telemetry>::telemetry_event(self)
            }

            /// The event under an explicit consent (see
            /// `Telemetry::telemetry_event_with`).
            #[inline]
            #vis fn telemetry_event_with(
                &self,
                consent: #private::Consent,
            ) -> #private::Event<'_, Self>
            where
                Self: #private::Telemetry,
            {
                <Self as #private::Telemetry>::telemetry_event_with(self, consent)
            }
        }
    })
}
