//! A clearinghouse's eligibility JSON (Change Healthcare's Eligibility v3 shape, which Stedi
//! also serves; spec `clearinghouse-json-notes.md`) read onto the EB items the X12 reader
//! builds, so that every rule, both rule sets and every drop reason apply unchanged.
//!
//! Each `benefitsInformation` entry is rebuilt as the EB segment (and the HSD after it) it was
//! made from, with `*`, `:` and `^` as delimiters (§5), and read by the X12 path. Its ordinal
//! is its 0-based index in the array and its loop is [`BenefitLoop::Unknown`]: the array is
//! flat and no entry names its loop (§6). Only the fields the rules and the rebuilt text need
//! are read; member data (`subscriber`, `dependents`, `payer`) is never deserialized beyond
//! its `aaaErrors`, so none of it can reach a result, a `Debug`, an error or a trace.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::items::Item;
use super::{
    BenefitLoop, CarrierPlan, DropReason, DroppedSegment, Eligibility, EligibilityLookups,
    EligibilitySource, ReadOptions, RuleSet,
};
use super::{build, plan, used};
use crate::error::EligibilityErrorKind;
use crate::x12::{Delimiters, Segment};

/// The delimiters a rebuilt segment is written with (§5.10).
const DELIMITERS: Delimiters = Delimiters {
    element: b'*',
    component: b':',
    repetition: Some(b'^'),
    segment: b'~',
};

/// A scalar as a clearinghouse sends it: a string, or a number (read as its shortest decimal
/// text, never in exponent form). `""`, `null` and an absent key are all "not given".
#[derive(Default)]
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Scalar;
        impl Visitor<'_> for Scalar {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned()).filter(|v| !v.is_empty())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                // Rust prints an f64 in plain decimal (`1e20` as `100000000000000000000`).
                Ok(Text(Some(format!("{v}"))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(Scalar)
    }
}

impl Text {
    fn get(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

/// The response, as far as the reader needs it. Unknown fields, and the deprecated copies
/// (`planStatus`, `benefitsRelatedEntity`, `eligibilityAdditionalInformation`), are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    benefits_information: Option<Vec<Entry>>,
    errors: Option<Vec<Reported>>,
    payer: Option<Party>,
    provider: Option<Party>,
    subscriber: Option<Party>,
    dependents: Option<Vec<Party>>,
    plan_information: Option<GroupOf>,
    plan_date_information: Option<PlanDates>,
}

/// A payer, provider, subscriber or dependent: only its `aaaErrors` and its plan's group
/// number, never its member data.
#[derive(Deserialize)]
struct Party {
    #[serde(rename = "aaaErrors")]
    aaa_errors: Option<Vec<Reported>>,
    #[serde(default, rename = "groupNumber")]
    group_number: Text,
}

/// An object whose `groupNumber` is a REF*6P (`planInformation`,
/// `benefitsAdditionalInformation`).
#[derive(Deserialize)]
struct GroupOf {
    #[serde(default, rename = "groupNumber")]
    group_number: Text,
}

/// `planDateInformation`: the 2100C/2100D DTPs Open Dental reads for the plan's dates.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlanDates {
    #[serde(default)]
    policy_effective: Text,
    #[serde(default)]
    policy_expiration: Text,
    #[serde(default)]
    plan_begin: Text,
    #[serde(default)]
    plan_end: Text,
}

/// An item of `errors[]` or of an `aaaErrors` list (§7): its field and code only; its
/// location and description are the server's words, never kept.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reported {
    #[serde(default)]
    field: Text,
    #[serde(default)]
    code: Text,
}

/// A field or code as a short code (`AAA`, `72`); anything else is not echoed (it could be
/// text that names the member).
fn short_code(text: &str) -> String {
    match text.len() <= 8 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        true => text.to_owned(),
        false => String::new(),
    }
}

