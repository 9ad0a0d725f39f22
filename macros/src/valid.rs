//! Every rule of the derives, in one place. Checks only record errors; they
//! never write tokens.

use std::collections::BTreeMap;

use quote::ToTokens;

use crate::ast::{Enum, Field, Struct};
use crate::attr::{Class, Fact, FactKind, Written};
use crate::ctxt::Ctxt;
use crate::symbol::{
    ALWAYS, CONSENT, EXPIRES, FLATTEN, FREE_TEXT, NEVER, NOT_SECRET, RENAME, SHARE_CREW, WITH,
};
use crate::types;

pub fn check_struct(cx: &Ctxt, input: &Struct) {
    if let Some(event) = &input.attrs.event
        && event.value().trim().is_empty()
    {
        cx.error_spanned_by(event, "the event name is empty: write `event = \"Crew Created\"`, or leave `event` out to use the struct's name");
    }
    check_one_class(
        cx,
        &input.attrs.classes,
        &format!("struct `{}`", input.ident),
    );
    for written in &input.attrs.classes {
        if matches!(written.value, Class::Never | Class::Consent) {
            cx.error_spanned_by(
                &written.word,
                format!(
                    "a struct is sent `always` (the default) or only under `share_crew`, not `{}`: to send nothing, do not emit it",
                    written.value.word()
                ),
            );
        }
    }
    if let Some(tag) = &input.attrs.tag
        && input.arms.is_none()
    {
        cx.error_spanned_by(
            tag,
            "`tag` names the key an enum's variant is sent under, and a struct has no variants: remove it",
        );
    }
    let mut consent: Option<&Field> = None;
    for field in &input.fields {
        // One consent switch per variant.
        if consent
            .is_some_and(|first| first.arm.map(|(arm, _)| arm) != field.arm.map(|(arm, _)| arm))
        {
            consent = None;
        }
        check_classes(cx, field);
        check_options(cx, field);
        check_secret(cx, field);
        check_flatten_self(cx, input, field);
        check_free_text(cx, field);
        check_credential(cx, field);
        for fact in &field.attrs.facts {
            check_fact(cx, field, fact);
        }
        if field.class() == Some(Class::Consent) {
            match consent {
                Some(first) => cx.error_spanned_by(
                    &field.attrs.classes[0].word,
                    format!(
                        "only one field can be the `consent` switch, and `{}` already is: classify `{}` another way",
                        first.ident, field.ident
                    ),
                ),
                None => consent = Some(field),
            }
        }
    }
    check_keys(cx, input);
}

fn class_list() -> &'static str {
    "`#[telemetry(always)]`, `#[telemetry(share_crew)]`, `#[telemetry(never)]` or `#[telemetry(consent)]`"
}

/// Exactly one class per field.
fn check_classes(cx: &Ctxt, field: &Field) {
    let classes = &field.attrs.classes;
    if classes.is_empty() {
        cx.error_spanned_by(
            field.ident,
            format!(
                "field `{}` is not classified: mark it {}",
                field.ident,
                class_list()
            ),
        );
    }
    check_one_class(cx, classes, &format!("field `{}`", field.ident));
}

fn check_one_class(cx: &Ctxt, classes: &[Written<Class>], what: &str) {
    let Some(first) = classes.first() else { return };
    for extra in &classes[1..] {
        if extra.value == first.value {
            cx.error_spanned_by(
                &extra.word,
                format!("duplicate `{}`: give it once", extra.value.word()),
            );
        } else {
            cx.error_spanned_by(
                &extra.word,
                format!(
                    "`{}` contradicts `{}`: {what} has exactly one class; keep the one you mean",
                    extra.value.word(),
                    first.value.word()
                ),
            );
        }
    }
}

