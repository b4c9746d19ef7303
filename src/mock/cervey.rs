//! `MockCervey`: a fake benefit check that verifies `ntc` signatures like the real server.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::NaiveDate;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request};

use super::faults::{Answer, Handler, Responder, Shared, fast_retries, fault_knobs, lock};
use crate::cervey::{
    BenefitCheck, BenefitCheckClient, BenefitCheckClientBuilder, MemberNo, NtcSigner,
};

/// How far a request's timestamp may be from the fake's clock, as Cervey allows.
const MAX_SKEW_SECS: u64 = 5 * 60;

/// A fake Cervey Claims API on loopback that serves benefit checks you register per member.
///
/// Every request must carry a valid `ntc` signature for the fake's credentials: the fake
/// rebuilds the absolute URL from the `Host` header and the request line, recomputes the
/// signature and compares it in constant time. A wrong Application ID or signature, a
/// timestamp more than 5 minutes from its clock, or a nonce it has already seen answers 401
/// with `WWW-Authenticate: ntc` and an empty body. A member with no registered check answers
/// 404; bad parameters answer 400 with `{"Message": …}`.
pub struct MockCervey {
    server: MockServer,
    members: Arc<Mutex<HashMap<u64, BenefitCheck>>>,
    shared: Arc<Shared>,
    app_id: String,
    api_key: String,
}

impl std::fmt::Debug for MockCervey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockCervey")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockCervey {
    /// Starts a fake with fresh random credentials (see [`MockCervey::app_id`] and
    /// [`MockCervey::api_key`]).
    pub async fn start() -> Self {
        let app_id = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        )
        .to_uppercase();
        let key: Vec<u8> = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()]
            .iter()
            .flat_map(|u| u.as_bytes().to_vec())
            .collect();
        Self::with_credentials(app_id, BASE64.encode(key)).await
    }

    /// Starts a fake that accepts these credentials.
    ///
    /// # Panics
    /// When the API Key is not base64: the fake's credentials are the test's own constants.
    pub async fn with_credentials(app_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        let (app_id, api_key) = (app_id.into(), api_key.into());
        let signer = NtcSigner::new(app_id.clone(), api_key.clone())
            .expect("MockCervey needs an Application ID and a base64 API Key");
        let server = MockServer::start().await;
        let members = Arc::new(Mutex::new(HashMap::new()));
        let shared = Arc::new(Shared::default());
        let handler = CerveyHandler {
            signer,
            members: members.clone(),
            seen_nonces: Mutex::new(HashSet::new()),
        };
        Mock::given(any())
            .respond_with(Responder {
                handler: Arc::new(handler),
                shared: shared.clone(),
            })
            .mount(&server)
            .await;
        MockCervey {
            server,
            members,
            shared,
            app_id,
            api_key,
        }
    }

    /// The Application ID the fake accepts.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The API Key (base64) the fake accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The base URL, e.g. `http://127.0.0.1:40123/api/`.
    pub fn base_url(&self) -> String {
        format!("{}/api/", self.server.uri())
    }

    /// A client builder pointed at the fake, with its credentials and millisecond retry
    /// backoffs.
    pub fn client_builder(&self) -> BenefitCheckClientBuilder {
        BenefitCheckClient::builder()
            .credentials(self.app_id.clone(), self.api_key.clone())
            .base_url(self.base_url())
            .retry_policy(fast_retries())
    }

    /// A client pointed at the fake (see [`MockCervey::client_builder`]).
    pub fn client(&self) -> BenefitCheckClient {
        // Valid by construction: the fake's own credentials and a loopback URL.
        self.client_builder()
            .build()
            .expect("a client of the fake always builds")
    }

    /// Serves `check` for `member` (whatever the other parameters), replacing an earlier one.
    pub fn insert(&self, member: MemberNo, check: BenefitCheck) {
        lock(&self.members).insert(member.get(), check);
    }

    /// Stops serving `member` (it answers 404 again).
    pub fn remove(&self, member: MemberNo) {
        lock(&self.members).remove(&member.get());
    }

    fault_knobs!();
}