/// One `benefitsInformation` entry: the EB elements (§4), its HSDs. Names are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    code: Text,
    #[serde(default)]
    coverage_level_code: Text,
    service_type_codes: Option<Vec<Text>>,
    #[serde(default)]
    insurance_type_code: Text,
    #[serde(default)]
    plan_coverage: Text,
    #[serde(default)]
    time_qualifier_code: Text,
    #[serde(default)]
    benefit_amount: Text,
    #[serde(default)]
    benefit_percent: Text,
    #[serde(default)]
    quantity_qualifier_code: Text,
    #[serde(default)]
    benefit_quantity: Text,
    #[serde(default)]
    auth_or_cert_indicator: Text,
    #[serde(default)]
    in_plan_network_indicator_code: Text,
    composite_medical_procedure_identifier: Option<Procedure>,
    benefits_additional_information: Option<GroupOf>,
    benefits_service_delivery: Option<Vec<Delivery>>,
    /// The entry's MSGs (`additionalInformation[].description`): read only for whether one
    /// calls it a waiting period, and leniently (any other shape says nothing).
    #[serde(default)]
    additional_information: serde_json::Value,
}

impl Entry {
    /// Whether one of its MSGs calls it a waiting period, as `items.rs` reads an X12 MSG.
    fn says_waiting(&self) -> bool {
        let Some(messages) = self.additional_information.as_array() else {
            return false;
        };
        messages
            .iter()
            .filter_map(|m| m.get("description")?.as_str())
            .any(super::items::says_waiting)
    }
}

/// EB13 (C003) and EB14. The qualifier has two spellings (§1.4); either is read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Procedure {
    #[serde(default)]
    product_or_service_id_qualifier_code: Text,
    #[serde(default, rename = "productOrServiceIDQualifierCode")]
    product_or_service_id_qualifier_code_upper: Text,
    #[serde(default)]
    procedure_code: Text,
    procedure_modifiers: Option<Vec<Text>>,
    #[serde(default, rename = "productOrServiceID")]
    product_or_service_id: Text,
    diagnosis_code_pointer: Option<Vec<Text>>,
}

/// One HSD (`benefitsServiceDelivery[]`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    #[serde(default)]
    quantity_qualifier_code: Text,
    #[serde(default)]
    quantity: Text,
    #[serde(default)]
    unit_for_measurement_qualifier_code: Text,
    #[serde(default)]
    sample_selection_modulus: Text,
    #[serde(default)]
    time_period_qualifier_code: Text,
    #[serde(default)]
    num_of_periods: Text,
    #[serde(default)]
    delivery_or_calendar_pattern_qualifier_code: Text,
    #[serde(default)]
    delivery_pattern_time_qualifier_code: Text,
}

/// A value as element (or component) text: a delimiter inside it would split it, so each one
/// becomes `?` (an X12 element can hold none of them either).
fn clean(value: &str) -> String {
    value.replace(['*', ':', '^', '~'], "?")
}

/// Elements joined by `separator`, trailing empty ones left off (as X12 writes them).
fn joined(parts: &[String], separator: char) -> String {
    let used = parts
        .iter()
        .rposition(|p| !p.is_empty())
        .map_or(0, |i| i + 1);
    parts[..used].join(&separator.to_string())
}

fn texts(values: Option<&Vec<Text>>) -> Vec<String> {
    values
        .into_iter()
        .flatten()
        .map(|t| clean(t.get()))
        .collect()
}

/// EB03: one item per repetition, joined with `^` (§5.2); absent items left out.
fn service_types(values: Option<&Vec<Text>>) -> String {
    let given: Vec<String> = texts(values)
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    given.join("^")
}

impl Entry {
    /// The EB segment this entry was made from (§5.1–§5.3).
    fn eb(&self) -> String {
        let procedure = self.composite_medical_procedure_identifier.as_ref();
        let eb13 = procedure.map(|p| {
            let qualifier = match p.product_or_service_id_qualifier_code.get() {
                "" => p.product_or_service_id_qualifier_code_upper.get(),
                given => given,
            };
            let mut parts = vec![clean(qualifier), clean(p.procedure_code.get())];
            let mut modifiers = texts(p.procedure_modifiers.as_ref());
            modifiers.resize(4, String::new());
            parts.extend(modifiers.into_iter().take(4));
            // C003-07, the description, has no field.
            parts.push(String::new());
            parts.push(clean(p.product_or_service_id.get()));
            joined(&parts, ':')
        });
        let eb14 = procedure.map(|p| texts(p.diagnosis_code_pointer.as_ref()).join(":"));
        let elements = [
            "EB".to_owned(),
            clean(self.code.get()),
            clean(self.coverage_level_code.get()),
            service_types(self.service_type_codes.as_ref()),
            clean(self.insurance_type_code.get()),
            clean(self.plan_coverage.get()),
            clean(self.time_qualifier_code.get()),
            clean(self.benefit_amount.get()),
            clean(self.benefit_percent.get()),
            clean(self.quantity_qualifier_code.get()),
            clean(self.benefit_quantity.get()),
            clean(self.auth_or_cert_indicator.get()),
            clean(self.in_plan_network_indicator_code.get()),
            eb13.unwrap_or_default(),
            eb14.unwrap_or_default(),
        ];
        joined(&elements, '*')
    }

