//! guanai: the booking and dispatch service of a city education bureau's 关爱专家团.
//!
//! This crate builds the HTTP application; `main.rs` only parses the command line.
//! Tests build the very same application through [`app`].

pub mod api;
pub mod audit;
pub mod auth;
#[cfg(feature = "bench-routes")]
pub mod bench;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod extract;
pub mod http;
pub mod i18n;
pub mod idempotency;
pub mod jobs;
pub mod mail;
pub mod models;
pub mod pages;
pub mod time;
pub mod usecase;

use std::sync::Arc;

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{App, web};

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbPool;

/// What every request handler can reach.
pub struct AppState {
    pub db: DbPool,
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub jwt: JwtKeys,
    /// The keys that seal personal fields at rest (`crypto`).
    pub keys: crate::crypto::DataKeys,
}

impl AppState {
    pub fn new(
        db: DbPool,
        settings: Settings,
        clock: Arc<dyn Clock>,
        jwt: JwtKeys,
        keys: crate::crypto::DataKeys,
    ) -> Self {
        Self {
            db,
            settings,
            clock,
            jwt,
            keys,
        }
    }
}

/// The whole application: state, middleware, extractor settings and every route.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let proxies = web::Data::new(http::TrustedProxies(state.settings.trusted_proxies.clone()));
    let app = App::new()
        .app_data(state)
        .app_data(proxies)
        .app_data(extract::query_config())
        .app_data(extract::path_config())
        .configure(api::configure);
    #[cfg(feature = "bench-routes")]
    let app = app.configure(bench::configure);
    app.default_service(web::to(http::unknown_route))
        .wrap(actix_web::middleware::from_fn(http::request_context))
}
