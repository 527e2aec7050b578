//! Mail: templates, the outbox written inside business transactions, the transports that
//! lettre provides. Delivery is a job of the runner in `crate::jobs`.

pub mod outbox;
pub mod templates;

use std::path::PathBuf;
use std::time::Duration;

use lettre::Transport as _;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;

use crate::config::{MailSettings, MailTransport, SmtpSecurity};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("bad address `{0}`")]
    Address(String),
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error("template: {0}")]
    Template(String),
    #[error("delivery failed: {0}")]
    Transport(String),
    #[error("writing the message failed: {0}")]
    Io(#[from] std::io::Error),
}

/// One message ready to go.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// The outbox row's id: the `Message-ID` is derived from it, so a resend after a crash
    /// is recognisable as the same message.
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The configured transport.
pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    File(PathBuf),
    Log,
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> Result<Mailer, MailError> {
        Ok(match &settings.transport {
            MailTransport::File(dir) => Mailer::File(dir.clone()),
            MailTransport::Log => Mailer::Log,
            MailTransport::Smtp {
                host,
                port,
                security,
                credentials,
            } => {
                let builder = match security {
                    SmtpSecurity::StartTls => SmtpTransport::starttls_relay(host),
                    SmtpSecurity::Tls => SmtpTransport::relay(host),
                    SmtpSecurity::None => Ok(SmtpTransport::builder_dangerous(host)),
                }
                .map_err(|e| MailError::Transport(e.to_string()))?;
                let mut builder = builder.port(*port).timeout(Some(Duration::from_secs(20)));
                if let Some((user, password)) = credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Mailer::Smtp(Box::new(builder.build()))
            }
        })
    }

    /// An SMTP transport without TLS to `host:port` (tests and local relays).
    pub fn plain_smtp(host: &str, port: u16) -> Mailer {
        Mailer::Smtp(Box::new(
            SmtpTransport::builder_dangerous(host)
                .port(port)
                .timeout(Some(Duration::from_secs(5)))
                .build(),
        ))
    }

    /// Sends one message. Blocking: call it from a worker thread, never from a request.
    pub fn send(&self, from: &Mailbox, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = build_message(from, mail)?;
        match self {
            Mailer::Smtp(transport) => transport
                .send(&message)
                .map(drop)
                .map_err(|e| MailError::Transport(e.to_string())),
            // lettre's FileTransport names files by a fresh random id, so a resend would be a
            // second file; named by the outbox id, a resend replaces the first copy.
            Mailer::File(dir) => {
                std::fs::create_dir_all(dir)?;
                std::fs::write(dir.join(format!("{}.eml", mail.id)), message.formatted())?;
                Ok(())
            }
            Mailer::Log => {
                tracing::info!(notification_id = %mail.id, to = %mail.to, subject = %mail.subject, "mail (log transport)");
                Ok(())
            }
        }
    }
}

/// The domain of the sender address, for `Message-ID`s.
fn domain_of(from: &Mailbox) -> String {
    from.email.domain().to_owned()
}

pub fn message_id(from: &Mailbox, notification_id: &str) -> String {
    format!("<notification-{notification_id}@{}>", domain_of(from))
}

fn build_message(from: &Mailbox, mail: &OutgoingMail) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| MailError::Address(mail.to.clone()))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(message_id(from, &mail.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| MailError::Build(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_transport_writes_one_eml_per_notification() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::File(dir.path().to_owned());
        let from: Mailbox = "关爱专家团 <noreply@guanai.example>".parse().unwrap();
        let mail = OutgoingMail {
            id: "n1".into(),
            to: "wang@example.cn".into(),
            subject: "关爱专家团：测试".into(),
            body: "正文".into(),
        };
        mailer.send(&from, &mail).unwrap();
        mailer.send(&from, &mail).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(dir.path().join("n1.eml")).unwrap();
        assert!(
            text.contains("Message-ID: <notification-n1@guanai.example>"),
            "{text}"
        );
        assert!(text.contains("To: wang@example.cn"));
    }

    #[test]
    fn a_bad_recipient_is_an_address_error() {
        let from: Mailbox = "a@b.cn".parse().unwrap();
        let mail = OutgoingMail {
            id: "x".into(),
            to: "nope".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        assert!(matches!(
            Mailer::Log.send(&from, &mail),
            Err(MailError::Address(_))
        ));
    }
}
