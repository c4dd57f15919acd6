//! The IPv4 network a compose stack declares (`targets.compose.subnet`), and where its Redis
//! Cluster nodes sit in it.
//!
//! A cluster node records its peers' IP addresses in `nodes.conf`. Docker gives a container a
//! new address from a new network after `docker compose down`/`up` (20.10 does not reuse the
//! pool it just released), so a cluster on dynamic addresses cannot find itself again. The
//! stack therefore declares its network and gives each node a fixed address: node `i` takes
//! the lower half's address `10 + i` (the first ones are left to the gateway), and Docker hands
//! the upper half (`ip_range`) to every other container (the init service, clients).

use std::net::Ipv4Addr;

/// Node `i` takes host address `FIRST_NODE_HOST + i` of the subnet.
pub const FIRST_NODE_HOST: u32 = 10;
/// The largest network a stack may claim: a /16 holds far more nodes than a host runs, and a
/// larger one would take addresses that other networks use.
pub const MIN_PREFIX: u8 = 16;
/// Where the derived default is picked: a /24 in this /16, which is private and in none of
/// Docker's default address pools (172.17.0.0/16 to 172.31.0.0/16 and 192.168.0.0/16). Docker
/// hands those pools out in turn, moving on to the next one for each new network (20.10 does
/// not go back to one it released), so on a host that has created a dozen networks any fixed
/// range inside them is taken sooner or later; it never picks this one by itself. It is also
/// outside 10.0.0.0/8, which office networks and VPNs use most.
pub const DEFAULT_POOL: [u8; 2] = [172, 16];

/// A parsed `a.b.c.d/prefix`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub network: Ipv4Addr,
    pub prefix: u8,
}

/// What is wrong with a written subnet.
#[derive(Debug, PartialEq, Eq)]
pub enum SubnetError {
    /// Not `a.b.c.d/prefix` with octets 0..255 and a prefix 0..32.
    Syntax,
    /// Host bits are set; the network address is given.
    HostBits(Subnet),
}

impl Subnet {
    pub fn parse(text: &str) -> Result<Subnet, SubnetError> {
        let (addr, prefix) = text.split_once('/').ok_or(SubnetError::Syntax)?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| SubnetError::Syntax)?;
        let prefix: u8 = match prefix.parse() {
            Ok(p) if p <= 32 && !prefix.starts_with('+') => p,
            _ => return Err(SubnetError::Syntax),
        };
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        let network = Subnet {
            network: Ipv4Addr::from(u32::from(addr) & mask),
            prefix,
        };
        if network.network != addr {
            return Err(SubnetError::HostBits(network));
        }
        Ok(network)
    }

    /// Inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918) as a whole.
    pub fn is_private(&self) -> bool {
        let [a, b, ..] = self.network.octets();
        let inside = match (a, b) {
            (10, _) => self.prefix >= 8,
            (172, 16..=31) => self.prefix >= 12,
            (192, 168) => self.prefix >= 16,
            _ => false,
        };
        inside && self.network.is_private()
    }

    fn half(&self) -> u32 {
        // A /32 has no halves; the prefix checks reject it before anyone asks.
        1u32 << (31 - u32::from(self.prefix.min(31)))
    }

    /// How many nodes fit in the lower half from `FIRST_NODE_HOST` on.
    pub fn node_capacity(&self) -> u32 {
        self.half().saturating_sub(FIRST_NODE_HOST)
    }

    /// Node `index`'s fixed address.
    pub fn node_address(&self, index: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.network) + FIRST_NODE_HOST + index)
    }

    /// The upper half, from which Docker gives addresses to every other container.
    pub fn dynamic_range(&self) -> String {
        let start = Ipv4Addr::from(u32::from(self.network) + self.half());
        format!("{start}/{}", self.prefix + 1)
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The default for a cluster stack: a /24 in `DEFAULT_POOL`, its third octet a hash (FNV-1a)
/// of the name and environment, so that two stacks of one host (a project's environments, or
/// two projects) rarely pick the same one. Stable across releases: changing it would move
/// every rendered cluster.
pub fn derived(name: &str, environment: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes().chain([b'/']).chain(environment.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let [a, b] = DEFAULT_POOL;
    format!("{a}.{b}.{}.0/24", h % 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_networks_and_rejects_host_bits_and_junk() {
        let s = Subnet::parse("172.29.7.0/24").unwrap();
        assert_eq!(s.network, Ipv4Addr::new(172, 29, 7, 0));
        assert_eq!(s.prefix, 24);
        assert_eq!(s.to_string(), "172.29.7.0/24");
        assert_eq!(
            Subnet::parse("172.29.7.5/24"),
            Err(SubnetError::HostBits(s))
        );
        for bad in [
            "172.29.7.0",
            "172.29.7.0/33",
            "172.29.7.0/+4",
            "256.1.1.0/24",
            "a.b.c.d/24",
            "",
        ] {
            assert_eq!(Subnet::parse(bad), Err(SubnetError::Syntax), "{bad}");
        }
    }

    #[test]
    fn private_means_wholly_inside_an_rfc1918_range() {
        for ok in [
            "10.0.0.0/8",
            "10.9.0.0/16",
            "172.16.0.0/12",
            "172.31.255.0/24",
        ] {
            assert!(Subnet::parse(ok).unwrap().is_private(), "{ok}");
        }
        for no in [
            "172.32.0.0/24",
            "8.8.8.0/24",
            "192.169.0.0/24",
            "172.0.0.0/11",
            "100.64.0.0/24",
        ] {
            assert!(!Subnet::parse(no).unwrap().is_private(), "{no}");
        }
    }

    #[test]
    fn nodes_take_the_lower_half_and_docker_the_upper() {
        let s = Subnet::parse("172.29.7.0/24").unwrap();
        assert_eq!(s.node_address(0), Ipv4Addr::new(172, 29, 7, 10));
        assert_eq!(s.node_address(5), Ipv4Addr::new(172, 29, 7, 15));
        assert_eq!(s.node_capacity(), 118);
        assert_eq!(s.dynamic_range(), "172.29.7.128/25");
        let small = Subnet::parse("10.1.2.0/27").unwrap();
        assert_eq!(small.node_capacity(), 6);
        assert_eq!(small.dynamic_range(), "10.1.2.16/28");
        assert_eq!(Subnet::parse("10.1.2.0/28").unwrap().node_capacity(), 0);
    }

    #[test]
    fn the_default_differs_per_environment_and_is_stable() {
        let a = derived("hospitality-redis", "cluster-local");
        assert_eq!(a, derived("hospitality-redis", "cluster-local"));
        let third: std::collections::BTreeSet<String> = (0..20)
            .map(|i| derived("hospitality-redis", &format!("env-{i}")))
            .collect();
        assert!(third.len() >= 15, "{third:?}");
        for s in third {
            let p = Subnet::parse(&s).unwrap();
            assert!(p.is_private() && p.prefix == 24 && s.starts_with("172.16."));
        }
    }
}
