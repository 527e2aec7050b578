//! The outbox. [`notify`] writes a notification inside the caller's transaction, so it
//! exists exactly when the change that caused it does; [`deliver_due`] sends due mail
//! outside any request, with a lease so that two workers never send one row twice.

use chrono::{Duration, NaiveDateTime};
use lettre::message::Mailbox;
use rand::Rng as _;
use serde_json::{Value, json};

use crate::auth::account::IssuedToken;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::backoff::retry_delay;
use crate::error::ApiResult;
use crate::mail::templates::{Channel, render};
use crate::mail::{Mailer, OutgoingMail};
use crate::models::notification::{NewNotification, Notification, NotificationStatus};
use crate::models::user::User;
use crate::time::chinese_time;

/// How long a claimed message is reserved for the worker that claimed it.
pub const LEASE_SECONDS: i64 = 120;

/// Something to tell a user.
#[derive(Debug, Clone)]
pub enum Notice {
    /// 账号开通: with a set-password link when the account has no password yet.
    AccountCreated { password_link: Option<IssuedToken> },
    /// 重设密码: a new set-password link.
    PasswordReset { link: IssuedToken },
    /// 密码已修改.
    PasswordChanged { at: NaiveDateTime },
    /// 确认新邮箱: the one-time confirmation link, mailed to the *new* address.
    EmailConfirm {
        new_email: String,
        link: IssuedToken,
    },
    /// 邮箱更改申请: told to the old address when a change is asked for.
    EmailChangeRequested {
        new_email: String,
        at: NaiveDateTime,
    },
    /// 待审课程: a course waits for its reviewers (the office and the team's leads).
    CourseAwaitingReview {
        title: String,
        expert_name: String,
        team: String,
        resubmitted: bool,
        at: NaiveDateTime,
    },
    /// 课程审核结果.
    CourseReviewed {
        title: String,
        approved: bool,
        comment: Option<String>,
        at: NaiveDateTime,
    },
    /// Something happened to a lecture (授课场次).
    Lecture {
        kind: LectureNotice,
        topic: String,
        school_name: Option<String>,
        mode: crate::domain::lecture::LectureMode,
        /// Its time (start, end), once chosen.
        time: Option<(NaiveDateTime, NaiveDateTime)>,
        /// The time it had before a reschedule.
        was: Option<(NaiveDateTime, NaiveDateTime)>,
        /// The expert who holds it, or who declined it, let it lapse or left it.
        expert_name: Option<String>,
        /// The address (on site) or the platform (online).
        place: Option<String>,
        /// Online, once confirmed: where to join (a link, a meeting number with its passcode).
        link: Option<String>,
        meeting: Option<String>,
        offer_expires_at: Option<NaiveDateTime>,
        reason: Option<String>,
    },
    /// Something happened to a leave (请假).
    Leave {
        kind: LeaveNotice,
        expert_name: String,
        days: crate::domain::leave::LeaveDays,
        /// The expert's reason (asked for), or the rejection's.
        reason: Option<String>,
        /// Lectures given back to the office because the leave was approved over them.
        released: usize,
    },
}

/// What happened to a leave, and so which template tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveNotice {
    /// An expert asked for leave (its approvers: the office, the leads of their team).
    Requested,
    /// Approved (the expert).
    Approved,
    /// Not approved (the expert).
    Rejected,
}

/// What happened to a lecture, and so which template tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LectureNotice {
    /// A school's request waits for the office (office and team leads).
    Requested,
    /// An offer to the expert.
    Offered,
    /// The expert declined (office and team leads).
    Declined,
    /// The offer was not answered in time (office and team leads).
    Lapsed,
    /// The expert accepted (school and expert).
    Confirmed,
    Cancelled,
    /// A new time: the expert is asked to accept it; the school is told.
    Rescheduled,
    /// The office refused the request (school).
    Rejected,
    /// Its times passed unconfirmed (school, office).
    Expired,
    /// Its expert can no longer give it (office, leads, school).
    NeedsExpert,
    /// Its details changed (the expert).
    Changed,
    /// The day before (expert and school).
    Reminder,
    /// Nobody checked in by an hour after the end (office, team leads, school).
    NoShow,
    /// An expert is to observe it (听课), or the lecture they observe moved (the observer).
    ObserverAssigned,
    /// An observer is no longer to observe it (the observer).
    ObserverRemoved,
}

