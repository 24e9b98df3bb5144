//! Live sockets open per session and per network, capped, so one browser or one
//! address cannot hold the server's sockets (and their memory and wake-ups).
//!
//! A browser has one socket per tab; eight tabs of one session is generous. An office
//! behind one address has one socket per person per tab; 256 covers a sales floor of 60
//! with four tabs each. IPv6 addresses count by their /64, like every other limit.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

/// Live sockets one session may have open at once.
pub const SOCKETS_PER_SESSION: u32 = 8;
/// Live sockets one network may have open at once.
pub const SOCKETS_PER_NETWORK: u32 = 256;

/// Open sockets per session key and per network; entries leave at zero, so memory is
/// bounded by the sockets open.
#[derive(Default)]
pub struct SocketCaps {
    open: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    per_session: HashMap<String, u32>,
    per_network: HashMap<String, u32>,
}

/// Why a socket was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooManyForSession,
    TooManyForNetwork,
}

impl SocketCaps {
    /// Counts a socket for `session` (a key derived from the session, never the token)
    /// from `network`, or refuses it. The slot gives its place back when dropped.
    ///
    /// # Errors
    /// Which cap is full.
    pub fn admit(
        self: &Arc<Self>,
        session: String,
        network: String,
    ) -> Result<SocketSlot, Refused> {
        let mut counts = self.lock();
        if counts.per_session.get(&session).copied().unwrap_or(0) >= SOCKETS_PER_SESSION {
            return Err(Refused::TooManyForSession);
        }
        if counts.per_network.get(&network).copied().unwrap_or(0) >= SOCKETS_PER_NETWORK {
            return Err(Refused::TooManyForNetwork);
        }
        *counts.per_session.entry(session.clone()).or_default() += 1;
        *counts.per_network.entry(network.clone()).or_default() += 1;
        Ok(SocketSlot {
            caps: Arc::clone(self),
            session,
            network,
        })
    }

    /// Sessions and networks with a socket open now.
    pub fn tracked(&self) -> (usize, usize) {
        let counts = self.lock();
        (counts.per_session.len(), counts.per_network.len())
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        // Plain counters: a panic elsewhere mid-update leaves them usable.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One open socket's place in the counts; dropping it frees the place.
pub struct SocketSlot {
    caps: Arc<SocketCaps>,
    session: String,
    network: String,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut guard = self.caps.lock();
        let counts = &mut *guard;
        release(&mut counts.per_session, &self.session);
        release(&mut counts.per_network, &self.network);
    }
}

fn release(open: &mut HashMap<String, u32>, key: &str) {
    if let Some(count) = open.get_mut(key) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            open.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_and_a_network_get_their_sockets_and_no_more_and_closing_frees_them() {
        let caps = Arc::new(SocketCaps::default());
        let mut held: Vec<SocketSlot> = (0..SOCKETS_PER_SESSION)
            .map(|_| {
                caps.admit("tab-owner".into(), "198.51.100.1".into())
                    .unwrap()
            })
            .collect();
        assert_eq!(
            caps.admit("tab-owner".into(), "198.51.100.1".into()).err(),
            Some(Refused::TooManyForSession)
        );
        held.pop();
        held.push(
            caps.admit("tab-owner".into(), "198.51.100.1".into())
                .unwrap(),
        );
        let office: Vec<SocketSlot> = (0..SOCKETS_PER_NETWORK - SOCKETS_PER_SESSION)
            .map(|n| {
                caps.admit(format!("person-{n}"), "198.51.100.1".into())
                    .unwrap()
            })
            .collect();
        assert_eq!(
            caps.admit("late".into(), "198.51.100.1".into()).err(),
            Some(Refused::TooManyForNetwork)
        );
        assert!(caps.admit("late".into(), "198.51.100.2".into()).is_ok());
        drop(office);
        drop(held);
        assert_eq!(caps.tracked(), (0, 0), "nothing is kept for closed sockets");
    }
}
