//! Why an OTLP exporter could not be built: one warning, and nothing is
//! sent. Each names the variable at fault, never its value (a proxy URL
//! can hold a password) nor a file's content.

use core::fmt;

/// Why the exporter could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BuildError {
    /// The endpoint is not a URI the HTTP stack takes.
    EndpointRefused,
    /// A TLS variable names a file that cannot be used.
    File {
        variable: &'static str,
        problem: FileProblem,
    },
    /// One of the client certificate and its key is set without the other.
    HalfClientCertificate { set: &'static str, missing: String },
    /// The client key is of a kind rustls cannot read.
    UnknownKeyKind { variable: &'static str },
    /// The client key is not the certificate's (or rustls cannot sign
    /// with it).
    KeyMismatch {
        key: &'static str,
        certificate: &'static str,
    },
    /// The process's rustls provider cannot build the client ureq builds.
    ProviderTooNarrow,
    /// TLS is needed and there is no rustls provider.
    NoProvider,
    /// A proxy variable does not hold a proxy URL.
    NotAProxy { variable: &'static str },
    /// A proxy variable names a SOCKS proxy.
    Socks { variable: &'static str },
}

/// What is wrong with a file a TLS variable names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileProblem {
    Unreadable,
    NotAFile,
    TooLarge,
    NotPem,
    NoCertificate,
    NoPrivateKey,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileProblem::Unreadable => "a file that cannot be read",
            FileProblem::NotAFile => "something that is not a file",
            FileProblem::TooLarge => {
                "a file larger than 1 MiB, which no PEM file of certificates is"
            }
            FileProblem::NotPem => "a file that is not PEM",
            FileProblem::NoCertificate => "a file with no PEM certificate in it",
            FileProblem::NoPrivateKey => "a file with no PEM private key in it",
        })
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::EndpointRefused => f.write_str("the endpoint was refused"),
            BuildError::File { variable, problem } => write!(f, "{variable} names {problem}"),
            BuildError::HalfClientCertificate { set, missing } => write!(
                f,
                "{set} is set but {missing} is not: a client certificate needs both"
            ),
            BuildError::UnknownKeyKind { variable } => {
                write!(f, "{variable} names a kind of key rustls cannot read")
            }
            BuildError::KeyMismatch { key, certificate } => write!(
                f,
                "{key} does not hold the key of {certificate}'s certificate (or a kind of key rustls cannot sign with)"
            ),
            BuildError::ProviderTooNarrow => f.write_str(
                "the process's rustls provider cannot speak TLS 1.2 and 1.3 as crewtel's client needs; nothing is sent over TLS",
            ),
            BuildError::NoProvider => f.write_str(
                "TLS is needed and no rustls provider is there: build crewtel with its `tls-aws-lc-rs` or `tls-ring` feature, or install one (`CryptoProvider::install_default`)",
            ),
            BuildError::NotAProxy { variable } => write!(
                f,
                "{variable} is not a proxy URL (`http://host:port`, `https://host:port`)"
            ),
            BuildError::Socks { variable } => write!(
                f,
                "{variable} names a SOCKS proxy, which crewtel does not go through (an http:// or https:// proxy it does)"
            ),
        }
    }
}

impl std::error::Error for BuildError {}
