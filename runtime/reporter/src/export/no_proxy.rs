//! `NO_PROXY`: whether the collector's host is one the proxy is not used
//! for, read as curl, Go and Python read it (the one host the exporter
//! talks to is decided once).

use std::net::IpAddr;

/// Whether `host` (and `port`) is one of `entries`: `*` (every host); a
/// domain, which matches it and its subdomains (`example.com`,
/// `.example.com`, `*.example.com`); an address, or a network in CIDR form
/// (`10.0.0.0/8`, `fd00::/8`); any of them with `:port` to match that port
/// alone.
pub(crate) fn bypasses(entries: &[String], host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    entries.iter().any(|entry| matches(entry, &host, port))
}

fn matches(entry: &str, host: &str, port: u16) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    if entry == "*" {
        return true;
    }
    let (name, wanted_port) = split_port(&entry);
    if wanted_port.is_some_and(|wanted| wanted != port) {
        return false;
    }
    if let Some((network, bits)) = name.split_once('/') {
        return in_network(host, network, bits);
    }
    let name = name.trim_start_matches("*.").trim_start_matches('.');
    if name.is_empty() {
        return false;
    }
    if let (Ok(a), Ok(b)) = (host.parse::<IpAddr>(), name.parse::<IpAddr>()) {
        return a == b;
    }
    host == name || host.ends_with(&format!(".{name}"))
}

/// `host:port`, `[v6]:port`, or a bare host (an IPv6 address has colons of
/// its own).
fn split_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((address, tail)) => (address, tail.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (entry, None),
        };
    }
    match entry.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => match port.parse() {
            Ok(port) => (name, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

fn in_network(host: &str, network: &str, bits: &str) -> bool {
    let (Ok(host), Ok(network), Ok(bits)) = (
        host.parse::<IpAddr>(),
        network.parse::<IpAddr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    match (host, network) {
        (IpAddr::V4(host), IpAddr::V4(network)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(host) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(host), IpAddr::V6(network)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(host) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bypass(entries: &str, host: &str, port: u16) -> bool {
        let entries: Vec<String> = entries.split(',').map(str::to_owned).collect();
        bypasses(&entries, host, port)
    }

    #[test]
    fn entries_match_as_curl_reads_them() {
        assert!(bypass("*", "collector.example.com", 4318));
        assert!(bypass("example.com", "collector.example.com", 4318));
        assert!(bypass("example.com", "EXAMPLE.com", 4318));
        assert!(bypass(".example.com", "collector.example.com", 4318));
        assert!(bypass("*.example.com", "collector.example.com", 4318));
        assert!(!bypass("example.com", "notexample.com", 4318));
        assert!(bypass("127.0.0.0/8", "127.0.0.1", 4318));
        assert!(!bypass("10.0.0.0/8", "127.0.0.1", 4318));
        assert!(bypass("127.0.0.1:4318", "127.0.0.1", 4318));
        assert!(!bypass("127.0.0.1:4317", "127.0.0.1", 4318));
        assert!(bypass("::1", "[::1]", 4318));
        assert!(bypass("[::1]:4318", "[::1]", 4318));
        assert!(bypass("fd00::/8", "fd12::1", 4318));
        assert!(bypass("0.0.0.0/0", "192.168.1.1", 1));
        assert!(!bypass("", "example.com", 4318));
        assert!(!bypass("other.org, .example.net", "example.com", 4318));
    }
}
