//! A host's `telemetry` subcommands: `status`, `on`, `off`, `local`,
//! `show` and `clear`, each answering with what it did.

use std::fs;
use std::path::{Path, PathBuf};

use super::ReporterBuilder;
use crate::choice::{self, Choice, ChosenBy, Places};
use crate::config::{Mode, Settings};
use crate::export::outbox::{self, OUTBOX_DIR};
use crate::local;

/// What `telemetry` takes, for a host's usage text.
pub const TELEMETRY_USAGE: &str = "\
telemetry status     is telemetry on, why, and what was sent
telemetry on         send usage data (the default unless something says otherwise)
telemetry local      keep the events on this machine only, never upload them
telemetry off        gather, keep and send nothing
telemetry show       the events sent or kept, and what waits to be sent
telemetry clear      delete the record, the first-run notice's marker and what waits
telemetry variables  the environment variables crewtel reads, and what each means";

/// Why a `telemetry` subcommand changed nothing. Prints as what to tell
/// the user: the usage for [`CommandError::Usage`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CommandError {
    /// Not one of the subcommands: prints as [`TELEMETRY_USAGE`].
    Usage,
    /// `on`, `off` or `local`, and no configuration directory is known to
    /// keep the choice in (no `CREWTEL_CONFIG_DIR`, no user's
    /// configuration directory).
    NoConfigDir,
    /// `on`, `off` or `local`, and the choice could not be written to
    /// `file`.
    NotKept {
        /// The file it would have been kept in.
        file: PathBuf,
        /// Why it could not be written.
        error: std::io::Error,
    },
}

impl core::fmt::Display for CommandError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CommandError::Usage => f.write_str(TELEMETRY_USAGE),
            CommandError::NoConfigDir => f.write_str(
                "telemetry: no configuration directory is known (set CREWTEL_CONFIG_DIR); nothing was changed",
            ),
            CommandError::NotKept { file, error } => write!(
                f,
                "telemetry: the choice could not be kept in {} ({}); nothing was changed",
                file.display(),
                error.kind()
            ),
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CommandError::NotKept { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// How many events `show` lists.
const SHOWN: usize = 50;

impl ReporterBuilder {
    /// Runs a `telemetry` subcommand of the host (`args` is what follows
    /// `telemetry`): the text to print, or why nothing was done
    /// ([`CommandError::Usage`], which prints as
    /// [`TELEMETRY_USAGE`], when `args` is not a
    /// subcommand). `on`, `off` and `local`
    /// keep the choice for this host (it wins over the user's choice for
    /// every crewtel host); a variable or the project's file still wins over
    /// it, and the answer says so. `status` and `show` only read: no
    /// reporter is built, nothing is sent, shown or written.
    ///
    /// ```
    /// use crewtel_reporter::Reporter;
    /// # let dir = std::env::temp_dir().join(format!("crewtel-doc-command-{}", std::process::id()));
    /// # let config = dir.join("config").display().to_string();
    /// # let data = dir.join("data").display().to_string();
    /// let builder = || {
    ///     Reporter::builder()
    ///         .service_name("my-framework")
    /// #       .environment({ let (c, d) = (config.clone(), data.clone()); move |name| match name {
    /// #           "CREWTEL_CONFIG_DIR" => Some(c.clone()), "CREWTEL_DATA_DIR" => Some(d.clone()), _ => None } })
    /// };
    /// let said = builder().command(&["off"]).unwrap();
    /// assert!(said.starts_with("telemetry is now off for my-framework"), "{said}");
    /// assert!(builder().command(&["status"]).unwrap().starts_with("telemetry: off"));
    /// assert!(builder().command(&["maybe"]).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// [`CommandError::Usage`] when `args` is not a subcommand; for `on`,
    /// `off` and `local`, why the choice could not be kept. Nothing was
    /// changed then.
    pub fn command(mut self, args: &[&str]) -> Result<String, CommandError> {
        // Reads nothing: the table of variables, not the environment.
        if args == ["variables"] {
            return Ok(variables());
        }
        let warnings = self.warning_sink();
        let settings = self.decide(&warnings);
        let service = settings
            .service_name
            .clone()
            .unwrap_or_else(|| "unknown_service".to_owned());
        let host_dir = local::host_dir(settings.data_dir.clone(), &service);
        match args {
            // Read only: no reporter is built, so nothing is sent, shown,
            // written or deleted.
            ["status"] => Ok(self
                .inspect(&settings, host_dir.as_deref(), &warnings)
                .to_string()),
            [word @ ("on" | "off" | "local")] => {
                let choice: Choice = word.parse().map_err(|_| CommandError::Usage)?;
                let places = places(&self, &settings, &service);
                let file = places.host_file().ok_or(CommandError::NoConfigDir)?;
                if let Err(error) = choice::write(&file, choice) {
                    return Err(CommandError::NotKept { file, error });
                }
                let mut said = format!(
                    "telemetry is now {choice} for {service} (kept in {})",
                    file.display()
                );
                if choice != Choice::On
                    && let Some(dir) = &host_dir
                {
                    let pending = outbox::pending_in(&dir.join(OUTBOX_DIR)).requests;
                    if pending > 0 && fs::remove_dir_all(dir.join(OUTBOX_DIR)).is_ok() {
                        said.push_str(&format!("; deleted {pending} requests waiting to be sent"));
                    }
                }
                let after = self.decide(&warnings);
                let decides_here = after.choice.as_ref().map(|(_, by, _)| *by);
                if decides_here != Some(ChosenBy::Host) {
                    said.push_str(&format!(
                        "; but {} decides here: {}",
                        after.reason(),
                        mode_word(after.mode())
                    ));
                }
                Ok(said)
            }
            ["show"] => Ok(show(&settings, host_dir.as_deref())),
            ["clear"] => Ok(clear(&settings, host_dir.as_deref())),
            _ => Err(CommandError::Usage),
        }
    }
}

/// Each variable crewtel reads, one a line, with what it means.
fn variables() -> String {
    let all = crate::config::variables();
    let width = all.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let lines: Vec<String> = all
        .iter()
        .map(|(name, meaning)| format!("{name:width$}  {meaning}"))
        .collect();
    lines.join("\n")
}

fn places(builder: &ReporterBuilder, settings: &Settings, service: &str) -> Places {
    let project = builder.defaults.project_dir.clone();
    Places::new(settings.config_dir.clone(), service, project)
}

fn mode_word(mode: Mode) -> &'static str {
    match mode {
        Mode::Off => "off",
        Mode::Local => "local",
        Mode::Debug => "printing events, sending nothing",
        Mode::Export => "on",
        Mode::NoEndpoint => "on, with no endpoint: nothing is sent",
        Mode::Capture => "captured by a test",
    }
}

