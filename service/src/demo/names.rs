//! Word lists and skewed pickers for plausible demo data.

use domain::Role;
use rand::{rngs::StdRng, Rng};

const FIRST: &[&str] = &[
    "Dana", "Morgan", "Priya", "Jonas", "Amara", "Luis", "Mei", "Tomasz", "Aisha", "Noah", "Elena",
    "Kwame", "Sofia", "Ravi", "Hannah", "Diego", "Yuki", "Omar", "Clara", "Felix", "Ingrid",
    "Mateo", "Zara", "Henrik", "Leila", "Samuel", "Nadia", "Arjun", "Freya", "Tariq",
];
const LAST: &[&str] = &[
    "Whitfield",
    "Reyes",
    "Natarajan",
    "Berg",
    "Okafor",
    "Alvarez",
    "Chen",
    "Kowalski",
    "Haddad",
    "Fischer",
    "Rossi",
    "Mensah",
    "Lindqvist",
    "Sharma",
    "Novak",
    "Moreau",
    "Tanaka",
    "Khan",
    "Schmidt",
    "Duarte",
    "Olsen",
    "Costa",
    "Ivanova",
    "Brennan",
    "Sato",
    "Nguyen",
    "Keller",
];
const COMPANY_HEAD: &[&str] = &[
    "Acme",
    "Blue Harbor",
    "Northstar",
    "Cobalt",
    "Redwood",
    "Silverline",
    "Granite",
    "Lumen",
    "Harbor",
    "Summit",
    "Pioneer",
    "Evergreen",
    "Vertex",
    "Bright",
    "Iron Bridge",
    "Meridian",
    "Oakridge",
    "Sterling",
    "Atlas",
    "Crescent",
];
const COMPANY_TAIL: &[&str] = &[
    "Systems",
    "Logistics",
    "Foods",
    "Health",
    "Labs",
    "Manufacturing",
    "Retail",
    "Energy",
    "Partners",
    "Analytics",
    "Motors",
    "Media",
    "Finance",
    "Telecom",
    "Robotics",
];
pub(super) const INDUSTRIES: &[&str] = &[
    "Technology",
    "Medical",
    "Retail",
    "Software",
    "Entertainment",
    "Finance",
    "Telecommunications",
    "Marketing",
    "Services",
    "Employment",
];
pub(super) const TITLES: &[&str] = &[
    "Head of IT",
    "CTO",
    "Procurement Manager",
    "Operations Director",
    "CFO",
    "IT Manager",
    "Facilities Lead",
    "VP Engineering",
];
/// Product and unit price in whole dollars, after the crm-sample catalogue.
pub(super) const PRODUCTS: &[(&str, i64)] = &[
    ("MG Special", 55),
    ("GTX Basic", 550),
    ("GTX Plus Basic", 1096),
    ("MG Advanced", 3393),
    ("GTX Pro", 4821),
    ("GTX Plus Pro", 5482),
    ("GTK 500", 26768),
];
pub(super) const SOURCES: &[&str] = &[
    "Web form", "Referral", "Event", "Outbound", "Partner", "Campaign",
];
pub(super) const NEXT_STEPS: &[&str] = &[
    "Send proposal",
    "Book demo",
    "Follow-up call",
    "Confirm budget",
    "Meet decision maker",
    "Send contract",
    "Security review",
    "Pricing call",
];

/// Picks uniformly.
pub(super) fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Picks an index with the given relative weights.
pub(super) fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (index, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    weights.len().saturating_sub(1)
}

/// An index in `0..len` where low indices are much more likely: a few big accounts and
/// top reps carry most deals, as in real pipelines.
pub(super) fn skewed_index(rng: &mut StdRng, len: usize) -> usize {
    let u: f64 = rng.gen();
    ((u * u * len as f64) as usize).min(len.saturating_sub(1))
}

pub(super) fn person(rng: &mut StdRng) -> String {
    format!("{} {}", pick(rng, FIRST), pick(rng, LAST))
}

/// The workspace's people: one admin, one manager per ten reps, the reps, one marketer.
pub(super) fn team(rng: &mut StdRng, reps: usize) -> Vec<(String, Role)> {
    // The fixed names use words outside the lists above, so they never collide.
    let mut people = vec![("Alex Morgan".to_owned(), Role::Admin)];
    for _ in 0..reps.div_ceil(10) {
        people.push((person(rng), Role::Manager));
    }
    for _ in 0..reps {
        people.push((person(rng), Role::Rep));
    }
    people.push(("Jamie Park".to_owned(), Role::Marketer));
    // Mailboxes must be unique; number repeated names.
    let mut seen = std::collections::HashMap::new();
    for (name, _) in &mut people {
        let count = seen.entry(name.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            name.push_str(&format!(" {count}"));
        }
    }
    people
}

/// The company name at `index`; stable, so deals can name their company without a lookup.
pub(super) fn company_name_of(index: usize) -> String {
    let head = COMPANY_HEAD[index % COMPANY_HEAD.len()];
    let tail = COMPANY_TAIL[(index / COMPANY_HEAD.len()) % COMPANY_TAIL.len()];
    let round = index / (COMPANY_HEAD.len() * COMPANY_TAIL.len());
    if round == 0 {
        format!("{head} {tail}")
    } else {
        format!("{head} {tail} {}", round + 1)
    }
}

pub(super) fn company(_rng: &mut StdRng, index: usize) -> String {
    company_name_of(index)
}

/// Employees: mostly small firms, a long tail of large ones.
pub(super) fn company_size(rng: &mut StdRng) -> i32 {
    let u: f64 = rng.gen();
    (10.0 + u.powi(4) * 20_000.0) as i32
}

/// `Dana Whitfield 2` → `dana.whitfield.2`.
pub(super) fn mailbox(name: &str) -> String {
    name.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(".")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect()
}

/// `Blue Harbor Systems 2` → `blue-harbor-systems-2`.
pub(super) fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}
