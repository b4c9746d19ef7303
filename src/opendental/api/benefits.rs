//! The five Benefits endpoints: `GET /benefits/{BenefitNum}`, `GET /benefits` (a page, a
//! stream, all), `POST`, `PUT` and `DELETE`.

use bytes::Bytes;
use futures_core::Stream;
use futures_util::TryStreamExt;
use reqwest::Method;
use url::Url;

use crate::error::{Error, Violations};
use crate::opendental::BenefitsClient;
use crate::opendental::api::paging::{Cursor, Listing};
use crate::opendental::client::to_json;
use crate::opendental::client::version as gates;
use crate::opendental::model::benefit::{Benefit, BenefitNum};
use crate::opendental::model::request::{BenefitFilter, BenefitUpdate, NewBenefit, PageRequest};

impl BenefitsClient {
    /// Gets one benefit: `GET /benefits/{BenefitNum}`. Open Dental 25.3.7.
    ///
    /// # Errors
    /// [`Error::is_not_found`] when there is no such row; [`Error::InvalidRequest`] for
    /// BenefitNum 0; [`Error::Unsupported`] for an office known to be older than 25.3.7;
    /// transport, decode and other API errors as for every call.
    #[cfg(feature = "od-25-3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "od-25-3")))]
    pub async fn get(&self, benefit: BenefitNum) -> Result<Benefit, Error> {
        self.gate(gates::GET_ONE)?;
        let url = self.row_url(benefit)?;
        self.call(Method::GET, "GET /benefits/{BenefitNum}", url, None)
            .await
    }

    /// Lists one page: `GET /benefits?PlanNum=|PatPlanNum=&Limit=&Offset=`. Rows come ordered by
    /// BenefitNum. `Limit` is sent when set, `Offset` when above 0.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a key of 0 or a Limit of 0; a 400 from an office older than
    /// 23.2.62 for `BenefitFilter::All`; transport, decode and API errors.
    pub async fn list_page(
        &self,
        filter: BenefitFilter,
        page: PageRequest,
    ) -> Result<Vec<Benefit>, Error> {
        let listing = self.listing(filter, page.limit)?;
        let (rows, _) = self.page(&listing, page.limit, page.offset, None).await?;
        Ok(rows)
    }

    /// The listing of `filter` in pages of `limit`, refused before sending for a key or a
    /// Limit of 0 (both reported) or what the office's version lacks.
    fn listing(&self, filter: BenefitFilter, limit: Option<u32>) -> Result<Listing, Error> {
        let filter = match filter {
            BenefitFilter::Plan(p) => Some(("PlanNum", p.get())),
            BenefitFilter::PatPlan(p) => Some(("PatPlanNum", p.get())),
            #[cfg(feature = "od-23-2")]
            BenefitFilter::All => {
                self.gate(gates::LIST_ALL)?;
                None
            }
        };
        self.gate(gates::LIST)?;
        let mut violations = Violations::default();
        if let Some((name, 0)) = filter {
            violations.push(name, "must be a key above 0 (0 means no row)");
        }
        if limit == Some(0) {
            violations.push("Limit", "must be at least 1");
        }
        violations.into_result()?;
        Ok(Listing {
            filter,
            ..Listing::new("benefits", "GET /benefits")
        })
    }

