//! Health: a live server's INFO against the thresholds of `monitoring.alerts` — the same
//! thresholds the generated alarms, alerts and rules watch. Every measure is reported as data
//! (for a scheduled job to chart); each one beyond its threshold is a diagnostic at the spec
//! line that set the threshold, with the measured value.
//!
//! One INFO is one moment: gauges (memory, connections, blocked clients, replica lag) are
//! judged as they are; counters (evictions, rejected connections, failed authentications)
//! as an average per 5 minutes since the server started, and at least over 5 minutes, so that
//! the unit is the alert's and a burst on a young server is not diluted. CPU load cannot be
//! measured from one sample: only the alerts watch it.

use super::compare::Hosting;
use super::observe::Observed;
use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::pipeline::Checked;
use crate::plan::monitoring::{FRAGMENTATION_MIN_BYTES, HIT_RATE_MIN_LOOKUPS, format_ratio};
use crate::plan::{AlertKind, Threshold};
use serde::Serialize;
use std::collections::BTreeMap;

/// How a measure whose INFO field is missing says so (and what the note collects).
const UNREPORTED: &str = "the server does not report";

/// The window counters are averaged over, in seconds (the alerts' 5 minutes).
const WINDOW_SECONDS: f64 = 300.0;

/// What one measure showed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Within its threshold.
    Ok,
    /// Beyond its threshold: a diagnostic.
    Crossed,
    /// The threshold is `false` (or the alert does not apply): measured, not judged.
    Off,
    /// It could not be judged (why says it).
    NotJudged,
}

/// One measure: what the JSON output lists for every alert.
#[derive(Clone, Debug, Serialize)]
pub struct Measure {
    /// `memory_used_percent`, `evictions_per_5m`, ...
    pub name: &'static str,
    /// The value judged; none when the server does not report what it needs.
    pub value: Option<f64>,
    pub unit: &'static str,
    /// The threshold of the spec (after the tier's default); none when the alert is off.
    pub threshold: Option<f64>,
    /// The setting that holds the threshold.
    pub setting: &'static str,
    pub state: State,
    /// Why it was not judged, or what else the value means.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// The code of the finding, when crossed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

/// Everything health found.
#[derive(Debug, Default)]
pub struct Health {
    pub diagnostics: Vec<Diagnostic>,
    pub measures: Vec<Measure>,
    /// The raw INFO numbers the measures come from, by INFO field name.
    pub values: BTreeMap<String, serde_json::Value>,
}

impl Health {
    pub fn crossed(&self) -> usize {
        self.measures
            .iter()
            .filter(|m| matches!(m.state, State::Crossed))
            .count()
    }

