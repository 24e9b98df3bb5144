//! The catalogue of server functions: for each, its path and encoding (read off the
//! function's own `ServerFn` type, never typed in by hand) and a valid sample built
//! from the function's own argument struct with real ids. A function registered with
//! the server but missing here fails `every_server_function_is_catalogued`.

mod people;
mod sales;

use super::seed::Ids;
use leptos::server_fn::{ContentType, Http, ServerFn};
use serde::Serialize;
use serde_json::Value;

/// One server function as the fuzzer calls it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub path: &'static str,
    /// `application/json` or `application/x-www-form-urlencoded`.
    pub content_type: &'static str,
    /// The argument struct as JSON: an object of the function's parameters.
    pub sample: Value,
    /// The call ends or replaces the session it comes with (signing in or out): it
    /// gets a fresh session, so the fuzzing roles stay signed in.
    pub own_session: bool,
    /// The call can end every session of its member (sign out everywhere, a password
    /// change): the member signs in again after it.
    pub ends_sessions: bool,
}

impl Endpoint {
    pub fn is_json(&self) -> bool {
        self.content_type.starts_with("application/json")
    }
}

/// The input encoding of a protocol (`input = Json` or the default URL encoding).
pub trait Encoded {
    const CONTENT_TYPE: &'static str;
}

impl<I: ContentType, O> Encoded for Http<I, O> {
    const CONTENT_TYPE: &'static str = I::CONTENT_TYPE;
}

/// The catalogue entry of the server function whose arguments `args` are.
pub fn call<T>(args: T) -> Endpoint
where
    T: ServerFn + Serialize,
    T::Protocol: Encoded,
{
    Endpoint {
        path: T::PATH,
        content_type: <T::Protocol as Encoded>::CONTENT_TYPE,
        sample: serde_json::to_value(&args).expect("arguments serialise"),
        own_session: false,
        ends_sessions: false,
    }
}

/// `call` for a function that signs in or out.
pub fn session_call<T>(args: T) -> Endpoint
where
    T: ServerFn + Serialize,
    T::Protocol: Encoded,
{
    Endpoint {
        own_session: true,
        ..call(args)
    }
}

/// `session_call` for a function that can end all of its member's sessions.
pub fn everywhere_call<T>(args: T) -> Endpoint
where
    T: ServerFn + Serialize,
    T::Protocol: Encoded,
{
    Endpoint {
        ends_sessions: true,
        ..session_call(args)
    }
}

/// Every catalogued server function, with samples made from `ids`.
pub fn all(ids: &Ids) -> Vec<Endpoint> {
    let mut calls = sales::calls(ids);
    calls.extend(people::calls(ids));
    calls
}

/// Registered server functions (path and method) the catalogue lacks, and catalogue
/// entries nothing is registered at.
pub fn uncatalogued() -> (Vec<String>, Vec<String>) {
    let catalogued: Vec<&str> = all(&Ids::default()).iter().map(|e| e.path).collect();
    let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()))
        .collect();
    let missing = registered
        .iter()
        .filter(|(path, _)| !catalogued.contains(&path.as_str()))
        .map(|(path, method)| format!("{method} {path}"))
        .collect();
    let stale = catalogued
        .iter()
        .filter(|path| !registered.iter().any(|(p, _)| p == *path))
        .map(|path| (*path).to_owned())
        .collect();
    (missing, stale)
}

/// The HTTP method a server function is registered with (all POST today; a `GetUrl`
/// function would be sent as a query string).
pub fn method_of(path: &str) -> http::Method {
    leptos::server_fn::axum::server_fn_paths()
        .find(|(p, _)| *p == path)
        .map_or(http::Method::POST, |(_, method)| method)
}
