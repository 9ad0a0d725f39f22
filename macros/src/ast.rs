//! crewtel's own model of a derive input, built once from `syn`'s.

use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Type};

use syn::ext::IdentExt;

use crate::attr::{self, Class, EnumAttrs, Fact, FactKind, FieldAttrs, StructAttrs, VariantAttrs};
use crate::ctxt::Ctxt;

/// A struct, or an enum whose variants carry named fields, deriving
/// `Telemetry`.
pub struct Struct<'a> {
    pub ident: &'a Ident,
    pub vis: &'a syn::Visibility,
    pub generics: &'a Generics,
    pub attrs: StructAttrs,
    /// Every field; an enum's, variant after variant.
    pub fields: Vec<Field<'a>>,
    /// For an enum: its variants, each owning a run of `fields`.
    pub arms: Option<Vec<Arm<'a>>>,
}

/// One variant of an enum deriving `Telemetry`: sent as its name, under the
/// enum's tag key, with its own fields' keys.
pub struct Arm<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
    pub doc: String,
    /// Its fields, in `Struct::fields`.
    pub fields: std::ops::Range<usize>,
}

/// One named field of it.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    pub doc: String,
    /// For a variant's field: the variant's index in `Struct::arms`, and
    /// the field's index in `Struct::fields` (which names its binding).
    pub arm: Option<(usize, usize)>,
}

/// An enum deriving `TelemetryValue`.
pub struct Enum<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub attrs: EnumAttrs,
    pub variants: Vec<Variant<'a>>,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
}

impl<'a> Struct<'a> {
    /// The model of `input`, or `None` (with the error recorded) when
    /// `Telemetry` cannot be derived for its kind of item.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Struct<'a>> {
        let attrs = StructAttrs::parse(cx, &input.attrs);
        let field = |field: &'a syn::Field, arm: Option<(usize, usize)>| Field {
            ident: field.ident.as_ref().expect("named fields have names"),
            ty: &field.ty,
            attrs: FieldAttrs::parse(cx, &field.attrs),
            doc: attr::doc(&field.attrs),
            arm,
        };
        let (fields, arms) = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => {
                    (named.named.iter().map(|f| field(f, None)).collect(), None)
                }
                Fields::Unit => (Vec::new(), None),
                Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        &input.ident,
                        "`Telemetry` is not supported (yet) for tuple structs: give the fields names, so each can be classified and keyed",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                let mut fields = Vec::new();
                let mut arms = Vec::new();
                for variant in &data.variants {
                    let start = fields.len();
                    match &variant.fields {
                        Fields::Named(named) => {
                            for f in &named.named {
                                let at = (arms.len(), fields.len());
                                fields.push(field(f, Some(at)));
                            }
                        }
                        Fields::Unit => {}
                        Fields::Unnamed(_) => cx.error_spanned_by(
                            variant,
                            format!(
                                "variant `{}` has unnamed fields: give them names, so each can be classified and keyed",
                                variant.ident
                            ),
                        ),
                    }
                    arms.push(Arm {
                        ident: &variant.ident,
                        attrs: VariantAttrs::parse(cx, &variant.attrs),
                        doc: attr::doc(&variant.attrs),
                        fields: start..fields.len(),
                    });
                }
                (fields, Some(arms))
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`Telemetry` is not supported (yet) for unions: derive it for a struct",
                );
                return None;
            }
        };
        Some(Struct {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            attrs,
            fields,
            arms,
        })
    }

    /// The fields of one variant (every field, for a struct).
    pub fn fields_of(&self, arm: &Arm) -> &[Field<'a>] {
        &self.fields[arm.fields.clone()]
    }

    /// The key an enum's variant name is sent under: `tag = "..."`, else
    /// the enum's name in snake_case.
    pub fn tag_key(&self) -> String {
        match &self.attrs.tag {
            Some(lit) => lit.value(),
            None => crate::types::snake_case(&self.ident.unraw().to_string()),
        }
    }

    /// The event (span) name.
    pub fn event(&self) -> String {
        match &self.attrs.event {
            Some(lit) => lit.value(),
            None => self.ident.unraw().to_string(),
        }
    }

    /// When the whole event is sent (the first class written; `valid`
    /// rejects the rest).
    pub fn class(&self) -> Class {
        self.attrs
            .classes
            .first()
            .map_or(Class::Always, |written| written.value)
    }

    /// Whether the struct is generic over types or constants (not only
    /// lifetimes): what it sends is then known only where it is used.
    pub fn over_types(&self) -> bool {
        self.generics
            .params
            .iter()
            .any(|param| !matches!(param, syn::GenericParam::Lifetime(_)))
    }

    /// The field that carries the consent, if any (for an enum, the first
    /// variant's that has one: see [`Struct::consent_fields`]).
    pub fn consent_field(&self) -> Option<&Field<'a>> {
        self.consent_fields().next()
    }

    /// Every field that carries the consent: one at most per variant.
    pub fn consent_fields(&self) -> impl Iterator<Item = &Field<'a>> {
        self.fields
            .iter()
            .filter(|field| field.class() == Some(Class::Consent))
    }
}