fn show(settings: &Settings, host_dir: Option<&Path>) -> String {
    let mut out = String::new();
    match super::record_path(&settings.record, host_dir).filter(|path| path.exists()) {
        Some(path) => {
            let events = local::tail(&path, SHOWN);
            out.push_str(&format!(
                "sent or kept: {} events shown, the latest last (the record: {})\n",
                events.len(),
                path.display()
            ));
            for event in events {
                out.push_str(&event);
                out.push('\n');
            }
        }
        None => out.push_str("sent or kept: none recorded\n"),
    }
    let pending = host_dir
        .map(|dir| outbox::pending_in(&dir.join(OUTBOX_DIR)).requests)
        .unwrap_or(0);
    // Another process's requests in memory are its own to know.
    out.push_str(&format!("waiting in the outbox: {pending} requests"));
    out
}

fn clear(settings: &Settings, host_dir: Option<&Path>) -> String {
    let mut deleted = Vec::new();
    if let Some(path) = super::record_path(&settings.record, host_dir) {
        for file in [local::rotated(&path), path] {
            if fs::remove_file(&file).is_ok() {
                deleted.push(format!("the record {}", file.display()));
            }
        }
    }
    if let Some(dir) = host_dir {
        let markers = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(local::NOTICE_MARKER)
            })
            .filter(|entry| fs::remove_file(entry.path()).is_ok())
            .count();
        if markers > 0 {
            deleted.push("the first-run notice's marker (it shows again)".to_owned());
        }
        let pending = outbox::pending_in(&dir.join(OUTBOX_DIR)).requests;
        if fs::remove_dir_all(dir.join(OUTBOX_DIR)).is_ok() && pending > 0 {
            deleted.push(format!("{pending} requests waiting to be sent"));
        }
    }
    if deleted.is_empty() {
        "telemetry: nothing to clear".to_owned()
    } else {
        format!("telemetry: deleted {}", deleted.join(", "))
    }
}