    pub fn judged(&self) -> usize {
        self.measures
            .iter()
            .filter(|m| matches!(m.state, State::Crossed | State::Ok))
            .count()
    }
}

/// Raw INFO fields reported as values (the guide's key metrics and what the measures use).
const RAW_FIELDS: &[&str] = &[
    "uptime_in_seconds",
    "role",
    "used_memory",
    "used_memory_peak",
    "used_memory_rss",
    "maxmemory",
    "mem_fragmentation_ratio",
    "mem_fragmentation_bytes",
    "instantaneous_ops_per_sec",
    "keyspace_hits",
    "keyspace_misses",
    "evicted_keys",
    "connected_clients",
    "maxclients",
    "blocked_clients",
    "rejected_connections",
    "connected_slaves",
    "master_repl_offset",
    "repl_backlog_size",
    "master_link_status",
    "acl_access_denied_auth",
    "errorstat_WRONGPASS",
];

/// Judge a server's INFO against the spec's thresholds.
pub fn judge(checked: &Checked, seen: &Observed, hosting: Hosting) -> Health {
    let mut j = Judge {
        checked,
        seen,
        hosting,
        out: Health::default(),
    };
    j.raw_values();
    j.memory();
    j.fragmentation();
    j.hit_rate();
    j.counter(
        AlertKind::Evictions,
        "evictions_per_5m",
        "evicted_keys",
        seen.num("evicted_keys"),
        codes::EVICTIONS,
        "keys evicted",
    );
    j.connections();
    j.counter(
        AlertKind::RejectedConnections,
        "rejected_connections_per_5m",
        "rejected_connections",
        seen.num("rejected_connections"),
        codes::REJECTED_CONNECTIONS,
        "connections rejected",
    );
    j.blocked();
    j.replication();
    let (auth_field, auth_count) = auth_failures(seen);
    j.counter(
        AlertKind::AuthFailures,
        "auth_failures_per_5m",
        auth_field,
        auth_count,
        codes::AUTH_FAILURES,
        "failed authentications",
    );
    j.cpu();
    j.note_not_judged();
    j.out
}

/// Failed authentications since start: `acl_access_denied_auth` where the server has it
/// (Redis 7.2 and later, redis/redis#11288), else the WRONGPASS error replies (Redis 6.2 and
/// later count every reply by error prefix). Redis 7.0 has no `acl_` field at all (measured on
/// 7.0.15). The ACL LOG is not used: it keeps only its last 128 entries.
fn auth_failures(seen: &Observed) -> (&'static str, Option<f64>) {
    if let Some(n) = seen.num("acl_access_denied_auth") {
        return ("acl_access_denied_auth", Some(n));
    }
    if seen.info("errorstat_WRONGPASS").is_some() {
        return ("errorstat_WRONGPASS", seen.num("errorstat_WRONGPASS"));
    }
    // A server that has never refused a password has no WRONGPASS line yet.
    if seen.info.keys().any(|k| k.starts_with("errorstat_"))
        || seen.info("total_error_replies").is_some()
    {
        return ("errorstat_WRONGPASS", Some(0.0));
    }
    ("errorstat_WRONGPASS", None)
}

/// What one measure read, before it is judged.
struct Reading {
    name: &'static str,
    unit: &'static str,
    value: Option<f64>,
    /// Whether it is beyond the threshold, or why it cannot be judged.
    judged: Result<bool, String>,
    code: &'static str,
}

struct Judge<'a> {
    checked: &'a Checked,
    seen: &'a Observed,
    hosting: Hosting,
    out: Health,
}