    /// The HSD right after the EB: the first of `benefitsServiceDelivery` (§5.4).
    fn hsd(&self) -> Option<String> {
        let d = self.benefits_service_delivery.as_ref()?.first()?;
        let elements = [
            "HSD".to_owned(),
            clean(d.quantity_qualifier_code.get()),
            clean(d.quantity.get()),
            clean(d.unit_for_measurement_qualifier_code.get()),
            clean(d.sample_selection_modulus.get()),
            clean(d.time_period_qualifier_code.get()),
            clean(d.num_of_periods.get()),
            clean(d.delivery_or_calendar_pattern_qualifier_code.get()),
            clean(d.delivery_pattern_time_qualifier_code.get()),
        ];
        Some(joined(&elements, '*'))
    }
}

/// Reads the JSON under `options`: rows and drops, or why the whole response gives none.
pub(super) fn read(
    office: &EligibilityLookups,
    input: &[u8],
    options: ReadOptions,
) -> Result<Eligibility, EligibilityErrorKind> {
    let response = parse(input)?;
    if let Some(first) = reported(&response) {
        return Err(EligibilityErrorKind::JsonProcessingError {
            field: short_code(first.field.get()),
            code: short_code(first.code.get()),
        });
    }
    let response_plan = ResponsePlan {
        subscriber: response.subscriber.map(|p| p.group_number),
        dependent: response
            .dependents
            .as_ref()
            .and_then(|d| d.first())
            .map(|p| Text(p.group_number.0.clone())),
        plan: response.plan_information.map(|p| p.group_number),
        dates: response.plan_date_information,
    };
    let entries = response.benefits_information.unwrap_or_default();
    let texts: Vec<(String, Option<String>)> = entries.iter().map(|e| (e.eb(), e.hsd())).collect();
    let segments: Vec<(Segment<'_>, Option<Segment<'_>>)> = texts
        .iter()
        .enumerate()
        .map(|(i, (eb, hsd))| {
            (
                Segment::rebuilt(i, eb, DELIMITERS.element),
                hsd.as_deref()
                    .map(|h| Segment::rebuilt(i, h, DELIMITERS.element)),
            )
        })
        .collect();
    let a_dependent = response.dependents.as_ref().is_some_and(|d| !d.is_empty());
    let items: Vec<Item<'_>> = segments
        .iter()
        .zip(&entries)
        .map(|((eb, hsd), entry)| Item {
            eb,
            hsd: hsd.as_ref(),
            loop_id: BenefitLoop::Unknown,
            after_first_transaction: false,
            unread: None,
            rejected: None,
            says_waiting: entry.says_waiting(),
        })
        .collect();
    let mut read = if options.rules == RuleSet::Faithful && a_dependent {
        loop_unknown(&segments)
    } else {
        build::rows(office, &items, DELIMITERS, options)
    };
    let has_dependent = a_dependent;
    read.amounts = used::amounts(&items, used::Loops::Json { has_dependent });
    read.source = EligibilitySource::Json;
    read.dependent = options.dependent;
    read.shows_dependent = a_dependent;
    read.ended = true;
    read.plan = carrier_plan(&response_plan, &entries);
    Ok(read)
}

