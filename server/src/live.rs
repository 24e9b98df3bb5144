//! The live socket, `GET /live?after=<last event id>`: a WebSocket per signed-in browser
//! tab that carries its workspace's committed events and presence.
//!
//! WebSocket over server-sent events: a browser allows only six HTTP/1.1 connections per
//! site, and a CRM lives in many tabs; presence needs messages both ways; and a socket's
//! messages can be refused one by one. Resuming after the last id works the same way
//! either transport would.

use crate::guard::same_site;
use app::ssr::session_from_headers;
use axum::{
    extract::{
        ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade},
        Query, State,
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use domain::{
    account::CurrentUser,
    live::{valid_view, ClientMessage, CLIENT_MESSAGE_MAX},
};
use futures_util::{SinkExt, StreamExt};
use service::{Crm, LiveHub, SessionToken, Subscription};
use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};
use tokio::{
    sync::{broadcast::error::RecvError, watch},
    time::timeout,
};

/// A client that has not taken a message within this long is too slow: it is dropped
/// and catches up from the log when it reconnects.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Pings keep idle connections open through proxies and find dead ones (a phone that
/// changed networks); the session is checked again at the same pace.
const KEEPALIVE: Duration = Duration::from_secs(25);
/// Client messages allowed per keepalive period before the socket counts as abusive.
const CLIENT_MESSAGES_MAX: u32 = 60;

/// Largest frame the transport reads. Larger than any message we accept, so a message
/// over `CLIENT_MESSAGE_MAX` is read and answered with a policy close (1008) that says
/// why; only beyond this does the transport itself give up (then 1009).
const TRANSPORT_MESSAGE_MAX: usize = 64 * 1024;

/// Close codes the browser acts on.
const CLOSE_SIGNED_OUT: u16 = 4401;
const CLOSE_TOO_SLOW: u16 = 4000;
const CLOSE_POLICY: u16 = 1008;
const CLOSE_TOO_BIG: u16 = 1009;
const CLOSE_GOING_AWAY: u16 = 1001;

/// What the live route needs.
#[derive(Clone)]
pub struct LiveState {
    pub crm: Crm,
    /// Sockets open per session and per network.
    pub caps: Arc<crate::socket_caps::SocketCaps>,
    /// Served over https: the session cookie carries the `__Host-` prefix.
    pub secure_cookies: bool,
    pub hub: LiveHub,
    pub stopping: Stopping,
}

/// Turns true when the process begins to stop: every socket closes with 1001 so the
/// browser reconnects (to another process, or this one restarted) and catches up.
#[derive(Clone)]
pub struct Stopping {
    receiver: watch::Receiver<bool>,
    /// `never()` keeps its own sender: a dropped sender would read as "stop now".
    _sender: Option<Arc<watch::Sender<bool>>>,
    /// Sockets still open. Upgraded connections are not the HTTP server's any more, so
    /// its graceful shutdown does not wait for them: the process does, briefly, so each
    /// socket's close frame goes out instead of a reset.
    open: Arc<AtomicUsize>,
}

/// Counts one socket as open until dropped.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Stopping {
    /// The signal and its sender; send `true` to stop.
    pub fn channel() -> (watch::Sender<bool>, Stopping) {
        let (sender, receiver) = watch::channel(false);
        let stopping = Stopping {
            receiver,
            _sender: None,
            open: Arc::new(AtomicUsize::new(0)),
        };
        (sender, stopping)
    }

    /// After the signal: waits until every socket has sent its close frame, or `within`.
    pub async fn sockets_closed(&self, within: Duration) {
        let started = tokio::time::Instant::now();
        while self.open.load(Ordering::SeqCst) > 0 && started.elapsed() < within {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn enter(&self) -> Open {
        self.open.fetch_add(1, Ordering::SeqCst);
        Open(Arc::clone(&self.open))
    }

    /// A signal that never fires, for tests and tools.
    pub fn never() -> Stopping {
        let (sender, mut stopping) = Stopping::channel();
        stopping._sender = Some(Arc::new(sender));
        stopping
    }

    async fn fired(&mut self) {
        // An error means the sender is gone: the process is going down too.
        let _ = self.receiver.wait_for(|stopping| *stopping).await;
    }
}

#[derive(serde::Deserialize)]
pub struct Resume {
    after: Option<i64>,
}

/// Checks origin and session, then upgrades to a socket subscribed to the workspace.
pub async fn socket(
    State(live): State<LiveState>,
    Query(resume): Query<Resume>,
    client: Option<axum::Extension<app::ssr::ClientAddr>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // A handshake is a GET that another site's page could start with our cookies; the
    // Origin check is what stops it reading someone's pipeline.
    if !same_site(&headers) {
        return (StatusCode::FORBIDDEN, "Cross-site live connection refused.").into_response();
    }
    let Some(token) = session_from_headers(&headers, live.secure_cookies) else {
        return signed_out();
    };
    let viewer = match live.crm.resolve_session(&token).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return signed_out(),
        Err(_) => return unavailable(),
    };
    let address = client.map_or_else(|| "unknown".to_owned(), |c| c.0 .0.to_string());
    let slot = match live
        .caps
        .admit(session_key(&token), service::network_of(&address))
    {
        Ok(slot) => slot,
        Err(refused) => return too_many(&refused),
    };
    let Ok(subscription) = live.hub.join(&viewer, resume.after).await else {
        return unavailable();
    };
    upgrade
        .max_message_size(TRANSPORT_MESSAGE_MAX)
        .max_frame_size(TRANSPORT_MESSAGE_MAX)
        .on_upgrade(move |socket| async move {
            // Held for as long as the socket is open.
            let _slot = slot;
            serve(
                socket,
                Session {
                    live,
                    token,
                    viewer,
                },
                subscription,
            )
            .await;
        })
}

