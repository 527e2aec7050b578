//! The use cases: what the service does, one module per capability, called alike by the HTTP
//! handlers, the CLI, the demo seeder, background jobs and tests. A use case takes a
//! [`Uow`] (unit of work) and never opens a transaction of its own: its caller opens exactly
//! one ([`write`] for handlers, [`Uow::within`] elsewhere), so state, history, audit and
//! outbox rows commit together or not at all.

pub mod availability;
pub mod consultation;
pub mod course;
pub mod email;
pub mod expert;
pub mod leave;
pub mod lecture;
pub mod membership;
pub mod notification;
pub mod password;
pub mod roster;
pub mod school;
pub mod session;
pub mod team;
pub mod user;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::audit::AuditContext;
use crate::config::Settings;
use crate::db::{self, DbConnection};
use crate::domain::coded::Coded;
use crate::domain::transition::Machine;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Idempotency};
use crate::mail::outbox::{Notice, notify};
use crate::models::state_change::{NewStateChange, StateChange};
use crate::models::user::User;

/// One transaction's worth of work: the connection (inside the open transaction), who acts
/// and when (`now` from the clock, through the audit context), and the settings that
/// notifications need.
pub struct Uow<'c> {
    pub conn: &'c mut DbConnection,
    pub settings: &'c Settings,
    pub audit: AuditContext,
}

/// A state change to apply: the machine's answer (`from` → `to` by `action`), and why.
#[derive(Debug)]
pub struct Transition<'a, M: Machine> {
    pub object_id: &'a str,
    /// `None` for the object's first entry (its creation).
    pub from: Option<M::State>,
    pub to: M::State,
    /// The action's name in the history (`approve`, `qualify`, `propose`, …).
    pub action: &'static str,
    pub reason: Option<&'a str>,
    /// The audit row's action (`course.reviewed`) and any detail beyond from/to/reason.
    pub audit_action: &'static str,
    pub audit_detail: Value,
}

impl<'c> Uow<'c> {
    pub fn new(conn: &'c mut DbConnection, settings: &'c Settings, audit: AuditContext) -> Self {
        Uow {
            conn,
            settings,
            audit,
        }
    }

    /// Runs `f` in one write transaction (for the CLI, the demo seeder, jobs and tests).
    pub fn within<T>(
        conn: &mut DbConnection,
        settings: &Settings,
        audit: AuditContext,
        f: impl FnOnce(&mut Uow<'_>) -> ApiResult<T>,
    ) -> ApiResult<T> {
        db::transaction(conn, |conn| f(&mut Uow::new(conn, settings, audit)))
    }

    pub fn now(&self) -> NaiveDateTime {
        self.audit.at
    }

    pub fn actor_id(&self) -> Option<&str> {
        self.audit.actor_id.as_deref()
    }

    /// An audit row, in this transaction.
    pub fn record(
        &mut self,
        action: &str,
        entity_type: &str,
        entity_id: Option<&str>,
        detail: Value,
    ) -> ApiResult<()> {
        Ok(self
            .audit
            .record(self.conn, action, entity_type, entity_id, detail)?)
    }

    /// A notification (inbox copy and mail), in this transaction.
    pub fn notify(&mut self, user: &User, notice: Notice) -> ApiResult<String> {
        let now = self.now();
        notify(self.conn, self.settings, user, notice, now)
    }

    /// Applies a state change: `compare_and_set` moves the row (it returns false when the
    /// row is no longer in `from` at the version read), then the history row (next in the
    /// object's sequence) and the audit row are written. Notifications follow through
    /// [`Uow::notify`] in the same transaction. Returns the history row's `seq`.
    pub fn transition<M: Machine>(
        &mut self,
        change: Transition<'_, M>,
        compare_and_set: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<bool>,
    ) -> ApiResult<i32> {
        if !compare_and_set(self.conn)? {
            return Err(ApiError::changed_meanwhile(M::OBJECT));
        }
        let from = change.from.map(Coded::code);
        let to = change.to.code();
        let seq = StateChange::append(
            self.conn,
            &NewStateChange {
                object_type: M::OBJECT,
                object_id: change.object_id,
                action: change.action,
                from_state: from,
                to_state: to,
                reason: change.reason,
                actor_id: self.audit.actor_id.as_deref(),
                at: self.now(),
            },
        )?;
        let mut detail = json!({
            "action": change.action,
            "from": from,
            "to": to,
            "reason": change.reason,
            "seq": seq,
        });
        if let (Value::Object(extra), Some(map)) = (change.audit_detail, detail.as_object_mut()) {
            map.extend(extra);
        }
        self.record(
            change.audit_action,
            M::OBJECT,
            Some(change.object_id),
            detail,
        )?;
        Ok(seq)
    }
}

/// Runs a use case for a request: one write transaction (retried once if it loses a race),
/// off the async workers.
pub async fn write<T, F>(state: &web::Data<AppState>, audit: AuditContext, mut f: F) -> ApiResult<T>
where
    F: FnMut(&mut Uow<'_>) -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    let st = state.clone();
    db::run_tx(&state.db, move |conn| {
        f(&mut Uow::new(conn, &st.settings, audit.clone()))
    })
    .await
}

/// What a creating use case answers: status, where the new object lives, its version
/// (sent as `ETag`), the body, and the JSON pointers of one-time secrets in the body (never
/// stored for an idempotent replay).
#[derive(Debug)]
pub struct Answer<T> {
    pub status: StatusCode,
    pub location: Option<String>,
    pub version: Option<i32>,
    pub body: T,
    pub secrets: &'static [&'static str],
}

impl<T: Serialize> Answer<T> {
    /// `201 Created` at `location`.
    pub fn created(location: String, version: Option<i32>, body: T) -> Self {
        Answer {
            status: StatusCode::CREATED,
            location: Some(location),
            version,
            body,
            secrets: &[],
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if let Some(location) = &self.location {
            headers.push(("location", location.clone()));
        }
        if let Some(version) = self.version {
            headers.push(("etag", format!("\"{version}\"")));
        }
        headers
    }

    pub fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in self.headers() {
            if let (Ok(name), Ok(value)) = (
                header::HeaderName::try_from(name),
                header::HeaderValue::from_str(&value),
            ) {
                response.insert_header((name, value));
            }
        }
        response.json(self.body)
    }
}

/// Runs a creating use case like [`write`], and when the request carries an
/// `Idempotency-Key`, stores its 2xx answer in the same transaction for replay.
pub async fn answer<T, F>(
    state: &web::Data<AppState>,
    audit: AuditContext,
    idem: Idempotency,
    mut f: F,
) -> ApiResult<HttpResponse>
where
    F: FnMut(&mut Uow<'_>) -> ApiResult<Answer<T>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let answer = write(state, audit, move |uow| {
        let answer = f(uow)?;
        if let Some(claim) = &idem.0
            && answer.status.is_success()
        {
            let body = serde_json::to_value(&answer.body).map_err(ApiError::internal)?;
            let stored = idempotency::stored_body(&body, answer.secrets);
            idempotency::complete(uow.conn, claim, answer.status, &stored, &answer.headers())?;
        }
        Ok(answer)
    })
    .await?;
    Ok(answer.into_response())
}
