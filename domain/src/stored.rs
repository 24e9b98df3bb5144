//! How the domain's enums are written in database columns: each by its stable key.
//!
//! With the `db` feature (the service's build only) `stored_as_key!` makes a type a
//! SeaORM column type, so entities hold `DealStatus`, `Role`, `Currency`… instead of
//! strings and a typo in a key is a compile error, not a silent miss. A stored key the
//! type does not know fails the read loudly instead of being taken for a default.

use std::fmt;

/// A stored key that names no variant of the type read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub what: &'static str,
    pub key: String,
}

impl fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a known {}", self.key, self.what)
    }
}

impl std::error::Error for UnknownKey {}

/// Implements `FromStr` from `$parse` and, with the `db` feature, SeaORM's value traits
/// writing `$key`. `$key: fn(&T) -> impl Display`, `$parse: fn(&str) -> Option<T>`.
macro_rules! stored_as_key {
    ($ty:ty, $what:literal, $key:expr, $parse:expr) => {
        impl std::str::FromStr for $ty {
            type Err = $crate::stored::UnknownKey;
            fn from_str(key: &str) -> Result<Self, Self::Err> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(key).ok_or_else(|| $crate::stored::UnknownKey {
                    what: $what,
                    key: key.to_owned(),
                })
            }
        }

        #[cfg(feature = "db")]
        const _: () = {
            use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType};
            use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

            fn key_of(value: &$ty) -> String {
                // Through a bound, so the closure's argument type is known.
                fn apply<T, K: std::fmt::Display>(key: impl Fn(&T) -> K, value: &T) -> String {
                    key(value).to_string()
                }
                apply::<$ty, _>($key, value)
            }

            impl From<$ty> for Value {
                fn from(value: $ty) -> Value {
                    Value::String(Some(key_of(&value).into()))
                }
            }

            impl TryGetable for $ty {
                fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                    let key = String::try_get_by(res, idx)?;
                    key.parse().map_err(|e: $crate::stored::UnknownKey| {
                        TryGetError::DbErr(DbErr::Type(e.to_string()))
                    })
                }
            }

            impl ValueType for $ty {
                fn try_from(value: Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                    let key = <String as ValueType>::try_from(value)?;
                    key.parse().map_err(|_| sea_orm::sea_query::ValueTypeErr)
                }
                fn type_name() -> String {
                    stringify!($ty).to_owned()
                }
                fn array_type() -> ArrayType {
                    ArrayType::String
                }
                fn column_type() -> ColumnType {
                    ColumnType::String(StringLen::None)
                }
            }

            impl Nullable for $ty {
                fn null() -> Value {
                    Value::String(None)
                }
            }

            impl sea_orm::IntoActiveValue<$ty> for $ty {
                fn into_active_value(self) -> sea_orm::ActiveValue<$ty> {
                    sea_orm::ActiveValue::Set(self)
                }
            }

            impl sea_orm::sea_query::postgres_array::NotU8 for $ty {}
        };
    };
}

pub(crate) use stored_as_key;

/// A list kept whole in one text column as a JSON array: a deal's tags and ticked
/// checklist items, a stage's required fields and checklist. Read and written whole; the
/// board's tag filter matches one element's JSON text (`"tag"`) inside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Listed<T>(pub Vec<T>);

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Listed(Vec::new())
    }
}

impl<T> From<Vec<T>> for Listed<T> {
    fn from(items: Vec<T>) -> Self {
        Listed(items)
    }
}

impl<T: serde::Serialize> Listed<T> {
    /// The stored text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".to_owned())
    }
}

#[cfg(feature = "db")]
const _: () = {
    use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType};
    use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};
    use serde::{de::DeserializeOwned, Serialize};

    fn parse<T: DeserializeOwned>(text: &str) -> Result<Listed<T>, String> {
        // A column's SQLite default ('') is the empty list.
        if text.is_empty() {
            return Ok(Listed::default());
        }
        serde_json::from_str(text)
            .map(Listed)
            .map_err(|e| format!("{text:?} is not a stored list: {e}"))
    }

    impl<T: Serialize> From<Listed<T>> for Value {
        fn from(list: Listed<T>) -> Value {
            Value::String(Some(list.to_json()))
        }
    }

    impl<T: DeserializeOwned> TryGetable for Listed<T> {
        fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
            let text = String::try_get_by(res, idx)?;
            parse(&text).map_err(|e| TryGetError::DbErr(DbErr::Type(e)))
        }
    }

    impl<T: DeserializeOwned> ValueType for Listed<T> {
        fn try_from(value: Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
            let text = <String as ValueType>::try_from(value)?;
            parse(&text).map_err(|_| sea_orm::sea_query::ValueTypeErr)
        }
        fn type_name() -> String {
            "Listed".to_owned()
        }
        fn array_type() -> ArrayType {
            ArrayType::String
        }
        fn column_type() -> ColumnType {
            ColumnType::String(StringLen::None)
        }
    }

    impl<T> Nullable for Listed<T> {
        fn null() -> Value {
            Value::String(None)
        }
    }

    impl<T: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug + Send + Sync>
        sea_orm::IntoActiveValue<Listed<T>> for Listed<T>
    {
        fn into_active_value(self) -> sea_orm::ActiveValue<Listed<T>> {
            sea_orm::ActiveValue::Set(self)
        }
    }

    impl<T> sea_orm::sea_query::postgres_array::NotU8 for Listed<T> {}
};

#[cfg(test)]
mod tests {
    use crate::{
        activity::ActivityKind,
        deal::{ContactRole, DealStatus},
        event::EventKind,
        lead::LeadStatus,
        money::Currency,
        Role,
    };

    #[test]
    fn every_stored_key_reads_back_as_its_variant() {
        for status in DealStatus::ALL {
            assert_eq!(status.key().parse(), Ok(status));
        }
        for status in LeadStatus::ALL {
            assert_eq!(status.key().parse(), Ok(status));
        }
        for role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        for kind in ActivityKind::ALL {
            assert_eq!(kind.key().parse(), Ok(kind));
        }
        for role in ContactRole::ALL {
            assert_eq!(role.key().parse(), Ok(role));
        }
        assert_eq!("EUR".parse(), Ok(Currency::EUR));
        assert_eq!("deal.moved".parse(), Ok(EventKind::DealMoved));
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_the_type_not_a_default() {
        let refused = "closed".parse::<DealStatus>().unwrap_err();
        assert_eq!(
            refused.to_string(),
            r#""closed" is not a known deal status"#
        );
        assert!("superuser".parse::<Role>().is_err());
        assert!("".parse::<Currency>().is_err());
    }
}
