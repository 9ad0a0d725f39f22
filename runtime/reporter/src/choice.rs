//! The user's lasting choice: `off`, `local` or `on`, kept in files and
//! read at start-up, as `go telemetry` keeps its mode.
//!
//! Where a choice is read, first found wins:
//! 1. `CREWTEL_TELEMETRY` (a variable: it wins over every file);
//! 2. the project's file, `.crewtel-telemetry`, in the working directory or
//!    the nearest folder above it: a team's choice, binding every
//!    contributor and every CI run (it can turn telemetry `off` or `local`,
//!    never `on`);
//! 3. this host's file, `<config>/crewtel/<service>/telemetry`;
//! 4. the user's file for every crewtel host, `<config>/crewtel/telemetry`.
//!
//! `<config>` is `CREWTEL_CONFIG_DIR`, else the user's configuration
//! directory. A file holds one word (a line starting with `#` is a comment).
//! A file that cannot be read or holds anything else gets one warning and is
//! read as `off`: off wins over on when in doubt.

use std::fs;
use std::path::{Path, PathBuf};

/// What a user chose.
///
/// ```
/// use crewtel_reporter::choice::Choice;
///
/// assert_eq!("local".parse::<Choice>(), Ok(Choice::Local));
/// assert_eq!(Choice::Off.to_string(), "off");
/// assert!("maybe".parse::<Choice>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Nothing is gathered, kept or sent.
    Off,
    /// Events are kept in the local record on this machine, never uploaded.
    Local,
    /// Events are sent to the configured endpoint (the default when nothing
    /// was chosen).
    On,
}

impl core::fmt::Display for Choice {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Choice::Off => "off",
            Choice::Local => "local",
            Choice::On => "on",
        })
    }
}

/// Reads `off`, `local` or `on`, in any case, around blanks.
impl core::str::FromStr for Choice {
    type Err = ParseChoiceError;

    fn from_str(word: &str) -> Result<Choice, ParseChoiceError> {
        match word.trim().to_ascii_lowercase().as_str() {
            "off" => Ok(Choice::Off),
            "local" => Ok(Choice::Local),
            "on" => Ok(Choice::On),
            _ => Err(ParseChoiceError(())),
        }
    }
}

/// A word that is not `off`, `local` or `on`: what reading a [`Choice`]
/// from text fails with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseChoiceError(());

impl core::fmt::Display for ParseChoiceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("not one of `off`, `local` or `on`")
    }
}

impl std::error::Error for ParseChoiceError {}

/// Where a choice was found. Serialized as one word (`variable`,
/// `project`, `host`, `user`); prints as a phrase (or the variable's name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChosenBy {
    /// The variable for this run's choice: `CREWTEL_TELEMETRY`.
    Variable(&'static str),
    /// The project's `.crewtel-telemetry`.
    Project,
    /// This host's file.
    Host,
    /// The user's file for every crewtel host.
    User,
}

impl core::fmt::Display for ChosenBy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ChosenBy::Variable(name) => name,
            ChosenBy::Project => "the project's .crewtel-telemetry",
            ChosenBy::Host => "this program's own telemetry choice",
            ChosenBy::User => "the user's telemetry choice for every crewtel program",
        })
    }
}

impl serde::Serialize for ChosenBy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            ChosenBy::Variable(_) => "variable",
            ChosenBy::Project => "project",
            ChosenBy::Host => "host",
            ChosenBy::User => "user",
        })
    }
}

/// The project's file.
pub(crate) const PROJECT_FILE: &str = ".crewtel-telemetry";
/// The name of a user's or a host's file.
pub(crate) const CHOICE_FILE: &str = "telemetry";

/// Where a host's choices are kept.
#[derive(Clone, Debug)]
pub(crate) struct Places {
    /// `<config>/crewtel`, if a configuration directory is known.
    pub config: Option<PathBuf>,
    /// The host's folder name (its service name, made safe).
    pub service: String,
    /// Where the search for the project's file starts.
    pub project: Option<PathBuf>,
}

