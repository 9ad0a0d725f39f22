//! The tier an event or a key is sent under, as the derive writes it.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::attr::Class;

/// `Tier::ShareCrew` for a `share_crew` class, `Tier::Always` otherwise.
pub(super) fn tier(class: Option<Class>, private: &Ident) -> TokenStream {
    match class {
        Some(Class::ShareCrew) => quote!(#private::Tier::ShareCrew),
        _ => quote!(#private::Tier::Always),
    }
}
