//! Real sockets: a minimal HTTP/1.1 client and the service started on loopback, for tests of
//! real concurrency or of the process itself.

use super::*;

/// A minimal HTTP/1.1 client over a real socket, for tests that need real concurrency or
/// a real server process. One request per connection.
pub fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw);
    let (head, payload) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let payload = if chunked {
        dechunk(payload)
    } else {
        payload.to_owned()
    };
    (
        status,
        serde_json::from_str(&payload).unwrap_or(Value::Null),
    )
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

/// The real application served by a real actix server on a loopback port, in its own thread.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    pub state: web::Data<AppState>,
    pub clock: ManualClock,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    _db: TestDb,
}

impl TestServer {
    pub fn start() -> TestServer {
        let (state, clock, test_db) = test_state();
        let (tx, rx) = std::sync::mpsc::channel();
        let server_state = state.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(move || app(server_state.clone()))
                    .workers(2)
                    .disable_signals()
                    .bind(("127.0.0.1", 0))
                    .expect("bind");
                let addr = server.addrs()[0];
                let server = server.run();
                tx.send((addr, server.handle())).expect("send addr");
                server.await.expect("server");
            });
        });
        let (addr, handle) = rx.recv().expect("server start");
        TestServer {
            addr,
            state,
            clock,
            handle,
            thread: Some(thread),
            _db: test_db,
        }
    }

    pub fn user(&self, role: Role, login: &str) -> User {
        let now = self.clock.now_naive();
        let mut conn = self.state.db.get().expect("connection");
        insert_user(&mut conn, role, login, None, now)
    }

    pub fn login(&self, login: &str) -> Value {
        let (status, body) = http(
            self.addr,
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({ "login": login, "password": PASSWORD })),
        );
        assert_eq!(status, 200, "{body}");
        body
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let stop =
            std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)));
        let _ = stop.join();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
