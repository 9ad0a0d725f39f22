//! Every attribute keyword, named once.

use core::fmt;

use syn::{Ident, Path};

#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Symbol(pub &'static str);

pub const TELEMETRY: Symbol = Symbol("telemetry");

// Classes of a field.
pub const ALWAYS: Symbol = Symbol("always");
pub const SHARE_CREW: Symbol = Symbol("share_crew");
pub const NEVER: Symbol = Symbol("never");
pub const CONSENT: Symbol = Symbol("consent");

// Options of a field.
pub const RENAME: Symbol = Symbol("rename");
pub const FLATTEN: Symbol = Symbol("flatten");
pub const WITH: Symbol = Symbol("with");
pub const FREE_TEXT: Symbol = Symbol("free_text");
pub const NOT_SECRET: Symbol = Symbol("not_secret");
pub const EXPIRES: Symbol = Symbol("expires");

// Derived facts of a field.
pub const LEN: Symbol = Symbol("len");
pub const PRESENT: Symbol = Symbol("present");
pub const ERROR_TYPE: Symbol = Symbol("error_type");

// Options of a struct or enum.
pub const EVENT: Symbol = Symbol("event");
pub const TAG: Symbol = Symbol("tag");
pub const CRATE: Symbol = Symbol("crate");

/// What a field can carry, in the order the error messages list them.
pub const FIELD_WORDS: &[Symbol] = &[
    ALWAYS, SHARE_CREW, NEVER, CONSENT, RENAME, FLATTEN, WITH, FREE_TEXT, NOT_SECRET, LEN, PRESENT,
    ERROR_TYPE, EXPIRES,
];
/// What a derived fact's list can carry.
pub const FACT_WORDS: &[Symbol] = &[ALWAYS, SHARE_CREW, RENAME];
/// What a `Telemetry` struct can carry.
pub const STRUCT_WORDS: &[Symbol] = &[EVENT, ALWAYS, SHARE_CREW, CRATE, TAG, EXPIRES];
/// What a `TelemetryValue` enum can carry.
pub const ENUM_WORDS: &[Symbol] = &[CRATE];
/// What a `TelemetryValue` variant can carry.
pub const VARIANT_WORDS: &[Symbol] = &[RENAME];

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The keyword of `words` nearest to a misspelled `word`, if one is near.
pub fn nearest(word: &str, words: &[Symbol]) -> Option<Symbol> {
    words
        .iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate.0), *candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `` `a`, `b` or `c` ``.
pub fn list(words: &[Symbol]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
