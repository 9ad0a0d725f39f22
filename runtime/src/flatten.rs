//! Flattening that ends: a struct may flatten another only if that one does
//! not, through any chain of flattened structs, flatten it back.
//!
//! Each derived struct lists the types it flattens in `Telemetry::Flattens`
//! (`(A, (B, ()))`), and one impl here, for a type-level count of depth,
//! follows the lists: a struct is flattenable at depth `Next<D>` when each
//! type it flattens is at depth `D`; one that flattens nothing is flattenable
//! at every depth but [`Zero`]. A flattened link
//! requires its struct at [`FlattenDepth`], so a circle (or nesting deeper
//! than [`MAX_FLATTEN_DEPTH`](crate::catalogue::MAX_FLATTEN_DEPTH)) runs out of depth: a trait error at the field
//! that closes it, raised before the catalogues are evaluated (where a circle
//! would be a const-evaluation cycle). The depth is the implementing type so
//! that the host's struct, as the trait's parameter, satisfies the orphan
//! rule.

use core::marker::PhantomData;

use crate::catalogue::Catalogue;
use crate::event::Telemetry;

/// Depth zero: no struct that flattens another is flattenable here.
pub struct Zero;

/// One more level of depth than `D`.
pub struct Next<D>(PhantomData<D>);

/// [`MAX_FLATTEN_DEPTH`](crate::catalogue::MAX_FLATTEN_DEPTH) as a type.
pub type FlattenDepth = Next<Next<Next<Next<Next<Next<Next<Next<Zero>>>>>>>>;

/// `T` can be flattened with `Self` levels of depth left; its catalogue.
#[diagnostic::on_unimplemented(
    message = "this field cannot be flattened into this struct",
    label = "not a telemetry struct, or one that flattens this struct back (a circle: its keys would repeat without end), or flattening nests deeper than 8 levels",
    note = "`flatten` takes a `#[derive(Telemetry)]` struct (or a `&`, `Box`, `Rc` or `Arc` of one) that does not flatten the struct it is declared in, and nests at most 8 levels of flattened structs; send this field as a value instead (remove `flatten`)"
)]
pub trait Flattenable<T: ?Sized> {
    /// The catalogue of `T`.
    const CATALOGUE: &'static Catalogue;
}

// Not recommended: an error names the field that cannot be flattened, not
// this impl's requirements, nor the list of every struct there is. A pointer
// (`&T`, `Box<T>`, `Rc<T>`, `Arc<T>`) is flattened as what it points to: it
// is `Telemetry` with `T`'s list.
#[diagnostic::do_not_recommend]
impl<T: Telemetry + ?Sized, D: FlattensAll<T::Flattens>> Flattenable<T> for Next<D> {
    const CATALOGUE: &'static Catalogue = T::CATALOGUE;
}

/// Every type of a `Telemetry::Flattens` list is flattenable at depth `Self`.
pub trait FlattensAll<L: ?Sized> {}

impl<D> FlattensAll<()> for D {}

#[diagnostic::do_not_recommend]
impl<D: Flattenable<H> + FlattensAll<R>, H, R> FlattensAll<(H, R)> for D {}

/// The catalogue of a flattened `T`, which must be a telemetry struct that
/// does not flatten its way back. (One bound, so that a type that is not a
/// telemetry struct gets one error, not two.)
pub const fn flattened<T: ?Sized>() -> &'static Catalogue
where
    FlattenDepth: Flattenable<T>,
{
    <FlattenDepth as Flattenable<T>>::CATALOGUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::MAX_FLATTEN_DEPTH;

    #[test]
    fn the_depth_type_counts_the_documented_depth() {
        trait Count {
            const N: usize;
        }
        impl Count for Zero {
            const N: usize = 0;
        }
        impl<D: Count> Count for Next<D> {
            const N: usize = D::N + 1;
        }
        assert_eq!(<FlattenDepth as Count>::N, MAX_FLATTEN_DEPTH);
    }

    #[test]
    fn the_error_message_states_the_documented_depth() {
        // `on_unimplemented` takes literals only: hold them to the constant.
        let source = include_str!("flatten.rs");
        let attribute = &source[source.find("#[diagnostic::on_unimplemented(").unwrap()..];
        let attribute = &attribute[..attribute.find("\n)]").unwrap()];
        let depth = MAX_FLATTEN_DEPTH.to_string();
        assert!(attribute.contains(&format!("deeper than {depth} levels")));
        assert!(attribute.contains(&format!("at most {depth} levels")));
    }
}
