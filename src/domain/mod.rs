//! Rules without I/O: roles, validated values.

pub mod profile;
pub mod role;
pub mod roster;
pub mod validate;
pub mod visibility;
