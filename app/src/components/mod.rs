//! Small building blocks shared by pages.

pub mod field;
pub mod icons;

pub use field::{FormBanner, TextField};
