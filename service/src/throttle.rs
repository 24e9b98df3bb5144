//! Who is trying too often, and for how long they wait: the network a request comes
//! from, the slowdown after failed sign-ins, and the limit on creating accounts.

use chrono::{DateTime, Duration, Utc};
use domain::AppError;
use governor::{
    clock::{Clock, DefaultClock},
    DefaultKeyedRateLimiter, Quota, RateLimiter,
};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// Failed sign-ins for one account from one network before each next try must wait.
pub const FREE_FAILURES: u64 = 5;
/// The wait after the first failure past the free ones; it doubles with each further one.
const FIRST_WAIT_SECONDS: i64 = 30;
/// Failures are forgotten after this long, so the longest wait is this too.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins from one network within the window, for any accounts (an office
/// shares one address; a guesser trying many accounts is stopped here).
pub const MAX_FAILURES_PER_NETWORK: u64 = 30;

/// Accounts (sign-ups and accepted invitations) one network may create per hour, unless
/// the server is told otherwise (`CrmSettings`).
pub const ACCOUNTS_PER_NETWORK_PER_HOUR: u32 = 10;
/// Networks the account limiter remembers at most; past it, forgotten networks are
/// dropped first, so a flood of addresses cannot grow the server's memory.
pub const REMEMBERED_NETWORKS: usize = 20_000;

/// The network an address belongs to, as the limits count it: an IPv4 address alone,
/// an IPv6 address by its /64 (one subscriber's network, inside which addresses rotate
/// freely). Anything that is not an address is kept as text, cut to 64 characters.
pub fn network_of(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.chars().take(64).collect(),
    }
}

/// How long the next try must wait after `earlier` failures of one account from one
/// network, the latest at `latest`: nothing for the first five, then 30 s, 1, 2, 4, 8
/// minutes… up to the window.
pub(crate) fn sign_in_wait(
    earlier: u64,
    latest: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if earlier < FREE_FAILURES {
        return Ok(());
    }
    let doublings = u32::try_from(earlier - FREE_FAILURES)
        .unwrap_or(u32::MAX)
        .min(10);
    let wait = Duration::seconds(FIRST_WAIT_SECONDS.saturating_mul(1 << doublings))
        .min(Duration::minutes(FAILURE_WINDOW_MINUTES));
    refuse_until(latest + wait, now)
}

/// `RateLimited` with the seconds left until `until`, or nothing when it has passed.
pub(crate) fn refuse_until(until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    let left = (until - now).num_seconds();
    if left <= 0 {
        return Ok(());
    }
    Err(AppError::RateLimited(
        u32::try_from(left).unwrap_or(u32::MAX),
    ))
}

/// Attempts per key (a network, from `network_of`, or a web form) in a fixed quota,
/// kept by `governor` (GCRA) in bounded memory: accounts created per network (each
/// costs a password hash and, for a sign-up, a workspace), reset links asked for, web
/// forms posted per network and per form.
pub struct NetworkLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    /// When the full map was last swept: a sweep walks every entry, so a flood gets
    /// one a second, not one per request.
    swept_at: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Default for NetworkLimiter {
    fn default() -> Self {
        NetworkLimiter::per_hour(ACCOUNTS_PER_NETWORK_PER_HOUR)
    }
}

impl NetworkLimiter {
    /// `per_hour` attempts per key an hour, all of them at once if need be.
    pub fn per_hour(per_hour: u32) -> Self {
        let per_hour = NonZeroU32::new(per_hour).unwrap_or(NonZeroU32::MIN);
        NetworkLimiter::with_quota(Quota::per_hour(per_hour))
    }

    /// `per_minute` attempts per key a minute, all of them at once if need be.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        NetworkLimiter::with_quota(Quota::per_minute(per_minute))
    }

    fn with_quota(quota: Quota) -> Self {
        NetworkLimiter {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            swept_at: std::sync::Mutex::default(),
        }
    }

    /// Counts one attempt for `network` (or any key), or refuses it with the wait.
    ///
    /// # Errors
    /// `RateLimited` with the seconds until the key may try again.
    pub fn check(&self, network: &str) -> Result<(), AppError> {
        if self.limiter.len() >= REMEMBERED_NETWORKS {
            if self.may_sweep() {
                // Networks whose allowance is full again carry no information.
                self.limiter.retain_recent();
                self.limiter.shrink_to_fit();
            }
            if self.limiter.len() >= REMEMBERED_NETWORKS {
                // Every remembered network is still limited: a flood. New ones wait too.
                return Err(AppError::RateLimited(60));
            }
        }
        self.limiter
            .check_key(&network.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.clock.now());
                AppError::RateLimited(u32::try_from(wait.as_secs()).unwrap_or(u32::MAX).max(1))
            })
    }

    fn may_sweep(&self) -> bool {
        let Ok(mut swept_at) = self.swept_at.lock() else {
            return false;
        };
        let now = std::time::Instant::now();
        let due =
            swept_at.is_none_or(|at| now.duration_since(at) >= std::time::Duration::from_secs(1));
        if due {
            *swept_at = Some(now);
        }
        due
    }

    /// Keys remembered now (for the flood tests' memory bound).
    pub fn remembered(&self) -> usize {
        self.limiter.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_group_ipv6_by_64_and_keep_ipv4_whole() {
        assert_eq!(network_of("203.0.113.7"), "203.0.113.7");
        assert_eq!(network_of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(network_of("2001:db8:1:2:ffff::9"), "2001:db8:1:2::/64");
        assert_eq!(network_of("::ffff:198.51.100.4"), "198.51.100.4");
        assert_eq!(network_of(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn waits_grow_after_five_failures_up_to_the_window() {
        let now = Utc::now();
        assert!(sign_in_wait(4, now, now).is_ok());
        assert_eq!(sign_in_wait(5, now, now), Err(AppError::RateLimited(30)));
        assert_eq!(sign_in_wait(6, now, now), Err(AppError::RateLimited(60)));
        assert_eq!(sign_in_wait(8, now, now), Err(AppError::RateLimited(240)));
        assert_eq!(sign_in_wait(100, now, now), Err(AppError::RateLimited(900)));
        let later = now + Duration::seconds(31);
        assert!(sign_in_wait(5, now, later).is_ok());
    }

    #[test]
    fn a_network_may_create_ten_accounts_an_hour() {
        let limiter = NetworkLimiter::default();
        for _ in 0..ACCOUNTS_PER_NETWORK_PER_HOUR {
            assert!(limiter.check("203.0.113.7").is_ok());
        }
        let Err(AppError::RateLimited(wait)) = limiter.check("203.0.113.7") else {
            panic!("the eleventh is refused");
        };
        assert!((300..=360).contains(&wait), "{wait}");
        assert!(limiter.check("203.0.113.8").is_ok(), "another network");
    }

    #[test]
    fn a_flood_of_networks_is_remembered_up_to_a_bound() {
        let limiter = NetworkLimiter::default();
        let mut refused = 0;
        for n in 0..25_000u32 {
            let network = format!("10.{}.{}.{}", n >> 16, (n >> 8) & 255, n & 255);
            if limiter.check(&network).is_err() {
                refused += 1;
            }
        }
        assert_eq!(limiter.remembered(), REMEMBERED_NETWORKS);
        assert_eq!(refused, 25_000 - REMEMBERED_NETWORKS);
    }
}
