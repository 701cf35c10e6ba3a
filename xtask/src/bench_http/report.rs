//! What `bench-http` prints: per backend and table size the measured workloads with their
//! ratios, then the targets (reported, not asserted), how cost grows with the table, memory
//! and start-up.

use std::time::Duration;

use super::fixture::{Backend, Backlog, UPDATE_IDS};
use super::footprint::{median, Memory};
use super::postgraphile::{self, NO_SEARCH};
use super::workloads::{Workload, ALL};
use super::wrk::Sample;
use super::SETTLE_LIMIT;

/// The metacore server's name in the tables.
pub const METACORE: &str = "metacore";
/// The baseline server's name in the tables.
pub const BASELINE: &str = "baseline";

/// One table's identity: a backend at a table size.
#[derive(Clone, Copy, PartialEq)]
pub struct Table {
    /// The database.
    pub backend: Backend,
    /// Seeded rows of the benchmarked organisation.
    pub rows: usize,
}

/// A measured workload, or why it was not measured.
pub struct Measured {
    /// Where.
    pub table: Table,
    /// What.
    pub workload: Workload,
    /// Which server.
    pub server: &'static str,
    /// The numbers, or the reason for none.
    pub result: Result<Sample, String>,
    /// When some answers failed: the first failure seen in a diagnosis run.
    pub first_error: Option<String>,
}

/// Everything one run found.
#[derive(Default)]
pub struct Report {
    /// Every workload on every server.
    pub measured: Vec<Measured>,
    /// Each server's memory right after the list-page-1 load.
    pub memory: Vec<(Table, &'static str, Result<Memory, String>)>,
    /// `metacore-app serve` start-up times.
    pub startups: Vec<(Table, Result<Vec<Duration>, String>)>,
    /// How long each table took to seed.
    pub seeding: Vec<(Table, Duration)>,
    /// Tables that could not be measured, and why.
    pub failures: Vec<(Table, String)>,
    /// After each measured write run of metacore: how far its event consumers trailed.
    pub backlogs: Vec<(Table, Workload, Backlog)>,
}

impl Report {
    /// Requests per second of `workload` on `server`, when measured.
    fn per_second(&self, table: Table, workload: Workload, server: &str) -> Option<f64> {
        self.measured
            .iter()
            .find(|m| m.table == table && m.workload == workload && m.server == server)
            .and_then(|m| m.result.as_ref().ok())
            .map(Sample::per_second)
    }

    /// The tables measured, in order.
    fn tables(&self) -> Vec<Table> {
        let mut tables: Vec<Table> = Vec::new();
        for measured in &self.measured {
            if !tables.contains(&measured.table) {
                tables.push(measured.table);
            }
        }
        tables
    }

    /// Prints every table, the targets, growth, memory and start-up, then the notes.
    pub fn print(&self, settings: &str) {
        println!("\n{settings}");
        let mut notes = Vec::new();
        for table in self.tables() {
            self.print_table(table, &mut notes);
        }
        self.print_targets();
        self.print_growth();
        self.print_footprint();
        println!("\nNotes:");
        println!(
            "* {}: PostgreSQL only; no JWT check and no row-level security (the organisation \
             is a `condition` argument); search n/a: {NO_SEARCH}.",
            postgraphile::NAME
        );
        for note in notes {
            println!("* {note}");
        }
        self.print_backlogs();
        for (table, error) in &self.failures {
            println!(
                "* {}, {} rows: not measured: {error}",
                table.backend.name(),
                thousands(table.rows)
            );
        }
    }

    fn print_table(&self, table: Table, notes: &mut Vec<String>) {
        let seeded = self
            .seeding
            .iter()
            .find(|(t, _)| *t == table)
            .map(|(_, time)| format!(" (seeded in {:.1} s)", time.as_secs_f64()))
            .unwrap_or_default();
        println!(
            "\n### {}, {} rows{seeded}\n",
            table.backend.name(),
            thousands(table.rows)
        );
        println!(
            "Reads first (they see exactly the seeded rows); create: a fresh ticket number per \
             request; update: PATCH of the title, rotating over {} seeded tickets (each wrk \
             thread from its own offset).\n",
            thousands(UPDATE_IDS)
        );
        println!(
            "| workload | server | req/s | p50 | p99 | metacore/baseline | metacore/PostGraphile |"
        );
        println!("|---|---|---|---|---|---|---|");
        for workload in ALL {
            for measured in self
                .measured
                .iter()
                .filter(|m| m.table == table && m.workload == workload)
            {
                self.print_row(measured, notes);
            }
        }
    }

