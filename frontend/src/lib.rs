//! The browser bundle: hydrates the server-rendered app. Pages are lazy chunks
//! (`app::routes`): hydration waits for the opened page's chunk, which the server has
//! already named in a preload link.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
