//! Notifications: written with the change that causes them, shown in the inbox, and mailed
//! by the delivery worker to a real SMTP server (`smtp::SmtpServer`, started by each test).

use crate::{common, smtp};

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use common::{PASSWORD, TestApp};
use guanai::clock::Clock as _;
use guanai::domain::roster::ExpertStatus;
use guanai::mail::Mailer;
use guanai::mail::outbox::{DeliveryReport, Notice, deliver_due, notify};
use guanai::models::notification::{Notification, NotificationStatus};
use lettre::message::Mailbox;
use serde_json::json;
use smtp::SmtpServer;

fn mailer(server: &SmtpServer) -> Mailer {
    Mailer::plain_smtp("127.0.0.1", server.port)
}

/// A port nothing listens on: the mail server is down.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn from() -> Mailbox {
    "关爱专家团 <noreply@guanai.test>".parse().unwrap()
}

fn deliver(app: &TestApp, mailer: &Mailer) -> DeliveryReport {
    deliver_due(app.pool(), mailer, &from(), &app.clock, 20).unwrap()
}

fn all_notifications(app: &TestApp) -> Vec<Notification> {
    app.with_conn(|conn| Notification::outbox(conn, None, None, 1000).unwrap())
}

/// An expert with a pending course, and an admin; returns (admin token, expert token, course id).
async fn pending_course(app: &TestApp) -> (String, String, String) {
    let (_, admin) = app.admin().await;
    app.expert("lin", "reading", ExpertStatus::Active);
    let (expert, _) = app.tokens("lin").await;
    let body = json!({ "team": "reading", "title": "整本书阅读指导", "description": "方法", "audiences": ["parents"],
        "modes": ["online"], "duration_minutes": 60 });
    let created = app.post("/api/v1/courses", Some(&expert), body).await;
    let id = created.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The office's "waiting for review" mail goes out first, so that what the tests look
    // at is what happens next.
    let sink = SmtpServer::start();
    assert_eq!(deliver(app, &mailer(&sink)).sent, 1);
    app.clock.advance(Duration::minutes(1));
    (admin, expert, id)
}

#[actix_web::test]
async fn a_course_approval_delivers_exactly_one_mail_to_its_author() {
    let app = TestApp::new().await;
    let (admin, expert, course) = pending_course(&app).await;
    let smtp = SmtpServer::start();

    app.post(
        &format!("/api/v1/courses/{course}/review"),
        Some(&admin),
        json!({ "decision": "approve", "comment": "内容扎实" }),
    )
    .await
    .assert_status(200);
    let report = deliver(&app, &mailer(&smtp));

    assert_eq!(
        report,
        DeliveryReport {
            claimed: 1,
            sent: 1,
            retried: 0,
            dead: 0
        }
    );
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["lin@example.cn"]);
    assert_eq!(
        mail.subject(),
        "关爱专家团：课程《整本书阅读指导》已通过审核"
    );
    let body = mail.body();
    assert!(body.contains("lin专家，您好"), "{body}");
    assert!(body.contains("审核意见：内容扎实"), "{body}");
    assert!(
        body.contains("（周") && body.contains(" 北京时间"),
        "times read as a Chinese calendar does, with the zone's name: {body}"
    );
    let row = &all_notifications(&app)[0];
    assert_eq!(
        mail.header("Message-ID"),
        format!("<notification-{}@guanai.test>", row.id)
    );
    assert_eq!(row.status, NotificationStatus::Sent);
    assert!(
        row.email_body.is_none(),
        "the mail body is erased once delivered"
    );
    assert_eq!(deliver(&app, &mailer(&smtp)).claimed, 0);
    assert_eq!(smtp.received().len(), 1);

    // The same notice is in the author's inbox.
    let inbox = app
        .get("/api/v1/me/notifications?unread=true", &expert)
        .await;
    let items = inbox.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "course_approved");
    assert!(items[0]["read_at"].is_null());
}

#[actix_web::test]
async fn a_rejection_mail_carries_the_reviewers_comment() {
    let app = TestApp::new().await;
    let (admin, _, course) = pending_course(&app).await;
    let smtp = SmtpServer::start();
    app.post(
        &format!("/api/v1/courses/{course}/review"),
        Some(&admin),
        json!({ "decision": "reject", "comment": "请补充提纲" }),
    )
    .await
    .assert_status(200);

    deliver(&app, &mailer(&smtp));

    let mail = &smtp.received()[0];
    assert_eq!(
        mail.subject(),
        "关爱专家团：课程《整本书阅读指导》未通过审核"
    );
    assert!(mail.body().contains("审核意见：请补充提纲"));
}