impl Arm<'_> {
    /// The text the variant is sent as: its rename, or its name in snake_case.
    pub fn name(&self) -> String {
        match &self.attrs.rename {
            Some(lit) => lit.value(),
            None => crate::types::snake_case(&self.ident.unraw().to_string()),
        }
    }
}

impl Field<'_> {
    /// The field's class (the first written; `valid` rejects others).
    pub fn class(&self) -> Option<Class> {
        self.attrs.classes.first().map(|written| written.value)
    }

    /// Whether the field's value (or flattened keys) is sent: a `consent`
    /// field sends its keys only when it is flattened too (`#[telemetry(consent,
    /// flatten)]`: a struct whose consent is the event's, and whose keys are
    /// sent as it classifies them).
    pub fn emits_value(&self) -> bool {
        match self.class() {
            Some(Class::Always | Class::ShareCrew) => true,
            Some(Class::Consent) => self.attrs.flatten.is_some(),
            _ => false,
        }
    }

    /// Whether the field is sent (`always`, `share_crew`) under a name, its
    /// own or its key, that says credential (`api_key`, `token`...).
    pub fn sent_as_a_credential(&self) -> bool {
        matches!(self.class(), Some(Class::Always | Class::ShareCrew))
            && (crate::types::names_a_credential(&self.ident.to_string())
                || self
                    .attrs
                    .rename
                    .as_ref()
                    .is_some_and(|key| crate::types::names_a_credential(&key.value())))
    }

    /// Whether the field's type is judged as a credential's by the type
    /// system: sent as its value (no `with`, no `flatten`) under a
    /// credential's name, not marked `not_secret`, and not written as text
    /// (which `valid` refuses by its name).
    pub fn judged_as_a_credential(&self) -> bool {
        // The attributes first: reading the name costs a copy of it.
        self.attrs.not_secret.is_none()
            && self.attrs.with.is_none()
            && self.attrs.flatten.is_none()
            && self.attrs.free_text.is_none()
            && self.sent_as_a_credential()
            && !crate::types::written_as_text(self.ty)
    }

    /// The key the field's value is sent under.
    pub fn key(&self) -> String {
        match &self.attrs.rename {
            Some(lit) => lit.value(),
            None => self.name(),
        }
    }

    /// The field's name as a reader writes it (`r#type` is `type`).
    pub fn name(&self) -> String {
        self.ident.unraw().to_string()
    }

    /// The key a derived fact of this field is sent under.
    pub fn fact_key(&self, fact: &Fact) -> String {
        match &fact.rename {
            Some(lit) => lit.value(),
            None => format!("{}_{}", self.key(), fact.kind.word()),
        }
    }

    /// Every key the field sends, with the token that names it: the value's
    /// (unless flattened) and each derived fact's.
    pub fn keys(&self) -> Vec<(String, proc_macro2::TokenStream)> {
        use quote::ToTokens;
        let mut keys = Vec::new();
        if self.emits_value() && self.attrs.flatten.is_none() {
            let at = match &self.attrs.rename {
                Some(lit) => lit.to_token_stream(),
                None => self.ident.to_token_stream(),
            };
            keys.push((self.key(), at));
        }
        for fact in &self.attrs.facts {
            let at = match &fact.rename {
                Some(lit) => lit.to_token_stream(),
                None => fact.word.to_token_stream(),
            };
            keys.push((self.fact_key(fact), at));
        }
        keys
    }
}

