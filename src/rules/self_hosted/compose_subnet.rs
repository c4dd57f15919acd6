use crate::diagnostics::{Severity, codes};
use crate::plan::subnet::{MIN_PREFIX, Subnet, SubnetError};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;

pub static RULE: Rule = Rule {
    code: codes::COMPOSE_SUBNET,
    name: "compose-subnet",
    family: Family::SelfHosted,
    summary: "`targets.compose.subnet` is not a private IPv4 network that holds the stack.",
    rationale: "The stack declares this network for its containers, and a Redis Cluster's nodes take fixed addresses in it so that they find each other after `docker compose down`/`up` or a reboot. A public range would shadow real hosts for the containers, a network address with host bits set or a network too small for the nodes makes `docker compose up` fail, and a network larger than a /16 claims addresses other networks use.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        tier: Tier::Development,
        previous: None,
        failing: "targets: { compose: { subnet: 8.8.8.0/24 } }",
        passing: "targets: { compose: { subnet: 172.16.40.0/24 } }",
    },
};

/// The longest prefix: a /28 leaves 8 addresses for the gateway and other containers.
const MAX_PREFIX: u8 = 28;

fn check(cx: &Context) -> Vec<Finding> {
    let Some(text) = cx
        .plan
        .targets
        .compose
        .as_ref()
        .and_then(|c| c.subnet.as_ref())
    else {
        return Vec::new();
    };
    let loc = || {
        if cx.is_set("/targets/compose/subnet") {
            cx.loc("/targets/compose/subnet")
        } else {
            cx.loc("/topology")
        }
    };
    let fix = "pick a private network (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) that no other Docker network (`docker network inspect`) and no host route (`ip route`) uses, e.g. `172.16.40.0/24`";
    let subnet = match Subnet::parse(text) {
        Ok(s) => s,
        Err(SubnetError::Syntax) => {
            return vec![Finding::new(
                loc(),
                format!(
                    "`{text}` is not an IPv4 network (`a.b.c.d/prefix`, octets 0 to 255, prefix 0 to 32)"
                ),
                fix,
            )];
        }
        Err(SubnetError::HostBits(network)) => {
            return vec![Finding::new(
                loc(),
                format!("`{text}` has host bits set: its network is `{network}`"),
                format!("write `{network}`"),
            )];
        }
    };
    let mut out = Vec::new();
    if !subnet.is_private() {
        out.push(Finding::new(
            loc(),
            format!("`{subnet}` is not a private network: the containers could not reach real hosts in it"),
            fix,
        ));
    }
    if subnet.prefix < MIN_PREFIX || subnet.prefix > MAX_PREFIX {
        out.push(Finding::new(
            loc(),
            format!("`{subnet}`: a stack's network is a /{MIN_PREFIX} to a /{MAX_PREFIX}"),
            "a /24 holds more than a hundred nodes",
        ));
    } else if cx.plan.topology.is_cluster() && subnet.node_capacity() < cx.plan.topology.nodes {
        out.push(Finding::new(
            loc(),
            format!(
                "`{subnet}` holds {} cluster nodes in its lower half (from the 11th address on); the cluster has {}",
                subnet.node_capacity(),
                cx.plan.topology.nodes
            ),
            "use a shorter prefix (a /24 holds 118 nodes)",
        ));
    }
    out
}
