//! Which certificates the exporter trusts, and which it shows.
//!
//! - `CREWTEL_EXPORTER_OTLP_TRACES_CERTIFICATE` or `CREWTEL_EXPORTER_OTLP_CERTIFICATE`
//!   (a PEM file of CAs): the collector is trusted only through them, as
//!   OpenTelemetry's SDKs read the variable.
//! - Otherwise, the operating system's trust store (rustls-native-certs:
//!   `SSL_CERT_FILE` and `SSL_CERT_DIR` when set, in place of the system's
//!   bundle; the keychain on macOS, the certificate store on Windows), where
//!   companies install their CA and TLS-inspecting proxies depend on it.
//!   When it holds no certificate at all (a minimal container), Mozilla's
//!   roots (webpki-roots).
//! - `CREWTEL_EXPORTER_OTLP_(TRACES_)CLIENT_CERTIFICATE` and `..._CLIENT_KEY`
//!   (PEM files): the client certificate a collector that requires one
//!   (mutual TLS) is shown.
//!
//! Verification is never turned off: no setting reaches it.
//!
//! The rustls provider is the one the process installed, if any (the
//! application's choice), else crewtel's own (its `tls-aws-lc-rs` or
//! `tls-ring` feature), handed to ureq: crewtel never installs one as the
//! process's default.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;

use super::error::{BuildError, FileProblem};
use crate::config::{Named, TlsSettings};
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig, TlsProvider};

/// What the exporter trusts and shows, its files read and checked.
#[derive(Debug)]
pub(crate) struct Tls {
    /// `None` when neither the process nor crewtel's features give one:
    /// then only plain HTTP can be spoken.
    provider: Option<Arc<CryptoProvider>>,
    roots: Roots,
    client: Option<ClientCert>,
    /// What the caller warns about: an override of the system's store that
    /// names nothing usable, and is not used.
    pub(crate) notes: Vec<String>,
}

#[derive(Debug)]
enum Roots {
    /// The CAs of `CREWTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE` (that
    /// variable).
    Collector(Vec<Certificate<'static>>, &'static str),
    /// The system's store, read when the first export is sent.
    System {
        file: Option<PathBuf>,
        dir: Option<PathBuf>,
    },
}

impl Tls {
    /// Reads the files the variables name. A missing or malformed one is
    /// an error that names its variable (never its content): nothing is
    /// then sent.
    pub(crate) fn read(settings: &TlsSettings) -> Result<Tls, BuildError> {
        let provider = provider();
        if let Some(provider) = &provider {
            client_config(provider)?;
        }
        let mut notes = Vec::new();
        let file = usable(settings.ssl_cert_file.as_ref(), FILE, &mut notes);
        let dir = usable(settings.ssl_cert_dir.as_ref(), FOLDER, &mut notes);
        let roots = match &settings.certificate {
            Some(named) => Roots::Collector(certificates(named)?, named.variable),
            None => Roots::System { file, dir },
        };
        let client = match (&settings.client_certificate, &settings.client_key) {
            (None, None) => None,
            (Some(named), None) | (None, Some(named)) => {
                let missing = match named.variable.contains("CLIENT_KEY") {
                    true => named.variable.replace("CLIENT_KEY", "CLIENT_CERTIFICATE"),
                    false => named.variable.replace("CLIENT_CERTIFICATE", "CLIENT_KEY"),
                };
                return Err(BuildError::HalfClientCertificate {
                    set: named.variable,
                    missing,
                });
            }
            (Some(certificate), Some(key)) => {
                let chain = certificates(certificate)?;
                let private = private_key(key)?;
                // Checked now: ureq would panic on a pair that does not fit
                // when it first connects.
                if let Some(provider) = &provider {
                    matching(&chain, &private, certificate, key, provider)?;
                }
                Some(ClientCert::new_with_certs(&chain, private))
            }
        };
        Ok(Tls {
            provider,
            roots,
            client,
            notes,
        })
    }