impl LectureNotice {
    pub fn template(self) -> &'static str {
        match self {
            LectureNotice::Requested => "lecture_requested",
            LectureNotice::Offered => "lecture_offered",
            LectureNotice::Declined => "lecture_declined",
            LectureNotice::Lapsed => "lecture_lapsed",
            LectureNotice::Confirmed => "lecture_confirmed",
            LectureNotice::Cancelled => "lecture_cancelled",
            LectureNotice::Rescheduled => "lecture_rescheduled",
            LectureNotice::Rejected => "lecture_rejected",
            LectureNotice::Expired => "lecture_expired",
            LectureNotice::NeedsExpert => "lecture_needs_expert",
            LectureNotice::Changed => "lecture_changed",
            LectureNotice::Reminder => "lecture_reminder",
            LectureNotice::NoShow => "lecture_no_show",
            LectureNotice::ObserverAssigned => "lecture_observer_assigned",
            LectureNotice::ObserverRemoved => "lecture_observer_removed",
        }
    }
}

impl Notice {
    fn kind(&self) -> &'static str {
        match self {
            Notice::AccountCreated { .. } => "account_created",
            Notice::PasswordReset { .. } => "password_reset",
            Notice::PasswordChanged { .. } => "password_changed",
            Notice::EmailConfirm { .. } => "email_confirm",
            Notice::EmailChangeRequested { .. } => "email_change_requested",
            Notice::CourseAwaitingReview { .. } => "course_pending_review",
            Notice::CourseReviewed { approved: true, .. } => "course_approved",
            Notice::CourseReviewed {
                approved: false, ..
            } => "course_rejected",
            Notice::Lecture { kind, .. } => kind.template(),
            Notice::Leave { kind, .. } => match kind {
                LeaveNotice::Requested => "leave_requested",
                LeaveNotice::Approved => "leave_approved",
                LeaveNotice::Rejected => "leave_rejected",
            },
        }
    }

    /// Where the mail goes when not to the account's own address: a confirmation link goes
    /// to the address being confirmed.
    fn mail_to(&self) -> Option<&str> {
        match self {
            Notice::EmailConfirm { new_email, .. } => Some(new_email),
            _ => None,
        }
    }

    /// (what is stored and shown, what only the mail may add: the secret link).
    fn contexts(&self, user: &User, settings: &Settings) -> (Value, Value) {
        let tz = settings.timezone;
        let mut public = json!({ "name": user.display_name, "login": user.login });
        let mut secret = json!({});
        let link = |token: &IssuedToken| {
            json!({
                "link": format!("{}/set-password?token={}", settings.public_url, token.token),
                "token": token.token,
            })
        };
        let extend = |target: &mut Value, extra: Value| {
            if let (Value::Object(t), Value::Object(e)) = (target, extra) {
                t.extend(e);
            }
        };
        match self {
            Notice::AccountCreated { password_link } => {
                extend(&mut public, json!({ "has_link": password_link.is_some() }));
                if let Some(token) = password_link {
                    extend(
                        &mut public,
                        json!({ "expires_at": chinese_time(token.expires_at, tz) }),
                    );
                    secret = link(token);
                }
            }
            Notice::PasswordReset { link: token } => {
                extend(
                    &mut public,
                    json!({ "has_link": true, "expires_at": chinese_time(token.expires_at, tz) }),
                );
                secret = link(token);
            }
            Notice::PasswordChanged { at } => {
                extend(&mut public, json!({ "at": chinese_time(*at, tz) }))
            }
            Notice::EmailConfirm { new_email, link } => {
                extend(
                    &mut public,
                    json!({ "new_email": new_email, "expires_at": chinese_time(link.expires_at, tz) }),
                );
                secret = json!({
                    "link": format!("{}/confirm-email?token={}", settings.public_url, link.token),
                });
            }
            Notice::EmailChangeRequested { new_email, at } => extend(
                &mut public,
                json!({ "new_email": new_email, "at": chinese_time(*at, tz) }),
            ),
            Notice::CourseAwaitingReview {
                title,
                expert_name,
                team,
                resubmitted,
                at,
            } => extend(
                &mut public,
                json!({
                    "title": title,
                    "expert_name": expert_name,
                    "team": crate::domain::profile::team_label(team),
                    "resubmitted": resubmitted,
                    "at": chinese_time(*at, tz),
                }),
            ),
            Notice::CourseReviewed {
                title, comment, at, ..
            } => {
                extend(
                    &mut public,
                    json!({ "title": title, "comment": comment, "at": chinese_time(*at, tz) }),
                );
            }
            Notice::Lecture {
                topic,
                school_name,
                mode,
                time,
                was,
                expert_name,
                place,
                link,
                meeting,
                offer_expires_at,
                reason,
                ..
            } => {
                let span = |(start, end): (NaiveDateTime, NaiveDateTime)| {
                    crate::time::chinese_span(start, end, tz)
                };
                extend(
                    &mut public,
                    json!({
                        "topic": topic,
                        "school_name": school_name,
                        "mode": mode.label_zh(),
                        "start": time.map(span),
                        "was": was.map(span),
                        "expert_name": expert_name,
                        "place": place,
                        "meeting_link": link,
                        "meeting": meeting,
                        "offer_expires_at": offer_expires_at.map(|t| chinese_time(t, tz)),
                        "reason": reason,
                    }),
                );
            }
            Notice::Leave {
                expert_name,
                days,
                reason,
                released,
                ..
            } => extend(
                &mut public,
                json!({
                    "expert_name": expert_name,
                    "first": crate::time::chinese_date(days.first),
                    "last": crate::time::chinese_date(days.last),
                    "days": days.count(),
                    "reason": reason,
                    "released": released,
                }),
            ),
        }
        let mut full = public.clone();
        extend(&mut full, secret);
        (public, full)
    }
}

