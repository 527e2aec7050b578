//! Claims about concurrent requests, tested with real concurrency over a real socket.

use crate::common;

use std::sync::Arc;

use common::{TestServer, http};
use guanai::domain::role::Role;
use serde_json::json;

#[test]
fn concurrent_writes_never_fail_with_a_server_error() {
    let server = Arc::new(TestServer::start());
    server.user(Role::Admin, "office");
    let token = server.login("office")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let threads: Vec<_> = (0..24)
        .map(|i| {
            let (server, token) = (server.clone(), token.clone());
            std::thread::spawn(move || {
                let body = json!({ "login": format!("officer.{i}"), "display_name": format!("干事{i}"), "role": "admin" });
                http(server.addr, "POST", "/api/v1/users", Some(&token), Some(&body)).0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert!(statuses.iter().all(|s| *s == 201), "statuses: {statuses:?}");
    let (_, list) = http(
        server.addr,
        "GET",
        "/api/v1/users?role=admin&q=officer.&limit=100",
        Some(&token),
        None,
    );
    assert_eq!(list["items"].as_array().unwrap().len(), 24);
}

#[test]
fn of_many_concurrent_refreshes_with_one_token_exactly_one_wins() {
    let server = Arc::new(TestServer::start());
    server.user(Role::Expert, "racer");
    let refresh = server.login("racer")["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (server, refresh) = (server.clone(), refresh.clone());
            std::thread::spawn(move || {
                http(
                    server.addr,
                    "POST",
                    "/api/v1/auth/refresh",
                    None,
                    Some(&json!({ "refresh_token": refresh })),
                )
            })
        })
        .collect();
    let results: Vec<(u16, serde_json::Value)> =
        threads.into_iter().map(|t| t.join().unwrap()).collect();

    let winners = results.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(winners, 1, "{winners} refreshes succeeded: {results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 200 || *s == 401),
        "{results:?}"
    );
    // The losers came within seconds of the winner: retries of a client that lost its
    // answer, not theft, so the winner's new tokens still work.
    for (status, body) in &results {
        if *status == 200 {
            let (me, _) = http(
                server.addr,
                "GET",
                "/api/v1/me",
                body["access_token"].as_str(),
                None,
            );
            assert_eq!(me, 200);
            let (again, _) = http(
                server.addr,
                "POST",
                "/api/v1/auth/refresh",
                None,
                Some(&json!({ "refresh_token": body["refresh_token"] })),
            );
            assert_eq!(again, 200);
        }
    }
}

#[test]
fn concurrent_failed_logins_cannot_exceed_the_account_limit() {
    let server = Arc::new(TestServer::start());
    server.user(Role::School, "target");

    let threads: Vec<_> = (0..16)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || {
                http(
                    server.addr,
                    "POST",
                    "/api/v1/auth/login",
                    None,
                    Some(&json!({ "login": "target", "password": "wrong password!!" })),
                )
                .0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        6,
        "{statuses:?}"
    );
}
