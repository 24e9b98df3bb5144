//! The run's figures (requests per endpoint, statuses, the slowest request, peak
//! memory) and its findings, printed so they can be quoted.

use crate::send::{preview, Answer, Shot};
use std::{collections::BTreeMap, fmt::Write, time::Duration};

/// Findings kept per endpoint and kind of problem; the rest are only counted.
const EXAMPLES_MAX: usize = 2;

#[derive(Default)]
pub struct Figures {
    pub database: &'static str,
    /// Requests sent per endpoint or route, and how many answered 2xx/3xx/4xx/5xx.
    pub sent: BTreeMap<String, [u64; 4]>,
    pub unsendable: u64,
    pub server_errors: u64,
    pub panics: u64,
    pub error_logs: u64,
    pub too_large: u64,
    pub slow: u64,
    pub memory: u64,
    pub slowest: (Duration, String),
    /// Resident memory before the first request (the seeded workspace, the router,
    /// and whatever an earlier test in this process left), then the peak, and the
    /// request that grew it most.
    pub start_kib: u64,
    pub peak_kib: u64,
    pub most_grown: (u64, String),
    /// Resident memory kept after requests, summed per endpoint (a leak shows here).
    pub kept: BTreeMap<String, i64>,
    pub findings: Vec<String>,
    /// Valid samples (and pages with real ids) the admin's first request did not
    /// succeed with: those endpoints would be fuzzed less deep.
    pub refused_samples: Vec<String>,
    /// Problems found, by endpoint and kind, including those not kept as examples.
    pub problems: BTreeMap<(String, String), u64>,
}

impl Figures {
    pub fn new(database: &'static str) -> Self {
        Figures {
            database,
            start_kib: crate::watch::resident_kib().unwrap_or(0),
            ..Figures::default()
        }
    }

    pub fn record(&mut self, shot: &Shot, answer: &Answer, problems: &[String]) {
        let tally = self.sent.entry(shot.label.clone()).or_default();
        if let Some(status) = answer.status {
            let class = usize::from(status.as_u16() / 100).clamp(2, 5) - 2;
            tally[class] += 1;
            self.server_errors += u64::from(status.is_server_error());
        }
        self.peak_kib = self.peak_kib.max(answer.peak_kib);
        if answer.grew_kib > self.most_grown.0 {
            self.most_grown = (
                answer.grew_kib,
                format!("{} {}", shot.method, cut(&shot.uri)),
            );
        }
        *self.kept.entry(shot.label.clone()).or_default() += answer.kept_kib;
        if answer.elapsed > self.slowest.0 {
            self.slowest = (
                answer.elapsed,
                format!("{} {}", shot.method, cut(&shot.uri)),
            );
        }
        let has = |word: &str| problems.iter().any(|p| p.contains(word));
        self.panics += u64::from(has("panic"));
        self.error_logs += u64::from(has("ERROR log"));
        self.too_large += u64::from(has("bytes"));
        self.memory += u64::from(has("memory grew"));
        self.slow += u64::from(has("took"));
        for problem in problems {
            let kind = problem.chars().take(60).collect::<String>();
            let seen = self.problems.entry((shot.label.clone(), kind)).or_default();
            *seen += 1;
            if *seen as usize <= EXAMPLES_MAX {
                self.findings
                    .push(finding(self.database, shot, answer, problem));
            }
        }
    }

    /// The table and totals.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let db = self.database;
        let _ = writeln!(out, "\n== fuzz figures, {db} ==");
        let _ = writeln!(
            out,
            "{:<28} {:>6} {:>5} {:>5} {:>5} {:>4}",
            "endpoint / route", "sent", "2xx", "3xx", "4xx", "5xx"
        );
        let mut total = 0;
        for (label, [ok, redirect, client, server]) in &self.sent {
            let sent = ok + redirect + client + server;
            total += sent;
            let _ = writeln!(
                out,
                "{:<28} {sent:>6} {ok:>5} {redirect:>5} {client:>5} {server:>4}",
                cut(label)
            );
        }
        let _ = writeln!(
            out,
            "{db}: {total} requests over {} endpoints and routes ({} not valid HTTP, not sent); \
             5xx: {}; panics: {}; ERROR events: {}; answers over the size bound: {}; \
             slower than the bound: {}; requests over the memory bound: {}; slowest: {} ms ({}); peak memory (VmHWM of the whole test process): {} MB \
             ({} MB resident before the first request), most one request added: {} MB ({})",
            self.sent.len(),
            self.unsendable,
            self.server_errors,
            self.panics,
            self.error_logs,
            self.too_large,
            self.slow,
            self.memory,
            self.slowest.0.as_millis(),
            self.slowest.1,
            self.peak_kib / 1024,
            self.start_kib / 1024,
            self.most_grown.0 / 1024,
            self.most_grown.1,
        );
        let mut kept: Vec<(&String, &i64)> = self.kept.iter().collect();
        kept.sort_by_key(|(_, kib)| -**kib);
        let kept: Vec<String> = kept
            .iter()
            .take(5)
            .map(|(label, kib)| format!("{label} {} MB", **kib / 1024))
            .collect();
        let _ = writeln!(
            out,
            "{db}: resident memory kept after requests, most by endpoint: {}",
            kept.join(", ")
        );
        let _ = writeln!(
            out,
            "{db}: valid samples and pages the admin's first request did not succeed with: {}",
            if self.refused_samples.is_empty() {
                "none".into()
            } else {
                self.refused_samples.join("; ")
            }
        );
        if !self.problems.is_empty() {
            let _ = writeln!(out, "\n{db}: problems by endpoint (count):");
            for ((label, kind), count) in &self.problems {
                let _ = writeln!(out, "  {count:>5}  {label}: {kind}");
            }
            let _ = writeln!(out, "\n{db}: examples:\n{}", self.findings.join("\n"));
        }
        out
    }
}

fn finding(db: &str, shot: &Shot, answer: &Answer, problem: &str) -> String {
    let status = answer.status.map_or("none".into(), |s| s.to_string());
    format!(
        "- [{db}] {} as {:?}: {problem}\n  input: {}\n  request: {} {} ({}, {} bytes) {}\n  answer: {status} in {} ms: {}",
        shot.label,
        shot.who,
        shot.note,
        shot.method,
        cut(&shot.uri),
        shot.content_type.unwrap_or("no body type"),
        shot.body.len(),
        shot.body.preview(),
        answer.elapsed.as_millis(),
        preview(&answer.body, 400),
    )
}

fn cut(text: &str) -> String {
    preview(text.as_bytes(), 200)
}
