//! Base URLs: what a client may be pointed at, checked once at `build`.

use url::{Host, Url};

use crate::error::{ConfigErrorKind, Error};

/// Which hosts may be reached over plain `http://` without an explicit opt-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainHttp {
    /// Only this machine (Cervey is only ever served over https).
    LoopbackOnly,
    /// This machine and the office network (Open Dental's Local API and API Service).
    PrivateNetwork,
}

/// Parses and checks a base URL: http or https, a host, no credentials, query or fragment; plain
/// http only where `plain_http` allows it or `allow_insecure` says so. The path gets a trailing
/// slash so that endpoint paths join below it.
pub(crate) fn parse_base_url(
    raw: &str,
    plain_http: PlainHttp,
    allow_insecure: bool,
) -> Result<Url, Error> {
    // The URL itself is left out of the message: it may carry credentials.
    let bad = |why: &str| Error::config(ConfigErrorKind::BaseUrl, format!("base URL: {why}"));
    let mut url = Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            if !allow_insecure && !host_allows_plain_http(&url, plain_http) {
                return Err(bad(match plain_http {
                    PlainHttp::LoopbackOnly => {
                        "plain http is only allowed for loopback hosts; use https \
                         (or allow_insecure_http for a test server)"
                    }
                    PlainHttp::PrivateNetwork => {
                        "plain http is only allowed for loopback and office-network hosts; use \
                         https (or allow_insecure_http)"
                    }
                }));
            }
        }
        _ => return Err(bad("the scheme must be https or http")),
    }
    if url.host().is_none() {
        return Err(bad("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("credentials do not belong in the URL"));
    }
    if url.query().is_some() {
        return Err(bad("a query string is not allowed"));
    }
    if url.fragment().is_some() {
        return Err(bad("a fragment is not allowed"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn host_allows_plain_http(url: &Url, plain_http: PlainHttp) -> bool {
    let private = plain_http == PlainHttp::PrivateNetwork;
    match url.host() {
        Some(Host::Ipv4(ip)) => {
            ip.is_loopback() || (private && (ip.is_private() || ip.is_link_local()))
        }
        Some(Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            ip.is_loopback()
                || (private
                    && ((first & 0xfe00) == 0xfc00
                        || (first & 0xffc0) == 0xfe80
                        || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_private())))
        }
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                return true;
            }
            // Office servers are reached by a bare machine name or a LAN-only suffix.
            private
                && (!name.contains('.')
                    || [".local", ".lan", ".internal", ".home.arpa", ".corp"]
                        .iter()
                        .any(|s| name.ends_with(s)))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        let ok = |raw, mode| parse_base_url(raw, mode, false).map(|u| u.to_string());
        use PlainHttp::*;
        assert_eq!(
            ok("https://api.opendental.com/api/v1", PrivateNetwork).unwrap(),
            "https://api.opendental.com/api/v1/"
        );
        for local in [
            "http://localhost:30222/api/v1",
            "http://127.0.0.1:8080",
            "http://[::1]:30222/api/v1",
        ] {
            assert!(ok(local, LoopbackOnly).is_ok(), "{local}");
            assert!(ok(local, PrivateNetwork).is_ok(), "{local}");
        }
        for lan in [
            "http://192.168.1.20:30223/api/v1",
            "http://10.0.0.5:30223/api/v1",
            "http://172.16.4.1:30223/api/v1",
            "http://officeserver:30223/api/v1",
            "http://server.local:30223/api/v1",
            "http://[fd00::1]:30223/api/v1",
        ] {
            assert!(ok(lan, PrivateNetwork).is_ok(), "{lan}");
            assert!(ok(lan, LoopbackOnly).is_err(), "{lan}");
        }
        for bad in [
            "http://api.opendental.com/api/v1",
            "http://8.8.8.8/api",
            "ftp://localhost/",
            "https://user:pw@api.opendental.com/api/v1",
            "https://api.opendental.com/api/v1?x=1",
            "https://api.opendental.com/api/v1#frag",
            "not a url",
        ] {
            assert!(
                matches!(ok(bad, PrivateNetwork), Err(Error::Config(ref e)) if e.kind == ConfigErrorKind::BaseUrl),
                "{bad}"
            );
        }
        assert!(parse_base_url("http://example.com/api", PrivateNetwork, true).is_ok());
    }
}
