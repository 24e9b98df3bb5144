//! Who is asking: the client's address, from the connection, or from a trusted reverse
//! proxy's `X-Forwarded-For` / `Forwarded` header. Rate limits count per client address,
//! so behind a proxy every visitor must not share the proxy's address, and a visitor
//! must not pick their own address by sending the header themselves.

use std::net::IpAddr;

/// The client address of this request, set once by the server's edge middleware.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The proxies whose forwarding headers are believed (`--trusted-proxy`, repeatable).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

/// An address range such as `10.0.0.0/8`, `127.0.0.1` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an address or CIDR range"))?;
        let longest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => longest,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= longest)
                .ok_or_else(|| format!("{text:?}: the prefix must be 0 to {longest}"))?,
        };
        Ok(Cidr { network, prefix })
    }
}

impl Cidr {
    fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(net), IpAddr::V4(a)) => same_prefix(
                u128::from(u32::from(net)),
                u128::from(u32::from(a)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                same_prefix(u128::from(net), u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, bits: u8, prefix: u8) -> bool {
    let ignored = u32::from(bits.saturating_sub(prefix));
    a.checked_shr(ignored).unwrap_or(0) == b.checked_shr(ignored).unwrap_or(0)
}

/// An IPv4 address written as IPv6 (`::ffff:1.2.3.4`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

impl TrustedProxies {
    pub fn new(ranges: Vec<Cidr>) -> Self {
        TrustedProxies(ranges)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client behind `peer`: `peer` itself unless it is a trusted proxy; then the
    /// last address in the forwarding chain that is not a trusted proxy (each proxy
    /// appends the address it received from, so only the right end is believable).
    /// `forwarded_for` is the `X-Forwarded-For` header, `forwarded` the RFC 7239 one.
    pub fn client(
        &self,
        peer: IpAddr,
        forwarded_for: Option<&str>,
        forwarded: Option<&str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain: Vec<IpAddr> = match (forwarded_for, forwarded) {
            (Some(list), _) => list.split(',').filter_map(parse_hop).collect(),
            (None, Some(list)) => list
                .split(',')
                .filter_map(|element| {
                    element.split(';').find_map(|pair| {
                        let (key, value) = pair.trim().split_once('=')?;
                        key.eq_ignore_ascii_case("for").then_some(value)
                    })
                })
                .filter_map(parse_hop)
                .collect(),
            (None, None) => Vec::new(),
        };
        // A chain that does not parse is the proxy's own doing: count the proxy.
        chain
            .into_iter()
            .rev()
            .map(canonical)
            .find(|hop| !self.trusts(*hop))
            .unwrap_or(peer)
    }
}

/// One hop of a forwarding header: `1.2.3.4`, `"[2001:db8::1]:443"`, `1.2.3.4:8080`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(address) = hop.parse() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| IpAddr::from([0, 0, 0, 0]))
    }

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().filter_map(|r| r.parse().ok()).collect())
    }

    #[test]
    fn ranges_parse_and_match() {
        let lan: Cidr = "10.0.0.0/8".parse().unwrap_or(Cidr {
            network: ip("0.0.0.0"),
            prefix: 32,
        });
        assert!(lan.contains(ip("10.200.3.4")));
        assert!(lan.contains(ip("::ffff:10.1.1.1")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy".parse::<Cidr>().is_err());
        assert!("fd00::/8".parse::<Cidr>().is_ok());
        assert!("0.0.0.0/0"
            .parse::<Cidr>()
            .is_ok_and(|all| all.contains(ip("8.8.8.8"))));
    }

    #[test]
    fn a_visitor_cannot_choose_their_address_without_a_trusted_proxy() {
        let none = proxies(&[]);
        assert_eq!(
            none.client(ip("203.0.113.9"), Some("1.1.1.1"), None),
            ip("203.0.113.9")
        );
        let local = proxies(&["127.0.0.1"]);
        assert_eq!(
            local.client(ip("203.0.113.9"), Some("1.1.1.1"), None),
            ip("203.0.113.9"),
            "the header is ignored from an untrusted peer"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let local = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        // The visitor wrote "6.6.6.6" themselves; nginx appended the real address.
        assert_eq!(
            local.client(
                ip("127.0.0.1"),
                Some("6.6.6.6, 198.51.100.7, 10.0.0.2"),
                None
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            local.client(
                ip("127.0.0.1"),
                None,
                Some("for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https")
            ),
            ip("2001:db8::7")
        );
        assert_eq!(
            local.client(ip("127.0.0.1"), Some("garbage"), None),
            ip("127.0.0.1")
        );
        assert_eq!(local.client(ip("127.0.0.1"), None, None), ip("127.0.0.1"));
    }
}
