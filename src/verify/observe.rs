//! What the server says about itself: INFO, CONFIG GET where it is permitted, CLUSTER INFO in
//! cluster mode, and whether each disabled command is refused. Only commands that read are
//! sent; a disabled command is never run, only asked about (ACL DRYRUN) or called with HELP.

use super::connection::{Reply, Session};
use std::collections::BTreeMap;

/// Directives that verify's own comparisons read (memory, snapshots, TLS listeners, the
/// commands a server may enable), besides those the settings table compares.
const CODE_CONFIG_KEYS: &[&str] = &[
    "maxmemory",
    "save",
    "port",
    "tls-port",
    "enable-debug-command",
    "enable-module-command",
];

/// Settings read with CONFIG GET, one at a time (a multi-key CONFIG GET needs Redis 7): every
/// directive the settings table compares, then those verify's own comparisons need.
pub fn config_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = crate::settings::all()
        .iter()
        .filter(|s| matches!(s.verify, crate::settings::Verify::Config { .. }))
        .filter_map(|s| s.conf.map(|c| c.directive))
        .collect();
    for k in CODE_CONFIG_KEYS {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    keys
}

/// Everything read from the server, before any comparison.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// INFO fields of every default section, by name (`redis_version`, `maxmemory`, ...).
    pub info: BTreeMap<String, String>,
    /// CONFIG GET values by directive; a directive the server does not know is absent.
    pub config: BTreeMap<String, String>,
    /// Why CONFIG GET could not be used at all (managed services rename or forbid it).
    pub config_refused: Option<String>,
    /// CLUSTER INFO fields, in cluster mode.
    pub cluster: BTreeMap<String, String>,
    /// Why CLUSTER INFO could not be read, in cluster mode.
    pub cluster_refused: Option<String>,
    /// The session runs over TLS (it connected with rediss://).
    pub over_tls: bool,
    /// For each disabled command of the spec, whether the server refuses it.
    pub commands: Vec<(String, Probe)>,
}

/// Whether a disabled command is refused, and how that was found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Refused(String),
    Allowed(String),
    /// It could not be found out (ACL DRYRUN not permitted, ...).
    Unknown(String),
}

impl Observed {
    pub fn info(&self, key: &str) -> Option<&str> {
        self.info.get(key).map(String::as_str)
    }

    pub fn config(&self, key: &str) -> Option<&str> {
        self.config.get(key).map(String::as_str)
    }
}

