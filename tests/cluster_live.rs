//! Redis Cluster end to end on loopback: the example cluster spec renders one config per node
//! and a cluster-create script; six real redis-servers started from them (as the compose stack
//! starts them) form a cluster of 3 primaries and 3 replicas; keys spread over the shards;
//! running the script again changes nothing; when a primary dies its replica takes over within
//! the node timeout and every key written before is still readable. Servers are killed when
//! the test ends, passed or failed.

mod common;

use common::redis_server::{Server, cli, start_config, wait_ready};
use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Cluster-Canary-42e1b9";

fn run_script(env_dir: &Path, nodes: &str, secret: &Path) -> (bool, String) {
    let o = Command::new("sh")
        .arg(env_dir.join("create-cluster.sh"))
        .env("REDIS_CLUSTER_NODES", nodes)
        .env("REDIS_PASSWORD_FILE", secret)
        .output()
        .unwrap();
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn cluster_info(s: &Server, field: &str) -> String {
    let (_, out) = cli(s, None, true, &["CLUSTER", "INFO"]);
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// `CLUSTER NODES` as (port, is_master, failed) triples.
fn roles(s: &Server) -> Vec<(u16, bool, bool)> {
    let (_, out) = cli(s, None, true, &["CLUSTER", "NODES"]);
    out.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let port: u16 = f
                .get(1)?
                .split(['@', ','])
                .next()?
                .rsplit(':')
                .next()?
                .parse()
                .ok()?;
            let flags = f.get(2)?;
            Some((
                port,
                flags.contains("master"),
                flags.contains("fail") && !flags.contains("fail?"),
            ))
        })
        .collect()
}

fn wait_for(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_rendered_cluster_forms_spreads_keys_and_fails_over() {
    if tool("redis-server").is_none() || tool("redis-cli").is_none() {
        return;
    }
    let tmp = TempDir::new("cluster");
    let out = tmp.path().join("generated");
    let o = run_in(
        &root(),
        &[
            "render",
            "examples/cluster/cache.yaml",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let env_dir = out.join("cluster-local");
    let plan_timeout_ms = 5000;

    // One server per generated node config.
    let mut servers: Vec<Server> = (0..6)
        .map(|i| {
            start_config(
                &env_dir,
                &format!("redis-{i}.conf"),
                &tmp.path().join(format!("node-{i}")),
                PASSWORD,
            )
        })
        .collect();
    assert!(
        !env_dir.join("redis-6.conf").exists(),
        "3 shards x (1 + 1 replica) = 6 nodes"
    );
    for s in servers.iter_mut() {
        wait_ready(s, None);
    }
    let nodes: Vec<String> = servers
        .iter()
        .map(|s| format!("127.0.0.1:{}", s.port))
        .collect();
    let nodes = nodes.join(" ");
    let secret = tmp.path().join("secret");
    std::fs::write(&secret, PASSWORD).unwrap();

    let (ok, log) = run_script(&env_dir, &nodes, &secret);
    assert!(ok, "create-cluster.sh: {log}");
    assert!(!log.contains(PASSWORD), "the script prints no password");
    wait_for("cluster_state:ok", Duration::from_secs(20), || {
        cluster_info(&servers[0], "cluster_state") == "ok"
    });
    assert_eq!(cluster_info(&servers[0], "cluster_known_nodes"), "6");
    // Replica roles spread by gossip; give them a moment to reach node 0's view.
    wait_for(
        "3 primaries and 3 replicas",
        Duration::from_secs(20),
        || {
            let r = roles(&servers[0]);
            r.len() == 6 && r.iter().filter(|(_, m, _)| *m).count() == 3
        },
    );
    let r = roles(&servers[0]);
    assert_eq!(
        r.iter().filter(|(_, m, _)| !*m).count(),
        3,
        "3 replicas: {r:?}"
    );

    // Every replica has synced with its primary (the first sync can take a retry).
    wait_for("replicas in sync", Duration::from_secs(60), || {
        servers.iter().all(|s| {
            let (_, info) = cli(s, None, true, &["INFO", "replication"]);
            info.contains("role:master") || info.contains("master_link_status:up")
        })
    });

    // Keys written through redirections land on every shard.
    for i in 0..200 {
        let (ok, o) = cli(
            &servers[0],
            None,
            true,
            &["-c", "SET", &format!("org:{i}"), &format!("v{i}")],
        );
        assert!(ok && o == "OK", "SET org:{i}: {o}");
    }
    let masters: Vec<u16> = r
        .iter()
        .filter(|(_, m, _)| *m)
        .map(|(p, _, _)| *p)
        .collect();
    for s in servers.iter().filter(|s| masters.contains(&s.port)) {
        let (_, n) = cli(s, None, true, &["DBSIZE"]);
        assert!(
            n.parse::<u32>().unwrap() > 20,
            "every shard holds keys: {} has {n}",
            s.port
        );
    }

    // Idempotent: a second run changes nothing.
    let (ok, log) = run_script(&env_dir, &nodes, &secret);
    assert!(ok && log.contains("exists already"), "{log}");

    // Kill a primary: its replica is promoted within the node timeout, no key is lost.
    let victim = servers.iter().position(|s| s.port == masters[0]).unwrap();
    servers[victim].kill();
    let survivor = servers.iter().position(|s| s.port != masters[0]).unwrap();
    let started = Instant::now();
    // Failure detection takes the node timeout, the election about a second more; allow three
    // node timeouts for a loaded CI machine, and print the figure.
    wait_for(
        "failover",
        Duration::from_millis(plan_timeout_ms * 3),
        || {
            let r = roles(&servers[survivor]);
            r.iter()
                .filter(|(p, m, f)| *m && !*f && *p != masters[0])
                .count()
                == 3
                && cluster_info(&servers[survivor], "cluster_state") == "ok"
        },
    );
    eprintln!(
        "failover took {:?} (cluster-node-timeout {plan_timeout_ms} ms)",
        started.elapsed()
    );
    for i in 0..200 {
        let (ok, o) = cli(
            &servers[survivor],
            None,
            true,
            &["-c", "GET", &format!("org:{i}")],
        );
        assert!(
            ok && o == format!("v{i}"),
            "GET org:{i} after failover: {o}"
        );
    }
}
