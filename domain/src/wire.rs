//! What leaves a field off the JSON the server sends the browser: a board's cards
//! travel twice on the first load (rendered, and as hydration data), so a `false`, an
//! empty list or a missing value is not spelled out on each. Every field skipped
//! this way is `#[serde(default)]`, so reading it back gives the same value.

use crate::{board::DealCard, deal::DealFacts};
use serde::{Serialize, Serializer};

/// A card's facts without the three the card states itself (its value, whether it has
/// an owner and a next step), about 60 bytes a card; [`restore_card_facts`] puts them
/// back. Whether it has a company stays: the card shows the company's name, which a
/// missing name would leave out while the deal still has one.
pub fn card_facts<S: Serializer>(facts: &DealFacts, serializer: S) -> Result<S::Ok, S::Error> {
    DealFacts {
        value_cents: 0,
        has_owner: false,
        has_next_step: false,
        ..facts.clone()
    }
    .serialize(serializer)
}

/// The facts [`card_facts`] leaves out, from the card read.
pub fn restore_card_facts(card: &mut DealCard) {
    card.facts.value_cents = card.value_cents;
    card.facts.has_owner = card.owner_id.is_some();
    card.facts.has_next_step = card.next_step.is_some();
}

/// For `skip_serializing_if` on a `bool` that is usually `false`.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
pub fn is_false(value: &bool) -> bool {
    !*value
}

/// For `skip_serializing_if` on an amount that is left out when zero.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
pub fn is_zero_cents(value: &i64) -> bool {
    *value == 0
}

/// For `skip_serializing_if` on a count that is usually zero.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes a reference
pub fn is_zero(value: &u32) -> bool {
    *value == 0
}

#[cfg(test)]
mod tests {
    use crate::{board::DealCard, deal::DealFacts, ids::DealId, money::Currency};

    fn bare_card() -> DealCard {
        DealCard {
            id: DealId(uuid::Uuid::nil()),
            version: 1,
            title: "Acme".into(),
            company: None,
            owner: None,
            owner_id: None,
            value_cents: 0,
            currency: Currency::USD,
            days_in_stage: 0,
            rotting: false,
            next_step: None,
            tags: Vec::new(),
            facts: DealFacts::default(),
            next_activity: None,
        }
    }

    #[test]
    fn a_card_s_defaults_stay_off_the_wire_and_come_back() {
        let card = bare_card();
        let json = serde_json::to_string(&card).unwrap();
        assert_eq!(
            json,
            r#"{"id":"00000000-0000-0000-0000-000000000000","version":1,"title":"Acme","value_cents":0,"currency":"USD","days_in_stage":0,"facts":{}}"#
        );
        assert_eq!(serde_json::from_str::<DealCard>(&json).unwrap(), card);
    }

    #[test]
    fn a_card_s_filled_fields_travel_and_come_back() {
        let card = DealCard {
            company: Some("Acme Corp".into()),
            rotting: true,
            tags: vec!["renewal".into()],
            facts: DealFacts {
                has_company: true,
                contacts: 2,
                checked: vec!["Budget confirmed".into()],
                ..DealFacts::default()
            },
            ..bare_card()
        };
        let json = serde_json::to_string(&card).unwrap();
        for key in [
            "\"company\"",
            "\"rotting\":true",
            "\"tags\"",
            "\"contacts\":2",
            "\"checked\"",
        ] {
            assert!(json.contains(key), "{key} in {json}");
        }
        assert_eq!(serde_json::from_str::<DealCard>(&json).unwrap(), card);
    }

    #[test]
    fn the_facts_a_card_states_itself_travel_once_and_come_back() {
        let card = DealCard {
            owner_id: Some(crate::UserId(uuid::Uuid::nil())),
            value_cents: 120_000,
            next_step: Some("Send the proposal".into()),
            facts: DealFacts {
                value_cents: 120_000,
                has_owner: true,
                has_next_step: true,
                has_source: true,
                ..DealFacts::default()
            },
            ..bare_card()
        };
        let json = serde_json::to_string(&card).unwrap();
        assert!(json.contains(r#""facts":{"has_source":true}"#), "{json}");
        assert_eq!(serde_json::from_str::<DealCard>(&json).unwrap(), card);
    }
}
