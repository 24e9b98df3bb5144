//! Small building blocks shared by pages.

pub mod clock;
pub mod field;
pub mod icons;
pub mod live;
pub mod outcome;
pub mod picker;
pub mod timeline;

pub use field::{FormBanner, TextField};
pub use outcome::form_outcome;

/// Runs `fetch` each time `trigger` changes after the first render: a component's data
/// comes with its page (one resource, one hydration step) and is refreshed from here.
pub fn refetch_on<F, Fut>(trigger: leptos::prelude::RwSignal<u32>, fetch: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    use leptos::prelude::*;
    Effect::new(move |seen: Option<u32>| {
        let now = trigger.get();
        if seen.is_some_and(|seen| seen != now) {
            leptos::task::spawn_local(fetch());
        }
        now
    });
}
