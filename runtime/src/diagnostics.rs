//! What crewtel noticed while building events, for the one reporter of a
//! program to tell its user: values not sent because they were not of the
//! kind their type declares, and nested values cut at
//! [`MAX_NESTING`](crate::attribute::MAX_NESTING). Both are counted for the
//! whole process, whichever sink the events went to.
//!
//! [`newly_refused`] takes what it returns: only the program's one
//! reporter calls it (a library or a test that did would take the
//! reporter's warnings away). [`cut_at_depth`] only reads.
//!
//! ```
//! // What a program's reporter does now and then; a library never needs to.
//! for type_name in crewtel::diagnostics::newly_refused() {
//!     eprintln!("crewtel: `{type_name}` values are not of the kind they declare; not sent");
//! }
//! assert_eq!(crewtel::diagnostics::cut_at_depth(), 0);
//! ```

pub use crate::declared_kind::newly_refused;
pub use crate::json_writer::cut_at_depth;
