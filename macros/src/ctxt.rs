//! Collects every error of one derive, so that one compile reports them all.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::ToTokens;

#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// Records an error spanned on the tokens the user must change.
    pub fn error_spanned_by<T: ToTokens, M: core::fmt::Display>(&self, tokens: T, message: M) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// Records an error from a parser.
    pub fn syn_error(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// All errors recorded, combined into one; `None` when there were none.
    pub fn finish(self) -> Option<TokenStream> {
        let errors = self.errors.into_inner();
        let mut errors = errors.into_iter();
        let mut first = errors.next()?;
        for error in errors {
            first.combine(error);
        }
        Some(first.to_compile_error())
    }
}
