//! The SMTP client against a scripted relay: the conversation, dot-stuffing, header
//! injection, and a relay that refuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test or tool may stop on a broken assumption

use domain::UserId;
use service::{deliver, Mail};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};
use uuid::Uuid;

/// A relay that answers every command with `reply_to_rcpt` for RCPT and success for the
/// rest, and returns everything the client sent.
async fn relay(reply_to_rcpt: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        let mut heard = String::new();
        write.write_all(b"220 relay ready\r\n").await.unwrap();
        let mut in_data = false;
        loop {
            let mut line = String::new();
            if lines.read_line(&mut line).await.unwrap() == 0 {
                break;
            }
            heard.push_str(&line);
            let reply: &[u8] = if in_data {
                if line != ".\r\n" {
                    continue;
                }
                in_data = false;
                b"250 queued\r\n"
            } else if line.starts_with("EHLO") {
                b"250-relay\r\n250 8BITMIME\r\n"
            } else if line.starts_with("RCPT") {
                reply_to_rcpt.as_bytes()
            } else if line.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if line.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            write.write_all(reply).await.unwrap();
        }
        heard
    });
    (address, handle)
}

fn reminder(subject: &str, body: &str) -> Mail {
    Mail {
        to: "sam@acme.com".into(),
        to_user: UserId(Uuid::nil()),
        subject: subject.into(),
        body: body.into(),
    }
}

#[tokio::test]
async fn a_reminder_is_delivered_with_safe_headers_and_stuffed_dots() {
    let (address, heard) = relay("250 ok\r\n").await;
    deliver(
        &address,
        "crm@acme.com",
        &reminder(
            "Due soon\r\nBcc: everyone@acme.com",
            "Line one\n.hidden line",
        ),
    )
    .await
    .unwrap();
    let heard = heard.await.unwrap();
    assert!(heard.contains("MAIL FROM:<crm@acme.com>\r\n"));
    assert!(heard.contains("RCPT TO:<sam@acme.com>\r\n"));
    assert!(heard.contains("Subject: Due soon  Bcc: everyone@acme.com\r\n"));
    assert!(!heard.contains("\r\nBcc:"));
    assert!(heard.contains("\r\n..hidden line\r\n"));
    assert!(heard.ends_with("QUIT\r\n"));
}

#[tokio::test]
async fn a_refusing_relay_is_reported_not_retried_forever() {
    let (address, _heard) = relay("550 no such user\r\n").await;
    let error = deliver(&address, "crm@acme.com", &reminder("Due soon", "Hi"))
        .await
        .unwrap_err();
    assert!(error.contains("550 no such user"), "{error}");
}
