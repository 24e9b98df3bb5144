//! Outgoing e-mail. With an SMTP relay configured, mail goes to it in plain SMTP (a local
//! relay or sidecar handles TLS and delivery); without one, each message is logged. Sends
//! run on their own task, so a slow relay never holds up the request that caused them.

use domain::UserId;
use std::time::Duration;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

/// One message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub to_user: UserId,
    pub subject: String,
    pub body: String,
}

/// Where mail goes.
#[derive(Debug, Clone)]
pub enum Mailer {
    /// No relay configured: messages are written to the log.
    Log,
    /// A relay at `host:port`, sending as `from`.
    Smtp { relay: String, from: String },
    /// Kept in memory, newest last: the service tests read what would have been sent.
    Outbox(std::sync::Arc<std::sync::Mutex<Vec<Mail>>>),
}

/// Longest wait for any one reply from the relay.
const REPLY_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    /// Sends in the background; failures are logged, never returned.
    pub fn send(&self, mail: Mail) {
        match self.clone() {
            Mailer::Log => tracing::info!(
                to = %mail.to,
                subject = %mail.subject,
                "e-mail not sent: no SMTP relay is configured (--smtp-relay)"
            ),
            Mailer::Outbox(outbox) => {
                if let Ok(mut kept) = outbox.lock() {
                    kept.push(mail);
                }
            }
            Mailer::Smtp { relay, from } => {
                tokio::spawn(async move {
                    if let Err(error) = deliver(&relay, &from, &mail).await {
                        tracing::warn!(%error, to = %mail.to, "could not send e-mail");
                    }
                });
            }
        }
    }
}

/// Keeps header lines single-line: a subject must not smuggle in headers.
fn header_safe(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

/// One SMTP conversation: greeting, EHLO, MAIL, RCPT, DATA, QUIT.
pub async fn deliver(relay: &str, from: &str, mail: &Mail) -> Result<(), String> {
    let stream = tokio::time::timeout(REPLY_TIMEOUT, TcpStream::connect(relay))
        .await
        .map_err(|_| format!("{relay} did not answer"))?
        .map_err(|e| format!("cannot reach {relay}: {e}"))?;
    let (read, mut write) = stream.into_split();
    let mut replies = BufReader::new(read);
    expect(&mut replies, "220").await?;
    let mut say = async |line: String, code: &str| -> Result<(), String> {
        write
            .write_all(line.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        expect(&mut replies, code).await
    };
    say("EHLO pipewright\r\n".into(), "250").await?;
    say(format!("MAIL FROM:<{}>\r\n", header_safe(from)), "250").await?;
    say(format!("RCPT TO:<{}>\r\n", header_safe(&mail.to)), "250").await?;
    say("DATA\r\n".into(), "354").await?;
    // Dot-stuffing: a line starting with '.' gets another, so it cannot end the message.
    let body: String = mail
        .body
        .lines()
        .map(|line| {
            if line.starts_with('.') {
                format!(".{line}\r\n")
            } else {
                format!("{line}\r\n")
            }
        })
        .collect();
    let message = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}.\r\n",
        header_safe(from),
        header_safe(&mail.to),
        header_safe(&mail.subject)
    );
    say(message, "250").await?;
    say("QUIT\r\n".into(), "221").await
}

/// Reads one (possibly multi-line) reply and checks its code.
async fn expect(
    replies: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    code: &str,
) -> Result<(), String> {
    loop {
        let mut line = String::new();
        let read = tokio::time::timeout(REPLY_TIMEOUT, replies.read_line(&mut line))
            .await
            .map_err(|_| "the relay stopped answering".to_owned())?
            .map_err(|e| e.to_string())?;
        if read == 0 {
            return Err("the relay closed the connection".into());
        }
        if !line.starts_with(code) {
            return Err(format!("the relay said: {}", line.trim_end()));
        }
        // "250-..." continues; "250 ..." is the last line.
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(());
        }
    }
}