impl Places {
    /// `CREWTEL_CONFIG_DIR` (absolute) or the user's configuration
    /// directory, for `service`, searching the project's file from
    /// `project` (default: the working directory).
    pub(crate) fn new(
        config_dir: Option<PathBuf>,
        service: &str,
        project: Option<PathBuf>,
    ) -> Places {
        Places {
            config: config_dir.or_else(|| dirs::config_dir().map(|dir| dir.join("crewtel"))),
            service: crate::local::safe_name(service),
            project: project.or_else(|| std::env::current_dir().ok()),
        }
    }

    /// The user's file for every crewtel host.
    pub(crate) fn user_file(&self) -> Option<PathBuf> {
        Some(self.config.as_ref()?.join(CHOICE_FILE))
    }

    /// This host's own file.
    pub(crate) fn host_file(&self) -> Option<PathBuf> {
        Some(self.config.as_ref()?.join(&self.service).join(CHOICE_FILE))
    }

    /// The project's file: in the starting folder or the nearest above it.
    pub(crate) fn project_file(&self) -> Option<PathBuf> {
        self.project
            .as_deref()?
            .ancestors()
            .map(|dir| dir.join(PROJECT_FILE))
            .find(|file| file.is_file())
    }

    /// The choice in force and where it was found; each bad file is warned
    /// about (once per reading) and read as `off`.
    pub(crate) fn read(&self, warn: &mut dyn FnMut(String)) -> Option<(Choice, ChosenBy, PathBuf)> {
        if let Some(file) = self.project_file() {
            match read_file(&file, warn) {
                Some(Choice::On) => warn(format!(
                    "crewtel: {} says `on`, but a project's file can only turn telemetry `off` or `local`; ignoring it",
                    file.display()
                )),
                Some(choice) => return Some((choice, ChosenBy::Project, file)),
                None => {}
            }
        }
        for (file, by) in [
            (self.host_file(), ChosenBy::Host),
            (self.user_file(), ChosenBy::User),
        ] {
            let Some(file) = file.filter(|file| file.exists()) else {
                continue;
            };
            if let Some(choice) = read_file(&file, warn) {
                return Some((choice, by, file));
            }
        }
        None
    }
}

impl Places {
    /// The host's choice kept in this folder, when it narrows (`off` or
    /// `local`): for a folder crewtel no longer reads as the host's.
    pub(crate) fn narrowing_host_choice(
        &self,
        warn: &mut dyn FnMut(String),
    ) -> Option<(Choice, ChosenBy, PathBuf)> {
        let file = self.host_file().filter(|file| file.exists())?;
        match read_file(&file, warn)? {
            Choice::On => None,
            choice => Some((choice, ChosenBy::Host, file)),
        }
    }
}

/// How far a choice lets events go: `off` least.
fn reach(choice: Choice) -> u8 {
    match choice {
        Choice::Off => 0,
        Choice::Local => 1,
        Choice::On => 2,
    }
}

/// The narrower of two found choices.
pub(crate) fn narrower(
    found: Option<(Choice, ChosenBy, PathBuf)>,
    other: Option<(Choice, ChosenBy, PathBuf)>,
) -> Option<(Choice, ChosenBy, PathBuf)> {
    match (found, other) {
        (Some(found), Some(other)) if reach(other.0) < reach(found.0) => Some(other),
        (None, other) => other,
        (found, _) => found,
    }
}

/// The choice in `file`: `off` (with one warning) when it cannot be read or
/// holds something else; `None` when it holds nothing but comments.
fn read_file(file: &Path, warn: &mut dyn FnMut(String)) -> Option<Choice> {
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => {
            warn(format!(
                "crewtel: {} cannot be read ({}); reading it as `off`",
                file.display(),
                error.kind()
            ));
            return Some(Choice::Off);
        }
    };
    let mut words = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'));
    let first = words.next()?;
    match (first.parse::<Choice>(), words.next()) {
        (Ok(choice), None) => Some(choice),
        _ => {
            warn(format!(
                "crewtel: {} should hold one word, `off`, `local` or `on`; reading it as `off`",
                file.display()
            ));
            Some(Choice::Off)
        }
    }
}

