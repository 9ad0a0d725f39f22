//! Syntactic questions about types and names, answered without type checking.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Generics, Ident, Type};

/// Whether `ty` names `Secret` anywhere (`Secret<T>`, `Option<Secret<T>>`,
/// `crewtel::Secret<T>` ...). Aliases and generic parameters are caught by the
/// type system instead; this catches the common cases early, in the same
/// compile as every other attribute error.
pub fn mentions_secret(ty: &Type) -> bool {
    mentions_ident(ty.to_token_stream(), &|ident| ident == "Secret")
}

fn mentions_ident(tokens: TokenStream, matches: &dyn Fn(&Ident) -> bool) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => matches(&ident),
        TokenTree::Group(group) => mentions_ident(group.stream(), matches),
        _ => false,
    })
}

/// Whether `ty` holds the struct `ident` itself (or `Self`): a recursive
/// type (`Vec<Self>`, `Option<Box<Node>>`). A projection from it
/// (`<Self as Keys>::Key`, which the derive writes `<Node as Keys>::Key`)
/// names another type, and does not count.
pub fn mentions_self(ty: &Type, ident: &Ident) -> bool {
    names(ty, &|found| found == ident || found == "Self", false)
}

/// Whether `ty` names `Self` anywhere, a projection's own type included.
pub fn names_self_type(ty: &Type) -> bool {
    names(ty, &|found| found == "Self", true)
}

/// Whether `ty` names an identifier `is` accepts, in a projection's own
/// type (`<T as Trait>`'s `T`) only when `projections`. Walked without
/// allocating, as every field's type is asked; the rare kinds of type
/// (functions, trait objects, macros) by their tokens.
fn names(ty: &Type, is: &dyn Fn(&Ident) -> bool, projections: bool) -> bool {
    let tokens = |node: &dyn ToTokens| mentions_ident(node.to_token_stream(), is);
    let inner = |ty: &Type| names(ty, is, projections);
    match ty {
        Type::Path(path) => {
            (projections && path.qself.as_ref().is_some_and(|qself| inner(&qself.ty)))
                || path.path.segments.iter().any(|segment| {
                    is(&segment.ident)
                        || match &segment.arguments {
                            syn::PathArguments::AngleBracketed(args) => {
                                args.args.iter().any(|arg| match arg {
                                    syn::GenericArgument::Type(ty) => inner(ty),
                                    syn::GenericArgument::Lifetime(_) => false,
                                    other => tokens(other),
                                })
                            }
                            syn::PathArguments::None => false,
                            other => tokens(other),
                        }
                })
        }
        Type::Reference(reference) => inner(&reference.elem),
        Type::Slice(slice) => inner(&slice.elem),
        Type::Array(array) => inner(&array.elem) || (projections && tokens(&array.len)),
        Type::Ptr(pointer) => inner(&pointer.elem),
        Type::Paren(paren) => inner(&paren.elem),
        Type::Group(group) => inner(&group.elem),
        Type::Tuple(tuple) => tuple.elems.iter().any(inner),
        Type::Never(_) | Type::Infer(_) => false,
        other => tokens(other),
    }
}

/// Whether a name (a field's, or the key it is sent under) says
/// credential, as secret scanners read names: one of its words is
/// `password`, `secret`, `token`, `credentials`, `jwt` and the like, or two
/// are `api key`, `access token`, `private keys` and the like (snake_case or
/// camelCase). `token_count`'s word is `token` too: its type, a number,
/// keeps it from the rule.
pub fn names_a_credential(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "password",
        "passwords",
        "passwd",
        "pwd",
        "passphrase",
        "passcode",
        "secret",
        "secrets",
        "token",
        "credential",
        "credentials",
        "apikey",
        "apikeys",
        "bearer",
        "jwt",
        "authorization",
        "cookie",
        "cookies",
    ];
    const FIRST: &[&str] = &[
        "api",
        "access",
        "private",
        "signing",
        "auth",
        "encryption",
        "ssh",
        "client",
        "refresh",
        "session",
        "id",
    ];
    const SECOND: &[&str] = &["key", "keys", "token", "tokens"];
    let says = |words: &mut dyn Iterator<Item = &str>| {
        let mut previous = "";
        words.filter(|word| !word.is_empty()).any(|word| {
            let pair = FIRST.contains(&previous) && SECOND.contains(&word);
            previous = word;
            WORDS.contains(&word) || pair
        })
    };
    let name = name.trim_start_matches("r#");
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        // snake_case, nearly always: no copy.
        return says(&mut name.split('_'));
    }
    let mut snake = String::with_capacity(name.len() + 4);
    for (at, c) in name.char_indices() {
        if c.is_ascii_uppercase() && at > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    says(&mut snake.split('_'))
}

