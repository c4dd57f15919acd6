//! The comparison: the resolved spec (the Plan) against what the server said, setting by
//! setting, in the server's own spelling. A difference is a drift diagnostic that points at the
//! spec line declaring the value (or at the section that would hold a default); a setting the
//! server would not tell is listed in one note instead of passing silently.

use super::observe::{Observed, Probe};
use crate::diagnostics::codes;
use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::pipeline::Checked;
use crate::settings::{Compare, Verify};
use crate::spec::units;

/// Who runs the server decides which settings the spec controls exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hosting {
    /// The compose stack: cachegen's redis.conf sets every compared directive.
    SelfHosted,
    /// A managed service (the spec's cloud, with no compose target): `maxmemory` comes from
    /// the node type or SKU, backups and I/O threads are the service's.
    Managed(&'static str),
}

impl Hosting {
    pub fn of(checked: &Checked) -> Hosting {
        let listed = crate::targets::listed(&checked.plan);
        match listed.as_slice() {
            [only] if only.platform() != crate::settings::Platform::Compose => {
                Hosting::Managed(only.platform().target_key())
            }
            _ => Hosting::SelfHosted,
        }
    }
}

/// One setting that differs: what the machine-readable output lists besides the diagnostic.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Drift {
    pub code: &'static str,
    /// The server's name for it: a redis.conf directive or an INFO field.
    pub setting: String,
    /// The spec setting that declares it, dotted (`memory.eviction_policy`).
    pub declared_by: String,
    pub expected: String,
    pub actual: String,
}

/// A setting that was not compared, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NotCompared {
    pub setting: String,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Comparison {
    pub diagnostics: Vec<Diagnostic>,
    pub drifts: Vec<Drift>,
    /// Settings compared (equal or not).
    pub compared: usize,
    pub not_compared: Vec<NotCompared>,
}

/// Compare a spec with what its server said.
pub fn compare(checked: &Checked, seen: &Observed) -> Comparison {
    let mut c = Comparer {
        checked,
        seen,
        hosting: Hosting::of(checked),
        out: Comparison::default(),
    };
    c.engine();
    c.memory();
    c.persistence();
    c.table_settings();
    c.tls();
    c.topology();
    c.disabled_commands();
    c.note_not_compared();
    crate::diagnostics::sort_and_dedup(&mut c.out.diagnostics);
    c.out
}

/// How a value is read from the server: CONFIG GET, or an INFO field as the fallback where
/// INFO has one (managed services allow INFO but not CONFIG).
enum Source {
    Config,
    ConfigOrInfo(&'static str, fn(&str) -> String),
}

struct Comparer<'a> {
    checked: &'a Checked,
    seen: &'a Observed,
    hosting: Hosting,
    out: Comparison,
}

