//! Cervey's `ntc` request signing: HMAC-SHA256 over the AppID, the method, the .NET-encoded
//! lower-cased URL, the timestamp and the nonce.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{ConfigErrorKind, Error};

/// Signs requests to Cervey's Claims API with the `ntc` scheme:
///
/// ```text
/// Authorization: ntc {AppID}:{Signature}:{Nonce}:{Timestamp}
/// Signature = base64(HMAC-SHA256(base64decode(ApiKey),
///     AppID + METHOD + UrlEncode(lowercase(absolute URL)) + Timestamp + Nonce))
/// ```
///
/// [`BenefitCheckClient`](super::BenefitCheckClient) signs every attempt itself; the signer is
/// public so that other Cervey endpoints can be signed the same way. Sign exactly the URL you
/// send.
///
/// ```
/// use benefits_sdk::cervey::NtcSigner;
///
/// let signer = NtcSigner::new(
///     "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9",
///     "RsMhYGkrSq9ty7+t2vG3kdcJSLbDbrwn13+ldP6KoXY=",
/// )?;
/// let signature = signer.signature(
///     "GET",
///     "https://claimsapi.cervey.com/api/company",
///     1527025062,
///     "7ca9e83609f74bdcbf3199d6c410fff5",
/// );
/// assert_eq!(signature, "xwKZQDUcZzov5NCjqChbx8/k0ggp4j9tR1pN1Why4fQ=");
/// # Ok::<(), benefits_sdk::Error>(())
/// ```
#[derive(Clone)]
pub struct NtcSigner {
    app_id: SecretString,
    /// Keyed once; cloned for each signature.
    mac: Hmac<Sha256>,
}

impl fmt::Debug for NtcSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NtcSigner { app_id: <redacted>, key: <redacted> }")
    }
}

impl NtcSigner {
    /// A signer for an Application ID and an API Key (base64 text, as Cervey issues it).
    ///
    /// # Errors
    /// [`Error::Config`] for an empty or malformed Application ID, or an API Key that is not
    /// valid base64 or is empty. The messages never contain the values.
    pub fn new(
        app_id: impl Into<SecretString>,
        api_key: impl Into<SecretString>,
    ) -> Result<Self, Error> {
        let app_id = app_id.into();
        let id = app_id.expose_secret();
        if id.trim().is_empty() {
            return Err(Error::config(
                ConfigErrorKind::InvalidCredentials,
                "Application ID: must not be empty",
            ));
        }
        if !id.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(Error::config(
                ConfigErrorKind::InvalidCredentials,
                "Application ID: must be visible ASCII without `:`",
            ));
        }
        let api_key = api_key.into();
        let key = BASE64.decode(api_key.expose_secret().trim()).map_err(|_| {
            Error::config(
                ConfigErrorKind::InvalidCredentials,
                "API Key: not valid base64",
            )
        })?;
        if key.is_empty() {
            return Err(Error::config(
                ConfigErrorKind::InvalidCredentials,
                "API Key: must not be empty",
            ));
        }
        let mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| {
            Error::config(
                ConfigErrorKind::InvalidCredentials,
                "API Key: cannot key HMAC-SHA256",
            )
        })?;
        Ok(NtcSigner { app_id, mac })
    }

    /// The text that is signed. It holds the Application ID: show it only where that may be
    /// seen (it helps to compare with what the server computed).
    pub fn string_to_sign(&self, method: &str, url: &str, timestamp: u64, nonce: &str) -> String {
        let mut text = String::with_capacity(160 + url.len() * 2);
        text.push_str(self.app_id.expose_secret());
        text.push_str(method);
        text.push_str(&url_encode(&url.to_lowercase()));
        text.push_str(&timestamp.to_string());
        text.push_str(nonce);
        text
    }

    /// The base64 signature of one request.
    pub fn signature(&self, method: &str, url: &str, timestamp: u64, nonce: &str) -> String {
        BASE64.encode(
            self.mac_of(method, url, timestamp, nonce)
                .finalize()
                .into_bytes(),
        )
    }

    /// True when `signature` (base64) is the signature of this request. The comparison is
    /// constant-time, so a server (or a fake of one) built on it leaks nothing through timing.
    ///
    /// `url` must be the exact URL the client signed and sent: scheme, host and port as in the
    /// `Host` header, path, and query as encoded on the wire. A test server may report another:
    /// wiremock's `Request::url` says `http://localhost/…` whatever address was dialled, so
    /// rebuild the URL from the `Host` header, as [`MockCervey`](crate::mock) does.
    pub fn verify(
        &self,
        method: &str,
        url: &str,
        timestamp: u64,
        nonce: &str,
        signature: &str,
    ) -> bool {
        let Ok(claimed) = BASE64.decode(signature) else {
            return false;
        };
        self.mac_of(method, url, timestamp, nonce)
            .verify_slice(&claimed)
            .is_ok()
    }

    /// True when `app_id` is this signer's Application ID (constant-time).
    pub fn is_app_id(&self, app_id: &str) -> bool {
        bool::from(
            self.app_id
                .expose_secret()
                .as_bytes()
                .ct_eq(app_id.as_bytes()),
        )
    }

    /// The whole `Authorization` value: `ntc {AppID}:{Signature}:{Nonce}:{Timestamp}`.
    pub fn authorization(&self, method: &str, url: &str, timestamp: u64, nonce: &str) -> String {
        format!(
            "ntc {}:{}:{nonce}:{timestamp}",
            self.app_id.expose_secret(),
            self.signature(method, url, timestamp, nonce)
        )
    }

    /// The keyed HMAC fed with the text to sign.
    fn mac_of(&self, method: &str, url: &str, timestamp: u64, nonce: &str) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(
            self.string_to_sign(method, url, timestamp, nonce)
                .as_bytes(),
        );
        mac
    }

    /// [`NtcSigner::authorization`] with the current time and a fresh nonce.
    pub fn authorization_now(&self, method: &str, url: &str) -> String {
        self.authorization(method, url, unix_now(), &new_nonce())
    }
}