impl Judge<'_> {
    fn threshold(&self, kind: AlertKind) -> Option<Threshold> {
        self.checked.plan.monitoring.threshold(kind)
    }

    fn raw_values(&mut self) {
        for f in RAW_FIELDS {
            if let Some(v) = self.seen.info(f) {
                let value = match parse_number(v) {
                    Some(n) => serde_json::json!(n),
                    None => serde_json::json!(v),
                };
                self.out.values.insert((*f).to_string(), value);
            }
        }
        // `slave0:ip=...,state=online,offset=...,lag=0`
        for (k, v) in &self.seen.info {
            if k.starts_with("slave") && k[5..].chars().all(|c| c.is_ascii_digit()) && k.len() > 5 {
                self.out.values.insert(k.clone(), serde_json::json!(v));
            }
        }
    }

    /// Record a measure; when crossed, the diagnostic at the threshold's spec line.
    fn measure(&mut self, kind: AlertKind, r: Reading, message: impl FnOnce(f64) -> String) {
        let Reading {
            name,
            unit,
            value,
            judged,
            code,
        } = r;
        let setting = kind.setting();
        let threshold = self.threshold(kind);
        let (state, why) = match (threshold, value, judged) {
            (None, _, _) => (State::Off, None),
            (Some(_), _, Err(why)) => (State::NotJudged, Some(why)),
            (Some(_), None, Ok(_)) => (State::NotJudged, Some(format!("{UNREPORTED} it"))),
            (Some(_), Some(_), Ok(false)) => (State::Ok, None),
            (Some(_), Some(v), Ok(true)) => {
                let pointer = setting.pointer();
                let default = if self.checked.loaded.root.is_set(&pointer) {
                    String::new()
                } else {
                    format!(
                        " (the default for tier {}, not written in the spec)",
                        self.checked.plan.tier.as_str()
                    )
                };
                self.out.diagnostics.push(
                    Diagnostic::error(code, format!("{}{default}", message(v)))
                        .at(self.checked.loaded.locate(&pointer))
                        .help(format!("first steps: {}", kind.runbook())),
                );
                (State::Crossed, None)
            }
        };
        self.out.measures.push(Measure {
            name,
            value: value.map(round),
            unit,
            threshold: threshold.map(|t| t.as_f64()),
            setting: setting.path,
            code: matches!(state, State::Crossed).then_some(code),
            state,
            why,
        });
    }

    fn memory(&mut self) {
        let k = AlertKind::Memory;
        let (used, max) = (self.seen.num("used_memory"), self.seen.num("maxmemory"));
        let (value, judged) = match (used, max) {
            (Some(u), Some(m)) if m > 0.0 => {
                let v = u / m * 100.0;
                (Some(v), Ok(above(self.threshold(k), v)))
            }
            (Some(_), Some(_)) => (
                None,
                Err("`maxmemory` is 0 (no limit): there is nothing to be a percentage of".into()),
            ),
            _ => (
                None,
                Err(format!("{UNREPORTED} `used_memory` and `maxmemory`")),
            ),
        };
        let t = self.shown(k);
        let (u, m) = (used.unwrap_or(0.0), max.unwrap_or(0.0));
        let reading = Reading {
            name: "memory_used_percent",
            unit: "percent",
            value,
            judged,
            code: codes::MEMORY_HIGH,
        };
        self.measure(k, reading, |v| {
            format!(
                "memory used is {}% of maxmemory ({} of {}), above `monitoring.alerts.memory_percent` ({t}%)",
                format_ratio(round(v)),
                bytes(u),
                bytes(m)
            )
        });
    }

    fn fragmentation(&mut self) {
        let k = AlertKind::Fragmentation;
        let ratio = self.seen.num("mem_fragmentation_ratio");
        let lost = self
            .seen
            .num("mem_fragmentation_bytes")
            .or_else(|| Some(self.seen.num("used_memory_rss")? - self.seen.num("used_memory")?));
        let judged = match lost {
            Some(b) if b >= FRAGMENTATION_MIN_BYTES as f64 => {
                Ok(above(self.threshold(k), ratio.unwrap_or(0.0)))
            }
            Some(b) => Err(format!(
                "only {} lost to fragmentation: below 256 MiB the ratio says nothing",
                bytes(b.max(0.0))
            )),
            None => Err(format!("{UNREPORTED} the memory lost to fragmentation")),
        };
        let t = self.shown(k);
        let l = lost.unwrap_or(0.0);
        let reading = Reading {
            name: "fragmentation_ratio",
            unit: "ratio",
            value: ratio,
            judged,
            code: codes::FRAGMENTATION_HIGH,
        };
        self.measure(k, reading, |v| {
            format!(
                "the memory fragmentation ratio is {} ({} lost), above `monitoring.alerts.fragmentation_ratio` ({t})",
                format_ratio(round(v)),
                bytes(l)
            )
        });
    }

    fn hit_rate(&mut self) {
        let k = AlertKind::HitRate;
        let (hits, misses) = (
            self.seen.num("keyspace_hits"),
            self.seen.num("keyspace_misses"),
        );
        let lookups = hits.zip(misses).map(|(h, m)| h + m);
        // No traffic is not a 0% hit rate: the value is left out rather than charted as zero.
        let value = match (hits, lookups) {
            (Some(h), Some(n)) if n > 0.0 => Some(h / n * 100.0),
            _ => None,
        };
        let judged = match lookups {
            None => Err(format!(
                "{UNREPORTED} `keyspace_hits` and `keyspace_misses`"
            )),
            Some(n) if n <= 0.0 => Err("no traffic: no lookup since the server started".into()),
            Some(n) if n < HIT_RATE_MIN_LOOKUPS as f64 => Err(format!(
                "{n} lookups since the server started: too few to judge (at least {HIT_RATE_MIN_LOOKUPS})"
            )),
            Some(_) => Ok(below(self.threshold(k), value.unwrap_or(100.0))),
        };
        let t = self.shown(k);
        let n = lookups.unwrap_or(0.0);
        let reading = Reading {
            name: "hit_rate_percent",
            unit: "percent",
            value,
            judged,
            code: codes::HIT_RATE_LOW,
        };
        self.measure(k, reading, |v| {
            format!(
                "{}% of {n} lookups hit since the server started, below `monitoring.alerts.hit_rate_percent` ({t}%)",
                format_ratio(round(v))
            )
        });
    }

    /// A counter since start, as an average per 5 minutes (over at least 5 minutes).
    fn counter(
        &mut self,
        kind: AlertKind,
        name: &'static str,
        field: &'static str,
        count: Option<f64>,
        code: &'static str,
        what: &'static str,
    ) {
        let uptime = self.seen.num("uptime_in_seconds");
        let value = match (count, uptime) {
            (Some(c), Some(u)) => Some(c * WINDOW_SECONDS / u.max(WINDOW_SECONDS)),
            (Some(c), None) => Some(c),
            _ => None,
        };
        let judged = Ok(above(self.threshold(kind), value.unwrap_or(0.0)));
        let t = self.shown(kind);
        let setting = kind.setting().path;
        let c = count.unwrap_or(0.0);
        let since = match uptime {
            Some(u) => format!("since the server started {} ago", duration(u)),
            None => "since the server started".into(),
        };
        let reading = Reading {
            name,
            unit: "per 5 minutes",
            value,
            judged,
            code,
        };
        self.measure(kind, reading, |v| {
            let rate = if uptime.is_some_and(|u| u > WINDOW_SECONDS) {
                format!(" ({} per 5 minutes on average)", format_ratio(round(v)))
            } else {
                String::new()
            };
            format!(
                "{c} {what} {since} (`{field}`){rate}, more than `{setting}` ({t}) per 5 minutes"
            )
        });
    }

    fn connections(&mut self) {
        let k = AlertKind::Connections;
        let (clients, max) = (
            self.seen.num("connected_clients"),
            self.seen.num("maxclients"),
        );
        let value = match (clients, max) {
            (Some(c), Some(m)) if m > 0.0 => Some(c / m * 100.0),
            _ => None,
        };
        let judged = Ok(above(self.threshold(k), value.unwrap_or(0.0)));
        let t = self.shown(k);
        let (c, m) = (clients.unwrap_or(0.0), max.unwrap_or(0.0));
        let reading = Reading {
            name: "connections_percent",
            unit: "percent",
            value,
            judged,
            code: codes::CONNECTIONS_HIGH,
        };
        self.measure(k, reading, |v| {
            format!(
                "{c} clients are connected, {}% of maxclients ({m}), above `monitoring.alerts.connections_percent` ({t}%)",
                format_ratio(round(v))
            )
        });
    }

    fn blocked(&mut self) {
        let k = AlertKind::BlockedClients;
        let value = self.seen.num("blocked_clients");
        let judged = Ok(above(self.threshold(k), value.unwrap_or(0.0)));
        let t = self.shown(k);
        let reading = Reading {
            name: "blocked_clients",
            unit: "clients",
            value,
            judged,
            code: codes::BLOCKED_CLIENTS,
        };
        self.measure(k, reading, |v| {
            format!(
                "{v} clients are blocked in blocking commands, more than `monitoring.alerts.blocked_clients` ({t})"
            )
        });
    }

    /// Each replica's lag (on a primary), and the link to the primary (on a replica). The
    /// number of connected replicas is compared with the topology as drift (CG8016).
    fn replication(&mut self) {
        let seen = self.seen;
        let role = seen.info("role");
        if role == Some("master") {
            let k = AlertKind::ReplicaLag;
            let t = self.shown(k);
            let mut any = false;
            for (name, v) in &seen.info {
                if !(name.len() > 5
                    && name.starts_with("slave")
                    && name[5..].chars().all(|c| c.is_ascii_digit()))
                {
                    continue;
                }
                any = true;
                let field = |key: &str| {
                    v.split(',')
                        .find_map(|p| p.strip_prefix(&format!("{key}=")))
                        .map(str::to_string)
                };
                let lag = field("lag").and_then(|l| l.parse::<f64>().ok());
                let at = format!(
                    "{}:{}",
                    field("ip").unwrap_or_default(),
                    field("port").unwrap_or_default()
                );
                let state = field("state").unwrap_or_default();
                let judged = Ok(above(self.threshold(k), lag.unwrap_or(0.0)));
                let reading = Reading {
                    name: "replica_lag_seconds",
                    unit: "seconds",
                    value: lag,
                    judged,
                    code: codes::REPLICA_LAG,
                };
                self.measure(k, reading, |v| {
                    format!(
                        "the replica at {at} ({state}) is {v} s behind, more than `monitoring.alerts.replica_lag_seconds` ({t} s)"
                    )
                });
            }
            if !any && self.checked.plan.topology.replicas > 0 && self.threshold(k).is_some() {
                self.out.measures.push(Measure {
                    name: "replica_lag_seconds",
                    value: None,
                    unit: "seconds",
                    threshold: self.threshold(k).map(|t| t.as_f64()),
                    setting: k.setting().path,
                    state: State::NotJudged,
                    why: Some(
                        "no replica is connected (compared with the topology as CG8016)".into(),
                    ),
                    code: None,
                });
            }
        } else if role == Some("slave") {
            let k = AlertKind::ReplicasMissing;
            let status = seen.info("master_link_status");
            let up = status.map(|s| if s == "up" { 1.0 } else { 0.0 });
            let judged = Ok(self.threshold(k).is_some() && status.is_some_and(|s| s != "up"));
            let down_since = seen.num("master_link_down_since_seconds");
            let reading = Reading {
                name: "master_link_up",
                unit: "1 up, 0 down",
                value: up,
                judged,
                code: codes::REPLICATION_LINK_DOWN,
            };
            self.measure(k, reading, |_| {
                let since = match down_since {
                    Some(s) if s >= 0.0 => format!(" for {}", duration(s)),
                    _ => String::new(),
                };
                format!(
                    "this replica's link to its primary ({}:{}) is down{since} (`master_link_status`), and `monitoring.alerts.replicas_missing` is on",
                    seen.info("master_host").unwrap_or("?"),
                    seen.info("master_port").unwrap_or("?")
                )
            });
        }
    }

    fn cpu(&mut self) {
        let k = AlertKind::Cpu;
        self.out.measures.push(Measure {
            name: "cpu_percent",
            value: None,
            unit: "percent",
            threshold: self.threshold(k).map(|t| t.as_f64()),
            setting: k.setting().path,
            state: if self.threshold(k).is_some() {
                State::NotJudged
            } else {
                State::Off
            },
            why: Some(
                "one INFO cannot measure CPU load (it reports CPU seconds since start); the alerts watch it".into(),
            ),
            code: None,
        });
    }

    /// One note for the measures whose alert is on but whose value the server does not report
    /// (a managed service hiding a field). A measure with too little to judge (no traffic yet,
    /// a small dataset) is a state of a healthy server, listed in the JSON output only; CPU is
    /// never judged here, and saying so on every run would be noise.
    fn note_not_judged(&mut self) {
        let parts: Vec<String> = self
            .out
            .measures
            .iter()
            .filter(|m| {
                matches!(m.state, State::NotJudged)
                    && m.why.as_deref().is_some_and(|w| w.starts_with(UNREPORTED))
            })
            .map(|m| {
                format!(
                    "`{}` ({})",
                    m.name,
                    m.why.as_deref().unwrap_or("not reported")
                )
            })
            .collect();
        if parts.is_empty() {
            return;
        }
        let managed = match self.hosting {
            Hosting::Managed(cloud) => format!(" ({cloud} may hide some INFO fields)"),
            Hosting::SelfHosted => String::new(),
        };
        self.out.diagnostics.push(
            Diagnostic::new(
                codes::HEALTH_NOT_JUDGED,
                Severity::Note,
                format!(
                    "{} measure{} could not be judged{managed}: {}",
                    parts.len(),
                    if parts.len() == 1 { "" } else { "s" },
                    parts.join("; ")
                ),
            )
            .at(Location::file_start(self.checked.loaded.file())),
        );
    }

    fn shown(&self, kind: AlertKind) -> String {
        self.threshold(kind)
            .map(|t| t.shown())
            .unwrap_or_else(|| "off".into())
    }
}