#[actix_web::test]
async fn with_the_mail_server_down_nothing_is_lost_and_nothing_sent_twice() {
    let app = TestApp::new().await;
    let (admin, _, course) = pending_course(&app).await;
    app.post(
        &format!("/api/v1/courses/{course}/review"),
        Some(&admin),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);

    let down = deliver(&app, &Mailer::plain_smtp("127.0.0.1", closed_port()));

    assert_eq!(down.retried, 1);
    let outbox = app.get("/api/v1/admin/outbox?status=pending", &admin).await;
    let entry = outbox.assert_status(200)["items"][0].clone();
    assert_eq!(entry["attempts"], 1);
    assert!(
        entry["last_error"]
            .as_str()
            .unwrap()
            .contains("delivery failed"),
        "{entry}"
    );
    // Not due again before its backoff.
    let smtp = SmtpServer::start();
    assert_eq!(deliver(&app, &mailer(&smtp)).claimed, 0);

    app.clock.advance(Duration::minutes(2));
    let up = deliver(&app, &mailer(&smtp));

    assert_eq!(up.sent, 1);
    assert_eq!(smtp.received().len(), 1);
    app.clock.advance(Duration::hours(1));
    assert_eq!(deliver(&app, &mailer(&smtp)).claimed, 0);
    assert_eq!(smtp.received().len(), 1);
}