/// What the response says of the plan (notes §5.8): the group number of the subscriber, else
/// the dependent, else `planInformation`, else the first entry's; coverage inactive (an entry
/// with code 6, 7 or 8); the policy dates (`policyEffective`/`policyExpiration`), else the plan's
/// (`planBegin`/`planEnd`), as the X12's 539/540 and 346/347.
fn carrier_plan(response: &ResponsePlan, entries: &[Entry]) -> CarrierPlan {
    let group_number = [
        response.subscriber.as_ref(),
        response.dependent.as_ref(),
        response.plan.as_ref(),
    ]
    .into_iter()
    .flatten()
    .chain(entries.iter().filter_map(|e| {
        e.benefits_additional_information
            .as_ref()
            .map(|g| &g.group_number)
    }))
    .map(|g| g.get().trim())
    .find(|g| !g.is_empty())
    .map(str::to_owned);
    let dates = response.dates.as_ref();
    let date = |pick: fn(&PlanDates) -> &Text| dates.and_then(|d| plan::to_date(pick(d).get()));
    let policy =
        dates.is_some_and(|d| d.policy_effective.0.is_some() || d.policy_expiration.0.is_some());
    let (starts, ends) = match policy {
        true => (
            date(|d| &d.policy_effective),
            date(|d| &d.policy_expiration),
        ),
        false => (date(|d| &d.plan_begin), date(|d| &d.plan_end)),
    };
    CarrierPlan {
        group_number,
        group_number_withheld: false,
        inactive: entries
            .iter()
            .any(|e| super::plan::is_inactive(e.code.get())),
        starts,
        ends,
    }
}

/// The plan's parts of the response, taken before its entries are read.
struct ResponsePlan {
    subscriber: Option<Text>,
    dependent: Option<Text>,
    plan: Option<Text>,
    dates: Option<PlanDates>,
}

/// `Faithful` reads only the patient's own loop, which the JSON does not name once the
/// response has a dependent (§6.1): every entry drops, `unknown_loop`, rather than be guessed
/// into a loop. (With no dependent there is no 2110D: every entry is the subscriber's, the
/// one loop, and is read.)
fn loop_unknown(segments: &[(Segment<'_>, Option<Segment<'_>>)]) -> Eligibility {
    Eligibility {
        dropped: segments
            .iter()
            .map(|(eb, _)| DroppedSegment {
                ordinal: eb.ordinal,
                loop_id: BenefitLoop::Unknown,
                reason: DropReason::UnknownLoop,
                segment: eb.text.to_owned(),
            })
            .collect(),
        ..Eligibility::default()
    }
}

/// The first error the clearinghouse or a payer reported: `errors[]`, then every `aaaErrors`.
fn reported(response: &Response) -> Option<&Reported> {
    let parties = [&response.payer, &response.provider, &response.subscriber]
        .into_iter()
        .flatten()
        .chain(response.dependents.iter().flatten());
    response
        .errors
        .iter()
        .flatten()
        .chain(parties.flat_map(|p| p.aaa_errors.iter().flatten()))
        .next()
}

/// The response, or why the input is not one: not a JSON object, not readable as this shape,
/// or neither `benefitsInformation` nor `errors` in it (§5.9).
fn parse(input: &[u8]) -> Result<Response, EligibilityErrorKind> {
    let not = |why: String| EligibilityErrorKind::NotEligibilityJson(why);
    let body = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(not("it is not a JSON object".to_owned()));
    }
    // The fast path reads a checked `&str` (serde_json then skips its own check of every
    // string); only a failure is read again with its path tracked, to say where.
    let fast = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str::<Response>(text),
        Err(_) => serde_json::from_slice(body),
    };
    let response = match fast {
        Ok(response) => response,
        Err(first) => {
            let mut de = serde_json::Deserializer::from_slice(body);
            let why = match serde_path_to_error::deserialize::<_, Response>(&mut de) {
                Err(e) => describe(e.inner(), &e.path().to_string()),
                // Trailing characters: the value itself was fine.
                Ok(_) => describe(&first, ""),
            };
            return Err(not(why));
        }
    };
    if response.benefits_information.is_none() && response.errors.is_none() {
        return Err(not(
            "it has neither benefitsInformation nor errors".to_owned()
        ));
    }
    Ok(response)
}

/// Why the JSON is not this shape: serde_json's category, where, and the path when it is made
/// of plain names only. Never serde's wording, which quotes values (member data, maybe).
fn describe(error: &serde_json::Error, path: &str) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Syntax => "it is not valid JSON",
        Category::Eof => "the JSON ends too early",
        Category::Data => {
            "a value has the wrong type (a code or number must be a string or a number)"
        }
        Category::Io => "it could not be read",
    };
    let plain = path.len() <= 120
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._[]?".contains(&b));
    let at = format!("line {}, column {}", error.line(), error.column());
    match plain && path != "." && !path.is_empty() {
        true => format!("{what} (at {path}, {at})"),
        false => format!("{what} ({at})"),
    }
}
