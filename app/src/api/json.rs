//! How a page's data crosses from the server render to the browser: every page loads
//! through `load`, not `Resource::new`.
//!
//! A server function's answer is read with `serde_json::from_slice`; Leptos's default
//! resource codec reads the same answer, embedded in the page for hydration, with
//! `serde_json::from_str`. The two readers are different deserializer types, so the
//! browser bundle carried every answer type's decoding twice (the deal page's
//! `DealDetail`: 12.4 KB of code per copy). Reading the embedded answer from its bytes
//! makes it the same code the server function uses.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON, read from bytes as the server functions read it.
pub struct SliceJson;

impl<T: Serialize> Encoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A page's data: rendered by the server, carried to the browser in the page.
pub type Loaded<T> = Resource<T, SliceJson>;

/// `Resource::new`, with the answer decoded as the server functions decode it.
#[track_caller]
pub fn load<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_survives_the_trip_through_the_page() {
        let answer: Result<Vec<String>, domain::AppError> =
            Ok(vec!["Acme \"quoted\" — ünïcode".into()]);
        let text = <SliceJson as Encoder<_>>::encode(&answer).unwrap();
        let back: Result<Vec<String>, domain::AppError> =
            <SliceJson as Decoder<_>>::decode(text.as_str()).unwrap();
        assert_eq!(back, answer);
    }
}
