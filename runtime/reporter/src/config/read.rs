//! Reads the variables of the table, each through its parser: a value that
//! does not parse is one warning naming the variable (never its value).

use super::variables::{Empty, Problem, Variable};

/// Reads one environment variable; `None` when unset.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A variable's value that was not used: what a warning says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Misread {
    pub variable: &'static str,
    pub problem: Problem,
    /// What is done instead.
    pub otherwise: &'static str,
}

impl core::fmt::Display for Misread {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "crewtel: {} {}; {}",
            self.variable, self.problem, self.otherwise
        )
    }
}

/// What the decision warns about: a variable, or something else it read
/// (a kept choice's file, the host's default endpoint), as its sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Warning {
    Misread(Misread),
    Other(String),
}

impl core::fmt::Display for Warning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Warning::Misread(misread) => misread.fmt(f),
            Warning::Other(line) => f.write_str(line),
        }
    }
}

pub(crate) struct Reader<'a, 'w> {
    pub env: Lookup<'a>,
    pub warn: &'w mut dyn FnMut(Warning),
}

impl Reader<'_, '_> {
    /// Whether the variable is set (to anything but blank); its value is
    /// not read.
    pub(crate) fn is_set<T>(&self, variable: &Variable<T>) -> bool {
        (self.env)(variable.name).is_some_and(|value| !value.trim().is_empty())
    }

    /// The variable's value: `None` when unset, or when it does not parse
    /// (one warning).
    pub(crate) fn get<T>(&mut self, variable: &Variable<T>) -> Option<T> {
        self.read(variable)?.ok()
    }

    /// The variable's value, or the problem with it (warned); `None` when
    /// unset.
    pub(crate) fn read<T>(&mut self, variable: &Variable<T>) -> Option<Result<T, Problem>> {
        let value = (self.env)(variable.name)?;
        let value = value.trim();
        if value.is_empty() && variable.empty == Empty::Unset {
            return None;
        }
        let parsed = (variable.parse)(value);
        if let Err(problem) = parsed {
            (self.warn)(Warning::Misread(Misread {
                variable: variable.name,
                problem,
                otherwise: variable.otherwise,
            }));
        }
        Some(parsed)
    }

    /// The first of `variables` that is set, and its value (`None` when it
    /// does not parse: the ones after it are not read).
    pub(crate) fn first<'v, T>(
        &mut self,
        variables: impl IntoIterator<Item = &'v Variable<T>>,
    ) -> Option<(&'v Variable<T>, Option<T>)>
    where
        T: 'v,
    {
        variables
            .into_iter()
            .find_map(|variable| Some((variable, self.read(variable)?.ok())))
    }

    /// The variable's value as it was set, unparsed and unwarned (where
    /// only the first, silent reading of off needs it).
    pub(crate) fn quietly<T>(&self, variable: &Variable<T>) -> Option<T> {
        let value = (self.env)(variable.name)?;
        (variable.parse)(value.trim()).ok()
    }

    pub(crate) fn other(&mut self, line: String) {
        (self.warn)(Warning::Other(line));
    }
}