#[actix_web::test]
async fn ten_failures_make_a_message_dead_until_an_admin_retries_it() {
    let app = TestApp::new().await;
    let (admin, _, course) = pending_course(&app).await;
    app.post(
        &format!("/api/v1/courses/{course}/review"),
        Some(&admin),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);
    let down = Mailer::plain_smtp("127.0.0.1", closed_port());

    for attempt in 1..=10 {
        let report = deliver(&app, &down);
        assert_eq!(report.claimed, 1, "attempt {attempt}");
        app.clock.advance(Duration::minutes(70));
    }

    let (_, admin) = app.admin().await;
    let row = all_notifications(&app).remove(0);
    assert_eq!(row.status, NotificationStatus::Dead);
    assert_eq!(row.attempts, 10);
    assert_eq!(deliver(&app, &down).claimed, 0);
    let dead = app.get("/api/v1/admin/outbox?status=dead", &admin).await;
    assert_eq!(
        dead.assert_status(200)["items"].as_array().unwrap().len(),
        1
    );

    let retried = app
        .post(
            &format!("/api/v1/admin/outbox/{}/retry", row.id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(retried.assert_status(200)["status"], "pending");
    let smtp = SmtpServer::start();
    assert_eq!(deliver(&app, &mailer(&smtp)).sent, 1);
    assert_eq!(smtp.received().len(), 1);
    app.post(
        &format!("/api/v1/admin/outbox/{}/retry", row.id),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(409, "not_dead");
    assert_eq!(app.audit_actions("outbox.retried").len(), 1);
}

#[actix_web::test]
async fn a_message_claimed_by_a_worker_that_died_is_sent_after_its_lease() {
    let app = TestApp::new().await;
    let user = app.user(guanai::domain::role::Role::Expert, "lease.test");
    let now = app.clock.now_naive();
    let settings = app.state.settings.clone();
    app.with_conn(|conn| {
        notify(
            conn,
            &settings,
            &user,
            Notice::PasswordChanged { at: now },
            now,
        )
        .unwrap()
    });
    // A worker claims the message and dies before sending it.
    let lease_until = now + Duration::seconds(guanai::mail::outbox::LEASE_SECONDS);
    let claimed = app.with_conn(|conn| {
        guanai::db::transaction(conn, |conn| {
            Notification::claim_due(conn, now, lease_until, 10)
        })
    });
    assert_eq!(claimed.unwrap().len(), 1);
    let smtp = SmtpServer::start();

    assert_eq!(
        deliver(&app, &mailer(&smtp)).claimed,
        0,
        "the lease still holds"
    );
    app.clock
        .advance(Duration::seconds(guanai::mail::outbox::LEASE_SECONDS + 1));
    assert_eq!(deliver(&app, &mailer(&smtp)).sent, 1);

    assert_eq!(smtp.received().len(), 1);
    assert_eq!(all_notifications(&app)[0].attempts, 2);
}

#[actix_web::test]
async fn a_rolled_back_change_leaves_no_notification() {
    let app = TestApp::new().await;
    let user = app.user(guanai::domain::role::Role::Expert, "rolled.back");
    let now = app.clock.now_naive();
    let settings = app.state.settings.clone();

    let result: Result<(), guanai::error::ApiError> = app.with_conn(|conn| {
        guanai::db::transaction(conn, |conn| {
            notify(
                conn,
                &settings,
                &user,
                Notice::PasswordChanged { at: now },
                now,
            )?;
            Err(guanai::error::ApiError::conflict(
                "test_rollback",
                guanai::i18n::Text::Plain("the change fails after the notification".to_owned()),
            ))
        })
    });

    assert!(result.is_err());
    assert!(all_notifications(&app).is_empty());
}

#[actix_web::test]
async fn an_account_mail_carries_the_link_the_inbox_never_does() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let created = app
        .post("/api/v1/users", Some(&admin), json!({ "login": "office.new", "display_name": "新同事", "role": "admin", "email": "new@example.cn" }))
        .await;
    let token = created.assert_status(201)["set_password_token"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = all_notifications(&app).remove(0);
    assert_eq!(row.kind, "account_created");
    assert!(
        !row.body.contains(&token) && !row.data.contains(&token),
        "the inbox copy holds no token"
    );
    let smtp = SmtpServer::start();

    deliver(&app, &mailer(&smtp));

    let mail = &smtp.received()[0];
    assert_eq!(mail.subject(), "关爱专家团：您的账号已开通");
    let body = mail.body();
    assert!(body.contains("登录名：office.new"));
    assert!(
        body.contains(&format!("http://127.0.0.1:8080/set-password?token={token}")),
        "{body}"
    );
    assert!(!body.contains("密码：") || !body.contains(PASSWORD));
    let row = all_notifications(&app).remove(0);
    assert!(row.email_body.is_none());
}

#[actix_web::test]
async fn users_without_an_address_get_the_inbox_copy_only() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let created = app
        .post("/api/v1/users", Some(&admin), json!({ "login": "no.mail", "display_name": "无邮箱", "role": "admin", "initial_password": "first password 1" }))
        .await;
    created.assert_status(201);
    let smtp = SmtpServer::start();

    assert_eq!(deliver(&app, &mailer(&smtp)).claimed, 0);

    let row = all_notifications(&app).remove(0);
    assert_eq!(row.status, NotificationStatus::InApp);
    assert!(row.email_to.is_none());
    assert!(smtp.received().is_empty());
}

#[actix_web::test]
async fn the_inbox_is_private_and_can_be_marked_read() {
    let app = TestApp::new().await;
    let (admin, _, course) = pending_course(&app).await;
    let (_, office) = app.admin().await;
    app.post(
        &format!("/api/v1/courses/{course}/review"),
        Some(&office),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);
    let (expert, _) = app.tokens("lin").await;
    let id = all_notifications(&app)[0].id.clone();

    app.post(
        &format!("/api/v1/me/notifications/{id}/read"),
        Some(&admin),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    let admins_inbox = app.get("/api/v1/me/notifications", &admin).await;
    assert!(
        admins_inbox.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["id"] != id.as_str() && n["kind"] == "course_pending_review"),
        "the office sees its own review notice, never the author's mail"
    );

    let read = app
        .post(
            &format!("/api/v1/me/notifications/{id}/read"),
            Some(&expert),
            json!({}),
        )
        .await;
    assert!(read.assert_status(200)["read_at"].is_string());
    let unread = app
        .get("/api/v1/me/notifications?unread=true", &expert)
        .await;
    assert!(
        unread.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let read_ones = app
        .get("/api/v1/me/notifications?unread=false", &expert)
        .await;
    assert_eq!(
        read_ones.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn a_forgotten_password_is_reset_by_mail_and_the_answer_never_tells() {
    let app = TestApp::new().await;
    app.user(guanai::domain::role::Role::School, "school.forgot");
    let smtp = SmtpServer::start();

    let known = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "school.forgot" }),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "nobody.here" }),
        )
        .await;

    assert_eq!(known.status.as_u16(), 202);
    assert_eq!(known.body, unknown.body);
    assert_eq!(unknown.status.as_u16(), 202);
    // Audited as what it is: an anonymous request from an address, about the account.
    let requested = app.audit_actions("user.password_reset_requested");
    assert_eq!(requested.len(), 1);
    assert_eq!(requested[0].actor_id, None);
    assert_eq!(requested[0].ip.as_deref(), Some("192.0.2.10"));
    assert!(requested[0].entity_id.is_some());
    deliver(&app, &mailer(&smtp));
    let mails = smtp.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject(), "关爱专家团：重设密码");
    let body = mails[0].body();
    let token = body
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let set = app
        .post(
            "/api/v1/auth/set-password",
            None,
            json!({ "token": token, "new_password": "remembered at last" }),
        )
        .await;
    assert_eq!(set.status.as_u16(), 204);
    app.login("school.forgot", "remembered at last")
        .await
        .assert_status(200);
    // Setting it is a password change, and says so.
    let kinds: Vec<String> = all_notifications(&app)
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert!(kinds.contains(&"password_changed".to_owned()), "{kinds:?}");
}