fn above(t: Option<Threshold>, v: f64) -> bool {
    t.is_some_and(|t| v > t.as_f64())
}

fn below(t: Option<Threshold>, v: f64) -> bool {
    t.is_some_and(|t| v < t.as_f64())
}

/// A size as people read it: `7.9 MiB`, `3.2 GiB`.
fn bytes(b: f64) -> String {
    const KIB: f64 = 1024.0;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else {
        format!("{:.0} KiB", b / KIB)
    }
}

/// Two decimals, for messages and the JSON output.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `42 s`, `3 min`, `5 h`, `2 days`.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// A number from INFO: `123`, `1.25`, or the `count=N` of an errorstat line.
fn parse_number(v: &str) -> Option<f64> {
    let v = v.strip_prefix("count=").unwrap_or(v);
    v.parse::<f64>().ok().filter(|n| n.is_finite())
}

impl Observed {
    /// An INFO field as a number (`errorstat_*` lines as their count).
    pub fn num(&self, key: &str) -> Option<f64> {
        parse_number(self.info(key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Outcome, check_spec};

    fn checked(env: &str) -> Checked {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let project = crate::project::discover(&root).expect("the repository's project");
        match check_spec(
            &project,
            &root.join(format!("environments/{env}/cache.yaml")),
        ) {
            Outcome::Checked(c) => *c,
            _ => panic!("{env} does not check"),
        }
    }

    /// A fresh staging server as INFO shows it (fields of redis-server 7.0.15).
    fn server(extra: &[(&str, &str)]) -> Observed {
        let mut info: BTreeMap<String, String> = [
            ("uptime_in_seconds", "60"),
            ("role", "master"),
            ("used_memory", "1000000"),
            ("used_memory_rss", "9000000"),
            ("maxmemory", "4294967296"),
            ("mem_fragmentation_ratio", "9.00"),
            ("mem_fragmentation_bytes", "8000000"),
            ("keyspace_hits", "0"),
            ("keyspace_misses", "0"),
            ("evicted_keys", "0"),
            ("connected_clients", "3"),
            ("maxclients", "10000"),
            ("blocked_clients", "0"),
            ("rejected_connections", "0"),
            ("connected_slaves", "0"),
            ("total_error_replies", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            info.insert(k.to_string(), v.to_string());
        }
        Observed {
            info,
            ..Observed::default()
        }
    }

    fn codes_of(h: &Health) -> Vec<&'static str> {
        h.diagnostics.iter().map(|d| d.code).collect()
    }

    fn measure<'h>(h: &'h Health, name: &str) -> &'h Measure {
        h.measures.iter().find(|m| m.name == name).unwrap()
    }