/// `key:value` lines of INFO (or CLUSTER INFO); `# Section` headers and blanks are skipped.
pub fn parse_info(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Read the server. INFO must succeed (without it there is nothing to compare, and its
/// failure usually means the login is not enough: NOAUTH, NOPERM); the rest may be refused.
pub fn observe(
    session: &mut Session,
    user: &str,
    over_tls: bool,
    disabled_commands: &[String],
) -> Result<Observed, String> {
    let info = match session.call(&["INFO"])? {
        Reply::Text(t) => parse_info(&t),
        other => return Err(format!("INFO replied {other:?}")),
    };
    let mut seen = Observed {
        info,
        over_tls,
        ..Observed::default()
    };
    read_config(session, &mut seen);
    if seen.info("cluster_enabled") == Some("1") {
        match session.call(&["CLUSTER", "INFO"]) {
            Ok(Reply::Text(t)) => seen.cluster = parse_info(&t),
            Ok(other) => seen.cluster_refused = Some(format!("CLUSTER INFO replied {other:?}")),
            Err(e) => seen.cluster_refused = Some(e),
        }
    }
    for name in disabled_commands {
        let probe = probe_command(session, user, name, &seen);
        seen.commands.push((name.clone(), probe));
    }
    Ok(seen)
}

fn read_config(session: &mut Session, seen: &mut Observed) {
    for key in config_keys() {
        match session.call(&["CONFIG", "GET", key]) {
            Ok(Reply::List(items)) => {
                // [name, value]; an unknown directive gives an empty list.
                if let [_, Reply::Text(v)] = items.as_slice() {
                    seen.config.insert(key.to_string(), v.clone());
                }
            }
            Ok(_) => {}
            Err(e) if seen.config.is_empty() => {
                // The first refusal means CONFIG as a whole is not available.
                seen.config_refused = Some(e);
                return;
            }
            Err(_) => {}
        }
    }
}

/// Commands whose `HELP` subcommand only prints text: safe to really call when ACL DRYRUN is
/// not permitted.
const HELP_PROBES: &[&str] = &[
    "ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY", "MEMORY",
    "MODULE", "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO",
];

/// Is `name` refused for `user`? Asked with ACL DRYRUN, which judges without running; its
/// arguments only need the right count (Redis checks arity before permissions), so COMMAND
/// INFO gives the arity and `HELP` stands in for the first argument (a valid subcommand of
/// every container command).
fn probe_command(session: &mut Session, user: &str, name: &str, seen: &Observed) -> Probe {
    let lower = name.to_ascii_lowercase();
    let arity = match session.call(&["COMMAND", "INFO", &lower]) {
        Ok(Reply::List(entries)) => match entries.first() {
            Some(Reply::List(doc)) => match doc.get(1) {
                Some(Reply::Int(a)) => *a,
                _ => return Probe::Unknown("COMMAND INFO gave no arity".into()),
            },
            // No such command: renamed away or not in this server (how managed services
            // disable commands).
            _ => return Probe::Refused("the server has no such command".into()),
        },
        Ok(other) => return Probe::Unknown(format!("COMMAND INFO replied {other:?}")),
        Err(e) => return Probe::Unknown(format!("COMMAND INFO is refused ({e})")),
    };
    let wanted = usize::try_from(arity.unsigned_abs().saturating_sub(1)).unwrap_or(0);
    let args: Vec<&str> = (0..wanted.min(8))
        .map(|i| if i == 0 { "HELP" } else { "x" })
        .collect();
    let mut dryrun = vec!["ACL", "DRYRUN", user, lower.as_str()];
    dryrun.extend(&args);
    let by_acl = match session.call(&dryrun) {
        Ok(Reply::Ok) => Probe::Allowed(format!("ACL DRYRUN: user `{user}` may run it")),
        Ok(Reply::Text(t)) if t.contains("permissions to run") => {
            Probe::Refused(format!("ACL DRYRUN: {t}"))
        }
        Ok(Reply::Text(t)) if t == "OK" => {
            Probe::Allowed(format!("ACL DRYRUN: user `{user}` may run it"))
        }
        Ok(other) => Probe::Unknown(format!("ACL DRYRUN replied {other:?}")),
        Err(e) if e.contains("not found") && e.to_ascii_lowercase().contains("command") => {
            Probe::Refused("the server has no such command".into())
        }
        Err(e) => Probe::Unknown(format!("ACL DRYRUN is refused ({e})")),
    };
    match by_acl {
        // The ACL allows it, but DEBUG and MODULE have a second guard in the configuration
        // (`enable-debug-command`), checked before the ACL.
        Probe::Allowed(how) if matches!(name, "DEBUG" | "MODULE") => {
            let key = if name == "DEBUG" {
                "enable-debug-command"
            } else {
                "enable-module-command"
            };
            match seen.config(key) {
                Some("no") => Probe::Refused(format!("`{key} no`, though the ACL allows it")),
                Some(_) => Probe::Allowed(how),
                None => call_help(session, name).unwrap_or(Probe::Allowed(how)),
            }
        }
        Probe::Unknown(why) => call_help(session, name).unwrap_or(Probe::Unknown(why)),
        decided => decided,
    }
}

/// Really call `<name> HELP`, for the commands where that only prints text.
fn call_help(session: &mut Session, name: &str) -> Option<Probe> {
    if !HELP_PROBES.contains(&name) {
        return None;
    }
    Some(match session.call(&[name, "HELP"]) {
        Ok(_) => Probe::Allowed(format!("`{name} HELP` answered")),
        Err(e) => {
            let l = e.to_ascii_lowercase();
            if l.starts_with("noperm") || l.contains("unknown command") || l.contains("not allowed")
            {
                Probe::Refused(format!("`{name} HELP`: {e}"))
            } else {
                Probe::Unknown(format!("`{name} HELP`: {e}"))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_sections_merge_into_one_map() {
        let m = parse_info(
            "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n",
        );
        assert_eq!(m.get("redis_version").unwrap(), "7.0.15");
        assert_eq!(m.get("db0").unwrap(), "keys=3,expires=0,avg_ttl=0");
        assert_eq!(m.len(), 3);
    }
}
