//! A carrier's 271 read side by side, in one run on the same files: the SDK's `read_271`
//! (tokenize and map, both rule sets) against node-x12, npm's most used X12 parser, parsing
//! each file and reading every EB segment's elements (`benches/x12-node/parse.js`). Also MB/s
//! and memory on a large interchange (1,000 transactions), and a clearinghouse's JSON twins of
//! files 01–03 (`read_eligibility`) beside the same files in X12, in the same run.
//!
//! ```text
//! cargo bench --bench x12              # the full run, with node-x12 (needs Node.js and npm)
//! cargo bench --bench x12 -- --smoke   # small counts, the SDK only: every file reads
//! cargo bench --bench x12 -- --no-node # full counts, the SDK only (X12 and JSON)
//! X12_PROFILE_ITERATIONS=200000 [X12_PROFILE_FILE=3] target/release/deps/x12-…   # one fixture, for a profiler
//! ```

mod heap;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use benefits_sdk::opendental::eligibility::{
    Eligibility, EligibilityInput, EligibilityLookups, ReadOptions, RuleSet, read_271,
    read_eligibility,
};
use benefits_sdk::opendental::{CodeNum, CovCat, CovCatNum, EbenefitCategory, ProcedureCode};
use heap::peak_heap;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

const FIXTURES: [&str; 4] = [
    "271-01-subscriber-ppo.edi",
    "271-02-network-split.edi",
    "271-03-dependent.edi",
    "271-04-alt-delimiters.edi",
];
const LARGE: &str = "271-large-1000-transactions.edi";
/// The JSON twins of files 01–03 (`tests/fixtures/eligibility-json/`).
const JSON_TWINS: [(&str, &str); 3] = [
    ("01-subscriber-ppo.json", "271-01-subscriber-ppo.edi"),
    ("02-network-split.json", "271-02-network-split.edi"),
    ("03-dependent.json", "271-03-dependent.edi"),
];

fn office() -> EligibilityLookups {
    let cats: Vec<CovCat> = EbenefitCategory::KNOWN
        .iter()
        .skip(1)
        .zip(1..)
        .map(|(c, n)| CovCat::new(CovCatNum::new(n), c.as_str(), c.clone()))
        .collect();
    // An office's code table is hundreds of codes; the fixtures' among them.
    let mut codes: Vec<ProcedureCode> = (0..600)
        .map(|n| ProcedureCode::new(CodeNum::new(n + 1000), format!("D{:04}", 9000 + n), ""))
        .collect();
    let named = [
        "D0120", "D1110", "D0274", "D0330", "D0210", "D1351", "D2950", "D1120",
    ];
    let more = ["D1206", "D0150", "D4910"];
    for (code, n) in named.into_iter().chain(more).zip(1..) {
        codes.push(ProcedureCode::new(CodeNum::new(n), code, ""));
    }
    EligibilityLookups::new(&cats, &codes).expect("every category")
}

/// File 01's transaction 1,000 times in one interchange, each with its own control number.
fn large_interchange(first: &str) -> String {
    let start = first.find("ST*271").expect("a transaction");
    let end = first.find("GE*").expect("a group trailer");
    let (head, body, tail) = (&first[..start], &first[start..end], &first[end..]);
    let mut text = String::from(head);
    for n in 1..=1000 {
        let numbered = body
            .replace("ST*271*0001*", &format!("ST*271*{n:04}*"))
            .replace("*0001~", &format!("*{n:04}~"));
        text.push_str(&numbered);
    }
    text.push_str(&tail.replacen("GE*1*", "GE*1000*", 1));
    text
}

struct Ours {
    seconds: f64,
    peak: usize,
    read: Eligibility,
}

fn ours(text: &[u8], office: &EligibilityLookups, rules: RuleSet, iterations: u32) -> Ours {
    let options = ReadOptions::new().rules(rules);
    let (read, peak) = peak_heap(|| read_271(office, text, options).expect("a 271"));
    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(read_271(office, std::hint::black_box(text), options).unwrap());
    }
    Ours {
        seconds: start.elapsed().as_secs_f64(),
        peak,
        read,
    }
}

/// A clearinghouse's JSON read `iterations` times, as `ours` reads X12.
fn ours_json(text: &[u8], office: &EligibilityLookups, rules: RuleSet, iterations: u32) -> Ours {
    let options = ReadOptions::new().rules(rules);
    let read_once = || read_eligibility(office, EligibilityInput::Json(text), options);
    let (read, peak) = peak_heap(|| read_once().expect("eligibility JSON"));
    let start = Instant::now();
    for _ in 0..iterations {
        let input = EligibilityInput::Json(std::hint::black_box(text));
        std::hint::black_box(read_eligibility(office, input, options).unwrap());
    }
    Ours {
        seconds: start.elapsed().as_secs_f64(),
        peak,
        read,
    }
}

