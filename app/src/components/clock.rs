//! The browser's clock and time zone, for entering and showing due times. The server
//! renders in UTC; after hydration the page switches to the browser's offset (pages read
//! it from `use_offset`, which starts at 0 so the first render matches the server's).

use chrono::{DateTime, Duration, Utc};
use domain::activity::LocalTime;
use leptos::prelude::*;

/// Minutes to add to local time to get UTC at the local time `local` (DST-aware), or
/// now when `local` is empty. Always 0 on the server.
pub fn offset_at(local: &str) -> i32 {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::js_sys::Date;
        let date = if local.is_empty() {
            Date::new_0()
        } else {
            Date::new(&local.into())
        };
        let minutes = date.get_timezone_offset();
        if minutes.is_finite() {
            return minutes as i32;
        }
        Date::new_0().get_timezone_offset() as i32
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = local;
        0
    }
}

/// The browser's IANA time-zone name ("UTC" on the server or when unknown).
pub fn zone_name() -> String {
    #[cfg(feature = "hydrate")]
    {
        use leptos::web_sys::js_sys::{Array, Intl::DateTimeFormat, Object, Reflect};
        let options = DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
        if let Some(zone) = Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|z| z.as_string())
        {
            return zone;
        }
    }
    "UTC".to_owned()
}

/// The browser's current offset as a signal: 0 for the first (hydrating) render.
pub fn use_offset() -> RwSignal<i32> {
    let offset = RwSignal::new(0);
    Effect::new(move |_| offset.set(offset_at("")));
    offset
}

/// A due time as the person typed it, ready for the server.
pub fn local_time(local: String) -> LocalTime {
    LocalTime {
        offset_minutes: offset_at(&local),
        time_zone: zone_name(),
        local,
    }
}

/// "Tue 14 Mar, 14:30" in the viewer's time.
pub fn show_due(at: DateTime<Utc>, offset: i32) -> String {
    (at - Duration::minutes(i64::from(offset)))
        .format("%a %-d %b, %H:%M")
        .to_string()
}

/// Tomorrow at 9:00 local, as a `datetime-local` value: the usual next step.
pub fn tomorrow_morning(offset: i32) -> String {
    morning_in(1, offset)
}

/// 9:00 local, `days` from today, as a `datetime-local` value.
pub fn morning_in(days: i64, offset: i32) -> String {
    let local = Utc::now() - Duration::minutes(i64::from(offset)) + Duration::days(days);
    format!("{}T09:00", local.format("%Y-%m-%d"))
}

/// The same local time one day later, for "tomorrow" rescheduling.
pub fn a_day_later(at: DateTime<Utc>, offset: i32) -> String {
    (at - Duration::minutes(i64::from(offset)) + Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The browser's offset shared by every page of the signed-in layout.
#[derive(Clone, Copy)]
pub struct LocalOffset(pub RwSignal<i32>);

/// The shared offset, or a fresh one outside the layout.
pub fn shared_offset() -> RwSignal<i32> {
    use_context::<LocalOffset>().map_or_else(use_offset, |shared| shared.0)
}