/// Whether `ty` is written as text, or a container of text (`String`,
/// `&str`, `Cow<str>`, `Box<str>`, an `Option` or list of them): what a
/// credential is kept in. An alias is not seen here; the free-text rule
/// sees it.
pub fn written_as_text(ty: &Type) -> bool {
    match ty {
        Type::Reference(reference) => written_as_text(&reference.elem),
        Type::Paren(paren) => written_as_text(&paren.elem),
        Type::Group(group) => written_as_text(&group.elem),
        Type::Slice(slice) => written_as_text(&slice.elem),
        Type::Array(array) => written_as_text(&array.elem),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            match last.ident.to_string().as_str() {
                "String" | "str" | "OsString" | "OsStr" => true,
                "Cow" | "Box" | "Arc" | "Rc" | "Option" | "Vec" | "VecDeque" | "BTreeSet"
                | "HashSet" | "BTreeMap" | "HashMap" => match &last.arguments {
                    syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|arg| {
                        matches!(arg, syn::GenericArgument::Type(inner) if written_as_text(inner))
                    }),
                    _ => false,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether `ty` is written as a number, a flag or a character: a primitive
/// by its name or its path (`u16`, `core::primitive::u8`), or a standard
/// `NonZero*`.
pub fn written_as_number(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    if path.qself.is_some() {
        return false;
    }
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    last.arguments.is_none() && (NUMBERS.contains(&name.as_str()) || name == "char")
        || is_non_zero(&name)
}

/// `NonZero` (of a number), or one of its aliases (`NonZeroU16`): not a
/// host's own type whose name only begins so (`NonZeroExit`).
fn is_non_zero(name: &str) -> bool {
    match name.strip_prefix("NonZero") {
        Some("") => true,
        // The integers: `NonZeroU16`, `NonZeroIsize`.
        Some(rest) => NUMBERS
            .iter()
            .filter(|number| number.starts_with(['u', 'i']))
            .any(|integer| integer.eq_ignore_ascii_case(rest)),
        None => false,
    }
}

/// Whether `ty` mentions any parameter of `generics`, lifetimes included.
pub fn mentions_param(ty: &Type, generics: &Generics) -> bool {
    let lifetimes: Vec<&Ident> = generics
        .lifetimes()
        .map(|param| &param.lifetime.ident)
        .collect();
    mentions_type_param(ty, generics) || mentions_lifetime(ty.to_token_stream(), &lifetimes)
}

fn mentions_lifetime(tokens: TokenStream, lifetimes: &[&Ident]) -> bool {
    let mut after_quote = false;
    tokens.into_iter().any(|tree| {
        let found = match &tree {
            TokenTree::Ident(ident) => after_quote && lifetimes.contains(&ident),
            TokenTree::Group(group) => mentions_lifetime(group.stream(), lifetimes),
            _ => false,
        };
        after_quote = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '\'');
        found
    })
}

/// Whether `ty` mentions one of the type or const parameters of `generics`.
pub fn mentions_type_param(ty: &Type, generics: &Generics) -> bool {
    let params: Vec<&Ident> = generics
        .type_params()
        .map(|param| &param.ident)
        .chain(generics.const_params().map(|param| &param.ident))
        .collect();
    !params.is_empty() && mentions_ident(ty.to_token_stream(), &|ident| params.contains(&ident))
}

/// `T` when `ty` is written `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// A type as a reader writes it: `Vec<Agent>`, `BTreeMap<String, String>`,
/// `&'a str`.
pub fn display(ty: &Type) -> String {
    let raw = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.peek().copied();
            let glue = matches!(prev, Some('<' | '&' | ':' | '(' | '[' | '\''))
                || matches!(next, Some('<' | '>' | ',' | ':' | ')' | ']' | ';'))
                || (prev == Some('>') && next == Some('>'));
            if !glue || prev == Some(';') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `HumanInput` → `human_input`, `HTTPServer` → `http_server`.
pub fn snake_case(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

/// The types whose values are numbers or flags, never text: written as the
/// primitive's name, alone or in an `Option`.
const NUMBERS: &[&str] = &[
    "bool", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    "f32", "f64",
];

/// When `ty` is written as a number or flag (`u32`, `bool`, `Option<f64>`):
/// the type it must be, spelled so that nothing at the call site can stand
/// in for it. The derive then skips the free-text judgement (a constant each)
/// and checks instead that the field's type is that one (a host type named
/// `u32` fails to compile there).
pub fn known_number(ty: &Type) -> Option<TokenStream> {
    if let Some(inner) = option_inner(ty) {
        let inner = known_number(inner)?;
        return Some(quote::quote!(::core::option::Option<#inner>));
    }
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() || path.path.leading_colon.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    let segment = &path.path.segments[0];
    if !segment.arguments.is_none() {
        return None;
    }
    let name = segment.ident.to_string();
    NUMBERS.contains(&name.as_str()).then(|| {
        let ident = Ident::new(&name, segment.ident.span());
        quote::quote!(::core::primitive::#ident)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Type {
        syn::parse_str(s).unwrap()
    }

    #[test]
    fn display_reads_like_source() {
        assert_eq!(display(&ty("Vec<Agent>")), "Vec<Agent>");
        assert_eq!(
            display(&ty("BTreeMap<String, Vec<u8>>")),
            "BTreeMap<String, Vec<u8>>"
        );
        assert_eq!(display(&ty("&'a str")), "&'a str");
        assert_eq!(display(&ty("Option<&'a [u64]>")), "Option<&'a [u64]>");
        assert_eq!(
            display(&ty("std::borrow::Cow<'static, str>")),
            "std::borrow::Cow<'static, str>"
        );
        assert_eq!(display(&ty("[u8; 4]")), "[u8; 4]");
    }

    #[test]
    fn a_number_is_told_by_its_whole_name() {
        for number in [
            "u16",
            "NonZeroU16",
            "NonZeroIsize",
            "std::num::NonZero<u32>",
            "char",
        ] {
            assert!(written_as_number(&ty(number)), "{number}");
        }
        for other in ["NonZeroExit", "NonZeroF32", "Number", "u16x", "Vec<u16>"] {
            assert!(!written_as_number(&ty(other)), "{other}");
        }
    }

    #[test]
    fn credentials_are_named_as_secret_scanners_read_them() {
        for name in [
            "api_key",
            "apikey",
            "openai_api_key",
            "password",
            "db_password",
            "token",
            "auth_token",
            "access_key",
            "private_key",
            "client_secret",
            "credentials",
            "r#secret",
            "passwords",
            "api_keys",
            "access_tokens",
            "apiToken",
            "jwt",
            "session_cookie",
            "encryption_key",
        ] {
            assert!(names_a_credential(name), "{name}");
        }
        for name in [
            "role",
            "tokens",
            "max_tokens",
            "tokenizer",
            "keyboard",
            "api_version",
            "key",
        ] {
            assert!(!names_a_credential(name), "{name}");
        }
        // Its word is `token`: a number's type keeps it from the rule, and
        // `not_secret` says so of text.
        assert!(names_a_credential("token_count"));
    }

    #[test]
    fn text_is_seen_as_it_is_written() {
        for text in [
            "String",
            "&'a str",
            "Option<String>",
            "Cow<'a, str>",
            "Box<str>",
            "Vec<Option<String>>",
            "std::string::String",
        ] {
            assert!(written_as_text(&ty(text)), "{text}");
        }
        for other in [
            "u32",
            "bool",
            "Secret<String>",
            "Option<Secret<String>>",
            "ApiKey",
            "Vec<u8>",
        ] {
            assert!(!written_as_text(&ty(other)), "{other}");
        }
    }

    #[test]
    fn self_is_found_in_a_projection_s_own_type_too() {
        for named in [
            "<Self as Keys>::Key",
            "Vec<<Self as K>::Key>",
            "[u8; Self::N]",
            "fn(&Self)",
        ] {
            assert!(names_self_type(&ty(named)), "{named}");
        }
        assert!(!names_self_type(&ty("Vec<SelfHelp>")));
    }

    #[test]
    fn a_recursive_type_names_itself_a_projection_from_it_does_not() {
        let node = syn::Ident::new("Node", proc_macro2::Span::call_site());
        for recursive in [
            "Vec<Node>",
            "Option<Box<Self>>",
            "&'a [Node]",
            "(u8, Node)",
            "Node",
        ] {
            assert!(mentions_self(&ty(recursive), &node), "{recursive}");
        }
        for other in [
            "<Node as Keys>::Key",
            "Vec<<Node as Keys>::Key>",
            "NodeId",
            "u32",
        ] {
            assert!(!mentions_self(&ty(other), &node), "{other}");
        }
    }

    #[test]
    fn secrets_are_found_wherever_they_are_written() {
        assert!(mentions_secret(&ty("Secret<String>")));
        assert!(mentions_secret(&ty("Option<crewtel::Secret<String>>")));
        assert!(mentions_secret(&ty("BTreeMap<String, Vec<Secret<u8>>>")));
        assert!(!mentions_secret(&ty("SecretName")));
        assert!(!mentions_secret(&ty("Vec<String>")));
    }

    #[test]
    fn snake_case_of_variants() {
        assert_eq!(snake_case("Sequential"), "sequential");
        assert_eq!(snake_case("HumanInput"), "human_input");
        assert_eq!(snake_case("A"), "a");
        assert_eq!(snake_case("HTTPServer"), "http_server");
    }

    #[test]
    fn options_are_seen() {
        assert!(option_inner(&ty("Option<ToolError>")).is_some());
        assert!(option_inner(&ty("std::option::Option<E>")).is_some());
        assert!(option_inner(&ty("Vec<E>")).is_none());
    }
}
