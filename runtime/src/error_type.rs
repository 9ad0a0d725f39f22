//! The short type name of an error: what `error_type(...)` and
//! [`ActiveSpan::fail`](crate::ActiveSpan::fail) send, never the message.

use std::borrow::Cow;
use std::fmt::{Debug, Display};

use crate::secret::{Secret, SecretIsNeverSent};

/// The name a type-erased error (`Box<dyn Error + Send + Sync>`, `&dyn
/// Error`) is sent as: its concrete type is not known to the compiler.
pub const DYN_ERROR: &str = "dyn Error";

/// An error whose type name can be sent: anything that prints as an error
/// does (`Debug` and `Display`), so every `std::error::Error`, a boxed or
/// shared one, `Box<dyn Error + Send + Sync>`, and error types such as
/// `anyhow::Error` that are not `std::error::Error` themselves. Only the
/// type's name is read, never the value.
///
/// ```
/// use crewtel::rules::ErrorType;
///
/// let io = std::io::Error::other("the prompt was: ...");
/// assert_eq!(io.error_type(), "io::Error");
/// let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(io);
/// assert_eq!(boxed.error_type(), crewtel::attribute::DYN_ERROR);
/// assert_eq!("42x".parse::<u8>().unwrap_err().error_type(), "ParseIntError");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an error whose type can be sent",
    label = "`error_type` needs an error",
    note = "`error_type(...)` and `fail` take an error (`Debug` and `Display`), or an `Option` of one written `Option<...>` in the field (an alias of an `Option` is read as the error); a `Secret` is never named, not even by its type: classify it `#[telemetry(never)]` with no `error_type(...)`"
)]
pub trait ErrorType: sealed::Sealed {
    /// The error's short type name: `ToolError`, `io::Error`, the inner
    /// error's name for a `Box`, `Arc` or `Rc` of one, [`DYN_ERROR`] for a
    /// type-erased one.
    fn error_type(&self) -> Cow<'static, str>;
}

mod sealed {
    /// Keeps hosts from implementing `ErrorType`: its name is the type's
    /// own, never a string a host's code chose.
    pub trait Sealed {}

    impl<E: core::fmt::Debug + core::fmt::Display + ?Sized> Sealed for E {}
    impl<T> Sealed for crate::secret::Secret<T> {}
}

impl<E: Debug + Display + ?Sized> ErrorType for E {
    #[inline]
    fn error_type(&self) -> Cow<'static, str> {
        short_type_name(std::any::type_name::<E>())
    }
}

// Keeps the blanket impl's "doesn't implement `Display`" out of the message
// for a `Secret`: the note above names the fix. Not recommended: the message
// does not list `Secret<T>` among the errors whose type can be sent.
#[diagnostic::do_not_recommend]
impl<T: SecretIsNeverSent> ErrorType for Secret<T> {
    fn error_type(&self) -> Cow<'static, str> {
        unreachable!("SecretIsNeverSent has no implementation")
    }
}

/// `a::b::Name<c::D>` → `Name`; `Box<a::Name>` → `Name`; a type named
/// `Error` keeps the module that tells it apart (`std::io::error::Error` →
/// `io::Error`, `serde_json::error::Error` → `serde_json::Error`).
fn short_type_name(full: &'static str) -> Cow<'static, str> {
    let inner = unwrap_pointers(full);
    if inner.starts_with("dyn ") {
        return Cow::Borrowed(DYN_ERROR);
    }
    let base = inner.split('<').next().unwrap_or(inner);
    let mut segments = base.rsplit("::");
    let last = segments.next().unwrap_or(base);
    if last != "Error" {
        return Cow::Borrowed(last);
    }
    match segments.find(|module| !matches!(*module, "error" | "errors")) {
        Some(module) => Cow::Owned(format!("{module}::{last}")),
        None => Cow::Borrowed(last),
    }
}

/// `&mut alloc::boxed::Box<alloc::sync::Arc<a::E>>` → `a::E`.
fn unwrap_pointers(mut name: &'static str) -> &'static str {
    loop {
        if let Some(rest) = name.strip_prefix('&') {
            name = rest.strip_prefix("mut ").unwrap_or(rest);
            continue;
        }
        let Some((head, rest)) = name.split_once('<') else {
            return name;
        };
        let pointer = matches!(head.rsplit("::").next(), Some("Box" | "Arc" | "Rc"));
        match rest.strip_suffix('>') {
            Some(inner) if pointer => name = inner,
            _ => return name,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error;
    use std::rc::Rc;
    use std::sync::Arc;

    use super::*;

    #[derive(Debug)]
    struct ToolError;

    impl Display for ToolError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the prompt was: summarise my diary")
        }
    }

    impl Error for ToolError {}

    mod wrapped {
        #[derive(Debug)]
        pub struct Wrap<E>(pub E);

        impl<E> std::fmt::Display for Wrap<E> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("wrapped")
            }
        }
    }

    #[test]
    fn names_come_from_the_real_types() {
        assert_eq!(std::io::Error::other("x").error_type(), "io::Error");
        assert_eq!(std::fmt::Error.error_type(), "fmt::Error");
        let json = serde_json::from_str::<u8>("{").unwrap_err();
        assert_eq!(json.error_type(), "serde_json::Error");
        assert_eq!(ToolError.error_type(), "ToolError");
        assert_eq!(
            "x".parse::<u32>().unwrap_err().error_type(),
            "ParseIntError"
        );
        assert_eq!(wrapped::Wrap(ToolError).error_type(), "Wrap");
    }

    #[test]
    fn pointers_are_named_by_what_they_point_to() {
        assert_eq!(Box::new(ToolError).error_type(), "ToolError");
        assert_eq!(Arc::new(ToolError).error_type(), "ToolError");
        assert_eq!(Rc::new(Box::new(ToolError)).error_type(), "ToolError");
        assert_eq!(
            Box::new(std::io::Error::other("x")).error_type(),
            "io::Error"
        );
        assert_eq!((&&ToolError).error_type(), "ToolError");
    }

    #[test]
    fn type_erased_errors_have_one_documented_name() {
        let boxed: Box<dyn Error + Send + Sync> = Box::new(ToolError);
        assert_eq!(boxed.error_type(), DYN_ERROR);
        let plain: Box<dyn Error> = Box::new(ToolError);
        assert_eq!(plain.error_type(), DYN_ERROR);
        assert_eq!((*plain).error_type(), DYN_ERROR);
    }

    #[test]
    fn different_errors_named_error_are_told_apart() {
        let io = std::io::Error::other("x").error_type();
        let fmt = std::fmt::Error.error_type();
        let json = serde_json::from_str::<u8>("{").unwrap_err().error_type();
        assert_ne!(io, fmt);
        assert_ne!(io, json);
        assert_ne!(fmt, json);
    }

    #[test]
    fn the_message_is_never_read() {
        assert!(!ToolError.error_type().contains("diary"));
    }
}