/// Seconds since the Unix epoch by the system clock (0 for a clock set before 1970).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A fresh nonce: a random v4 GUID as 32 lowercase hex digits, from the OS's secure RNG.
pub(crate) fn new_nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// .NET's `HttpUtility.UrlEncode`: UTF-8 bytes; `A-Z a-z 0-9 - _ . ! * ( )` kept; space as
/// `+`; every other byte as `%xx` in lowercase hex. No crate encodes exactly this way
/// (`percent-encoding` writes uppercase hex, `form_urlencoded` also encodes `!*()`), and the
/// signature depends on every byte.
pub fn url_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(input.len() * 3);
    for &byte in input.as_bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xf)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP_ID: &str = "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9";
    const API_KEY: &str = "RsMhYGkrSq9ty7+t2vG3kdcJSLbDbrwn13+ldP6KoXY=";

    #[test]
    fn reference_vector() {
        let signer = NtcSigner::new(APP_ID, API_KEY).unwrap();
        let url = "https://claimsapi.cervey.com/api/company";
        let (ts, nonce) = (1527025062, "7ca9e83609f74bdcbf3199d6c410fff5");
        assert_eq!(
            signer.string_to_sign("GET", url, ts, nonce),
            "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9GEThttps%3a%2f%2fclaimsapi.cervey.com%2fapi%2fcompany15270250627ca9e83609f74bdcbf3199d6c410fff5"
        );
        assert_eq!(
            signer.signature("GET", url, ts, nonce),
            "xwKZQDUcZzov5NCjqChbx8/k0ggp4j9tR1pN1Why4fQ="
        );
        assert_eq!(
            signer.authorization("GET", url, ts, nonce),
            format!("ntc {APP_ID}:xwKZQDUcZzov5NCjqChbx8/k0ggp4j9tR1pN1Why4fQ=:{nonce}:{ts}")
        );
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let signer = NtcSigner::new(APP_ID, API_KEY).unwrap();
        let url = "https://claimsapi.cervey.com/api/company";
        let (ts, nonce) = (1527025062, "7ca9e83609f74bdcbf3199d6c410fff5");
        let good = "xwKZQDUcZzov5NCjqChbx8/k0ggp4j9tR1pN1Why4fQ=";
        assert!(signer.verify("GET", url, ts, nonce, good));
        assert!(!signer.verify("GET", url, ts + 1, nonce, good));
        assert!(!signer.verify("POST", url, ts, nonce, good));
        assert!(!signer.verify("GET", url, ts, nonce, "not base64"));
        assert!(signer.is_app_id(APP_ID));
        assert!(!signer.is_app_id(&APP_ID[1..]));
        assert!(!signer.is_app_id(&APP_ID.to_lowercase()));
    }

    #[test]
    fn url_encoder_follows_dotnet() {
        let table = [
            ("", ""),
            ("AZaz09", "AZaz09"),
            ("-_.!*()", "-_.!*()"),
            ("a b", "a+b"),
            (
                "https://x.com/a?b=1&c=2",
                "https%3a%2f%2fx.com%2fa%3fb%3d1%26c%3d2",
            ),
            ("~'+,;=$@#[]", "%7e%27%2b%2c%3b%3d%24%40%23%5b%5d"),
            ("%20", "%2520"),
            ("é", "%c3%a9"),
            ("€", "%e2%82%ac"),
            ("😀", "%f0%9f%98%80"),
            ("\n\t\u{7f}", "%0a%09%7f"),
        ];
        for (input, want) in table {
            assert_eq!(url_encode(input), want, "{input:?}");
        }
    }

    #[test]
    fn bad_keys_are_configuration_errors_that_do_not_echo_them() {
        for (id, key) in [
            ("", API_KEY),
            ("has:colon", API_KEY),
            ("has space", API_KEY),
            (APP_ID, "not base64!"),
            (APP_ID, ""),
        ] {
            let err = NtcSigner::new(id, key).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            let text = err.to_string();
            assert!(
                !text.contains("not base64!") && !text.contains("has:colon"),
                "{text}"
            );
        }
        let signer = NtcSigner::new(APP_ID, API_KEY).unwrap();
        let shown = format!("{signer:?}");
        assert!(
            !shown.contains(APP_ID) && !shown.contains("RsMh"),
            "{shown}"
        );
    }

    #[test]
    fn nonces_are_fresh_lowercase_hex() {
        let a = new_nonce();
        let b = new_nonce();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
    }
}
