//! The shell's own pages, declared as plugins like any other.

pub mod home;
pub mod search;
pub mod settings;
pub mod welcome;