    #[test]
    fn a_fresh_healthy_server_has_no_finding_and_every_measure() {
        let h = judge(&checked("staging"), &server(&[]), Hosting::SelfHosted);
        assert!(h.diagnostics.is_empty(), "{:#?}", h.diagnostics);
        assert_eq!(h.crossed(), 0);
        // No traffic is not a 0% hit rate, and a small dataset's ratio is not judged.
        let hit = measure(&h, "hit_rate_percent");
        assert!(matches!(hit.state, State::NotJudged) && hit.value.is_none());
        assert!(hit.why.as_deref().unwrap().contains("no traffic"));
        let frag = measure(&h, "fragmentation_ratio");
        assert!(matches!(frag.state, State::NotJudged));
        assert_eq!(frag.value, Some(9.0));
        assert!(matches!(
            measure(&h, "memory_used_percent").state,
            State::Ok
        ));
        assert_eq!(h.values["maxmemory"], serde_json::json!(4294967296.0));
    }

    #[test]
    fn each_crossed_threshold_is_one_finding_with_the_measured_value() {
        let seen = server(&[
            ("used_memory", "4080218931"),
            ("evicted_keys", "7549"),
            ("errorstat_WRONGPASS", "count=3"),
            ("rejected_connections", "1"),
            ("blocked_clients", "11"),
            ("connected_clients", "9000"),
            ("keyspace_hits", "100"),
            ("keyspace_misses", "4900"),
            ("mem_fragmentation_bytes", "900000000"),
            ("mem_fragmentation_ratio", "1.80"),
        ]);
        let h = judge(&checked("staging"), &seen, Hosting::SelfHosted);
        let mut codes = codes_of(&h);
        codes.sort_unstable();
        assert_eq!(
            codes,
            [
                codes::MEMORY_HIGH,
                codes::FRAGMENTATION_HIGH,
                codes::HIT_RATE_LOW,
                codes::EVICTIONS,
                codes::CONNECTIONS_HIGH,
                codes::REJECTED_CONNECTIONS,
                codes::BLOCKED_CLIENTS,
                codes::AUTH_FAILURES,
            ]
        );
        let d = h
            .diagnostics
            .iter()
            .find(|d| d.code == codes::MEMORY_HIGH)
            .unwrap();
        assert!(
            d.message.starts_with("memory used is 95% of maxmemory"),
            "{}",
            d.message
        );
        assert!(d.message.contains("(90%)"), "{}", d.message);
        assert!(
            d.message.contains("default for tier staging"),
            "{}",
            d.message
        );
        assert!(d.help.as_deref().unwrap().contains("--bigkeys"));
        // A server younger than 5 minutes: the count itself is the 5-minute window.
        let auth = measure(&h, "auth_failures_per_5m");
        assert_eq!(auth.value, Some(3.0));
        assert_eq!(auth.threshold, Some(2.0));
        assert_eq!(auth.code, Some(codes::AUTH_FAILURES));
    }

