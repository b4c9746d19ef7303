//! `GET /preferences`: the office's version.

use reqwest::Method;

use crate::error::Error;
use crate::opendental::BenefitsClient;
use crate::opendental::client::version::{Known, Preference, ServerVersion};

impl BenefitsClient {
    /// The office's version: the one set on the builder, else read once from the office with
    /// `GET /preferences?PrefName=ProgramVersion` (Read All, every version since 21.1) and
    /// kept. A missing or unparsable value is `Ok(None)`, kept too: calls then go out and the
    /// server decides. A 400 that names a version drops a version read from the office, so the
    /// next call of this method reads it again (the office may have been upgraded).
    ///
    /// # Errors
    /// Transport, decode and API errors of the preference read (nothing is kept then).
    pub async fn server_version(&self) -> Result<Option<ServerVersion>, Error> {
        match self.known() {
            Known::NotRead => {}
            known => return Ok(known.version()),
        }
        let mut url = self.endpoint("preferences")?;
        url.query_pairs_mut()
            .append_pair("PrefName", "ProgramVersion");
        let prefs: Vec<Preference> = self
            .call(Method::GET, "GET /preferences", url, None)
            .await?;
        let known = match prefs.first().map(|p| p.value_string.parse()) {
            Some(Ok(v)) => Known::Read(v),
            _ => Known::Unknown,
        };
        self.set_known(known);
        Ok(known.version())
    }
}