    fn print_row(&self, measured: &Measured, notes: &mut Vec<String>) {
        let Measured {
            table,
            workload,
            server,
            ..
        } = *measured;
        let label = format!("| {} | {server} |", workload.name());
        let name = format!(
            "{}, {} rows: {} on {server}",
            table.backend.name(),
            thousands(table.rows),
            workload.name()
        );
        let sample = match &measured.result {
            Ok(sample) => sample,
            Err(e) => {
                println!("{label} n/a | — | — | — | — |");
                // PostGraphile's missing search is explained once, below the tables.
                if e != NO_SEARCH {
                    notes.push(format!("{name} not measured: {e}"));
                }
                return;
            }
        };
        let ratio = |other: &str| {
            if server != METACORE {
                return "—".to_string();
            }
            match self.per_second(table, workload, other) {
                Some(theirs) => format!("{:.2}", sample.per_second() / theirs),
                None => "n/a".into(),
            }
        };
        println!(
            "{label} {:.0} | {} | {} | {} | {} |",
            sample.per_second(),
            millis(sample.p50_micros),
            millis(sample.p99_micros),
            ratio(BASELINE),
            ratio(postgraphile::NAME)
        );
        if sample.non_2xx + sample.socket_errors > 0 {
            let first = match &measured.first_error {
                Some(error) => format!("; the first failed answer of a diagnosis run: {error}"),
                None => String::new(),
            };
            notes.push(format!(
                "{name}: {} of {} answers not 2xx/3xx, {} socket errors (connect, read, write, \
                 timeout){first}",
                sample.non_2xx, sample.requests, sample.socket_errors
            ));
        }
    }

    /// The workload ratios of each server, and metacore against the others.
    fn print_targets(&self) {
        println!("\nTargets (reported, not asserted; req/s ratios within the same run):\n");
        println!(
            "| backend | rows | server | list/get ≥ 0.4 | filter+sort/get ≥ 0.3 | search/get ≥ 0.2 \
             | page 400/get ≥ 0.2 | metacore/baseline ≥ 0.8 (lowest) | metacore/PostGraphile ≥ 3 \
             (get, list, create) |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        for table in self.tables() {
            for server in [METACORE, BASELINE] {
                let get = self.per_second(table, Workload::Get, server);
                let of_get = |workload: Workload, target: f64| match (
                    self.per_second(table, workload, server),
                    get,
                ) {
                    (Some(rps), Some(get)) => verdict(rps / get, target, true),
                    _ => "n/a".into(),
                };
                let (versus_baseline, versus_postgraphile) = if server == METACORE {
                    (self.lowest_ratio(table), self.postgraphile_ratios(table))
                } else {
                    ("—".into(), "—".into())
                };
                println!(
                    "| {} | {} | {server} | {} | {} | {} | {} | {versus_baseline} | \
                     {versus_postgraphile} |",
                    table.backend.name(),
                    thousands(table.rows),
                    of_get(Workload::List, 0.4),
                    of_get(Workload::FilterSort, 0.3),
                    of_get(Workload::Search, 0.2),
                    of_get(Workload::DeepPage, 0.2),
                );
            }
        }
    }

