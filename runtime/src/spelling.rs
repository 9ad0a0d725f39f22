//! Checks that a type written like a primitive or a standard container is
//! that type, not a host's own type of the same name: how the derive reads
//! a field's type by its spelling without being fooled by it.

/// `Self` is `U`: how the derive confirms that a field written `u32` (or
/// `Option<bool>` ...) is that primitive, not a host type of the same name,
/// so that it needs no free-text judgement.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is written like a number or flag, but is another type",
    label = "a type of this name shadows the primitive `{U}`",
    note = "rename the type, or write its path (`self::{Self}`), so that crewtel judges whether it is free text"
)]
pub trait Same<U: ?Sized> {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const SAME: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: ?Sized> Same<T> for T {}

/// `Self` is the standard container `U` (`Option`, `Vec`, a set, a map, a
/// pointer): how the derive confirms that a container it read a
/// `&'static str` in by its name is the standard one, not a host's type (or
/// type alias) of that name, which could be anything. (`Same`'s, with a
/// message of its own.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` is written like the standard `{U}`, but is another type",
    label = "a type of this name shadows the standard one",
    note = "a `&'static str` is read as a string literal only inside the standard `Option`, lists, sets, maps and pointers; rename the host's type, or write the field with the type's own name: it is then judged by what it is"
)]
pub trait SameContainer<U: ?Sized> {
    /// What the derive reads to ask for the trait.
    #[doc(hidden)]
    const SAME: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: ?Sized> SameContainer<T> for T {}

/// The primitive `str`, and nothing else: the derive holds each
/// `&'static str` it reads as a string literal (crewtel's `Literal`) to it,
/// naming the type as the host wrote it, so that a host's own type named
/// `str` is refused rather than taken for a literal by its spelling.
#[diagnostic::on_unimplemented(
    message = "a field written `&'static str` is read as a string literal, and this `str` is a type of the host's own, not the primitive `str`",
    label = "not the primitive `str`",
    note = "rename the host's type (a primitive's name hides the primitive), or write the field with the type's own name: it is then judged by what it is"
)]
pub trait PrimitiveStr: sealed::OnlyStr {
    /// What the derive reads to ask for the trait (a path, so that an
    /// error carries no note of a private bound).
    #[doc(hidden)]
    const PRIMITIVE: () = ();
}

#[diagnostic::do_not_recommend]
impl PrimitiveStr for str {}

mod sealed {
    /// Keeps a host from declaring its own type the primitive `str`.
    pub trait OnlyStr {}

    impl OnlyStr for str {}
}
