//! Micro-benchmarks: decoding pages and the benefit check, encoding a new benefit, signing.
//!
//! ```text
//! cargo bench --bench decode
//! ```

mod baseline;

use std::hint::black_box;

use baseline::{PlainBenefit, PlainCheck, benefit_page, fixture};
use benefits_sdk::cervey::{BenefitCheck, NtcSigner};
use benefits_sdk::opendental::{Benefit, CodeGroupNum, NewBenefit, PlanNum, TreatArea};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn decode_pages(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_page");
    for rows in [100u64, 1000] {
        let body = benefit_page(1, rows);
        group.throughput(Throughput::Elements(rows));
        // As the client decodes a response (the copy into `Bytes` included), and as a caller's
        // own `serde_json::from_slice` does.
        group.bench_with_input(BenchmarkId::new("sdk_client", rows), &body, |b, body| {
            b.iter(|| benefits_sdk::opendental::Benefit::page_from_json(black_box(body)).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("sdk_from_slice", rows),
            &body,
            |b, body| b.iter(|| serde_json::from_slice::<Vec<Benefit>>(black_box(body)).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json_value", rows),
            &body,
            |b, body| {
                b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(body)).unwrap())
            },
        );
        group.bench_with_input(
            BenchmarkId::new("plain_f64_string", rows),
            &body,
            |b, body| {
                b.iter(|| serde_json::from_slice::<Vec<PlainBenefit>>(black_box(body)).unwrap())
            },
        );
    }
    group.finish();
}

fn decode_check(c: &mut Criterion) {
    let body = fixture("benefitcheck_sample.json").into_bytes();
    let mut group = c.benchmark_group("decode_benefit_check");
    group.bench_function("sdk_client", |b| {
        b.iter(|| benefits_sdk::cervey::BenefitCheck::from_json(black_box(&body)).unwrap())
    });
    group.bench_function("sdk_from_slice", |b| {
        b.iter(|| serde_json::from_slice::<BenefitCheck>(black_box(&body)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.bench_function("plain_f64_string", |b| {
        b.iter(|| serde_json::from_slice::<PlainCheck>(black_box(&body)).unwrap())
    });
    group.finish();
}

fn encode_new_benefit(c: &mut Criterion) {
    let new = NewBenefit::every_n_years(PlanNum::new(12), 2)
        .code_group_num(CodeGroupNum::new(3))
        .treat_area(TreatArea::Quad);
    c.bench_function("encode_new_benefit", |b| {
        b.iter(|| {
            black_box(&new).validate().unwrap();
            serde_json::to_vec(black_box(&new)).unwrap()
        })
    });
}

fn sign(c: &mut Criterion) {
    let signer = NtcSigner::new(
        "0F4575AB5CDE496E96A2C8CEC4AEFE57C82C007A29974A8E8D4335F70CC140F9",
        "RsMhYGkrSq9ty7+t2vG3kdcJSLbDbrwn13+ldP6KoXY=",
    )
    .unwrap();
    let url = "https://claimsapi.cervey.com/api/benefitcheck?memberNo=1234567&benefitCodeNo=12&dateOfService=2025-07-16&excludeClaimsAfterDateOfService=true";
    c.bench_function("ntc_sign_benefit_check_url", |b| {
        // As the client signs each attempt: the clock, a fresh nonce, the HMAC.
        b.iter(|| signer.authorization_now("GET", black_box(url)))
    });
}

criterion_group!(
    benches,
    decode_pages,
    decode_check,
    encode_new_benefit,
    sign
);
criterion_main!(benches);
