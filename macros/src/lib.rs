//! Derive macros of [crewtel](https://docs.rs/crewtel): `Telemetry` and
//! `TelemetryValue`. Use them through the `crewtel` crate, which re-exports
//! them beside the traits they implement.
//!
//! The pipeline follows serde_derive and thiserror: one `driver` runs it;
//! `ast` turns the input into crewtel's own model (with `attr` parsing
//! `#[telemetry(...)]`), `valid` checks every rule and collects every
//! error, `expand` only writes tokens (a folder of one module for each
//! thing it writes), and `fallback` writes the harmless impls beside
//! errors.

mod ast;
mod attr;
mod ctxt;
mod date;
mod driver;
mod expand;
mod fallback;
mod receiver;
mod symbol;
mod types;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `crewtel::Telemetry`: see the `crewtel` crate for the attributes.
#[proc_macro_derive(Telemetry, attributes(telemetry))]
pub fn derive_telemetry(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    driver::telemetry(&input).into()
}

/// Derives `crewtel::TelemetryValue` for a unit-only enum.
#[proc_macro_derive(TelemetryValue, attributes(telemetry))]
pub fn derive_telemetry_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    driver::value(&input).into()
}