/// Names a session in the socket counts without keeping its token in memory.
fn session_key(token: &SessionToken) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(token.expose().as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// 429 for a session or network with all its sockets open; the browser retries later.
fn too_many(refused: &crate::socket_caps::Refused) -> Response {
    let message = match refused {
        crate::socket_caps::Refused::TooManyForSession => {
            "Too many live tabs open in this browser; close some and reload."
        }
        crate::socket_caps::Refused::TooManyForNetwork => {
            "Too many live connections from this network; try again in a minute."
        }
    };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, message).into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("60"),
    );
    response
}

fn signed_out() -> Response {
    (StatusCode::UNAUTHORIZED, "Sign in to receive live updates.").into_response()
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Live updates are unavailable right now.",
    )
        .into_response()
}

struct Session {
    live: LiveState,
    token: SessionToken,
    viewer: CurrentUser,
}

/// Why the server ends a socket.
enum End {
    Quietly,
    Close(u16, &'static str),
}

async fn serve(socket: WebSocket, mut session: Session, subscription: Subscription) {
    let _open = session.live.stopping.enter();
    let socket_id = uuid::Uuid::new_v4();
    let (mut sink, mut stream) = socket.split();
    let Subscription {
        mut receiver,
        first,
    } = subscription;
    let mut end = End::Quietly;
    for message in &first {
        if send(&mut sink, &service::wire(message)).await.is_err() {
            return;
        }
    }
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.tick().await;
    let mut received = 0u32;
    let mut stopping = session.live.stopping.clone();
    loop {
        tokio::select! {
            () = stopping.fired() => {
                end = End::Close(CLOSE_GOING_AWAY, "The server is restarting.");
                break;
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    received = received.saturating_add(1);
                    if text.len() > CLIENT_MESSAGE_MAX {
                        end = End::Close(CLOSE_POLICY, "Message too long.");
                        break;
                    }
                    if received > CLIENT_MESSAGES_MAX {
                        end = End::Close(CLOSE_POLICY, "Too many messages.");
                        break;
                    }
                    if let Err(reason) = take(&session, socket_id, text.as_str()) {
                        end = End::Close(CLOSE_POLICY, reason);
                        break;
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    end = End::Close(CLOSE_POLICY, "Only text messages are understood.");
                    break;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Err(error)) => {
                    // Past the transport's bound the frame is not read at all.
                    if error.to_string().contains("too long") || error.to_string().contains("too big") {
                        end = End::Close(CLOSE_TOO_BIG, "Message too long.");
                    }
                    break;
                }
                Some(Ok(Message::Close(_))) | None => break,
            },
            outgoing = receiver.recv() => match outgoing {
                // What this person may not see is not sent (record visibility).
                Ok(delivery) if !delivery.about.seen_by(&session.viewer.sees) => {}
                Ok(delivery) => {
                    if send(&mut sink, &delivery.wire).await.is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    end = End::Close(CLOSE_TOO_SLOW, "Fell behind; reconnect to catch up.");
                    break;
                }
                Err(RecvError::Closed) => break,
            },
            _ = keepalive.tick() => {
                received = 0;
                // Signed out, or a changed role, team or visibility: the person as
                // they are now decides what they are sent from here on.
                match session.live.crm.resolve_session(&session.token).await {
                    Ok(Some(viewer)) => session.viewer = viewer,
                    _ => {
                        end = End::Close(CLOSE_SIGNED_OUT, "Signed out.");
                        break;
                    }
                }
                let ping = timeout(SEND_TIMEOUT, sink.send(Message::Ping(Default::default())));
                if !matches!(ping.await, Ok(Ok(()))) {
                    break;
                }
            }
        }
    }
    session.live.hub.leave(socket_id);
    if let End::Close(code, reason) = end {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = timeout(SEND_TIMEOUT, sink.send(Message::Close(Some(frame)))).await;
    }
}

/// Handles one client message; an error names why the socket is closed.
fn take(session: &Session, socket_id: uuid::Uuid, text: &str) -> Result<(), &'static str> {
    let message: ClientMessage =
        serde_json::from_str(text).map_err(|_| "That message is not understood.")?;
    match message {
        ClientMessage::View { view } => {
            if view.as_deref().is_some_and(|v| !valid_view(v)) {
                return Err("That view is not known.");
            }
            session.live.hub.present(socket_id, &session.viewer, view);
        }
    }
    Ok(())
}

/// Sends one serialised message, or fails when the client is too slow to take it.
async fn send<S>(sink: &mut S, text: &str) -> Result<(), ()>
where
    S: futures_util::Sink<Message> + Unpin,
{
    match timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}
