use crate::diagnostics::{Severity, codes};
use crate::rules::{Context, Examples, Family, Finding, Rule, Tiers};
use crate::spec::Tier;
use std::net::IpAddr;

pub static RULE: Rule = Rule {
    code: codes::INVALID_CIDR,
    name: "invalid-cidr",
    family: Family::Spec,
    summary: "An `allowed_cidrs` entry is not a network in CIDR notation.",
    rationale: "Security groups, firewall rules and authorized networks take CIDR blocks. A malformed entry fails at apply time; an address with host bits set (`10.0.0.5/16`) is usually a typo for the network (`10.0.0.0/16`) and some providers reject it.",
    severity: Tiers::all(Severity::Error),
    check,
    examples: Examples {
        previous: None,
        tier: Tier::Development,
        failing: "network: { allowed_cidrs: [\"10.0.0.0/33\"] }",
        passing: "network: { allowed_cidrs: [\"10.0.0.0/16\"] }",
    },
};

/// The network of a CIDR block, or why it is not one.
pub fn parse_cidr(s: &str) -> Result<(IpAddr, u8), String> {
    let (addr, len) = s
        .split_once('/')
        .ok_or("no prefix length (write `/16`, `/32`, ...)")?;
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("`{addr}` is not an IP address"))?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len: u8 = len
        .parse()
        .ok()
        .filter(|l| *l <= max)
        .ok_or_else(|| format!("the prefix length must be 0..{max}"))?;
    let network = mask(ip, len);
    if network != ip {
        return Err(format!(
            "host bits are set; the network is `{network}/{len}`"
        ));
    }
    Ok((ip, len))
}

fn mask(ip: IpAddr, len: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            IpAddr::V6((bits & m).into())
        }
    }
}

fn check(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in cx.plan.network.allowed_cidrs.iter().enumerate() {
        if let Err(why) = parse_cidr(c) {
            out.push(Finding::new(
                cx.loc(&format!("/network/allowed_cidrs/{i}")),
                format!("`{c}` is not a valid CIDR block: {why}"),
                "write a network address and a prefix length, e.g. `10.0.0.0/16`",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse_cidr;

    #[test]
    fn cidrs() {
        assert!(parse_cidr("10.0.0.0/16").is_ok());
        assert!(parse_cidr("0.0.0.0/0").is_ok());
        assert!(parse_cidr("fd00::/8").is_ok());
        assert!(
            parse_cidr("10.0.0.5/16")
                .unwrap_err()
                .contains("10.0.0.0/16")
        );
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(parse_cidr("300.0.0.0/8").is_err());
    }
}
