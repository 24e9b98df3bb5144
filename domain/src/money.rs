//! Money is a decimal amount in an ISO 4217 currency, never a float.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Active ISO 4217 codes (2024 list, without funds and precious metals).
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND \
BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB \
EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY \
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR \
MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF \
SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS \
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// Longest text a refused currency code is quoted back with.
const CODE_ECHO_MAX: usize = 8;

/// A three-letter ISO 4217 currency code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");

    /// Parses a code such as `usd` or `EUR`.
    ///
    /// # Errors
    /// Anything that is not an active ISO 4217 code.
    pub fn parse(code: &str) -> Result<Currency, String> {
        let code = code.trim().to_ascii_uppercase();
        match code.as_bytes() {
            [a, b, c] if ISO_4217.split(' ').any(|known| known == code) => {
                Ok(Currency([*a, *b, *c]))
            }
            // The input is quoted back only when short: a request chooses its length.
            _ if code.chars().count() <= CODE_ECHO_MAX => {
                Err(format!("{code:?} is not an ISO 4217 currency code"))
            }
            _ => Err("That is not an ISO 4217 currency code".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters ever get in, so this cannot fail.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.as_str().to_owned()
    }
}

crate::stored::stored_as_key!(Currency, "currency", |c| c.to_string(), |code| {
    Currency::parse(code).ok()
});

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_normalised_and_checked() {
        assert_eq!(Currency::parse("usd"), Ok(Currency::USD));
        assert!(Currency::parse("US").is_err());
        assert!(Currency::parse("U$D").is_err());
        assert!(Currency::parse("ÜSD").is_err());
        assert!(Currency::parse("ABC").is_err(), "unknown codes are refused");
        assert_eq!(
            Currency::parse("dollars"),
            Err("\"DOLLARS\" is not an ISO 4217 currency code".into())
        );
        assert_eq!(
            Currency::parse(&"x".repeat(60_000)),
            Err("That is not an ISO 4217 currency code".into()),
            "a long input is not quoted back"
        );
        assert_eq!(
            Currency::parse(" jpy").map(|c| c.to_string()),
            Ok("JPY".into())
        );
    }

    #[test]
    fn money_displays_two_decimals() {
        let money = Money {
            amount: Decimal::new(123_456, 1),
            currency: Currency::EUR,
        };
        assert_eq!(money.to_string(), "12345.60 EUR");
    }
}

/// Formats an amount held in hundredths as whole units with thousands separators,
/// e.g. `$1,234,568` for 123,456,789 cents, `CHF 12,345` where no symbol is common
/// (rounded half up).
pub fn format_whole(cents: i64, currency: Currency) -> String {
    let units = (cents.unsigned_abs() + 50) / 100;
    let digits = units.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if cents < 0 && units > 0 { "-" } else { "" };
    match currency.symbol() {
        Some(symbol) => format!("{sign}{symbol}{grouped}"),
        None => format!("{currency} {sign}{grouped}"),
    }
}

impl Currency {
    /// The symbol for the most common currencies; others are shown by their code.
    pub fn symbol(&self) -> Option<&'static str> {
        match self.as_str() {
            "USD" => Some("$"),
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "JPY" => Some("¥"),
            "INR" => Some("₹"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn whole_amounts_group_thousands_and_round() {
        assert_eq!(format_whole(0, Currency::USD), "$0");
        assert_eq!(format_whole(99_949, Currency::USD), "$999");
        assert_eq!(format_whole(99_950, Currency::USD), "$1,000");
        assert_eq!(format_whole(123_456_789, Currency::EUR), "€1,234,568");
        assert_eq!(format_whole(-250_000, Currency::USD), "-$2,500");
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(format_whole(1_234_500, chf), "CHF 12,345");
    }
}