/// Options that do nothing, or contradict each other, on this class of field.
fn check_options(cx: &Ctxt, field: &Field) {
    let attrs = &field.attrs;
    let name = field.ident;
    if let Some(class @ (Class::Never | Class::Consent)) = field.class() {
        let why = if class == Class::Never {
            format!("a `{NEVER}` field is never sent")
        } else {
            format!("the `{CONSENT}` field gives the event its consent and is not sent as a value")
        };
        if let Some(rename) = &attrs.rename {
            cx.error_spanned_by(
                rename,
                format!("`{RENAME}` does nothing on `{name}`: {why}; remove it"),
            );
        }
        // A flattened `consent` field is a struct whose consent is the
        // event's and whose keys are sent as it classifies them.
        if let Some(flatten) = &attrs.flatten
            && class == Class::Never
        {
            cx.error_spanned_by(
                flatten,
                format!("`{FLATTEN}` does nothing on `{name}`: {why}; remove it"),
            );
        }
        if let Some((with, _)) = &attrs.with {
            cx.error_spanned_by(
                with,
                format!("`{WITH}` does nothing on `{name}`: {why}; remove it"),
            );
        }
        // Its facts are sent: they expire with the field.
        if let Some(expiry) = &attrs.expires
            && attrs.facts.is_empty()
        {
            cx.error_spanned_by(
                &expiry.lit,
                format!("`{EXPIRES}` does nothing on `{name}`: {why}; remove it"),
            );
        }
        if class == Class::Consent {
            for fact in &attrs.facts {
                cx.error_spanned_by(
                    &fact.word,
                    format!("`{}` is not allowed on the `{CONSENT}` field: the consent itself is never sent", fact.kind.word()),
                );
            }
        }
    }
    if attrs.flatten.is_some() {
        if let Some(rename) = &attrs.rename {
            cx.error_spanned_by(
                rename,
                format!("`{RENAME}` contradicts `{FLATTEN}`: a flattened struct sends its own keys; remove one of them"),
            );
        }
        if let Some((with, _)) = &attrs.with {
            cx.error_spanned_by(
                with,
                format!("`{WITH}` contradicts `{FLATTEN}`: a flattened struct sends its own keys; remove one of them"),
            );
        }
    }
}

/// The early, syntactic half of the `Secret` rule; the type system does the rest.
fn check_secret(cx: &Ctxt, field: &Field) {
    if !types::mentions_secret(field.ty) {
        return;
    }
    let name = field.ident;
    if field.emits_value() {
        cx.error_spanned_by(
            field.ty,
            format!(
                "a `Secret` can never be sent as telemetry: classify `{name}` `#[telemetry(never)]`"
            ),
        );
    }
    for fact in &field.attrs.facts {
        cx.error_spanned_by(
            &fact.word,
            format!(
                "no fact about a `Secret` is sent, not even its {}: remove `{}(...)` from `{name}`",
                match fact.kind {
                    FactKind::Len => "length",
                    FactKind::Present => "presence",
                    FactKind::ErrorType => "type",
                },
                fact.kind.word()
            ),
        );
    }
}

/// A derived fact has exactly one class, and it is one that sends.
fn check_fact(cx: &Ctxt, field: &Field, fact: &Fact) {
    let word = fact.kind.word();
    let what = format!("`{word}(...)` of `{}`", field.ident);
    match fact.classes.first() {
        None => cx.error_spanned_by(
            &fact.word,
            format!("{what} is not classified: write `{word}(always)` or `{word}(share_crew)`"),
        ),
        Some(written) if matches!(written.value, Class::Never | Class::Consent) => cx.error_spanned_by(
            &written.word,
            format!(
                "a derived fact is sent under `always` or `share_crew`, not `{}`: to send nothing, remove `{word}(...)`",
                written.value.word()
            ),
        ),
        Some(_) => {}
    }
    check_one_class(cx, &fact.classes, &what);
    if fact.kind == FactKind::ErrorType {
        check_error_kept(cx, field, fact);
    }
}