struct CerveyHandler {
    signer: NtcSigner,
    members: Arc<Mutex<HashMap<u64, BenefitCheck>>>,
    seen_nonces: Mutex<HashSet<String>>,
}

fn message(status: u16, text: &str, detail: Option<&str>) -> Answer {
    let body = match detail {
        Some(d) => json!({ "Message": text, "MessageDetail": d }),
        None => json!({ "Message": text }),
    };
    Answer::json(status, body.to_string().into_bytes())
}

impl CerveyHandler {
    /// Whether the request's `ntc` signature is right, fresh and not replayed.
    fn authenticate(&self, request: &Request) -> bool {
        let Some(auth) = request
            .headers
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some(parts) = auth.strip_prefix("ntc ") else {
            return false;
        };
        let parts: Vec<&str> = parts.split(':').collect();
        let [app_id, signature, nonce, timestamp] = parts[..] else {
            return false;
        };
        let Ok(timestamp) = timestamp.parse::<u64>() else {
            return false;
        };
        if crate::cervey::signing_clock().abs_diff(timestamp) > MAX_SKEW_SECS {
            return false;
        }
        let Some(host) = request.headers.get("Host").and_then(|v| v.to_str().ok()) else {
            return false;
        };
        let mut absolute = format!("{}://{host}{}", request.url.scheme(), request.url.path());
        if let Some(query) = request.url.query() {
            absolute.push('?');
            absolute.push_str(query);
        }
        let valid = self.signer.is_app_id(app_id)
            & self.signer.verify(
                request.method.as_str(),
                &absolute,
                timestamp,
                nonce,
                signature,
            );
        // A nonce counts as used once a correctly signed request carried it.
        valid && lock(&self.seen_nonces).insert(nonce.to_owned())
    }

    fn benefit_check(&self, request: &Request) -> Answer {
        let invalid = |detail: &str| message(400, "The request is invalid.", Some(detail));
        let mut member = None;
        for (key, value) in request.url.query_pairs() {
            match key.as_ref() {
                "memberNo" => match value.parse::<u64>() {
                    Ok(m) => member = Some(m),
                    Err(_) => return invalid("memberNo must be an integer."),
                },
                "benefitCodeNo" if value.parse::<u64>().is_err() => {
                    return invalid("benefitCodeNo must be an integer.");
                }
                "dateOfService" if NaiveDate::parse_from_str(&value, "%Y-%m-%d").is_err() => {
                    return invalid("dateOfService must be a date.");
                }
                "excludeClaimsAfterDateOfService"
                    if !matches!(value.to_ascii_lowercase().as_str(), "true" | "false") =>
                {
                    return invalid("excludeClaimsAfterDateOfService must be true or false.");
                }
                _ => {}
            }
        }
        let Some(member) = member else {
            return invalid("memberNo is required.");
        };
        match lock(&self.members).get(&member) {
            // BenefitCheck serializes: decimals, strings, booleans and dates.
            Some(check) => Answer::json(200, serde_json::to_vec(check).unwrap_or_default()),
            // As Cervey can, the explanation echoes the member number back.
            None => message(
                404,
                &format!("No member found with memberNo {member}"),
                None,
            ),
        }
    }
}

impl Handler for CerveyHandler {
    fn handle(&self, request: &Request) -> Answer {
        if !self.authenticate(request) {
            return Answer::empty(401).header("WWW-Authenticate", "ntc");
        }
        match (request.method.as_str(), request.url.path()) {
            ("GET", "/api/benefitcheck") => self.benefit_check(request),
            _ => message(
                404,
                "No HTTP resource was found that matches the request URI.",
                None,
            ),
        }
    }

    fn fault_body(&self, status: u16) -> Vec<u8> {
        json!({ "Message": format!("Injected fault {status}.") })
            .to_string()
            .into_bytes()
    }

    fn malformed_body(&self) -> &'static [u8] {
        br#"{"claimHistories": [{"amountAppliedToPeriodicDeductibleMember": 12"#
    }
}