#[actix_web::test]
async fn password_reset_requests_are_rate_limited_per_login() {
    let app = TestApp::new().await;
    app.user(guanai::domain::role::Role::School, "school.spam");
    for _ in 0..5 {
        let r = app
            .post(
                "/api/v1/auth/password-reset",
                None,
                json!({ "login": "school.spam" }),
            )
            .await;
        assert_eq!(r.status.as_u16(), 202);
    }

    let limited = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "school.spam" }),
        )
        .await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    // Unknown logins are limited the same way, so the limit tells nothing either.
    for _ in 0..5 {
        app.post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "ghost" }),
        )
        .await;
    }
    app.post(
        "/api/v1/auth/password-reset",
        None,
        json!({ "login": "ghost" }),
    )
    .await
    .assert_problem(429, "rate_limited");

    app.clock.advance(Duration::minutes(61));
    let again = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "school.spam" }),
        )
        .await;
    assert_eq!(again.status.as_u16(), 202);
}

#[actix_web::test]
async fn two_workers_deliver_two_hundred_messages_exactly_once() {
    let app = TestApp::new().await;
    let users: Vec<_> = (0..4)
        .map(|i| app.user(guanai::domain::role::Role::Expert, &format!("busy{i}")))
        .collect();
    let now = app.clock.now_naive();
    let settings = app.state.settings.clone();
    app.with_conn(|conn| {
        for i in 0..200 {
            notify(
                conn,
                &settings,
                &users[i % 4],
                Notice::PasswordChanged { at: now },
                now,
            )
            .unwrap();
        }
    });
    let smtp = SmtpServer::start();

    let workers: Vec<_> = (0..2)
        .map(|_| {
            let pool = app.pool().clone();
            let clock = app.clock.clone();
            let mailer = mailer(&smtp);
            std::thread::spawn(move || {
                let mut sent = 0;
                let started = Instant::now();
                loop {
                    let report = deliver_due(&pool, &mailer, &from(), &clock, 7).unwrap();
                    sent += report.sent;
                    if report.claimed == 0 || started.elapsed() > StdDuration::from_secs(120) {
                        return sent;
                    }
                }
            })
        })
        .collect();
    let per_worker: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();

    assert_eq!(per_worker.iter().sum::<usize>(), 200, "{per_worker:?}");
    let mails = smtp.received();
    assert_eq!(mails.len(), 200);
    let mut ids: Vec<String> = mails.iter().map(|m| m.header("Message-ID")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "a message was sent twice");
    assert!(
        all_notifications(&app)
            .iter()
            .all(|n| n.status == NotificationStatus::Sent)
    );
}

#[actix_web::test]
async fn the_job_runner_delivers_mail_on_its_own_and_stops_when_told() {
    let app = TestApp::new().await;
    let user = app.user(guanai::domain::role::Role::Expert, "worker.test");
    let now = app.clock.now_naive();
    let settings = app.state.settings.clone();
    app.with_conn(|conn| {
        notify(
            conn,
            &settings,
            &user,
            Notice::PasswordChanged { at: now },
            now,
        )
        .unwrap()
    });
    let smtp = SmtpServer::start();
    let clock: Arc<dyn guanai::clock::Clock> = Arc::new(app.clock.clone());

    let jobs = guanai::jobs::standard_jobs(
        mailer(&smtp),
        from(),
        Duration::seconds(1),
        app.state.settings.clone(),
    );
    let worker = guanai::jobs::JobRunner::spawn(
        app.pool().clone(),
        clock,
        jobs,
        StdDuration::from_millis(100),
    )
    .unwrap();
    let started = Instant::now();
    while smtp.received().is_empty() && started.elapsed() < StdDuration::from_secs(20) {
        std::thread::sleep(StdDuration::from_millis(50));
    }
    worker.stop();

    assert_eq!(smtp.received().len(), 1);
}
