//! One attempt: the request built whole, sent, and its body read under the cap.

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};

use super::transport::{Call, Transport};
use crate::error::Error;

/// What one attempt came to.
pub(super) enum Attempted {
    Success(StatusCode, Bytes),
    Status {
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },
    Failed(reqwest::Error),
    /// The body was over the limit; the status it came with.
    TooLarge(StatusCode),
}

impl Transport {
    /// One attempt: send, then read the body under the cap.
    pub(super) async fn attempt(&self, call: &Call<'_>) -> Result<Attempted, Error> {
        // Built whole rather than through `RequestBuilder`, which would insert the fixed
        // headers one by one into a fresh map.
        let mut request = reqwest::Request::new(call.method.clone(), call.url.clone());
        *request.headers_mut() = call.headers.clone();
        *request.timeout_mut() = Some(self.timeout);
        if let Some(sign) = call.signer {
            request
                .headers_mut()
                .insert(header::AUTHORIZATION, sign(&call.method, &call.url)?);
        }
        if let Some(body) = &call.body {
            *request.body_mut() = Some(body.clone().into());
        }
        let mut response = match self.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Ok(Attempted::Failed(e)),
        };
        let status = response.status();
        let declared = response.content_length().unwrap_or(0);
        if declared > self.max_response_bytes as u64 {
            return Ok(Attempted::TooLarge(status));
        }
        // Most bodies arrive as one chunk: keep it as it is; join only when there are more.
        let mut first: Option<Bytes> = None;
        let mut joined: Option<BytesMut> = None;
        let mut len = 0usize;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Ok(Attempted::Failed(e)),
            };
            len += chunk.len();
            if len > self.max_response_bytes {
                return Ok(Attempted::TooLarge(status));
            }
            match (&mut joined, first.take()) {
                (Some(buf), _) => buf.extend_from_slice(&chunk),
                (None, None) => first = Some(chunk),
                (None, Some(earlier)) => {
                    let mut buf = BytesMut::with_capacity((declared as usize).max(len));
                    buf.extend_from_slice(&earlier);
                    buf.extend_from_slice(&chunk);
                    joined = Some(buf);
                }
            }
        }
        let body = joined.map_or_else(|| first.unwrap_or_default(), BytesMut::freeze);
        if status.is_success() {
            Ok(Attempted::Success(status, body))
        } else {
            Ok(Attempted::Status {
                status,
                headers: std::mem::take(response.headers_mut()),
                body,
            })
        }
    }
}