impl Fact {
    /// The fact's class (the first written; `valid` rejects others).
    pub fn class(&self) -> Option<Class> {
        self.classes.first().map(|written| written.value)
    }
}

impl FactKind {
    /// The fact's purpose, one sentence: what it says of `field`, then the
    /// first sentence of the field's `doc`, saying what the field is.
    pub fn purpose(self, field: &str, doc: &str) -> String {
        let fact = match self {
            FactKind::Len => format!("The number of entries of `{field}`"),
            FactKind::Present => format!("Whether `{field}` is set"),
            FactKind::ErrorType => {
                format!("The type name of the error in `{field}`, never its message")
            }
        };
        match summary(doc) {
            Some(summary) => format!("{fact}: {summary}."),
            None => format!("{fact}."),
        }
    }
}

/// The first sentence of `doc` (it ends at a full stop before a capital:
/// `e.g. gpt` goes on), without its full stop, its first letter in lower
/// case unless the word is an acronym or code (`URL`, `` `id` ``).
fn summary(doc: &str) -> Option<String> {
    let end = doc
        .match_indices(". ")
        .map(|(at, _)| at)
        .find(|&at| doc[at + 2..].starts_with(|c: char| c.is_uppercase()));
    let first = end.map_or(doc, |at| &doc[..at]);
    let first = first.trim().trim_end_matches('.');
    let mut chars = first.chars();
    let head = chars.next()?;
    let rest = chars.as_str();
    let acronym = rest.chars().next().is_some_and(char::is_uppercase);
    Some(match head.is_uppercase() && !acronym {
        true => head.to_lowercase().chain(rest.chars()).collect(),
        false => first.to_owned(),
    })
}

impl<'a> Enum<'a> {
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Option<Enum<'a>> {
        let attrs = EnumAttrs::parse(cx, &input.attrs);
        let data = match &input.data {
            Data::Enum(data) => data,
            Data::Struct(data) => {
                cx.error_spanned_by(
                    data.struct_token,
                    "`TelemetryValue` is not supported (yet) for structs: derive `Telemetry` for a struct with classified fields, or implement `TelemetryValue` by hand for a scalar",
                );
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`TelemetryValue` is not supported (yet) for unions",
                );
                return None;
            }
        };
        let mut variants = Vec::new();
        for variant in &data.variants {
            if !matches!(variant.fields, Fields::Unit) {
                cx.error_spanned_by(
                    variant,
                    format!(
                        "variant `{}` carries data: `TelemetryValue` is for unit-only enums, whose variant names are sent as values; derive `Telemetry` instead, to send the variant's name under the enum's key with its fields' keys",
                        variant.ident
                    ),
                );
                continue;
            }
            variants.push(Variant {
                ident: &variant.ident,
                attrs: VariantAttrs::parse(cx, &variant.attrs),
            });
        }
        Some(Enum {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            variants,
        })
    }
}

impl Variant<'_> {
    /// The text the variant is sent as: its rename, or its name in snake_case.
    pub fn name(&self) -> String {
        match &self.attrs.rename {
            Some(lit) => lit.value(),
            None => crate::types::snake_case(&self.ident.unraw().to_string()),
        }
    }

    pub fn name_lit(&self) -> LitStr {
        LitStr::new(&self.name(), self.ident.span())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_s_purpose_is_one_sentence() {
        assert_eq!(
            FactKind::Present.purpose("inputs", "The inputs the crew was kicked off with."),
            "Whether `inputs` is set: the inputs the crew was kicked off with."
        );
        assert_eq!(
            FactKind::Len.purpose("agents", "The agents. Each as classified."),
            "The number of entries of `agents`: the agents."
        );
        assert_eq!(
            FactKind::Len.purpose("models", "The models, e.g. gpt-4o. Sorted."),
            "The number of entries of `models`: the models, e.g. gpt-4o."
        );
        assert_eq!(
            FactKind::ErrorType.purpose("error", "URLs it failed on"),
            "The type name of the error in `error`, never its message: URLs it failed on."
        );
        assert_eq!(
            FactKind::Len.purpose("agents", ""),
            "The number of entries of `agents`."
        );
    }
}
