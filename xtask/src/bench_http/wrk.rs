//! Running `wrk` and reading its numbers: the Lua scripts that shape the requests (fixed, or
//! built per request from a template) and the summary line every script prints.

use std::path::Path;
use std::process::Command;

use uuid::Uuid;

use super::workloads::clip;

/// One wrk run's numbers (or several runs', [`combine`]d).
#[derive(Clone, Copy, Default)]
pub struct Sample {
    /// Requests completed.
    pub requests: u64,
    /// Wall time of the run.
    pub micros: u64,
    /// Median latency.
    pub p50_micros: f64,
    /// 99th percentile latency.
    pub p99_micros: f64,
    /// Answers whose status was not 2xx or 3xx.
    pub non_2xx: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
}

impl Sample {
    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / (self.micros as f64 / 1e6).max(1e-9)
    }
}

/// The rounds together: requests over total time, the means of the percentiles, all errors.
pub fn combine(runs: &[Sample]) -> Sample {
    let mut total = Sample::default();
    for run in runs {
        total.requests += run.requests;
        total.micros += run.micros;
        total.p50_micros += run.p50_micros / runs.len() as f64;
        total.p99_micros += run.p99_micros / runs.len() as f64;
        total.non_2xx += run.non_2xx;
        total.socket_errors += run.socket_errors;
    }
    total
}

/// Load settings of every run.
#[derive(Clone, Copy)]
pub struct Load {
    /// `wrk -t`.
    pub threads: u32,
    /// `wrk -c`.
    pub connections: u32,
    /// `wrk -d`, in seconds.
    pub seconds: u32,
}

/// Runs `wrk` with `script` against `url`.
pub fn run(url: &str, script: &Path, load: Load) -> Result<Sample, String> {
    let output = Command::new("wrk")
        .arg(format!("-t{}", load.threads))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.seconds))
        .arg("--latency")
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    summary("BENCH-HTTP", &output)
}

/// The numbers of the summary line (`<prefix> requests micros p50 p99 non_2xx socket_errors`)
/// a benchmark's wrk script printed in `output`.
pub(crate) fn summary(prefix: &str, output: &std::process::Output) -> Result<Sample, String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix)?.strip_prefix(' '))
        .ok_or_else(|| {
            let stderr = String::from_utf8_lossy(&output.stderr);
            format!(
                "wrk printed no summary: {}",
                clip(stderr.lines().next().unwrap_or(&stdout))
            )
        })?;
    let fields: Vec<f64> = line
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(0.0))
        .collect();
    match fields[..] {
        [requests, micros, p50, p99, non_2xx, socket] => Ok(Sample {
            requests: requests as u64,
            micros: micros as u64,
            p50_micros: p50,
            p99_micros: p99,
            non_2xx: non_2xx as u64,
            socket_errors: socket as u64,
        }),
        _ => Err(format!("unexpected wrk summary `{line}`")),
    }
}

/// The request a script sends.
pub enum Request<'a> {
    /// `GET` of the URL given to wrk.
    Get,
    /// `POST` of a fixed JSON body to the URL given to wrk.
    Post(&'a str),
    /// A request built per call from templates in which `@ID@` is one of `ids` (rotating,
    /// each thread from its own offset), `@TID@` the wrk thread (1-based) and `@N@` the
    /// thread's request counter.
    Template {
        /// `POST`, `PATCH`, …
        method: &'a str,
        /// The path, e.g. `/api/data/tickets/@ID@`.
        path: &'a str,
        /// The JSON body.
        body: &'a str,
        /// The ids `@ID@` rotates over (may be empty when neither template uses it).
        ids: &'a [Uuid],
    },
}

/// A wrk script: `headers`, the `request`, and the summary line [`run`] reads.
pub fn script(headers: &[(&str, &str)], request: &Request<'_>) -> String {
    let mut script = String::new();
    for (name, value) in headers {
        // The spaces keep `[[=[` from reading as a long string.
        script.push_str(&format!(
            "wrk.headers[ {} ] = {}\n",
            long(name),
            long(value)
        ));
    }
    match request {
        Request::Get => {}
        Request::Post(body) => {
            script.push_str("wrk.method = \"POST\"\n");
            script.push_str("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
            script.push_str(&format!("wrk.body = {}\n", long(body)));
        }
        Request::Template {
            method,
            path,
            body,
            ids,
        } => script.push_str(&template(method, path, body, ids)),
    }
    script.push_str(
        r#"function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH-HTTP %d %d %.0f %.0f %d %d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    script
}

/// Appended to a script, prints the first answer of each thread whose status is not 2xx or
/// 3xx (wrk's `Non-2xx or 3xx`); [`first_error`] reads it. Only for a diagnosis run: handing
/// every answer to Lua slows wrk down.
const DIAGNOSE: &str = r#"local reported = false
function response(status, headers, body)
  if not reported and status > 399 then
    reported = true
    local text = string.sub(body or "", 1, 300)
    io.write(string.format("BENCH-HTTP-ERROR %d %s\n", status, (text:gsub("%s+", " "))))
  end
end
"#;

/// `script` made to report its first failed answer.
pub fn diagnosing(script: &str) -> String {
    format!("{script}{DIAGNOSE}")
}

/// Runs a [`diagnosing`] `script` for a second against `url`: the status and start of the
/// body of the first failed answer, if any.
pub fn first_error(url: &str, script: &Path, load: Load) -> Option<String> {
    let output = Command::new("wrk")
        .arg(format!("-t{}", load.threads))
        .arg(format!("-c{}", load.connections))
        .arg("-d1s")
        .arg("-s")
        .arg(script)
        .arg(url)
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("BENCH-HTTP-ERROR "))
        .map(|line| clip(line.trim()))
}

/// The `setup` and `request` functions of a [`Request::Template`].
fn template(method: &str, path: &str, body: &str, ids: &[Uuid]) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    let ids = if ids.is_empty() {
        "\"\"".to_string()
    } else {
        ids.join(",")
    };
    format!(
        r#"wrk.method = {method}
wrk.headers["Content-Type"] = "application/json"
local ids = {{{ids}}}
local path_template = {path}
local body_template = {body}
tid = 0
local threads, counter = 0, 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function request()
  counter = counter + 1
  local id = ids[(tid * 7919 + counter) % #ids + 1]
  local function fill(text)
    return (text:gsub("@ID@", id):gsub("@TID@", tostring(tid)):gsub("@N@", tostring(counter)))
  end
  return wrk.format(nil, fill(path_template), nil, fill(body_template))
end
"#,
        method = long(method),
        path = long(path),
        body = long(body),
    )
}

/// `text` as a Lua long string (`[==[…]==]`, a level that does not occur in it).
fn long(text: &str) -> String {
    let mut level = 1;
    while text.contains(&format!("]{}]", "=".repeat(level))) {
        level += 1;
    }
    let equals = "=".repeat(level);
    format!("[{equals}[{text}]{equals}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_avoid_their_closing_bracket() {
        assert_eq!(long("a\"b"), "[=[a\"b]=]");
        assert_eq!(long("x]=]y"), "[==[x]=]y]==]");
    }
}
