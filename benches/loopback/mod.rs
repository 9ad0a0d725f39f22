//! A loopback collector in a child process (the benchmark's own binary,
//! run with `collector`), so that its CPU is not counted as the
//! benchmark's: it accepts everything, says where it listens, and answers
//! questions about what it received on its stdin.

#![allow(dead_code)] // Each benchmark asks what it needs.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::collector::{Behaviour, Collector};

/// The child collector, and where it listens.
pub struct Loopback {
    child: Child,
    answers: BufReader<ChildStdout>,
    pub endpoint: String,
}

impl Loopback {
    /// Starts the child; the benchmark's `main` calls [`serve`] in it.
    pub fn start() -> Loopback {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .arg("collector")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the collector starts");
        let mut answers = BufReader::new(child.stdout.take().expect("its stdout"));
        let endpoint = line(&mut answers);
        Loopback {
            child,
            answers,
            endpoint,
        }
    }

    /// How many spans it received.
    pub fn spans(&mut self) -> usize {
        self.ask("count").parse().expect("a count")
    }

    /// What it received as trees, runs of `size` spans.
    pub fn trees(&mut self, size: usize) -> Trees {
        let answer = self.ask(&format!("trees {size}"));
        let numbers: Vec<usize> = answer
            .split_whitespace()
            .map(|n| n.parse().expect("a number"))
            .collect();
        Trees {
            spans: numbers[0],
            traces: numbers[1],
            whole: numbers[2],
            orphans: numbers[3],
            reweighted: numbers[4],
        }
    }

    fn ask(&mut self, question: &str) -> String {
        let stdin = self.child.stdin.as_mut().expect("its stdin");
        writeln!(stdin, "{question}").expect("the collector listens");
        line(&mut self.answers)
    }
}

/// What a collector received, as trees.
pub struct Trees {
    pub spans: usize,
    pub traces: usize,
    /// Traces of the run's size.
    pub whole: usize,
    /// Spans whose parent it never received.
    pub orphans: usize,
    /// The runs received, each counted as the runs it stands for (its
    /// sampling threshold's adjusted count).
    pub reweighted: usize,
}

impl Drop for Loopback {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn line(answers: &mut impl BufRead) -> String {
    let mut line = String::new();
    answers.read_line(&mut line).expect("the collector answers");
    line.trim().to_owned()
}

/// The child: a collector that accepts everything, says where it listens,
/// and answers `count` and `trees SIZE` until its stdin closes.
pub fn serve() {
    let collector = Collector::start(Behaviour::Accept);
    println!("{}", collector.endpoint());
    for question in std::io::stdin().lock().lines() {
        let Ok(question) = question else {
            break;
        };
        let spans = collector.spans();
        match question.split_once(' ') {
            Some(("trees", size)) => {
                let size: usize = size.parse().unwrap_or(0);
                let ids: HashSet<&[u8]> = spans.iter().map(|(_, s)| &s.span_id[..]).collect();
                let mut traces: HashMap<&[u8], usize> = HashMap::new();
                let mut orphans = 0;
                for (_, span) in &spans {
                    *traces.entry(&span.trace_id[..]).or_default() += 1;
                    if !span.parent_span_id.is_empty() && !ids.contains(&span.parent_span_id[..]) {
                        orphans += 1;
                    }
                }
                let whole = traces.values().filter(|n| **n == size).count();
                // Each run received, counted as the runs it stands for.
                let reweighted: f64 = spans
                    .iter()
                    .filter(|(_, span)| span.parent_span_id.is_empty())
                    .map(|(_, span)| adjusted_count(&span.trace_state))
                    .sum();
                println!(
                    "{} {} {whole} {orphans} {reweighted:.0}",
                    spans.len(),
                    traces.len()
                );
            }
            _ => println!("{}", spans.len()),
        }
    }
}

/// The runs a span kept at `trace_state`'s threshold stands for: 2^56 /
/// (2^56 - th), 1 without one.
fn adjusted_count(trace_state: &str) -> f64 {
    let th = trace_state
        .split(',')
        .filter_map(|member| member.trim().strip_prefix("ot="))
        .flat_map(|ot| ot.split(';'))
        .find_map(|field| field.strip_prefix("th:"));
    let Some(th) = th else {
        return 1.0;
    };
    let padded = format!("{th:0<14}");
    let threshold = u64::from_str_radix(&padded, 16).unwrap_or(0);
    let space = (1_u64 << 56) as f64;
    space / (space - threshold as f64)
}