/// Writes a notification for `user` inside the caller's transaction: the in-app copy
/// always, the mail when the user has an address.
pub fn notify(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &User,
    notice: Notice,
    now: NaiveDateTime,
) -> ApiResult<String> {
    let kind = notice.kind();
    let (public, full) = notice.contexts(user, settings);
    let (subject, body) =
        render(kind, Channel::Inbox, &public).map_err(crate::error::ApiError::internal)?;
    let email_to = notice
        .mail_to()
        .map(str::to_owned)
        .or_else(|| user.email.clone())
        .filter(|_| user.active);
    let email_body = match &email_to {
        Some(_) => Some(
            render(kind, Channel::Email, &full)
                .map_err(crate::error::ApiError::internal)?
                .1,
        ),
        None => None,
    };
    let id = crate::db::new_id();
    Notification::insert(
        conn,
        &NewNotification {
            id: id.clone(),
            user_id: user.id.clone(),
            kind: kind.to_owned(),
            data: public.to_string(),
            subject,
            body,
            status: if email_to.is_some() {
                NotificationStatus::Pending
            } else {
                NotificationStatus::InApp
            }
            .to_owned(),
            email_body,
            email_to,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        },
    )?;
    Ok(id)
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
}

/// One delivery round: claims up to `batch` due messages (committed before any SMTP
/// conversation), sends each, and records the outcome. Delivery is at least once: a worker
/// that dies mid-send leaves its rows `sending` until the lease runs out, and then they are
/// sent again with the same `Message-ID`.
pub fn deliver_due(
    pool: &DbPool,
    mailer: &Mailer,
    from: &Mailbox,
    clock: &dyn Clock,
    batch: i64,
) -> ApiResult<DeliveryReport> {
    let mut conn = pool.get()?;
    let now = clock.now_naive();
    let lease_until = now + Duration::seconds(LEASE_SECONDS);
    let claimed = db::transaction(&mut conn, |conn| {
        Notification::claim_due(conn, now, lease_until, batch)
    })?;
    let mut report = DeliveryReport {
        claimed: claimed.len(),
        ..DeliveryReport::default()
    };
    for row in claimed {
        let (Some(to), Some(body)) = (row.email_to.clone(), row.email_body.clone()) else {
            Notification::mark_failed(&mut conn, &row.id, "nothing to send", None)?;
            report.dead += 1;
            continue;
        };
        let mail = OutgoingMail {
            id: row.id.clone(),
            to,
            subject: row.subject.clone(),
            body,
        };
        let result = mailer.send(from, &mail);
        let finished = clock.now_naive();
        match result {
            Ok(()) => {
                Notification::mark_sent(&mut conn, &row.id, finished)?;
                report.sent += 1;
            }
            Err(error) => {
                let message: String = error.to_string().chars().take(500).collect();
                let next =
                    retry_delay(row.attempts, rand::rng().random::<f64>()).map(|d| finished + d);
                tracing::warn!(notification_id = %row.id, attempts = row.attempts, error = %message, dead = next.is_none(), "mail not delivered");
                Notification::mark_failed(&mut conn, &row.id, &message, next)?;
                if next.is_some() {
                    report.retried += 1;
                } else {
                    report.dead += 1;
                }
            }
        }
    }
    Ok(report)
}