/// Keeps `choice` in `file` (its folder created private if need be).
pub(crate) fn write(file: &Path, choice: Choice) -> std::io::Result<()> {
    let dir = file.parent().ok_or(std::io::ErrorKind::InvalidInput)?;
    crate::local::private_dir(dir).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!(".{CHOICE_FILE}.{}.tmp", std::process::id()));
    // One left by an earlier process of the same id (a crash) is stale.
    let _ = fs::remove_file(&tmp);
    let text = format!("# crewtel's telemetry choice: off, local or on (see `status`)\n{choice}\n");
    crate::local::write_private(&tmp, file, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("crewtel-choice-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn places(root: &Path) -> Places {
        Places::new(
            Some(root.join("config")),
            "my host",
            Some(root.join("project/src")),
        )
    }

    fn read(places: &Places) -> (Option<(Choice, ChosenBy)>, Vec<String>) {
        let mut warnings = Vec::new();
        let found = places.read(&mut |line| warnings.push(line));
        (found.map(|(choice, by, _)| (choice, by)), warnings)
    }

    #[test]
    fn the_project_wins_over_the_host_which_wins_over_the_user() {
        let root = scratch("order");
        let places = places(&root);
        fs::create_dir_all(root.join("project/src")).unwrap();
        assert_eq!(read(&places), (None, vec![]));
        write(&places.user_file().unwrap(), Choice::Local).unwrap();
        assert_eq!(read(&places).0, Some((Choice::Local, ChosenBy::User)));
        write(&places.host_file().unwrap(), Choice::On).unwrap();
        assert_eq!(read(&places).0, Some((Choice::On, ChosenBy::Host)));
        fs::write(root.join("project").join(PROJECT_FILE), "off\n").unwrap();
        assert_eq!(
            read(&places).0,
            Some((Choice::Off, ChosenBy::Project)),
            "found from a folder below"
        );
        assert!(
            places
                .host_file()
                .unwrap()
                .ends_with("config/my_host/telemetry")
        );
    }

    #[test]
    fn a_project_cannot_turn_telemetry_on() {
        let root = scratch("project-on");
        let places = places(&root);
        fs::create_dir_all(root.join("project/src")).unwrap();
        fs::write(root.join("project").join(PROJECT_FILE), "on").unwrap();
        write(&places.user_file().unwrap(), Choice::Off).unwrap();
        let (found, warnings) = read(&places);
        assert_eq!(found, Some((Choice::Off, ChosenBy::User)));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_malformed_file_is_off_with_one_warning() {
        let root = scratch("malformed");
        let places = places(&root);
        for text in ["yes please", "on\noff", "enabled"] {
            fs::create_dir_all(places.host_file().unwrap().parent().unwrap()).unwrap();
            fs::write(places.host_file().unwrap(), text).unwrap();
            let (found, warnings) = read(&places);
            assert_eq!(found, Some((Choice::Off, ChosenBy::Host)), "{text}");
            assert_eq!(warnings.len(), 1, "{text}: {warnings:?}");
            assert!(!warnings[0].contains(text), "the content is not echoed");
        }
        fs::write(places.host_file().unwrap(), "# nothing chosen\n\n").unwrap();
        assert_eq!(read(&places), (None, vec![]), "only comments: no choice");
        // A folder where the file should be cannot be read: off.
        fs::remove_file(places.host_file().unwrap()).unwrap();
        fs::create_dir_all(places.host_file().unwrap()).unwrap();
        let (found, warnings) = read(&places);
        assert_eq!(found, Some((Choice::Off, ChosenBy::Host)));
        assert_eq!(warnings.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_written_choice_is_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root = scratch("private");
        let places = places(&root);
        let file = places.host_file().unwrap();
        write(&file, Choice::Off).unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }
}
