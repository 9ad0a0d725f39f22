//! Derive macros of [crewtel](https://docs.rs/crewtel): `Telemetry` and
//! `TelemetryValue`. Use them through the `crewtel` crate, which re-exports
//! them beside the traits they implement.
//!
//! The pipeline follows serde_derive and thiserror: `ast` turns the input
//! into crewtel's own model (with `attr` parsing `#[telemetry(...)]`),
//! `valid` checks every rule and collects every error, and `expand` only
//! writes tokens.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod symbol;
mod types;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `crewtel::Telemetry`: see the `crewtel` crate for the attributes.
#[proc_macro_derive(Telemetry, attributes(telemetry))]
pub fn derive_telemetry(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::telemetry::derive(&input).into()
}

/// Derives `crewtel::TelemetryValue` for a unit-only enum.
#[proc_macro_derive(TelemetryValue, attributes(telemetry))]
pub fn derive_telemetry_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::value::derive(&input).into()
}
