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