/// Each JSON twin beside its X12 file: time per read and MB/s of each form's own bytes.
fn json_table(root: &Path, office: &EligibilityLookups, iterations: u32) {
    println!();
    println!(
        "| JSON file | bytes | JSON Faithful | JSON OpenDental | X12 twin bytes | X12 twin Faithful | JSON peak heap |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (json, edi) in JSON_TWINS {
        let text = std::fs::read(root.join("tests/fixtures/eligibility-json").join(json))
            .expect("the JSON twin");
        let x12 = std::fs::read(root.join("tests/fixtures/x12-271").join(edi)).expect("the X12");
        let faithful = ours_json(&text, office, RuleSet::Faithful, iterations);
        let od = ours_json(&text, office, RuleSet::OpenDental, iterations);
        let twin = ours(&x12, office, RuleSet::Faithful, iterations);
        assert_eq!(
            ebs(&faithful.read),
            ebs(&twin.read),
            "{json}: every entry read"
        );
        let cell = |s: f64, bytes: usize| {
            let per_read = s / f64::from(iterations);
            format!(
                "{:.1} µs, {:.0} MB/s",
                per_read * 1e6,
                bytes as f64 / per_read / 1e6
            )
        };
        println!(
            "| {json} | {} | {} | {} | {} | {} | {} KiB |",
            text.len(),
            cell(faithful.seconds, text.len()),
            cell(od.seconds, text.len()),
            x12.len(),
            cell(twin.seconds, x12.len()),
            faithful.peak / 1024,
        );
    }
}

/// Every EB segment, read once: a row, a drop, or both.
fn ebs(read: &Eligibility) -> usize {
    let mut ordinals: Vec<usize> = read.rows.iter().map(|r| r.ordinal).collect();
    ordinals.extend(read.dropped.iter().map(|d| d.ordinal));
    ordinals.sort_unstable();
    ordinals.dedup();
    ordinals.len()
}

struct Node {
    seconds: f64,
    ebs: usize,
    held: i64,
}

/// node-x12 on the same files, in the same run. Installs its pinned version with `npm ci`.
fn node(dir: &Path, files: &[(PathBuf, u32)]) -> Vec<Node> {
    let run = |cmd: &mut Command, what: &str| {
        let out = cmd.output().unwrap_or_else(|e| {
            panic!("{what}: {e}. Install Node.js and npm (apt-get install nodejs npm)")
        });
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    if !dir.join("node_modules/node-x12").exists() {
        run(
            Command::new("npm")
                .args(["ci", "--silent"])
                .current_dir(dir),
            "npm ci",
        );
    }
    files
        .iter()
        .map(|(file, iterations)| {
            let mut cmd = Command::new("node");
            cmd.arg("--expose-gc")
                .arg(dir.join("parse.js"))
                .arg(iterations.to_string());
            let line = run(cmd.arg(file), "node parse.js");
            let v: serde_json::Value = serde_json::from_slice(&line).expect("a JSON line");
            Node {
                seconds: v["seconds"].as_f64().unwrap_or(f64::NAN),
                ebs: v["ebs"].as_u64().unwrap_or(0) as usize,
                held: v["heldBytes"].as_i64().unwrap_or(0),
            }
        })
        .collect()
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let no_node = smoke || std::env::args().any(|a| a == "--no-node");
    if let Ok(n) = std::env::var("X12_PROFILE_ITERATIONS") {
        // For a profiler: one fixture (X12_PROFILE_FILE, 0-based; default 01) under Faithful.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let which: usize = std::env::var("X12_PROFILE_FILE").map_or(0, |f| f.parse().unwrap_or(0));
        let text =
            std::fs::read(root.join("tests/fixtures/x12-271").join(FIXTURES[which])).unwrap();
        let r = ours(
            &text,
            &office(),
            RuleSet::Faithful,
            n.parse().unwrap_or(100_000),
        );
        println!(
            "{:.2} µs per read",
            r.seconds * 1e6 / n.parse::<f64>().unwrap_or(100_000.0)
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures/x12-271");
    let scratch = root.join("target/x12-bench");
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let first = std::fs::read_to_string(fixtures.join(FIXTURES[0])).expect("fixture 01");
    let large = scratch.join(LARGE);
    std::fs::write(&large, large_interchange(&first)).expect("the large file");
    let (small_n, large_n) = if smoke { (5, 1) } else { (20_000, 40) };
    let mut files: Vec<(PathBuf, u32)> = FIXTURES
        .iter()
        .map(|f| (fixtures.join(f), small_n))
        .collect();
    files.push((large, large_n));

    let office = office();
    let baseline = if no_node {
        Vec::new()
    } else {
        node(&root.join("benches/x12-node"), &files)
    };
    println!(
        "| file | bytes | SDK Faithful | SDK OpenDental | node-x12 | Faithful ÷ node-x12 | SDK peak heap | node-x12 heap held |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (i, (file, n)) in files.iter().enumerate() {
        let text = std::fs::read(file).expect("the file");
        let faithful = ours(&text, &office, RuleSet::Faithful, *n);
        let od = ours(&text, &office, RuleSet::OpenDental, *n);
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        assert!(!faithful.read.rows.is_empty(), "{name}: no rows");
        let per_read = |s: f64| s / f64::from(*n);
        let rate = |s: f64| text.len() as f64 / per_read(s) / 1e6;
        let cell = |s: f64| format!("{:.1} µs, {:.0} MB/s", per_read(s) * 1e6, rate(s));
        let (node_cell, ratio, held) = match baseline.get(i) {
            Some(b) => {
                // Each reads every EB segment of the first transaction at least.
                assert!(
                    b.ebs >= ebs(&faithful.read),
                    "{name}: node-x12 saw fewer EBs"
                );
                let r = b.seconds / faithful.seconds;
                (
                    cell(b.seconds),
                    format!("{r:.1}×"),
                    format!("{} KiB", b.held / 1024),
                )
            }
            None => ("-".into(), "-".into(), "-".into()),
        };
        println!(
            "| {name} | {} | {} | {} | {node_cell} | {ratio} | {} KiB | {held} |",
            text.len(),
            cell(faithful.seconds),
            cell(od.seconds),
            faithful.peak / 1024,
        );
    }
    json_table(root, &office, small_n);
}