/// `error_type(...)` names an error's type: a field that keeps the error's
/// message (text) or a code (a number, a flag) in its place would send
/// `String` or `u32`, which says nothing. (Seen here as written, to name
/// the field; behind an alias, the walk's `ErrorKept` bound refuses it.)
fn check_error_kept(cx: &Ctxt, field: &Field, fact: &Fact) {
    let kept = types::option_inner(field.ty).unwrap_or(field.ty);
    let what = if types::written_as_text(kept) {
        "text (an error's message)"
    } else if types::written_as_number(kept) {
        "a number or a flag"
    } else {
        return;
    };
    cx.error_spanned_by(
        &fact.word,
        format!(
            "`{word}(...)` sends the type name of an error, and `{}` holds {what}, not an error: keep the error itself in it (`std::io::Error`, your `ToolError`, `Box<dyn Error + Send + Sync>`, or an `Option` of one)",
            field.ident,
            word = fact.kind.word(),
        ),
    );
}

/// `free_text` marks an `always` value; anywhere else it does nothing.
fn check_free_text(cx: &Ctxt, field: &Field) {
    let Some(word) = &field.attrs.free_text else {
        return;
    };
    let name = field.ident;
    let why = match field.class() {
        Some(Class::Always) if field.attrs.flatten.is_some() => format!(
            "a flattened struct's fields are judged where they are declared; remove `{FREE_TEXT}` from `{name}`"
        ),
        Some(Class::Always) | None => return,
        Some(Class::ShareCrew) => format!(
            "`{SHARE_CREW}` content is sent only from crews that opted in and needs no marker; remove it from `{name}`, or classify `{name}` `{ALWAYS}`"
        ),
        Some(class) => format!(
            "`{name}` is `{}`, never sent; remove `{FREE_TEXT}`",
            class.word()
        ),
    };
    cx.error_spanned_by(word, format!("`{FREE_TEXT}` does nothing here: {why}"));
}

/// A field named like a credential (by its name or the key it is sent
/// under) that holds text (or is marked free text) is not sent, whatever a
/// `with` function makes of it: a credential's place is a `Secret`, unless
/// the field says it is not one (`not_secret`, which a reviewer greps for).
fn check_credential(cx: &Ctxt, field: &Field) {
    let name = field.ident;
    let renamed = || field.attrs.rename.as_ref().map(syn::LitStr::value);
    let text = || types::written_as_text(field.ty) || field.attrs.free_text.is_some();
    let by_name = || types::names_a_credential(&name.to_string());
    let credential = || field.sent_as_a_credential();
    // The name last: reading it costs a copy.
    let applies = text() && credential();
    match &field.attrs.not_secret {
        // A type that holds text behind an alias or a parameter is judged
        // by the type system (see `walk`), and `not_secret` answers it too.
        Some(word) if !credential() || types::known_number(field.ty).is_some() => cx.error_spanned_by(
            word,
            format!(
                "`{NOT_SECRET}` does nothing here: it is for a sent field named like a credential that holds text, and `{name}` is not one; remove it"
            ),
        ),
        Some(_) => {}
        None if applies => {
            let mut words: Vec<&str> = vec![field.class().map_or(ALWAYS.0, |class| class.word().0)];
            if field.attrs.free_text.is_some() {
                words.push(FREE_TEXT.0);
            }
            words.push(NOT_SECRET.0);
            let named = match (by_name(), renamed()) {
                (false, Some(key)) => format!("is sent under `{key}`, a credential's name,"),
                _ => "is named like a credential".to_owned(),
            };
            cx.error_spanned_by(
                name,
                format!(
                    "`{name}` {named} and holds text, which is never telemetry: type it `Secret<String>` and classify it `#[telemetry(never)]`; if it is not a credential, say so with `#[telemetry({})]`",
                    words.join(", "),
                ),
            );
        }
        None => {}
    }
}

/// The key the reporter itself adds to a failed span.
const RESERVED_KEY: &str = "error_type";