impl<'a> Comparer<'a> {
    /// The spec, borrowed for as long as the comparison runs (not only as long as `self`).
    fn checked_ref(&self) -> &'a Checked {
        self.checked
    }

    /// The value of a directive, or why it cannot be read.
    fn read(&self, directive: &str, source: Source) -> Result<String, String> {
        if let Some(v) = self.seen.config(directive) {
            return Ok(v.to_string());
        }
        if let Source::ConfigOrInfo(field, convert) = source
            && let Some(v) = self.seen.info(field)
        {
            return Ok(convert(v));
        }
        Err(match &self.seen.config_refused {
            Some(e) => format!("CONFIG GET is refused: {e}"),
            None => "the server does not report it".into(),
        })
    }

    fn skip(&mut self, setting: impl Into<String>, why: impl Into<String>) {
        self.out.not_compared.push(NotCompared {
            setting: setting.into(),
            why: why.into(),
        });
    }

    /// Compare one directive whose spec value is `expected` in the server's spelling.
    fn directive(
        &mut self,
        code: &'static str,
        directive: &'static str,
        pointer: &str,
        expected: String,
        source: Source,
        same: fn(&str, &str) -> bool,
    ) {
        match self.read(directive, source) {
            Err(why) => self.skip(directive, why),
            Ok(actual) => {
                self.out.compared += 1;
                if !same(&expected, &actual) {
                    // `CONFIG SET maxmemory 2gb` reads better than the byte count.
                    let restore = match directive {
                        "maxmemory" => self.checked.plan.memory.max_memory.clone(),
                        _ => expected.clone(),
                    };
                    let help = self.restore_help(directive, &restore);
                    self.drift(code, directive, pointer, &expected, &actual, help);
                }
            }
        }
    }

    /// How to put the spec's value back, for the way this server is run.
    fn restore_help(&self, directive: &str, expected: &str) -> String {
        let read_at_start = crate::settings::all()
            .iter()
            .filter_map(|s| s.conf)
            .any(|c| c.directive == directive && c.read_at_start);
        let intended = "if the server is right, change the spec and render instead";
        match self.hosting {
            Hosting::Managed(cloud) => format!(
                "apply the generated {cloud} Terraform again to restore the spec's value; {intended}"
            ),
            Hosting::SelfHosted if read_at_start => format!(
                "`{directive}` is read at start: restart Redis from the generated redis.conf (`cachegen render`); {intended}"
            ),
            // CONFIG SET is only advice where this user may use CONFIG.
            Hosting::SelfHosted if self.seen.config_refused.is_some() => format!(
                "restart Redis from the generated redis.conf (`cachegen render`) to restore it; {intended}"
            ),
            Hosting::SelfHosted => format!(
                "restore it now with `CONFIG SET {directive} {}`, or restart from the generated redis.conf; {intended}",
                quote(expected)
            ),
        }
    }

    /// Record a drift at the spec line that declares `pointer`, in the usual words.
    fn drift(
        &mut self,
        code: &'static str,
        setting: &str,
        pointer: &str,
        expected: &str,
        actual: &str,
        help: String,
    ) {
        let message = format!(
            "`{setting}` is {} on the server, but `{}` expects {}",
            shown(setting, actual),
            dotted(pointer),
            shown(setting, expected),
        );
        self.drift_said(code, setting, pointer, (expected, actual), message, help);
    }

    /// Record a drift whose message says more than "is X, expects Y".
    fn drift_said(
        &mut self,
        code: &'static str,
        setting: &str,
        pointer: &str,
        (expected, actual): (&str, &str),
        message: String,
        help: String,
    ) {
        let default = if self.checked.loaded.root.is_set(pointer) {
            String::new()
        } else {
            format!(
                " (the default for tier {}, not written in the spec)",
                self.checked.plan.tier.as_str()
            )
        };
        self.out.diagnostics.push(
            Diagnostic::error(code, format!("{message}{default}"))
                .at(self.checked.loaded.locate(pointer))
                .help(help),
        );
        self.out.drifts.push(Drift {
            code,
            setting: setting.to_string(),
            declared_by: dotted(pointer),
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }

    fn engine(&mut self) {
        let info = self.seen;
        let is_valkey =
            info.info("server_name") == Some("valkey") || info.info("valkey_version").is_some();
        let version = if is_valkey {
            info.info("valkey_version").or(info.info("redis_version"))
        } else {
            info.info("redis_version")
        };
        let Some(version) = version else {
            return self.skip("engine version", "INFO reports no version");
        };
        let engine = &self.checked_ref().plan.engine;
        let kind = if is_valkey { "valkey" } else { "redis" };
        self.out.compared += 1;
        let help = "upgrade or replace the server to the spec's engine (the generated image or engine version), or change `engine` if the server is right";
        if kind != engine.kind.as_str() {
            return self.drift(
                codes::ENGINE_DRIFT,
                "engine",
                "/engine/kind",
                engine.kind.as_str(),
                &format!("{kind} {version}"),
                help.into(),
            );
        }
        let major_minor: Vec<&str> = version.split('.').take(2).collect();
        if major_minor.join(".") != format!("{}.{}", engine.major, engine.minor) {
            self.drift(
                codes::ENGINE_DRIFT,
                "engine version",
                "/engine/version",
                &engine.version,
                version,
                help.into(),
            );
        }
    }

    fn memory(&mut self) {
        let m = &self.checked_ref().plan.memory;
        let expected = m.max_memory_bytes.to_string();
        match self.hosting {
            Hosting::SelfHosted => self.directive(
                codes::MAX_MEMORY_DRIFT,
                "maxmemory",
                "/memory/max_memory",
                expected,
                Source::ConfigOrInfo("maxmemory", str::to_string),
                |e, a| e == a,
            ),
            // The node type or SKU fixes `maxmemory`; the spec's value is what one node must
            // hold, so only a node that holds less has drifted (resized down, wrong type).
            Hosting::Managed(_) => self.directive(
                codes::MAX_MEMORY_DRIFT,
                "maxmemory",
                "/memory/max_memory",
                expected,
                Source::ConfigOrInfo("maxmemory", str::to_string),
                |e, a| match (e.parse::<u64>(), a.parse::<u64>()) {
                    (Ok(e), Ok(a)) => a == 0 || a >= e,
                    _ => e == a,
                },
            ),
        }
    }

    fn persistence(&mut self) {
        let p = &self.checked_ref().plan.persistence;
        match self.hosting {
            Hosting::SelfHosted => {
                let expected: Vec<String> = p
                    .snapshots
                    .save
                    .iter()
                    .map(|s| format!("{} {}", s.seconds, s.changes))
                    .collect();
                let pointer = if p.snapshots.enabled {
                    "/persistence/snapshots/save"
                } else {
                    "/persistence/snapshots/enabled"
                };
                self.directive(
                    codes::SNAPSHOT_DRIFT,
                    "save",
                    pointer,
                    expected.join(" "),
                    Source::Config,
                    |e, a| words(e) == words(a),
                );
            }
            Hosting::Managed(cloud) => self.skip(
                "save",
                format!("{cloud} takes its own backups instead of `save` points"),
            ),
        }
    }

    /// Every setting the settings table compares through its redis.conf directive: `CONFIG
    /// GET`, or the INFO field where a managed service refuses CONFIG. A setting a managed
    /// service runs its own way is compared on a self-hosted server only (noted once per code).
    fn table_settings(&mut self) {
        let plan = &self.checked_ref().plan;
        let mut noted: Vec<&'static str> = Vec::new();
        for s in crate::settings::all() {
            let Verify::Config {
                code,
                info,
                compare,
                self_hosted_only,
            } = s.verify
            else {
                continue;
            };
            let Some(conf) = s.conf else { continue };
            if let (true, Hosting::Managed(cloud)) = (self_hosted_only, self.hosting) {
                if !noted.contains(&code) {
                    noted.push(code);
                    self.skip(
                        conf.directive,
                        format!("{cloud} runs `{}` its own way", conf.directive),
                    );
                }
                continue;
            }
            let Some(expected) = plan.values.unquoted(s) else {
                continue;
            };
            let source = match info {
                Some(i) => Source::ConfigOrInfo(i.field, i.read),
                None => Source::Config,
            };
            let same: fn(&str, &str) -> bool = match compare {
                Compare::Exact => |e, a| e == a,
                Compare::Words => |e, a| words(e) == words(a),
                Compare::KeyspaceFlags => |e, a| keyspace_flags(e) == keyspace_flags(a),
            };
            self.directive(code, conf.directive, &s.pointer(), expected, source, same);
        }
    }

    fn tls(&mut self) {
        let wants_tls = self.checked.plan.security.tls;
        let seen = self.seen;
        let pointer = "/security/tls/enabled";
        self.out.compared += 1;
        let help = "serve TLS only as the generated redis.conf does (`port 0`, `tls-port`), or change `security.tls` if the server is right";
        match (wants_tls, self.seen.over_tls) {
            (true, false) => self.drift_said(
                codes::TLS_DRIFT,
                "TLS",
                pointer,
                ("TLS only", "plaintext"),
                "the server accepted a plaintext connection, but `security.tls.enabled` asks for TLS only".into(),
                help.into(),
            ),
            (false, true) => self.drift_said(
                codes::TLS_DRIFT,
                "TLS",
                pointer,
                ("plaintext", "TLS"),
                "the server serves TLS, but `security.tls.enabled` is off".into(),
                "the application's .env says REDIS_USE_TLS=false and will not connect; set `security.tls.enabled: true` if the server is right".into(),
            ),
            (true, true) => {
                // TLS in use does not yet mean TLS only: a plaintext port may be open too.
                if let Some(port) = seen.config("port")
                    && port != "0"
                    && self.hosting == Hosting::SelfHosted
                {
                    self.drift_said(
                        codes::TLS_DRIFT,
                        "port",
                        pointer,
                        ("0", port),
                        format!(
                            "`port` is `{port}` on the server: a plaintext listener beside TLS, but `security.tls.enabled` asks for TLS only (`port 0`)"
                        ),
                        format!(
                            "close the plaintext listener (`port 0` in the generated redis.conf); it accepts clients without TLS on port {port}"
                        ),
                    );
                }
            }
            (false, false) => {}
        }
    }

    fn topology(&mut self) {
        let (t, seen) = (&self.checked_ref().plan.topology, self.seen);
        let cluster_on = seen.info("cluster_enabled");
        match cluster_on {
            None => self.skip("cluster_enabled", "INFO has no cluster section"),
            Some(v) => {
                self.out.compared += 1;
                let actual_on = v == "1";
                if actual_on != t.is_cluster() {
                    self.drift(
                        codes::CLUSTER_MODE_DRIFT,
                        "cluster_enabled",
                        "/topology/mode",
                        if t.is_cluster() { "1" } else { "0" },
                        v,
                        format!(
                            "the spec's `topology.mode: {}` and the server disagree on cluster mode; the application's client will not fit the server",
                            t.mode.as_str()
                        ),
                    );
                } else if actual_on {
                    self.cluster_health();
                }
            }
        }
        let role = seen.info("role");
        match role {
            None => self.skip("role", "INFO reports no replication role"),
            // Any node of a cluster may answer its configuration endpoint.
            Some(_) if t.is_cluster() => {}
            Some(r) => {
                self.out.compared += 1;
                if r != "master" {
                    self.drift(
                        codes::ROLE_DRIFT,
                        "role",
                        "/topology/mode",
                        "master",
                        r,
                        "verify through the primary endpoint; if a failover promoted another node, check that clients follow it".into(),
                    );
                }
            }
        }
        match (role, seen.info("connected_slaves")) {
            (Some("master"), Some(n)) => {
                self.out.compared += 1;
                if n != t.replicas.to_string() {
                    self.drift(
                        codes::REPLICA_COUNT_DRIFT,
                        "connected_slaves",
                        "/topology/replicas",
                        &t.replicas.to_string(),
                        n,
                        "find the missing replica (INFO replication on the primary lists those connected), or change `topology.replicas` if the server is right".into(),
                    );
                }
            }
            (Some(_), _) => self.skip(
                "connected replicas",
                "verify is connected to a replica, which has none of its own",
            ),
            (None, _) => {}
        }
    }

    fn cluster_health(&mut self) {
        let (t, seen) = (&self.checked_ref().plan.topology, self.seen);
        if let Some(why) = &seen.cluster_refused {
            return self.skip("cluster_state", format!("CLUSTER INFO is refused: {why}"));
        }
        if let Some(state) = seen.cluster.get("cluster_state") {
            self.out.compared += 1;
            if state != "ok" {
                self.drift(
                    codes::CLUSTER_UNHEALTHY,
                    "cluster_state",
                    "/topology/mode",
                    "ok",
                    state,
                    "CLUSTER INFO and CLUSTER NODES show which slots are uncovered and which nodes fail".into(),
                );
            }
        }
        if let Some(size) = seen.cluster.get("cluster_size") {
            self.out.compared += 1;
            if *size != t.shards.to_string() {
                self.drift(
                    codes::CLUSTER_UNHEALTHY,
                    "cluster_size",
                    "/topology/shards",
                    &t.shards.to_string(),
                    size,
                    "a shard was added or lost its slots; reshard or change `topology.shards` if the server is right".into(),
                );
            }
        }
    }

    fn disabled_commands(&mut self) {
        let seen = self.seen;
        let listed = self
            .checked_ref()
            .spec
            .security
            .as_ref()
            .and_then(|s| s.disabled_commands.as_ref());
        for (name, probe) in &seen.commands {
            let pointer = match listed.and_then(|l| l.iter().position(|c| c.upper() == *name)) {
                Some(i) => format!("/security/disabled_commands/{i}"),
                None => "/security/disabled_commands".to_string(),
            };
            match probe {
                Probe::Refused(_) => self.out.compared += 1,
                Probe::Allowed(how) => {
                    self.out.compared += 1;
                    let help = format!(
                        "remove it from the user's ACL (`ACL SETUSER {} -{}`, as the generated start script does), or take it out of the spec if it is needed",
                        user_hint(how),
                        name.to_ascii_lowercase()
                    );
                    self.drift_said(
                        codes::COMMAND_NOT_REFUSED,
                        name,
                        &pointer,
                        ("refused", "allowed"),
                        format!(
                            "`{name}` is not refused ({how}), but `security.disabled_commands` lists it"
                        ),
                        help,
                    );
                }
                Probe::Unknown(why) => self.skip(format!("disabled command {name}"), why.clone()),
            }
        }
    }

    /// One note for everything that could not be compared, grouped by reason.
    fn note_not_compared(&mut self) {
        if self.out.not_compared.is_empty() {
            return;
        }
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for n in &self.out.not_compared {
            match groups.iter_mut().find(|(why, _)| *why == n.why) {
                Some((_, settings)) => settings.push(&n.setting),
                None => groups.push((&n.why, vec![&n.setting])),
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(why, settings)| {
                let list: Vec<String> = settings.iter().map(|s| format!("`{s}`")).collect();
                format!("{} ({why})", list.join(", "))
            })
            .collect();
        let n = self.out.not_compared.len();
        let message = format!(
            "{n} setting{} could not be compared: {}",
            if n == 1 { "" } else { "s" },
            parts.join("; ")
        );
        self.out.diagnostics.push(
            Diagnostic::new(codes::SETTINGS_NOT_COMPARED, Severity::Note, message)
                .at(Location::file_start(self.checked.loaded.file()))
                .help("managed services disable CONFIG: compare these in the provider's console or parameter group, or verify as a user that may run CONFIG GET and ACL DRYRUN"),
        );
    }
}

/// `memory.eviction_policy` from `/memory/eviction_policy`, `a.b[2]` from `/a/b/2`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').filter(|s| !s.is_empty()) {
        if seg.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// A value for `CONFIG SET`: quoted when empty or holding spaces.
fn quote(v: &str) -> String {
    if v.is_empty() || v.contains(' ') {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

/// A value as a message shows it: backquoted, with what a bare number or empty string means.
fn shown(setting: &str, v: &str) -> String {
    match (setting, v) {
        ("maxmemory", "0") => "`0` (no limit)".into(),
        ("maxmemory", _) => match v.parse::<u64>() {
            Ok(b) => format!("`{}` ({b} bytes)", units::format_bytes(b)),
            Err(_) => format!("`{v}`"),
        },
        ("save", "") => "`\"\"` (no snapshots)".into(),
        ("notify-keyspace-events", "") => "`\"\"` (no notifications)".into(),
        _ => format!("`{v}`"),
    }
}

/// The user named in an ACL DRYRUN explanation, for the help's example command.
fn user_hint(how: &str) -> &str {
    how.split('`').nth(1).unwrap_or("default")
}

/// `notify-keyspace-events` as a set of flags. Redis rewrites the string (`Ex` reads back as
/// `xE`) and folds the classes `g$lshzxetd` into `A`, so both sides are expanded and sorted.
pub fn keyspace_flags(s: &str) -> Vec<char> {
    let mut flags: Vec<char> = s
        .chars()
        .flat_map(|c| {
            if c == 'A' {
                "g$lshzxetd".chars().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    flags.sort_unstable();
    flags.dedup();
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Outcome, check_spec};
    use std::collections::BTreeMap;

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

    /// What a server started from the generated development redis.conf reports.
    fn development_server() -> Observed {
        let config: BTreeMap<String, String> = [
            ("maxmemory", "2147483648"),
            ("maxmemory-policy", "allkeys-lru"),
            ("maxmemory-samples", "5"),
            ("save", ""),
            ("appendonly", "no"),
            ("appendfsync", "everysec"),
            ("notify-keyspace-events", "xE"),
            ("databases", "16"),
            ("timeout", "300"),
            ("tcp-keepalive", "300"),
            ("slowlog-log-slower-than", "10000"),
            ("slowlog-max-len", "128"),
            ("io-threads", "1"),
            ("io-threads-do-reads", "no"),
            ("port", "6379"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let info = [
            ("redis_version", "7.2.4"),
            ("maxmemory", "2147483648"),
            ("maxmemory_policy", "allkeys-lru"),
            ("aof_enabled", "0"),
            ("role", "master"),
            ("connected_slaves", "0"),
            ("cluster_enabled", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Observed {
            info,
            config,
            ..Observed::default()
        }
    }

    /// The codes reported, sorted (the report itself is in the order of the spec's lines).
    fn codes_of(c: &Comparison) -> Vec<&'static str> {
        let mut v: Vec<_> = c.diagnostics.iter().map(|d| d.code).collect();
        v.sort_unstable();
        v
    }

    fn find<'c>(c: &'c Comparison, code: &str) -> &'c Diagnostic {
        c.diagnostics.iter().find(|d| d.code == code).unwrap()
    }

    #[test]
    fn a_server_like_the_generated_config_has_no_drift() {
        let c = compare(&checked("development"), &development_server());
        assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
        assert!(c.not_compared.is_empty());
        assert!(c.compared >= 18, "{}", c.compared);
    }

    #[test]
    fn each_changed_setting_is_one_drift_at_its_spec_line() {
        let mut seen = development_server();
        seen.config
            .insert("maxmemory-policy".into(), "noeviction".into());
        seen.config.insert("maxmemory".into(), "1048576".into());
        seen.config
            .insert("notify-keyspace-events".into(), "".into());
        let c = compare(&checked("development"), &seen);
        assert_eq!(
            codes_of(&c),
            [
                codes::MAX_MEMORY_DRIFT,
                codes::EVICTION_POLICY_DRIFT,
                codes::KEYSPACE_EVENTS_DRIFT
            ]
        );
        let d = find(&c, codes::MAX_MEMORY_DRIFT);
        assert_eq!(
            d.message,
            "`maxmemory` is `1mb` (1048576 bytes) on the server, but `memory.max_memory` expects `2gb` (2147483648 bytes)"
        );
        let at = d.location.as_ref().unwrap();
        assert_eq!(
            at.file.display_path().rsplit('/').next(),
            Some("cache.yaml")
        );
        assert_eq!(
            at.file
                .text()
                .lines()
                .nth(at.line as usize - 1)
                .unwrap()
                .trim(),
            "max_memory: 2gb"
        );
        assert!(
            d.help
                .as_ref()
                .unwrap()
                .contains("CONFIG SET maxmemory 2gb")
        );
        // eviction_policy is declared in the base the development spec extends.
        let d = find(&c, codes::EVICTION_POLICY_DRIFT);
        let at = d.location.as_ref().unwrap();
        assert!(at.file.display_path().ends_with("base.yaml"));
        assert_eq!(&at.file.text()[at.span.clone()], "allkeys-lru");
        assert!(
            d.help
                .as_ref()
                .unwrap()
                .contains("CONFIG SET maxmemory-policy allkeys-lru")
        );
        let drift = c
            .drifts
            .iter()
            .find(|d| d.code == codes::EVICTION_POLICY_DRIFT)
            .unwrap();
        assert_eq!(
            (drift.expected.as_str(), drift.actual.as_str()),
            ("allkeys-lru", "noeviction")
        );
    }

    #[test]
    fn keyspace_events_compare_as_flag_sets() {
        assert_eq!(keyspace_flags("Ex"), keyspace_flags("xE"));
        assert_eq!(keyspace_flags("AKE"), keyspace_flags("KEg$lshzxetd"));
        assert_ne!(keyspace_flags("Ex"), keyspace_flags("Kx"));
        assert_ne!(keyspace_flags("Ex"), keyspace_flags(""));
    }

    #[test]
    fn without_config_info_still_answers_and_the_rest_is_one_note() {
        let mut seen = development_server();
        seen.config.clear();
        seen.config_refused = Some("ERR unknown command 'CONFIG'".into());
        seen.info
            .insert("maxmemory_policy".into(), "volatile-lru".into());
        let c = compare(&checked("development"), &seen);
        assert_eq!(
            codes_of(&c),
            [codes::EVICTION_POLICY_DRIFT, codes::SETTINGS_NOT_COMPARED]
        );
        let note = find(&c, codes::SETTINGS_NOT_COMPARED);
        assert_eq!(note.severity, Severity::Note);
        let help = find(&c, codes::EVICTION_POLICY_DRIFT)
            .help
            .as_ref()
            .unwrap();
        assert!(!help.contains("CONFIG SET"), "{help}");
        for s in [
            "maxmemory-samples",
            "save",
            "appendfsync",
            "io-threads",
            "timeout",
        ] {
            assert!(
                note.message.contains(&format!("`{s}`")),
                "{s}: {}",
                note.message
            );
        }
        assert!(note.message.contains("ERR unknown command 'CONFIG'"));
        // maxmemory, its policy and appendonly came from INFO.
        assert!(!note.message.contains("`maxmemory`"));
        assert!(!note.message.contains("`appendonly`"));
    }

    #[test]
    fn engine_kind_version_and_topology() {
        let mut seen = development_server();
        seen.info.insert("redis_version".into(), "7.0.15".into());
        seen.info.insert("role".into(), "slave".into());
        let c = compare(&checked("development"), &seen);
        assert_eq!(
            codes_of(&c),
            [
                codes::ENGINE_DRIFT,
                codes::ROLE_DRIFT,
                codes::SETTINGS_NOT_COMPARED
            ]
        );
        assert!(find(&c, codes::ENGINE_DRIFT).message.contains("`7.0.15`"));

        let mut seen = development_server();
        seen.info.insert("valkey_version".into(), "7.2.5".into());
        seen.info.insert("connected_slaves".into(), "1".into());
        seen.info.insert("cluster_enabled".into(), "1".into());
        let c = compare(&checked("development"), &seen);
        assert_eq!(
            codes_of(&c),
            [
                codes::ENGINE_DRIFT,
                codes::REPLICA_COUNT_DRIFT,
                codes::CLUSTER_MODE_DRIFT
            ]
        );
    }

    #[test]
    fn tls_is_judged_by_the_connection_and_the_plaintext_port() {
        let staging = checked("staging");
        let mut seen = development_server();
        let c = compare(&staging, &seen);
        assert!(codes_of(&c).contains(&codes::TLS_DRIFT));
        seen.over_tls = true;
        let c = compare(&staging, &seen);
        let tls: Vec<_> = c
            .drifts
            .iter()
            .filter(|d| d.code == codes::TLS_DRIFT)
            .collect();
        assert_eq!(tls.len(), 1);
        assert_eq!(tls[0].setting, "port");
        seen.config.insert("port".into(), "0".into());
        let c = compare(&staging, &seen);
        assert!(!codes_of(&c).contains(&codes::TLS_DRIFT));
    }

    #[test]
    fn a_disabled_command_that_is_allowed_points_at_its_list_entry() {
        let staging = checked("staging");
        let mut seen = development_server();
        seen.over_tls = true;
        seen.commands = vec![
            ("FLUSHALL".into(), Probe::Refused("acl".into())),
            (
                "KEYS".into(),
                Probe::Allowed("ACL DRYRUN: user `default` may run it".into()),
            ),
            (
                "DEBUG".into(),
                Probe::Unknown("ACL DRYRUN is refused".into()),
            ),
        ];
        let c = compare(&staging, &seen);
        let d: Vec<_> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::COMMAND_NOT_REFUSED)
            .collect();
        assert_eq!(d.len(), 1);
        let at = d[0].location.as_ref().unwrap();
        let line = at.file.text().lines().nth(at.line as usize - 1).unwrap();
        assert!(line.contains("disabled_commands: [FLUSHALL, FLUSHDB, KEYS, DEBUG]"));
        assert_eq!(&at.file.text()[at.span.clone()], "KEYS");
        assert!(
            d[0].help
                .as_ref()
                .unwrap()
                .contains("ACL SETUSER default -keys")
        );
        assert!(
            c.not_compared
                .iter()
                .any(|n| n.setting == "disabled command DEBUG")
        );
    }

    #[test]
    fn a_managed_node_may_hold_more_memory_but_not_less() {
        let prod = checked("production");
        assert_eq!(Hosting::of(&prod), Hosting::Managed("aws"));
        let want = prod.plan.memory.max_memory_bytes;
        let mut seen = Observed {
            config_refused: Some("ERR unknown command 'CONFIG'".into()),
            over_tls: true,
            ..Observed::default()
        };
        seen.info.insert("maxmemory".into(), (want * 2).to_string());
        let c = compare(&prod, &seen);
        assert!(!codes_of(&c).contains(&codes::MAX_MEMORY_DRIFT));
        seen.info.insert("maxmemory".into(), (want / 2).to_string());
        let c = compare(&prod, &seen);
        assert!(codes_of(&c).contains(&codes::MAX_MEMORY_DRIFT));
        // Backups and I/O threads are the service's.
        let note = &c
            .diagnostics
            .iter()
            .find(|d| d.code == codes::SETTINGS_NOT_COMPARED)
            .unwrap();
        assert!(
            note.message.contains("aws takes its own backups"),
            "{}",
            note.message
        );
    }
}
