//! The browser bundle: hydrates the server-rendered app. Pages are lazy chunks
//! (`app::routes`): hydration waits for the opened page's chunk, which the server has
//! already named in a preload link.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}

/// Room for the code splitter to lay out the constant data. wasm-split gives each chunk
/// its own block of the `.rodata` segment, each padded to the segment's alignment, and
/// when the blocks together come out longer than the input segment it puts *all*
/// constant data in the main module ("Overlong segment 0 by 154 after relocation" with
/// `cargo leptos --log wasm`): about 59 KB brotli more on every first visit, flipping
/// on and off with unrelated view changes (bench/README.md). Nothing references these
/// bytes, so the splitter writes them into no module; they only lengthen the input
/// segment, by far more than the padding of a few hundred chunks can take.
#[used]
static SPLIT_SLACK: [u8; 16 * 1024] = [0xA5; 16 * 1024];
