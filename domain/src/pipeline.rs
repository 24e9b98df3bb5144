//! The buying process every new workspace starts with.

/// A stage as seeded into a new pipeline: name, win probability (%), rotting days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTemplate {
    pub name: &'static str,
    pub probability: u8,
    pub rotting_days: u16,
}

/// The default pipeline's stages, in order. Won and lost are outcomes, not stages.
pub const BUYING_PROCESS: [StageTemplate; 6] = [
    StageTemplate {
        name: "Qualified",
        probability: 10,
        rotting_days: 14,
    },
    StageTemplate {
        name: "Initial contact",
        probability: 20,
        rotting_days: 14,
    },
    StageTemplate {
        name: "Needs assessment",
        probability: 40,
        rotting_days: 21,
    },
    StageTemplate {
        name: "Proposal",
        probability: 60,
        rotting_days: 21,
    },
    StageTemplate {
        name: "Negotiation",
        probability: 80,
        rotting_days: 14,
    },
    StageTemplate {
        name: "Closing",
        probability: 90,
        rotting_days: 7,
    },
];

/// The default pipeline's name.
pub const DEFAULT_PIPELINE: &str = "Sales pipeline";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_rise_through_the_process() {
        assert!(BUYING_PROCESS
            .windows(2)
            .all(|w| w[0].probability < w[1].probability));
        assert!(BUYING_PROCESS
            .iter()
            .all(|s| s.probability <= 100 && s.rotting_days > 0));
    }
}