    #[test]
    fn counters_are_averaged_per_five_minutes_over_the_uptime() {
        // 7549 evictions in a day: 26 per 5 minutes, more than 0.
        let seen = server(&[("uptime_in_seconds", "86400"), ("evicted_keys", "7549")]);
        let h = judge(&checked("staging"), &seen, Hosting::SelfHosted);
        let m = measure(&h, "evictions_per_5m");
        assert_eq!(m.value, Some(26.21));
        let d = &h.diagnostics[0];
        assert!(
            d.message.contains("since the server started 24 h ago"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("26.21 per 5 minutes on average"),
            "{}",
            d.message
        );
        // Three failed logins in a day are 0.01 per 5 minutes: within 2.
        let seen = server(&[
            ("uptime_in_seconds", "86400"),
            ("errorstat_WRONGPASS", "count=3"),
        ]);
        let h = judge(&checked("staging"), &seen, Hosting::SelfHosted);
        assert!(h.diagnostics.is_empty(), "{:#?}", h.diagnostics);
    }

    #[test]
    fn failed_logins_come_from_acl_access_denied_auth_where_redis_has_it() {
        let seen = server(&[
            ("acl_access_denied_auth", "5"),
            ("errorstat_WRONGPASS", "count=1"),
        ]);
        assert_eq!(auth_failures(&seen), ("acl_access_denied_auth", Some(5.0)));
        let seen = server(&[("errorstat_WRONGPASS", "count=4")]);
        assert_eq!(auth_failures(&seen), ("errorstat_WRONGPASS", Some(4.0)));
        // Redis 7.0 before its first error: no WRONGPASS line, but error stats are there.
        assert_eq!(
            auth_failures(&server(&[])),
            ("errorstat_WRONGPASS", Some(0.0))
        );
        let mut bare = server(&[]);
        bare.info.remove("total_error_replies");
        assert_eq!(auth_failures(&bare), ("errorstat_WRONGPASS", None));
    }

    #[test]
    fn replication_lag_per_replica_and_the_replicas_link() {
        let mut prod = checked("production");
        // The AWS spec checked as if self-hosted: its replicas and thresholds are what count.
        prod.plan.targets.aws = None;
        let seen = server(&[
            ("connected_slaves", "2"),
            (
                "slave0",
                "ip=10.0.0.2,port=6379,state=online,offset=100,lag=0",
            ),
            (
                "slave1",
                "ip=10.0.0.3,port=6379,state=online,offset=40,lag=41",
            ),
        ]);
        let h = judge(&prod, &seen, Hosting::SelfHosted);
        let lag: Vec<_> = h
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::REPLICA_LAG)
            .collect();
        assert_eq!(lag.len(), 1, "{:#?}", h.diagnostics);
        assert!(
            lag[0]
                .message
                .contains("10.0.0.3:6379 (online) is 41 s behind"),
            "{}",
            lag[0].message
        );

        let replica = server(&[
            ("role", "slave"),
            ("master_host", "10.0.0.1"),
            ("master_port", "6379"),
            ("master_link_status", "down"),
            ("master_link_down_since_seconds", "12"),
        ]);
        let h = judge(&prod, &replica, Hosting::SelfHosted);
        assert_eq!(codes_of(&h), [codes::REPLICATION_LINK_DOWN]);
        assert!(
            h.diagnostics[0]
                .message
                .contains("(10.0.0.1:6379) is down for 12 s")
        );
    }

    #[test]
    fn development_alerts_are_off_and_nothing_is_judged() {
        let seen = server(&[("used_memory", "2147000000"), ("maxmemory", "2147483648")]);
        let h = judge(&checked("development"), &seen, Hosting::SelfHosted);
        assert!(h.diagnostics.is_empty());
        assert!(h.measures.iter().all(|m| matches!(m.state, State::Off)));
        // Measured all the same, for a chart.
        assert_eq!(measure(&h, "memory_used_percent").value, Some(99.98));
    }

    #[test]
    fn a_field_the_server_hides_is_one_note() {
        let mut seen = server(&[]);
        seen.info.remove("maxclients");
        seen.info.remove("blocked_clients");
        let h = judge(&checked("staging"), &seen, Hosting::Managed("aws"));
        assert_eq!(codes_of(&h), [codes::HEALTH_NOT_JUDGED]);
        let note = &h.diagnostics[0];
        assert!(
            note.message.contains("`connections_percent`"),
            "{}",
            note.message
        );
        assert!(
            note.message.contains("`blocked_clients`"),
            "{}",
            note.message
        );
        assert!(!note.message.contains("hit_rate"), "{}", note.message);
    }
}
