//! The collector's name, looked up once in a while rather than for every
//! request: ureq looks the host up before each request (pooled connection
//! or not), on a thread of its own when the lookup has a timeout. An
//! address (`127.0.0.1`, `[::1]`) needs no lookup and gets none; a name's
//! addresses are kept for [`KEPT`], and looked up again sooner when an
//! attempt fails (the collector may have moved).

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a name's addresses are used before it is looked up again.
const KEPT: std::time::Duration = std::time::Duration::from_secs(30);

/// ureq's resolver, with what it found kept for a while (its clones share
/// what is kept: the agent holds one, the transport another to forget).
#[derive(Clone, Default)]
pub(crate) struct Names {
    lookup: Arc<DefaultResolver>,
    /// The last lookup: of which `host:port`, what it found, and when.
    kept: Arc<Mutex<Option<Kept>>>,
}

type Kept = (String, ResolvedSocketAddrs, Instant);

impl Names {
    /// Looks names up again at the next request.
    pub(crate) fn forget(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            *kept = None;
        }
    }
}

#[cfg(test)]
impl Names {
    /// The `host:port` whose addresses are kept, if any.
    pub(crate) fn kept(&self) -> Option<String> {
        self.kept
            .lock()
            .unwrap()
            .as_ref()
            .map(|(key, _, _)| key.clone())
    }
}

impl fmt::Debug for Names {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Names").finish_non_exhaustive()
    }
}

impl Resolver for Names {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // `host:port` as ureq writes it (its default ports, `[::1]` for an
        // IPv6 address), which an address parses from as it is.
        let Some(key) = uri
            .scheme()
            .zip(uri.authority())
            .and_then(|(scheme, authority)| DefaultResolver::host_and_port(scheme, authority))
        else {
            return self.lookup.resolve(uri, config, timeout);
        };
        if let Ok(address) = key.parse::<SocketAddr>() {
            let mut addresses = self.lookup.empty();
            addresses.push(address);
            return Ok(addresses);
        }
        if let Ok(kept) = self.kept.lock()
            && let Some((name, addresses, at)) = kept.as_ref()
            && *name == key
            && at.elapsed() < KEPT
        {
            return Ok(addresses.clone());
        }
        let addresses = self.lookup.resolve(uri, config, timeout)?;
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some((key, addresses.clone(), Instant::now()));
        }
        Ok(addresses)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(names: &Names, uri: &str) -> Vec<SocketAddr> {
        let uri: Uri = uri.parse().unwrap();
        let timeout = NextTimeout {
            after: ureq::unversioned::transport::time::Duration::from(
                std::time::Duration::from_secs(2),
            ),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        names
            .resolve(&uri, &Config::default(), timeout)
            .unwrap()
            .iter()
            .copied()
            .collect()
    }

    #[test]
    fn an_address_is_used_as_it_is() {
        let names = Names::default();
        assert_eq!(
            resolve(&names, "http://127.0.0.1:4318/v1/traces"),
            ["127.0.0.1:4318".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&names, "https://[::1]/v1/traces"),
            ["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(names.kept.lock().unwrap().is_none(), "nothing looked up");
    }

    #[test]
    fn a_name_is_looked_up_once_until_forgotten() {
        let names = Names::default();
        let first = resolve(&names, "http://localhost:4318/v1/traces");
        assert!(!first.is_empty() && first.iter().all(|a| a.port() == 4318));
        let kept = names.kept.lock().unwrap().as_ref().map(|(_, _, at)| *at);
        assert_eq!(resolve(&names, "http://localhost:4318/x"), first);
        let again = names.kept.lock().unwrap().as_ref().map(|(_, _, at)| *at);
        assert_eq!(kept, again, "not looked up again");
        // Another port is another key.
        let other = resolve(&names, "http://localhost:9/v1/traces");
        assert!(other.iter().all(|a| a.port() == 9));
        names.forget();
        assert!(names.kept.lock().unwrap().is_none());
    }

    #[test]
    fn a_name_is_looked_up_again_once_its_addresses_are_old() {
        let names = Names::default();
        resolve(&names, "http://localhost:4318/v1/traces");
        let long_ago = Instant::now()
            .checked_sub(KEPT + std::time::Duration::from_secs(1))
            .expect("a clock past 31 s");
        names.kept.lock().unwrap().as_mut().unwrap().2 = long_ago;
        resolve(&names, "http://localhost:4318/v1/traces");
        let at = names.kept.lock().unwrap().as_ref().map(|(_, _, at)| *at);
        assert!(at.is_some_and(|at| at > long_ago), "looked up again");
        // Younger than that, it is not.
        let young = Instant::now()
            .checked_sub(KEPT / 2)
            .expect("a clock past 15 s");
        names.kept.lock().unwrap().as_mut().unwrap().2 = young;
        resolve(&names, "http://localhost:4318/v1/traces");
        let at = names.kept.lock().unwrap().as_ref().map(|(_, _, at)| *at);
        assert_eq!(at, Some(young), "still kept");
    }
}
