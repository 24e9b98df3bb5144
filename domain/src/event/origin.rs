//! Where a change came from, as the activity log shows it.

use serde::{Deserialize, Serialize};

/// The door a change came in through. Stored with each event from the first release that
/// records it; older events have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// A desktop or tablet browser.
    Browser,
    /// A phone's browser (told from its User-Agent).
    Phone,
    /// `pipewright import` from the command line.
    Import,
    /// Any other command (`pipewright member add`, the demo seed).
    Cli,
    /// A public web form, posted by a visitor.
    WebForm,
    /// The server on its own: reminders, housekeeping.
    System,
}

impl Origin {
    const NAMES: [(Origin, &'static str, &'static str); 6] = [
        (Origin::Browser, "browser", "Browser"),
        (Origin::Phone, "phone", "Phone"),
        (Origin::Import, "import", "CLI import"),
        (Origin::Cli, "cli", "Command line"),
        (Origin::WebForm, "web_form", "Web form"),
        (Origin::System, "system", "Pipewright"),
    ];

    /// The stable name stored in the log.
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(origin, ..)| *origin == self)
            .map_or("system", |(_, name, _)| name)
    }

    /// How the activity log names it.
    pub fn label(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(origin, ..)| *origin == self)
            .map_or("Pipewright", |(.., label)| label)
    }

    pub fn parse(name: &str) -> Option<Origin> {
        Self::NAMES
            .iter()
            .find(|(_, known, _)| *known == name)
            .map(|(origin, ..)| *origin)
    }

    /// A browser's door: a phone when its User-Agent says so.
    pub fn of_browser(user_agent: &str) -> Origin {
        // The markers phones' browsers send; tablets (iPad, Android without "Mobile")
        // count as browsers, as their screens do.
        if user_agent.contains("Mobile") || user_agent.contains("iPhone") {
            Origin::Phone
        } else {
            Origin::Browser
        }
    }
}

crate::stored::stored_as_key!(Origin, "event origin", |o| o.as_str(), Origin::parse);

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn names_round_trip_and_phones_are_told_apart() {
        for (origin, name, _) in Origin::NAMES {
            assert_eq!(Origin::parse(name), Some(origin));
            assert_eq!(origin.as_str(), name);
        }
        let pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                     (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(Origin::of_browser(pixel), Origin::Phone);
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 \
                   (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        assert_eq!(Origin::of_browser(mac), Origin::Browser);
    }
}
