//! Rules without I/O: roles, validated values.

pub mod role;
pub mod validate;
