//! Where crewtel's own warnings go: one line each, to stderr or to the
//! host's `on_warning`. Below every module that warns.

use std::sync::Arc;

/// A function that receives crewtel's own warnings (one line each).
pub(crate) type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;
