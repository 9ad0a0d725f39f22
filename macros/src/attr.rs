//! Parses `#[telemetry(...)]` into plain structs. Parsing only records what
//! was written (repeats included); `valid` decides what is allowed.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, ExprPath, Ident, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::symbol::{self, Symbol, *};

/// The class of a field or of a derived fact.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Always,
    ShareCrew,
    Never,
    Consent,
}

impl Class {
    fn from_word(path: &syn::Path) -> Option<Class> {
        [
            (ALWAYS, Class::Always),
            (SHARE_CREW, Class::ShareCrew),
            (NEVER, Class::Never),
            (CONSENT, Class::Consent),
        ]
        .into_iter()
        .find(|(word, _)| *path == *word)
        .map(|(_, class)| class)
    }

    pub fn word(self) -> Symbol {
        match self {
            Class::Always => ALWAYS,
            Class::ShareCrew => SHARE_CREW,
            Class::Never => NEVER,
            Class::Consent => CONSENT,
        }
    }
}

/// A class as written: which one, and the word to point errors at.
pub struct Written<T> {
    pub value: T,
    pub word: Ident,
}

/// A derived fact: `len(...)`, `present(...)` or `error_type(...)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    Len,
    Present,
    ErrorType,
}

impl FactKind {
    pub fn word(self) -> Symbol {
        match self {
            FactKind::Len => LEN,
            FactKind::Present => PRESENT,
            FactKind::ErrorType => ERROR_TYPE,
        }
    }
}

pub struct Fact {
    pub kind: FactKind,
    pub word: Ident,
    pub classes: Vec<Written<Class>>,
    pub rename: Option<LitStr>,
}

/// Everything written in a field's `#[telemetry(...)]` attributes.
#[derive(Default)]
pub struct FieldAttrs {
    pub classes: Vec<Written<Class>>,
    pub rename: Option<LitStr>,
    pub flatten: Option<Ident>,
    pub with: Option<(Ident, ExprPath)>,
    /// `free_text`: text a person wrote, sent under `always` all the same.
    pub free_text: Option<Ident>,
    /// `not_secret`: a field named like a credential that is not one.
    pub not_secret: Option<Ident>,
    pub facts: Vec<Fact>,
    /// `expires = "YYYY-MM-DD"`: the last day the field's keys are sent.
    pub expires: Option<Expiry>,
}

/// `expires = "YYYY-MM-DD"`, checked for form.
pub struct Expiry {
    pub lit: LitStr,
    /// Its day, counted from 1970-01-01.
    pub day: u32,
}

impl Expiry {
    fn parse(meta: &ParseNestedMeta) -> syn::Result<Expiry> {
        let lit = string(meta, EXPIRES)?;
        match crate::date::day_of(&lit.value()) {
            Ok(day) => Ok(Expiry { lit, day }),
            Err(why) => Err(syn::Error::new(
                lit.span(),
                format!(
                    "`{EXPIRES}` needs a date written `YYYY-MM-DD`, the last day it is sent (`expires = \"2027-06-30\"`): {why}"
                ),
            )),
        }
    }
}

/// A struct's `#[telemetry(...)]` attributes.
#[derive(Default)]
pub struct StructAttrs {
    pub event: Option<LitStr>,
    /// An enum's: the key its variant's name is sent under.
    pub tag: Option<LitStr>,
    pub krate: Option<syn::Path>,
    /// `always` (the default) or `share_crew`: when the event is sent at all.
    pub classes: Vec<Written<Class>>,
    /// `expires = "YYYY-MM-DD"`: the last day the event is sent.
    pub expires: Option<Expiry>,
}

/// A `TelemetryValue` enum's `#[telemetry(...)]` attributes.
#[derive(Default)]
pub struct EnumAttrs {
    pub krate: Option<syn::Path>,
}

/// A `TelemetryValue` variant's `#[telemetry(...)]` attributes.
#[derive(Default)]
pub struct VariantAttrs {
    pub rename: Option<LitStr>,
}

fn telemetry_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path() == &TELEMETRY)
}

/// Parses every `#[telemetry(...)]` of `attrs` with `each`, recording errors in
/// `cx` and going on, so one compile reports every mistake.
fn parse_each(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in telemetry_attrs(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if let Err(error) = each(&meta) {
                cx.syn_error(error);
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
}

/// Consumes whatever follows an option that could not be used, so parsing can
/// go on to the next option.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in meta.input);
    }
    Ok(())
}

/// The error for an option no list of `words` holds, with the nearest keyword.
fn unknown(meta: &ParseNestedMeta, what: &str, words: &[Symbol]) -> syn::Error {
    let written = meta
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let hint = match symbol::nearest(&written, words) {
        Some(word) => format!("did you mean `{word}`?"),
        None => format!("expected {}", symbol::list(words)),
    };
    meta.error(format!("unknown {what} option `{written}`: {hint}"))
}

fn word_of(meta: &ParseNestedMeta) -> Ident {
    meta.path.segments[0].ident.clone()
}

/// A bare keyword: errors if a value follows it.
fn bare(meta: &ParseNestedMeta, word: Symbol) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!("`{word}` takes no value: write `{word}` alone")))
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &ParseNestedMeta,
    word: Symbol,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("duplicate `{word}`: give it once")));
    }
    *slot = Some(value);
    Ok(())
}

fn string(meta: &ParseNestedMeta, word: Symbol) -> syn::Result<LitStr> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!("`{word}` needs a value: `{word} = \"...\"`")));
    }
    let value = meta.value()?;
    if !value.peek(LitStr) {
        let written: syn::Expr = value.parse()?;
        return Err(syn::Error::new_spanned(
            written,
            format!("`{word}` needs a string: `{word} = \"...\"`"),
        ));
    }
    value.parse()
}

