//! What both fakes share: injected faults, the request log, and the wiremock responder that
//! applies them around each fake's own handler.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use wiremock::{Request, Respond, ResponseTemplate};

/// An answer a fake gives instead of its normal one, to the next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// This status, with a short explanation body.
    Status(u16),
    /// 429 with `Retry-After` in whole seconds.
    RateLimited {
        /// The wait the server asks for.
        retry_after: Duration,
    },
    /// The normal answer, this much later.
    Delay(Duration),
    /// 200 with a body cut off in the middle of its JSON.
    MalformedBody,
    /// The normal handling (a write lands), then this status instead of its answer: a gateway
    /// that gave up after the office wrote.
    StatusAfterWrite(u16),
    /// The normal handling (a write lands) and its status, with a body cut off mid-JSON.
    MalformedAfterWrite,
    /// An office still writing when its answer is given up on: the request's normal handling
    /// (a write lands) happens `lands_after` after it arrives, and the answer, a 504 from the
    /// gateway, comes `answer_after` after it arrives (later still, or earlier: a gateway
    /// that gave up while the office was writing), or never (`None`: the client's own timeout
    /// ends the wait).
    LandsLate {
        /// When the write lands, from the request's arrival.
        lands_after: Duration,
        /// When the 504 comes, from the request's arrival; `None`: never.
        answer_after: Option<Duration>,
    },
}

/// How long a fake holds an answer that never comes: longer than any client waits.
const NEVER: Duration = Duration::from_secs(600);

/// One request a fake received, and the status it answered. Headers are left out but the
/// `User-Agent`: the `Authorization` header holds keys.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// When the fake read or wrote its rows for it (the Open Dental fake stamps this under its
    /// store's lock, so it orders exactly against [`MockOpenDental::writes`]); for a request
    /// answered by an injected fault alone, or by the Cervey fake, when it came.
    ///
    /// [`MockOpenDental::writes`]: crate::mock::MockOpenDental::writes
    pub at: std::time::Instant,
    /// The `User-Agent` it carried (a client's `user_agent` names its worker).
    pub user_agent: Option<String>,
    /// `GET`, `POST`…
    pub method: String,
    /// The path, e.g. `/api/v1/benefits/14`.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The body as received.
    pub body: Vec<u8>,
    /// The status the fake answered.
    pub status: u16,
}

/// The retry policy of the clients the fakes hand out: the default, with millisecond backoffs
/// so that tests of retried faults stay fast.
pub(crate) fn fast_retries() -> crate::RetryPolicy {
    crate::RetryPolicy::new().backoff(Duration::from_millis(1), Duration::from_millis(10))
}

/// A fake's answer before it becomes a wiremock response.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// When the handler read or wrote its state, if it says (else: when the request came).
    pub(crate) at: Option<std::time::Instant>,
}

impl Answer {
    pub(crate) fn json(status: u16, body: Vec<u8>) -> Self {
        Answer {
            status,
            body,
            headers: Vec::new(),
            at: None,
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self::json(status, Vec::new())
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// A fake's own behaviour: a request in, an answer out.
pub(crate) trait Handler: Send + Sync + 'static {
    fn handle(&self, request: &Request) -> Answer;
    /// The body of an injected error status, in the API's style.
    fn fault_body(&self, status: u16) -> Vec<u8>;
    /// A body that breaks off mid-JSON.
    fn malformed_body(&self) -> &'static [u8];
}

/// The fault queue and the log, shared by a fake and its responder.
#[derive(Default)]
pub(crate) struct Shared {
    /// Queued faults, each for any method (`None`) or one.
    faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    log: Mutex<Vec<LoggedRequest>>,
}

/// Locks a fake's state. The guarded data stays consistent across a panic in a test (each
/// change is one assignment), so a poisoned lock is used as it is.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn push_faults(&self, n: usize, fault: Fault) {
        lock(&self.faults).extend(std::iter::repeat_n((None, fault), n));
    }

    pub(crate) fn push_faults_on(&self, method: &str, n: usize, fault: Fault) {
        let method = Some(method.to_ascii_uppercase());
        lock(&self.faults).extend(std::iter::repeat_n((method, fault), n));
    }

    /// The first queued fault for this method.
    fn take_fault(&self, method: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let at = faults
            .iter()
            .position(|(m, _)| m.as_deref().is_none_or(|m| m == method))?;
        faults.remove(at).map(|(_, fault)| fault)
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).clone()
    }

    pub(crate) fn clear(&self) {
        lock(&self.faults).clear();
        lock(&self.log).clear();
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }
}