    /// Whether TLS can be spoken at all: a provider was found.
    pub(crate) fn available(&self) -> bool {
        self.provider.is_some()
    }

    /// The TLS configuration of the exporter's client: the system's store
    /// is read here, on the exporter's thread, not the host's, and only
    /// when TLS is spoken (`over_tls`: to the collector, or to an `https://`
    /// proxy).
    pub(crate) fn config(&self, over_tls: bool) -> TlsConfig {
        let roots = match &self.roots {
            Roots::Collector(certificates, _) => RootCerts::new_with_certs(certificates),
            Roots::System { file, dir } if over_tls => {
                system_roots(file.as_deref(), dir.as_deref())
            }
            Roots::System { .. } => RootCerts::WebPki,
        };
        let mut config = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .client_cert(self.client.clone());
        if let Some(provider) = &self.provider {
            config = config.unversioned_rustls_crypto_provider(Arc::clone(provider));
        }
        config.build()
    }

    /// Why a collector reached over TLS may close the connection as the
    /// request is written.
    pub(crate) fn closed_hint(&self) -> &'static str {
        match self.client {
            Some(_) => {
                "the collector closed the connection: it may have refused the client certificate (CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)"
            }
            None => {
                "the collector closed the connection: it may require a client certificate (set CREWTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and CREWTEL_EXPORTER_OTLP_CLIENT_KEY)"
            }
        }
    }

    /// The variable that would make the collector's certificate trusted.
    pub(crate) fn trust_hint(&self) -> String {
        match &self.roots {
            Roots::Collector(_, variable) => {
                format!("it is not signed by a CA of {variable}'s file")
            }
            Roots::System { .. } => "set CREWTEL_EXPORTER_OTLP_CERTIFICATE to its CA's PEM file, or install the CA in the system's trust store".to_owned(),
        }
    }
}

/// The process's installed provider, else crewtel's own.
fn provider() -> Option<Arc<CryptoProvider>> {
    CryptoProvider::get_default()
        .cloned()
        .or_else(|| own_provider().map(Arc::new))
}

#[cfg(feature = "tls-aws-lc-rs")]
fn own_provider() -> Option<CryptoProvider> {
    Some(rustls::crypto::aws_lc_rs::default_provider())
}

// rustls 0.23.48 deprecates its ring provider (no post-quantum key
// exchange) without a replacement: an application on ring chose it by
// turning `tls-ring` on, and gets it; anyone else gets aws-lc-rs.
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
#[allow(deprecated)]
fn own_provider() -> Option<CryptoProvider> {
    Some(rustls::crypto::ring::default_provider())
}

#[cfg(not(any(feature = "tls-aws-lc-rs", feature = "tls-ring")))]
fn own_provider() -> Option<CryptoProvider> {
    None
}