    /// The lowest metacore/baseline ratio over the workloads, and which.
    fn lowest_ratio(&self, table: Table) -> String {
        ALL.iter()
            .filter_map(|&w| {
                let ours = self.per_second(table, w, METACORE)?;
                Some((ours / self.per_second(table, w, BASELINE)?, w))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(ratio, w)| format!("{} ({})", verdict(ratio, 0.8, true), w.name()))
            .unwrap_or_else(|| "n/a".into())
    }

    /// metacore/PostGraphile on get, list and create.
    fn postgraphile_ratios(&self, table: Table) -> String {
        if table.backend != Backend::Postgres {
            return "—".into();
        }
        [Workload::Get, Workload::List, Workload::Create]
            .iter()
            .map(|&w| {
                match (
                    self.per_second(table, w, METACORE),
                    self.per_second(table, w, postgraphile::NAME),
                ) {
                    (Some(ours), Some(theirs)) => verdict(ours / theirs, 3.0, true),
                    _ => "n/a".into(),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The drop of list and search req/s from the smallest to the largest table.
    fn print_growth(&self) {
        let tables = self.tables();
        let sizes: Vec<usize> = tables.iter().map(|t| t.rows).collect();
        let (Some(&small), Some(&large)) = (sizes.iter().min(), sizes.iter().max()) else {
            return;
        };
        if small == large {
            return;
        }
        println!(
            "\nGrowth: req/s at {} rows ÷ req/s at {} rows (target for metacore: < 2× on list \
             and search)\n",
            thousands(small),
            thousands(large)
        );
        println!(
            "| backend | server | get by id | list page 1 | filter + sort | search | page 400 |"
        );
        println!("|---|---|---|---|---|---|---|");
        let mut backends: Vec<Backend> = tables.iter().map(|t| t.backend).collect();
        backends.dedup();
        for backend in backends {
            let at = |rows| Table { backend, rows };
            for server in [METACORE, BASELINE, postgraphile::NAME] {
                let drops: Vec<String> = ALL[..5]
                    .iter()
                    .map(|&w| {
                        let before = self.per_second(at(small), w, server);
                        let after = self.per_second(at(large), w, server);
                        match (before, after) {
                            (Some(before), Some(after)) => {
                                let drop = before / after;
                                let target = matches!(w, Workload::List | Workload::Search);
                                if server == METACORE && target {
                                    verdict(drop, 2.0, false)
                                } else {
                                    format!("{drop:.2}×")
                                }
                            }
                            _ => "n/a".into(),
                        }
                    })
                    .collect();
                if drops.iter().all(|d| d == "n/a") {
                    continue;
                }
                println!("| {} | {server} | {} |", backend.name(), drops.join(" | "));
            }
        }
    }

    /// Memory after the list load and metacore's start-up time.
    fn print_footprint(&self) {
        if !self.memory.is_empty() {
            println!("\nMemory right after the list-page-1 load (/proc/<pid>/status):\n");
            println!("| backend | rows | server | VmRSS | VmHWM (peak) |");
            println!("|---|---|---|---|---|");
            for (table, server, memory) in &self.memory {
                let cells = match memory {
                    Ok(m) => format!("{} | {}", mib(m.rss_kib), mib(m.peak_kib)),
                    Err(e) => format!("n/a ({e}) | n/a"),
                };
                println!(
                    "| {} | {} | {server} | {cells} |",
                    table.backend.name(),
                    thousands(table.rows)
                );
            }
        }
        if !self.startups.is_empty() {
            println!(
                "\nStart-up of metacore-app: spawning `serve` (migrated database) → first 200 on \
                 /api/health:\n"
            );
            println!("| backend | rows | median | min | max | runs |");
            println!("|---|---|---|---|---|---|");
            for (table, times) in &self.startups {
                let cells = match times {
                    Ok(times) if !times.is_empty() => format!(
                        "{} | {} | {} | {}",
                        duration(median(times)),
                        duration(times.iter().min().copied()),
                        duration(times.iter().max().copied()),
                        times.len()
                    ),
                    Ok(_) => "n/a | — | — | 0".into(),
                    Err(e) => format!("n/a ({e}) | — | — | —"),
                };
                println!(
                    "| {} | {} | {cells} |",
                    table.backend.name(),
                    thousands(table.rows)
                );
            }
        }
    }
}

impl Report {
    /// Per table and write workload, how far metacore's event consumers trailed its runs.
    fn print_backlogs(&self) {
        let mut seen: Vec<(Table, Workload)> = Vec::new();
        for (table, workload, _) in &self.backlogs {
            if !seen.contains(&(*table, *workload)) {
                seen.push((*table, *workload));
            }
        }
        for (table, workload) in seen {
            let runs: Vec<&Backlog> = self
                .backlogs
                .iter()
                .filter(|(t, w, _)| *t == table && *w == workload)
                .map(|(_, _, backlog)| backlog)
                .collect();
            let behind = runs.iter().map(|b| b.behind).max().unwrap_or_default();
            let caught_up = if runs.iter().all(|b| b.caught_up.is_some()) {
                let slowest = runs.iter().filter_map(|b| b.caught_up).max();
                format!(
                    "caught up within {:.1} s; the next run waited for them",
                    slowest.unwrap_or_default().as_secs_f64()
                )
            } else {
                format!(
                    "did NOT catch up within {} s after some run, which the next run \
                     shared the machine with",
                    SETTLE_LIMIT.as_secs()
                )
            };
            println!(
                "* {}, {} rows, {}: metacore's event consumers (notification rules) were at \
                 most {} events behind at the end of a run and {caught_up}.",
                table.backend.name(),
                thousands(table.rows),
                workload.name(),
                thousands(behind.max(0) as usize),
            );
        }
    }
}

/// `value` with a ✓ when it meets `target` (at least it when `higher`, else below it).
fn verdict(value: f64, target: f64, higher: bool) -> String {
    let met = if higher {
        value >= target
    } else {
        value < target
    };
    let unit = if higher { "" } else { "×" };
    format!("{value:.2}{unit} {}", if met { "✓" } else { "✗" })
}

fn millis(micros: f64) -> String {
    format!("{:.2} ms", micros / 1000.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn duration(time: Option<Duration>) -> String {
    time.map(|t| format!("{:.0} ms", t.as_secs_f64() * 1000.0))
        .unwrap_or_else(|| "n/a".into())
}

/// `n` with thousands separators: 100,000.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(verdict(0.5, 0.4, true), "0.50 ✓");
        assert_eq!(verdict(2.5, 2.0, false), "2.50× ✗");
    }
}
