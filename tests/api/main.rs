//! The black-box tests of the service: one binary, one module per resource or flow,
//! all built on the harness in [`common`].

mod attendance;
mod audit;
mod auth;
mod calendar_feed;
mod cli;
mod common;
mod concurrency;
mod constraints;
mod courses;
mod demo;
mod dispatch_rules;
mod error_codes;
mod errors;
mod experts;
mod hygiene;
mod idempotency;
mod jobs;
mod languages;
mod leaves;
mod lecture_holds;
mod lecture_notices;
mod lecture_requests;
mod lecture_times;
mod lectures;
mod matrix;
mod me;
mod notifications;
mod openapi;
mod pages;
mod roster_import;
mod schema;
mod schools;
mod smtp;
mod teams;
mod users;
