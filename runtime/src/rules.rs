//! The rules the derives hold a host's fields to, one trait each.
//!
//! A compile error about a field names the rule it breaks by one of these
//! traits ("the trait `Countable` is not implemented for `ApiKey`"); the
//! error's message and note say the fix. crewtel implements them for what
//! it can send, and the derives for a host's structs and enums. A host
//! writes only two of them itself: [`NotFreeText`], for a type of its own
//! whose values no person writes, and, through
//! [`secret_free!`](crate::secret_free!), [`SecretFree`] and [`Countable`]
//! for a type of its own that holds no `Secret`.

pub use crate::consent::ConsentFlag;
pub use crate::emit::{Emit, Len, Present};
pub use crate::error_kept::IsAnError;
pub use crate::error_type::ErrorType;
pub use crate::flatten::Flattenable;
// The depth a flattened struct may still nest, as an error prints it.
#[doc(hidden)]
pub use crate::flatten::{Next, Zero, flattened};
// What generated code calls, as an error's note names it.
#[doc(hidden)]
pub use crate::error_kept::{ErrorKept, error_name};
pub use crate::free_text::{NotCredentialText, NotFreeText};
pub use crate::returnable::Returnable;
#[doc(hidden)]
pub use crate::returnable::returned;
pub use crate::secret::{Countable, SecretFree, SecretIsNeverSent, WithReads};
pub use crate::spelling::{PrimitiveStr, Same, SameContainer};
