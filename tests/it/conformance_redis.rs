//! Every generated `redis.conf` is accepted by a real redis-server (Debian's 7.0 package in
//! CI), started the way the compose stack starts it (start-redis.sh turning the password
//! secret into an ACL file), and redis-cli sees the settings the spec asked for. Container
//! paths and the port are rewritten to a temporary folder and a free loopback port.

use crate::common::redis_server::{Server, cli, make_tls, render_into, start, wait_ready};
use crate::common::*;
use std::path::Path;

const PASSWORD: &str = "Conformance-Canary-7f3a9c";

fn config(server: &Server, tls: Option<&Path>, key: &str) -> String {
    let (ok, out) = cli(server, tls, true, &["CONFIG", "GET", key]);
    assert!(ok, "CONFIG GET {key}: {out}");
    out.lines().nth(1).unwrap_or("").to_string()
}

fn plan_of(env: &str) -> cachegen::plan::Plan {
    let project = cachegen::project::discover(&root()).unwrap();
    match cachegen::pipeline::check_spec(
        &project,
        &root().join(format!("environments/{env}/cache.yaml")),
    ) {
        cachegen::pipeline::Outcome::Checked(c) => c.plan,
        other => panic!("{env}: {:?}", other.diagnostics()),
    }
}

fn check_environment(env: &str, generated: &Path, work_root: &Path) {
    let plan = plan_of(env);
    let work = work_root.join(env);
    let tls_ca = plan.security.tls.then(|| {
        make_tls(&work.join("tls"));
        work.join("tls/ca.crt")
    });
    let mut server = start(&generated.join(env), &work, PASSWORD);
    let ca = tls_ca.as_deref();
    wait_ready(&mut server, ca);

    // The settings the spec asked for.
    assert_eq!(
        config(&server, ca, "maxmemory"),
        plan.memory.max_memory_bytes.to_string(),
        "{env}: maxmemory"
    );
    assert_eq!(
        config(&server, ca, "maxmemory-policy"),
        plan.memory.eviction_policy.as_str(),
        "{env}"
    );
    assert_eq!(
        config(&server, ca, "appendonly"),
        if plan.persistence.aof.enabled {
            "yes"
        } else {
            "no"
        },
        "{env}"
    );
    let save: Vec<String> = plan
        .persistence
        .snapshots
        .save
        .iter()
        .flat_map(|p| [p.seconds.to_string(), p.changes.to_string()])
        .collect();
    assert_eq!(
        config(&server, ca, "save"),
        save.join(" "),
        "{env}: save points"
    );
    let mut want: Vec<char> = plan.server.keyspace_events.chars().collect();
    let mut got: Vec<char> = config(&server, ca, "notify-keyspace-events")
        .chars()
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{env}: notify-keyspace-events");
    assert_eq!(
        config(&server, ca, "databases"),
        plan.server.databases.to_string(),
        "{env}"
    );
    assert_eq!(
        config(&server, ca, "io-threads"),
        plan.server.io_threads.to_string(),
        "{env}"
    );

    // AUTH: no password, no access; the wrong one is refused.
    let (_, out) = cli(&server, ca, false, &["GET", "k"]);
    assert!(out.contains("NOAUTH"), "{env}: unauthenticated GET: {out}");
    let (ok, out) = cli(&server, ca, true, &["SET", "k", "v"]);
    assert!(ok && out == "OK", "{env}: authenticated SET: {out}");

    // Disabled commands are refused.
    for c in &plan.security.disabled_commands {
        // Arity is checked before permissions: give each command valid arguments.
        let probe: Vec<&str> = match c.as_str() {
            "KEYS" => vec!["KEYS", "*"],
            "DEBUG" => vec!["DEBUG", "HELP"],
            other => vec![other],
        };
        let (_, out) = cli(&server, ca, true, &probe);
        assert!(
            out.contains("NOPERM") || out.contains("not allowed"),
            "{env}: {c} must be refused: {out}"
        );
        // And the refusal is the ACL's, not only another guard's.
        let mut dry = vec!["ACL", "DRYRUN", "default"];
        dry.extend(&probe);
        let (_, out) = cli(&server, ca, true, &dry);
        assert!(
            out.contains("no permissions"),
            "{env}: ACL allows {c}: {out}"
        );
    }

    if ca.is_some() {
        // TLS only: a plain TCP client gets no answer.
        let (_, out) = cli(&server, None, true, &["PING"]);
        assert_ne!(
            out, "PONG",
            "{env}: plain TCP must be refused on the TLS port"
        );
    }
    // The password is in no file Redis was given (the ACL file holds its SHA-256).
    let acl = std::fs::read_to_string(work.join("run/users.acl")).unwrap();
    assert!(
        !acl.contains(PASSWORD),
        "{env}: the ACL file holds the password"
    );
    let conf = std::fs::read_to_string(work.join("redis.conf")).unwrap();
    assert!(!conf.contains(PASSWORD));
}

#[test]
fn redis_server_runs_every_generated_config() {
    if tool("redis-server").is_none() || tool("redis-cli").is_none() || tool("openssl").is_none() {
        return;
    }
    let tmp = TempDir::new("redis");
    let generated = tmp.path().join("generated");
    render_into(&root(), &generated);
    let mut checked = 0;
    for env in ["development", "staging"] {
        check_environment(env, &generated, tmp.path());
        checked += 1;
    }
    assert_eq!(checked, 2);
}