type Kind = (&'static str, fn(&std::fs::Metadata) -> bool);
const FILE: Kind = ("file", std::fs::Metadata::is_file);
const FOLDER: Kind = ("folder", std::fs::Metadata::is_dir);

/// An override of the system's store (`variable`'s `path`, which should be
/// a `what`), if it names one; else a note, and it is not used.
fn usable(
    named: Option<&Named>,
    (what, is): (&str, fn(&std::fs::Metadata) -> bool),
    notes: &mut Vec<String>,
) -> Option<PathBuf> {
    let Named { variable, path } = named?;
    match std::fs::metadata(path) {
        Ok(metadata) if is(&metadata) => Some(path.clone()),
        _ => {
            notes.push(format!(
                "crewtel: {variable} names no {what}; it is not used"
            ));
            None
        }
    }
}

/// The system's store, or Mozilla's roots when it holds none.
fn system_roots(file: Option<&Path>, dir: Option<&Path>) -> RootCerts {
    let found = match (file, dir) {
        (None, None) => rustls_native_certs::load_native_certs(),
        _ => rustls_native_certs::load_certs_from_paths(file, dir),
    };
    if found.certs.is_empty() {
        return RootCerts::WebPki;
    }
    let certificates: Vec<Certificate<'static>> = found
        .certs
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    RootCerts::new_with_certs(&certificates)
}

/// The most a certificate or key file is read: a PEM bundle of every CA
/// there is is about 200 KB.
const MAX_FILE: u64 = 1 << 20;

/// The file a variable names: a regular file (not a FIFO that would block
/// the host, nor a device), of at most [`MAX_FILE`] bytes.
fn read(named: &Named) -> Result<Vec<u8>, BuildError> {
    use std::io::Read;
    let refused = |problem| BuildError::File {
        variable: named.variable,
        problem,
    };
    let metadata = std::fs::metadata(&named.path).map_err(|_| refused(FileProblem::Unreadable))?;
    if !metadata.is_file() {
        return Err(refused(FileProblem::NotAFile));
    }
    if metadata.len() > MAX_FILE {
        return Err(refused(FileProblem::TooLarge));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&named.path)
        .and_then(|file| file.take(MAX_FILE).read_to_end(&mut bytes))
        .map_err(|_| refused(FileProblem::Unreadable))?;
    Ok(bytes)
}

/// Whether the client key is the certificate's, and of a kind rustls signs
/// with: checked as ureq will use them (the key's kind read off its PEM
/// label, a client configuration of every TLS version built with
/// `provider`), since ureq panics, on the courier's thread, on a pair its
/// configuration refuses.
fn matching(
    chain: &[Certificate<'static>],
    key: &PrivateKey<'static>,
    certificate: &Named,
    named_key: &Named,
    provider: &Arc<CryptoProvider>,
) -> Result<(), BuildError> {
    use rustls::pki_types::{
        CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
    };
    let chain: Vec<CertificateDer<'static>> = chain
        .iter()
        .map(|c| CertificateDer::from(c.der().to_vec()))
        .collect();
    let der = key.der().to_vec();
    // ureq's `KeyKind` (from the PEM label) is not exported; its `Debug`
    // names the variant.
    let key = match format!("{:?}", key.kind()).as_str() {
        "Pkcs1" => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)),
        "Pkcs8" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
        "Sec1" => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)),
        _ => {
            return Err(BuildError::UnknownKeyKind {
                variable: named_key.variable,
            });
        }
    };
    client_config(provider)?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_client_auth_cert(chain, key)
        .map(|_| ())
        .map_err(|_| BuildError::KeyMismatch {
            key: named_key.variable,
            certificate: certificate.variable,
        })
}

/// The start of the client configuration ureq builds (every TLS version),
/// which it `expect`s: a provider that cannot make it is refused here.
fn client_config(
    provider: &Arc<CryptoProvider>,
) -> Result<rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>, BuildError> {
    rustls::ClientConfig::builder_with_provider(Arc::clone(provider))
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|_| BuildError::ProviderTooNarrow)
}

fn malformed(named: &Named) -> BuildError {
    BuildError::File {
        variable: named.variable,
        problem: FileProblem::NotPem,
    }
}

/// Every certificate of a PEM file: at least one.
fn certificates(named: &Named) -> Result<Vec<Certificate<'static>>, BuildError> {
    let pem = read(named)?;
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item.map_err(|_| malformed(named))? {
            PemItem::Certificate(certificate) => out.push(certificate),
            _ => continue,
        }
    }
    if out.is_empty() {
        return Err(BuildError::File {
            variable: named.variable,
            problem: FileProblem::NoCertificate,
        });
    }
    Ok(out)
}

/// The private key of a PEM file.
fn private_key(named: &Named) -> Result<PrivateKey<'static>, BuildError> {
    let pem = read(named)?;
    PrivateKey::from_pem(&pem).map_err(|_| BuildError::File {
        variable: named.variable,
        problem: FileProblem::NoPrivateKey,
    })
}
