//! Redis Cluster end to end on loopback: the example cluster spec renders one config per node
//! and a cluster-create script; six real redis-servers started from them (as the compose stack
//! starts them) form a cluster of 3 primaries and 3 replicas; keys spread over the shards;
//! running the script again changes nothing; when a primary dies its replica takes over within
//! 2 x cluster-node-timeout + 1 s (what Redis guarantees, see below) and every key written
//! before is still readable; all nodes restarted on their data with the script run again at
//! once keep their cluster (same node IDs, keys) instead of failing or recreating it. Servers
//! are killed when the test ends, passed or failed.

use crate::common::redis_server::{Server, cli, start_config, start_config_on, wait_ready};
use crate::common::*;
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
    (o.status.success(), output_text(&o))
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

fn my_id(s: &Server) -> String {
    let (ok, id) = cli(s, None, true, &["CLUSTER", "MYID"]);
    assert!(ok && id.len() == 40, "CLUSTER MYID on {}: {id}", s.port);
    id
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
    render_spec(Path::new("examples/cluster/cache.yaml"), &out);
    let env_dir = out.join("cluster-local");
    let node_timeout_ms: u64 = std::fs::read_to_string(env_dir.join("redis-0.conf"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("cluster-node-timeout "))
        .expect("cluster-node-timeout in redis-0.conf")
        .parse()
        .unwrap();

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
    let ids: Vec<String> = servers.iter().map(my_id).collect();

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

    // Kill a primary: its replica is promoted, no key is lost. What Redis guarantees, with
    // T = cluster-node-timeout (cluster.c of Redis 7.0-7.2):
    // - a node times a peer out only on an unanswered ping, and pings every peer whose last
    //   pong is older than T/2: a ping to the dead primary is pending at most T/2 after the
    //   kill (a refused reconnection does not start the clock);
    // - T later that node flags it PFAIL;
    // - FAIL needs the PFAIL reports of a majority of primaries, gossiped in the pings and
    //   pongs every pair of nodes exchanges at least every T/2;
    // - the replica then waits 500 ms + random(0..500) ms (+ 1 s per replica with a larger
    //   replication offset: none here, one replica per shard) and wins the vote in a round trip.
    // So the promotion comes at most 2T + 1 s after the kill (T + 0.5 s at best, T + 2 to 4.5 s
    // measured here), never "within T". The bound adds 1.5 s: up to five 100 ms cluster cron
    // steps on the way, this loop's 200 ms polls, and 0.8 s for a loaded machine.
    let kill_to_promotion_max = Duration::from_millis(2 * node_timeout_ms + 1000 + 1500);
    let victim = servers.iter().position(|s| s.port == masters[0]).unwrap();
    servers[victim].kill();
    let survivor = servers.iter().position(|s| s.port != masters[0]).unwrap();
    let started = Instant::now();
    wait_for("failover", kill_to_promotion_max, || {
        let r = roles(&servers[survivor]);
        r.iter()
            .filter(|(p, m, f)| *m && !*f && *p != masters[0])
            .count()
            == 3
            && cluster_info(&servers[survivor], "cluster_state") == "ok"
    });
    eprintln!(
        "failover took {:?} (cluster-node-timeout {node_timeout_ms} ms, bound {kill_to_promotion_max:?})",
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

    // Restarted on their data (nodes.conf and AOF kept), as `docker compose stop` then `up`
    // does, and the script run as soon as the nodes answer: it must find the cluster and wait
    // for it to settle rather than fail or recreate it. A restarted primary reports
    // cluster_state:fail for its first 2 s (Redis's writable delay), so the script asks a
    // primary first (as redis-0 is until a failover) and, run within 1 s, has to wait.
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    let primary = roles(&servers[survivor])
        .into_iter()
        .find(|(p, m, f)| *m && !*f && *p != masters[0])
        .map(|(p, _, _)| servers.iter().position(|s| s.port == p).unwrap())
        .unwrap();
    let primary_first: Vec<String> = std::iter::once(primary)
        .chain((0..servers.len()).filter(|i| *i != primary))
        .map(|i| format!("127.0.0.1:{}", ports[i]))
        .collect();
    let primary_first = primary_first.join(" ");
    for s in servers.iter_mut() {
        s.stop();
    }
    drop(servers);
    let restarted = Instant::now();
    let mut servers: Vec<Server> = (0..6)
        .map(|i| {
            start_config_on(
                &env_dir,
                &format!("redis-{i}.conf"),
                &tmp.path().join(format!("node-{i}")),
                PASSWORD,
                ports[i],
            )
        })
        .collect();
    for s in servers.iter_mut() {
        wait_ready(s, None);
    }
    let script_after = restarted.elapsed();
    let (ok, log) = run_script(&env_dir, &primary_first, &secret);
    eprintln!(
        "create-cluster.sh {script_after:?} after a restart: {}",
        log.trim().replace('\n', " / ")
    );
    assert!(
        ok && log.contains("exists already") && !log.contains("slots"),
        "create-cluster.sh {script_after:?} after a restart: {log}"
    );
    if script_after < Duration::from_secs(1) {
        assert!(
            log.contains("waiting for cluster_state:ok"),
            "the restarted primary was still settling: {log}"
        );
    }
    assert_eq!(cluster_info(&servers[primary], "cluster_state"), "ok");
    assert_eq!(
        servers.iter().map(my_id).collect::<Vec<_>>(),
        ids,
        "the same nodes, not a new cluster"
    );
    wait_for(
        "cluster_state:ok on every node",
        Duration::from_secs(20),
        || {
            servers
                .iter()
                .all(|s| cluster_info(s, "cluster_state") == "ok")
        },
    );
    assert_eq!(cluster_info(&servers[0], "cluster_known_nodes"), "6");
    for i in 0..200 {
        let (ok, o) = cli(&servers[0], None, true, &["-c", "GET", &format!("org:{i}")]);
        assert!(ok && o == format!("v{i}"), "GET org:{i} after restart: {o}");
    }
}