/// The wiremock responder: applies the next fault, or asks the handler; logs either way.
pub(crate) struct Responder<H> {
    pub(crate) handler: Arc<H>,
    pub(crate) shared: Arc<Shared>,
}

impl<H: Handler> Respond for Responder<H> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let received = std::time::Instant::now();
        let fault = self.shared.take_fault(request.method.as_str());
        let mut delay = None;
        let answer = match fault {
            Some(Fault::Status(status)) => Answer::json(status, self.handler.fault_body(status)),
            Some(Fault::RateLimited { retry_after }) => {
                Answer::json(429, self.handler.fault_body(429))
                    .header("Retry-After", retry_after.as_secs().to_string())
            }
            Some(Fault::MalformedBody) => Answer::json(200, self.handler.malformed_body().to_vec()),
            Some(Fault::StatusAfterWrite(status)) => {
                self.handler.handle(request);
                Answer::json(status, self.handler.fault_body(status))
            }
            Some(Fault::MalformedAfterWrite) => {
                let status = self.handler.handle(request).status;
                Answer::json(status, self.handler.malformed_body().to_vec())
            }
            Some(Fault::Delay(d)) => {
                delay = Some(d);
                self.handler.handle(request)
            }
            Some(Fault::LandsLate {
                lands_after,
                answer_after,
            }) => {
                let (handler, late) = (self.handler.clone(), request.clone());
                std::thread::spawn(move || {
                    std::thread::sleep(lands_after);
                    handler.handle(&late);
                });
                delay = Some(answer_after.unwrap_or(NEVER));
                Answer::json(504, self.handler.fault_body(504))
            }
            None => self.handler.handle(request),
        };
        lock(&self.shared.log).push(LoggedRequest {
            at: answer.at.unwrap_or(received),
            user_agent: request
                .headers
                .get("User-Agent")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            body: request.body.clone(),
            status: answer.status,
        });
        let mut template = ResponseTemplate::new(answer.status);
        if !answer.body.is_empty() {
            template = template.set_body_raw(answer.body, "application/json");
        }
        for (name, value) in answer.headers {
            template = template.insert_header(name, value.as_str());
        }
        if let Some(d) = delay {
            template = template.set_delay(d);
        }
        template
    }
}

/// The fault knobs and the log, the same on both fakes (each has a `shared: Arc<Shared>`).
macro_rules! fault_knobs {
    () => {
        /// Answers the next `n` requests with `status` and a short explanation, in the API's
        /// style, instead of their normal answer.
        pub fn fail_next(&self, n: usize, status: u16) {
            self.shared
                .push_faults(n, $crate::mock::Fault::Status(status));
        }

        /// Answers the next `n` requests with 429 and `Retry-After` (whole seconds).
        pub fn rate_limit_next(&self, n: usize, retry_after: std::time::Duration) {
            self.shared
                .push_faults(n, $crate::mock::Fault::RateLimited { retry_after });
        }

        /// Answers the next `n` requests normally, `delay` late.
        pub fn delay_next(&self, n: usize, delay: std::time::Duration) {
            self.shared
                .push_faults(n, $crate::mock::Fault::Delay(delay));
        }

        /// Answers the next `n` requests with 200 and a body cut off mid-JSON.
        pub fn malformed_next(&self, n: usize) {
            self.shared
                .push_faults(n, $crate::mock::Fault::MalformedBody);
        }

        /// Queues any fault for the next `n` requests.
        pub fn inject(&self, n: usize, fault: $crate::mock::Fault) {
            self.shared.push_faults(n, fault);
        }

        /// Queues a fault for the next `n` requests of one method (`"POST"`, `"PUT"`…);
        /// requests of other methods pass it by.
        pub fn inject_on(&self, method: &str, n: usize, fault: $crate::mock::Fault) {
            self.shared.push_faults_on(method, n, fault);
        }

        /// Every request received so far, oldest first.
        pub fn requests(&self) -> Vec<$crate::mock::LoggedRequest> {
            self.shared.requests()
        }

        /// Forgets queued faults and the request log.
        pub fn reset_log(&self) {
            self.shared.clear();
        }

        /// Forgets the faults still queued; the request log stays.
        pub fn clear_faults(&self) {
            self.shared.clear_faults();
        }
    };
}
pub(crate) use fault_knobs;