/// A struct cannot flatten itself: its keys would repeat without end.
fn check_flatten_self(cx: &Ctxt, input: &Struct, field: &Field) {
    let Some(flatten) = &field.attrs.flatten else {
        return;
    };
    if types::mentions_self(field.ty, input.ident) {
        cx.error_spanned_by(
            flatten,
            format!(
                "`{}` flattens `{}` into itself, so its keys would repeat without end: send it as a nested value (remove `flatten`), or flatten another struct",
                field.ident, input.ident
            ),
        );
    }
}

/// Keys are non-empty and unique within the struct (within each variant, for
/// an enum, and none the variant's own key); variants' names are non-empty
/// and unique.
fn check_keys(cx: &Ctxt, input: &Struct) {
    let Some(arms) = &input.arms else {
        check_unique_keys(cx, &input.fields, None);
        return;
    };
    let tag = input.tag_key();
    let tag_at = input
        .attrs
        .tag
        .as_ref()
        .map_or_else(|| input.ident.to_token_stream(), ToTokens::to_token_stream);
    if tag.trim().is_empty() {
        cx.error_spanned_by(&tag_at, "the variant's key is empty: write `tag = \"feature\"`, or leave `tag` out to use the enum's name in snake_case");
    } else if tag == RESERVED_KEY {
        cx.error_spanned_by(
            &tag_at,
            format!("key `{RESERVED_KEY}` is reserved: the reporter sends it when a span fails (`fail`); write another `tag`"),
        );
    }
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for arm in arms {
        let name = arm.name();
        let at = arm
            .attrs
            .rename
            .as_ref()
            .map_or_else(|| arm.ident.to_token_stream(), ToTokens::to_token_stream);
        if name.trim().is_empty() {
            cx.error_spanned_by(
                &at,
                "the variant is sent as an empty string: `rename` it to a non-empty name",
            );
        } else if let Some(first) = names.get(&name) {
            cx.error_spanned_by(
                &at,
                format!("`{name}` is already sent for `{first}`: two variants cannot send the same name; `rename` one of them"),
            );
        } else {
            names.insert(name, arm.ident.to_string());
        }
        check_unique_keys(cx, input.fields_of(arm), Some(&tag));
    }
}

/// `tag`: an enum's own key, which its variants' fields cannot send.
fn check_unique_keys(cx: &Ctxt, fields: &[Field], tag: Option<&str>) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for field in fields {
        for (key, at) in field.keys() {
            if key.trim().is_empty() {
                cx.error_spanned_by(&at, "the key is empty: `rename` to a non-empty key");
                continue;
            }
            if key == RESERVED_KEY {
                cx.error_spanned_by(
                    &at,
                    format!(
                        "key `{RESERVED_KEY}` is reserved: the reporter sends it when a span fails (`fail`); `rename` this key"
                    ),
                );
                continue;
            }
            if tag == Some(key.as_str()) {
                cx.error_spanned_by(
                    &at,
                    format!(
                        "key `{key}` is the enum's own: it sends the variant's name; `rename` this key, or write another `tag` on the enum"
                    ),
                );
                continue;
            }
            if let Some(first) = seen.get(&key) {
                cx.error_spanned_by(
                    &at,
                    format!(
                        "key `{key}` is already sent by field `{first}`: two fields cannot send the same key; `rename` one of them"
                    ),
                );
            } else {
                seen.insert(key, field.ident.to_string());
            }
        }
    }
}

pub fn check_enum(cx: &Ctxt, input: &Enum) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for variant in &input.variants {
        let name = variant.name();
        let at = match &variant.attrs.rename {
            Some(lit) => lit.to_token_stream(),
            None => variant.ident.to_token_stream(),
        };
        if name.is_empty() {
            cx.error_spanned_by(
                &at,
                "the variant is sent as an empty string: `rename` it to a non-empty name",
            );
        } else if let Some(first) = seen.get(&name) {
            cx.error_spanned_by(
                &at,
                format!("`{name}` is already sent for `{first}`: two variants cannot send the same name; `rename` one of them"),
            );
        } else {
            seen.insert(name, variant.ident.to_string());
        }
    }
}