impl FieldAttrs {
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
        let mut out = FieldAttrs::default();
        parse_each(cx, attrs, |meta| {
            if let Some(class) = Class::from_word(&meta.path) {
                bare(meta, class.word())?;
                out.classes.push(Written {
                    value: class,
                    word: word_of(meta),
                });
            } else if meta.path == RENAME {
                let lit = string(meta, RENAME)?;
                set_once(&mut out.rename, lit, meta, RENAME)?;
            } else if meta.path == FLATTEN {
                bare(meta, FLATTEN)?;
                set_once(&mut out.flatten, word_of(meta), meta, FLATTEN)?;
            } else if meta.path == FREE_TEXT {
                bare(meta, FREE_TEXT)?;
                set_once(&mut out.free_text, word_of(meta), meta, FREE_TEXT)?;
            } else if meta.path == NOT_SECRET {
                bare(meta, NOT_SECRET)?;
                set_once(&mut out.not_secret, word_of(meta), meta, NOT_SECRET)?;
            } else if meta.path == WITH {
                let lit = string(meta, WITH)?;
                let path: ExprPath = lit.parse().map_err(|_| {
                    syn::Error::new(
                        lit.span(),
                        "`with` needs the path of a function: `with = \"module::function\"`",
                    )
                })?;
                set_once(&mut out.with, (word_of(meta), path), meta, WITH)?;
            } else if meta.path == EXPIRES {
                let expiry = Expiry::parse(meta)?;
                set_once(&mut out.expires, expiry, meta, EXPIRES)?;
            } else if let Some(kind) = [FactKind::Len, FactKind::Present, FactKind::ErrorType]
                .into_iter()
                .find(|kind| meta.path == kind.word())
            {
                out.facts.push(Fact::parse(cx, meta, kind)?);
            } else {
                return Err(unknown(meta, "field", FIELD_WORDS));
            }
            Ok(())
        });
        out
    }
}

impl Fact {
    fn parse(cx: &Ctxt, meta: &ParseNestedMeta, kind: FactKind) -> syn::Result<Fact> {
        let word = kind.word();
        if !meta.input.peek(syn::token::Paren) {
            return Err(meta.error(format!(
                "`{word}` needs its own class: `{word}(always)` or `{word}(share_crew)`, with an optional `rename = \"...\"`"
            )));
        }
        let mut fact = Fact {
            kind,
            word: word_of(meta),
            classes: Vec::new(),
            rename: None,
        };
        meta.parse_nested_meta(|inner| {
            let result = if let Some(class) = Class::from_word(&inner.path) {
                bare(&inner, class.word()).map(|()| {
                    fact.classes.push(Written {
                        value: class,
                        word: word_of(&inner),
                    });
                })
            } else if inner.path == RENAME {
                string(&inner, RENAME)
                    .and_then(|lit| set_once(&mut fact.rename, lit, &inner, RENAME))
            } else {
                Err(unknown(&inner, &format!("`{word}(...)`"), FACT_WORDS))
            };
            if let Err(error) = result {
                cx.syn_error(error);
                skip_value(&inner)?;
            }
            Ok(())
        })?;
        Ok(fact)
    }
}

/// `crate = "path"`: where the generated code finds crewtel, for a host that
/// renames or re-exports it.
fn crate_path(meta: &ParseNestedMeta) -> syn::Result<syn::Path> {
    let lit = string(meta, CRATE)?;
    lit.parse().map_err(|_| {
        syn::Error::new(
            lit.span(),
            "`crate` needs a path: `crate = \"my_framework::crewtel\"`",
        )
    })
}

impl StructAttrs {
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> StructAttrs {
        let mut out = StructAttrs::default();
        parse_each(cx, attrs, |meta| {
            if meta.path == EVENT {
                let lit = string(meta, EVENT)?;
                set_once(&mut out.event, lit, meta, EVENT)
            } else if meta.path == TAG {
                let lit = string(meta, TAG)?;
                set_once(&mut out.tag, lit, meta, TAG)
            } else if meta.path == CRATE {
                let path = crate_path(meta)?;
                set_once(&mut out.krate, path, meta, CRATE)
            } else if meta.path == EXPIRES {
                let expiry = Expiry::parse(meta)?;
                set_once(&mut out.expires, expiry, meta, EXPIRES)
            } else if let Some(class) = Class::from_word(&meta.path) {
                bare(meta, class.word())?;
                out.classes.push(Written {
                    value: class,
                    word: word_of(meta),
                });
                Ok(())
            } else {
                Err(unknown(meta, "struct", STRUCT_WORDS))
            }
        });
        out
    }
}

impl EnumAttrs {
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> EnumAttrs {
        let mut out = EnumAttrs::default();
        parse_each(cx, attrs, |meta| {
            if meta.path == CRATE {
                let path = crate_path(meta)?;
                set_once(&mut out.krate, path, meta, CRATE)
            } else {
                Err(unknown(meta, "enum", ENUM_WORDS))
            }
        });
        out
    }
}

impl VariantAttrs {
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
        let mut out = VariantAttrs::default();
        parse_each(cx, attrs, |meta| {
            if meta.path == RENAME {
                let lit = string(meta, RENAME)?;
                set_once(&mut out.rename, lit, meta, RENAME)
            } else {
                Err(unknown(meta, "variant", VARIANT_WORDS))
            }
        });
        out
    }
}

/// The doc comment of an item, lines trimmed and joined by spaces.
pub fn doc(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("doc")
            && let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let line = s.value();
            let line = line.trim();
            if !line.is_empty() {
                lines.push(line.to_owned());
            }
        }
    }
    lines.join(" ")
}
