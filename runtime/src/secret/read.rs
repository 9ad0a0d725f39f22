//! What a `with` function asks of the type it reads: [`SecretFree`], asked
//! through [`WithReads`] so that a refusal names the type read and the rule,
//! never one of the impls the compiler tried (a derived struct's impl is
//! conditional on its fields; named beside the refusal, it would read as
//! "`SecretFree` is implemented for `Llm`").

use super::SecretFree;

/// A `with` function may read `Self`: it is [`SecretFree`].
#[diagnostic::on_unimplemented(
    message = "a `with` function cannot read `{Self}`: it holds a `Secret`, or crewtel cannot see that it holds none",
    label = "a `with` function needs a type that holds no `Secret`",
    note = "a `Secret` is never read by a `with` function, even in a `never` field of what it reads: a struct deriving `Telemetry` can be read only when none of its fields holds a `Secret`; a type of your own that holds none is declared with `crewtel::secret_free!(YourType);`"
)]
pub trait WithReads {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const READ: () = ();
}

// Not recommended: the compiler reports `Llm: WithReads`, with the message
// above, instead of the innermost bound that failed or the impls it tried.
#[diagnostic::do_not_recommend]
impl<T: SecretFree + ?Sized> WithReads for T {}