    /// Lists every matching benefit as a stream that fetches a page only when the rows before
    /// it are consumed. Rows come in BenefitNum order, each once. Consume it with
    /// `futures_util::TryStreamExt` (`try_next`, `try_collect`), or use
    /// [`BenefitsClient::list_all`].
    ///
    /// Each page asks for [`BenefitsClient::page_size`] rows. Every page after the first starts
    /// one row early, at the last row of the page before, so that the listing can see rows move
    /// under it. What a caller gets:
    ///
    /// - **Every row that exists from the start to the end of the listing, exactly once,**
    ///   whatever the page size asked for. A server that caps pages below it (Open Dental caps
    ///   at 100, 1000 or 10,000 rows by key and mode) answers a shorter page of exactly its
    ///   cap; the listing then goes on with pages of that size. A page shorter than that ends
    ///   the listing.
    /// - **A row deleted before the listing reaches it** is not returned; one deleted after it
    ///   was returned stays returned. A deletion shifts every later row back by one: when a page
    ///   does not start at or before the last row returned, the listing steps back (by a page,
    ///   then twice that…) until it does, and skips the rows it already returned. After 8 such
    ///   steps in one listing it stops with [`Error::Paging`] of kind
    ///   [`PagingErrorKind::RowsKeptMoving`](crate::PagingErrorKind::RowsKeptMoving) rather
    ///   than risk a miss.
    /// - **A row inserted during the listing** is returned when the listing has not yet passed
    ///   its place: new rows get higher BenefitNums and land at the end.
    ///
    /// Requests: a listing of `n` rows in pages of `p` costs `1 + ⌈(n − p + 1) / (p − 1)⌉`
    /// requests when `n ≥ p`, one when `n < p`; a listing of exactly one full page costs two.
    ///
    /// A server that breaks the paging contract ends the stream with [`Error::Paging`] instead
    /// of looping or repeating rows: a page longer than asked for
    /// ([`PagingErrorKind::PageTooLong`](crate::PagingErrorKind::PageTooLong)), or rows out of
    /// BenefitNum order or a page that starts before the one before it ended, as when Offset is
    /// ignored ([`PagingErrorKind::OutOfOrder`](crate::PagingErrorKind::OutOfOrder)).
    ///
    /// ```no_run
    /// # use benefits_sdk::opendental::{BenefitsClient, BenefitFilter, PlanNum};
    /// use futures_util::TryStreamExt;
    /// # async fn run(client: BenefitsClient) -> Result<(), benefits_sdk::Error> {
    /// let mut rows = client.list(BenefitFilter::Plan(PlanNum::new(12)));
    /// while let Some(benefit) = rows.try_next().await? {
    ///     println!("{}", benefit.benefit_num);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(
        &self,
        filter: BenefitFilter,
    ) -> impl Stream<Item = Result<Benefit, Error>> + Send + Unpin + 'static {
        self.pages(self.listing(filter, None), Cursor::new(self.page_size()))
    }

    /// Lists every matching benefit into one `Vec` (see [`BenefitsClient::list`]).
    ///
    /// # Errors
    /// The first error of any page; [`Error::Paging`] for a misbehaving server.
    pub async fn list_all(&self, filter: BenefitFilter) -> Result<Vec<Benefit>, Error> {
        self.list(filter).try_collect().await
    }

    /// Creates a benefit: `POST /benefits`, answered 201 with the new row. The benefit is
    /// validated first ([`NewBenefit::validate`]). Never retried unless the retry policy says
    /// [`RetryPolicy::retry_non_idempotent`](crate::RetryPolicy::retry_non_idempotent): a retried POST can create a duplicate.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] before sending; on a timeout or a 504 the error's
    /// [`Error::outcome_unknown`] is true and the row may exist: list before creating again.
    pub async fn create(&self, benefit: &NewBenefit) -> Result<Benefit, Error> {
        let (url, body) = self.create_request(benefit)?;
        self.call(Method::POST, "POST /benefits", url, Some(body))
            .await
    }

    /// [`BenefitsClient::create`] in one attempt, whatever the retry policy: apply lists the
    /// owner again before each send, so a retry never goes out on a listing older than its
    /// wait, and a policy that retries POST never twins a row.
    pub(crate) async fn create_once(&self, benefit: &NewBenefit) -> Result<Benefit, Error> {
        let (url, body) = self.create_request(benefit)?;
        self.call_once(Method::POST, "POST /benefits", url, Some(body))
            .await
    }

    /// A create's URL and body, once it is valid and the office's version has what it sends.
    fn create_request(&self, benefit: &NewBenefit) -> Result<(Url, Bytes), Error> {
        benefit.validate()?;
        self.gate(gates::CREATE)?;
        #[cfg(feature = "od-23-2")]
        if benefit.code_group_num.is_some() {
            self.gate(gates::CODE_GROUP_ON_CREATE)?;
        }
        #[cfg(feature = "od-25-3")]
        if benefit.treat_area.is_some() {
            self.gate(gates::TREAT_AREA)?;
        }
        Ok((self.endpoint("benefits")?, to_json(benefit)?))
    }

    /// Updates a benefit: `PUT /benefits/{BenefitNum}` with only the fields the update sets;
    /// answered with the whole row.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an update that sets nothing or breaks a rule;
    /// [`Error::is_not_found`] for a missing row; API errors such as 400 for changing the code
    /// group of a frequency or age limit.
    pub async fn update(
        &self,
        benefit: BenefitNum,
        update: &BenefitUpdate,
    ) -> Result<Benefit, Error> {
        let (url, body) = self.update_request(benefit, update)?;
        self.call(Method::PUT, "PUT /benefits/{BenefitNum}", url, Some(body))
            .await
    }

    /// [`BenefitsClient::update`] in one attempt, whatever the retry policy: apply reads the
    /// row again before each send, so a send never goes out on a read older than its wait,
    /// and a retry never overwrites an edit made while it waited.
    pub(crate) async fn update_once(
        &self,
        benefit: BenefitNum,
        update: &BenefitUpdate,
    ) -> Result<Benefit, Error> {
        let (url, body) = self.update_request(benefit, update)?;
        self.call_once(Method::PUT, "PUT /benefits/{BenefitNum}", url, Some(body))
            .await
    }

    /// An update's URL and body, once it is valid and the office's version has what it sets.
    fn update_request(
        &self,
        benefit: BenefitNum,
        update: &BenefitUpdate,
    ) -> Result<(Url, Bytes), Error> {
        update.validate()?;
        self.gate(gates::UPDATE)?;
        #[cfg(feature = "od-25-3")]
        {
            if !update.code_group_num.is_keep() {
                self.gate(gates::CODE_GROUP_ON_UPDATE)?;
            }
            if update.treat_area.is_some() {
                self.gate(gates::TREAT_AREA)?;
            }
        }
        Ok((self.row_url(benefit)?, to_json(update)?))
    }

    /// Deletes a benefit: `DELETE /benefits/{BenefitNum}`. A retry that finds the row gone
    /// after an earlier attempt that may have deleted it counts as success.
    ///
    /// # Errors
    /// [`Error::is_not_found`] when the row did not exist.
    pub async fn delete(&self, benefit: BenefitNum) -> Result<(), Error> {
        self.gate(gates::DELETE)?;
        let url = self.row_url(benefit)?;
        self.send(Method::DELETE, "DELETE /benefits/{BenefitNum}", url, None)
            .await
            .map(drop)
    }

    /// [`BenefitsClient::delete`] in one attempt, whatever the retry policy (see
    /// [`BenefitsClient::update_once`]).
    pub(crate) async fn delete_once(&self, benefit: BenefitNum) -> Result<(), Error> {
        self.gate(gates::DELETE)?;
        let url = self.row_url(benefit)?;
        self.send_once(Method::DELETE, "DELETE /benefits/{BenefitNum}", url, None)
            .await
            .map(drop)
    }

    fn row_url(&self, benefit: BenefitNum) -> Result<Url, Error> {
        if benefit.get() == 0 {
            Violations::one("BenefitNum", "must be a key above 0 (0 means no row)")
                .into_result()?;
        }
        self.endpoint(&format!("benefits/{benefit}"))
    }
}
