//! A small SMTP sink for the tests: a real SMTP server on a loopback port (greeting, EHLO,
//! MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), one thread per connection,
//! collecting every message it accepts. It replaces a server crate whose TLS stack cost a
//! minute of every clean test build; the service's lettre transport talks to it unchanged.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.data).expect("a parseable message")
    }

    pub fn header(&self, name: &str) -> String {
        use mailparse::MailHeaderMap as _;
        self.parsed()
            .headers
            .get_first_value(name)
            .unwrap_or_default()
    }

    pub fn subject(&self) -> String {
        self.header("Subject")
    }

    pub fn body(&self) -> String {
        self.parsed().get_body().expect("a text body")
    }
}

/// The server: its port and what it has received so far.
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let sink = sink.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, &sink);
                });
            }
        });
        SmtpServer { port, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// One SMTP conversation (RFC 5321), enough of it for a client that sends mail.
fn session(stream: TcpStream, sink: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    let mut current = Received::default();
    out.write_all(b"220 smtp.test ESMTP sink\r\n")?;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_string();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => out.write_all(b"250-smtp.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?,
            "HELO" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "MAIL" | "RSET" => {
                current = Received::default();
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                let address = command
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map(|(address, _)| address.to_string())
                    .unwrap_or_default();
                current.to.push(address);
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                loop {
                    line.clear();
                    if input.read_until(b'\n', &mut line)? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
                    current.data.extend_from_slice(unstuffed);
                }
                sink.lock().unwrap().push(std::mem::take(&mut current));
                out.write_all(b"250 OK queued\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 command not implemented\r\n")?,
        }
    }
}
