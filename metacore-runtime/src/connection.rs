//! Serving connections: HTTP/1.1 and HTTP/2 (TLS-less, by prior knowledge) on a bound
//! listener, with the two timeouts poem's own `Server` lacks.
//!
//! * **Header read** ([`Timeouts::header_read`]): an HTTP/1 request head — and, on a
//!   kept-alive connection, the next one — must arrive completely within this time (hyper's
//!   `header_read_timeout`, which needs a timer poem never gives it); a client trickling
//!   half a header is disconnected.
//! * **Idle** ([`Timeouts::idle`]): a connection with no request in progress on which no
//!   byte has moved for this long is closed (before its protocol is even known, or an
//!   HTTP/2 connection between streams).
//!
//! * **Drain** ([`serve_until`]): when told to stop, the listener closes and open connections
//!   finish the requests in progress, within a bound (hyper-util's graceful shutdown).
//!
//! Requests go to the poem endpoint exactly as `poem::Server` hands them over.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use poem::endpoint::{DynEndpoint, ToDynEndpoint};
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Endpoint, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The body type poem hands hyper.
type ResponseBody = http_body_util::combinators::BoxBody<bytes::Bytes, io::Error>;

/// Connection timeouts (`metacore-app serve --header-read-timeout/--idle-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest time an HTTP/1 request head may take to arrive.
    pub header_read: Duration,
    /// A connection without a request in progress and without traffic for this long is
    /// closed.
    pub idle: Duration,
    /// Longest time a stopping server waits for requests in progress ([`serve_until`]).
    pub drain: Duration,
}

impl Timeouts {
    /// The default header-read timeout: 10 s.
    pub const DEFAULT_HEADER_READ: Duration = Duration::from_secs(10);
    /// The default idle timeout: 60 s.
    pub const DEFAULT_IDLE: Duration = Duration::from_secs(60);
    /// The default drain bound: 30 s.
    pub const DEFAULT_DRAIN: Duration = Duration::from_secs(30);
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Timeouts::DEFAULT_HEADER_READ,
            idle: Timeouts::DEFAULT_IDLE,
            drain: Timeouts::DEFAULT_DRAIN,
        }
    }
}

/// Serves `endpoint` on `listener` until the process ends (an accept error is logged and the
/// loop goes on).
pub async fn serve(
    listener: TcpListener,
    endpoint: impl Endpoint<Output = Response> + 'static,
    timeouts: Timeouts,
) -> Result<(), String> {
    serve_until(listener, endpoint, timeouts, std::future::pending())
        .await
        .map(|_| ())
}

/// How a drain ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// Every connection finished its requests in progress and closed.
    Completely,
    /// The bound passed; this many connections were open when the drain began, and those
    /// still open are dropped.
    TimedOut(usize),
}

/// Serves `endpoint` on `listener` until `shutdown` completes, then drains: the listener is
/// closed (new connections are refused), every open connection finishes the requests in
/// progress and closes (HTTP/1 keep-alive ends, HTTP/2 sends GOAWAY), for at most
/// [`Timeouts::drain`].
pub async fn serve_until(
    listener: TcpListener,
    endpoint: impl Endpoint<Output = Response> + 'static,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<Drained, String> {
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let endpoint: Shared = Arc::new(ToDynEndpoint(endpoint));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let endpoint = endpoint.clone();
        let addresses = (LocalAddr(local.into()), RemoteAddr(remote.into()));
        let watcher = graceful.watcher();
        tokio::spawn(connection(stream, addresses, endpoint, timeouts, watcher));
    }
    drop(listener);
    let open = graceful.count();
    Ok(
        match tokio::time::timeout(timeouts.drain, graceful.shutdown()).await {
            Ok(()) => Drained::Completely,
            Err(_) => Drained::TimedOut(open),
        },
    )
}

type Shared = Arc<dyn DynEndpoint<Output = Response>>;

async fn connection(
    stream: TcpStream,
    (local, remote): (LocalAddr, RemoteAddr),
    endpoint: Shared,
    timeouts: Timeouts,
    watcher: Watcher,
) {
    let activity = Arc::new(Activity::new());
    let peer = remote.0.clone();
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |request: hyper::Request<Incoming>| {
            let endpoint = endpoint.clone();
            let addresses = (local.clone(), remote.clone());
            let busy = Busy::new(activity.clone());
            async move {
                let request: poem::Request = (
                    request,
                    addresses.0,
                    addresses.1,
                    poem::http::uri::Scheme::HTTP,
                )
                    .into();
                let response = endpoint.get_response(request).await;
                drop(busy);
                Ok::<_, Infallible>(hyper::Response::<ResponseBody>::from(response))
            }
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read);
    let io = TokioIo::new(Watched {
        inner: stream,
        activity: activity.clone(),
    });
    let served = watcher.watch(builder.serve_connection_with_upgrades(io, service));
    tokio::select! {
        _ = served => {}
        _ = idle(&activity, timeouts.idle) => {
            tracing::debug!(%peer, "closing an idle connection");
        }
    }
}

/// Completes once `activity` has been quiet — no request in progress, no byte moved — for
/// `limit`.
async fn idle(activity: &Activity, limit: Duration) {
    loop {
        let quiet = activity.quiet_for();
        if quiet >= limit {
            return;
        }
        tokio::time::sleep(limit - quiet).await;
    }
}

/// When a connection last moved a byte, and how many of its requests are in progress.
struct Activity {
    start: Instant,
    last_millis: AtomicU64,
    in_progress: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            start: Instant::now(),
            last_millis: AtomicU64::new(0),
            in_progress: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let millis = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_millis.store(millis, Ordering::Relaxed);
    }

    /// How long the connection has been quiet (zero while a request is in progress).
    fn quiet_for(&self) -> Duration {
        if self.in_progress.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        let last = Duration::from_millis(self.last_millis.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// A request in progress on a connection (for as long as it lives).
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Self {
        activity.in_progress.fetch_add(1, Ordering::Relaxed);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// A socket that records its traffic in [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use poem::EndpointExt;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::{serve, serve_until, Drained, Timeouts};

    /// Serves a trivial endpoint with `timeouts`; returns its address.
    async fn server(timeouts: Timeouts) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        let endpoint = poem::endpoint::make_sync(|_| "ok").map_to_response();
        tokio::spawn(serve(listener, endpoint, timeouts));
        address
    }

    /// Reads until the server closes the connection; returns how long that took.
    async fn closed_after(stream: &mut tokio::net::TcpStream) -> Duration {
        let started = Instant::now();
        let mut buf = [0u8; 1024];
        let read_all = async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), read_all)
            .await
            .expect("the server closes the connection");
        started.elapsed()
    }

    const SHORT: Timeouts = Timeouts {
        header_read: Duration::from_millis(400),
        idle: Duration::from_secs(30),
        drain: Duration::from_secs(1),
    };

    #[tokio::test]
    async fn half_a_header_is_disconnected_after_the_header_read_timeout() {
        let address = server(SHORT).await;
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("a connection");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .expect("half a header is sent");
        let waited = closed_after(&mut stream).await;
        assert!(
            waited >= Duration::from_millis(300),
            "closed after {waited:?}"
        );
        assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    }

    #[tokio::test]
    async fn a_header_trickled_byte_by_byte_is_disconnected_too() {
        let address = server(SHORT).await;
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("a connection");
        let started = Instant::now();
        let trickle = async {
            for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa" {
                if stream.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        trickle.await;
        closed_after(&mut stream).await;
        // Sending the whole header takes 2.5 s; the server hangs up long before.
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(2), "closed after {waited:?}");
    }

    #[tokio::test]
    async fn a_silent_connection_is_closed_after_the_idle_timeout() {
        let address = server(Timeouts {
            header_read: Duration::from_secs(30),
            idle: Duration::from_millis(400),
            drain: Duration::from_secs(1),
        })
        .await;
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("a connection");
        let waited = closed_after(&mut stream).await;
        assert!(
            waited >= Duration::from_millis(300),
            "closed after {waited:?}"
        );
        assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    }

    #[tokio::test]
    async fn a_complete_request_is_answered_and_kept_alive_until_idle() {
        let address = server(Timeouts {
            header_read: Duration::from_secs(30),
            idle: Duration::from_millis(400),
            drain: Duration::from_secs(1),
        })
        .await;
        let mut stream = send(address).await;
        let mut buf = [0u8; 1024];
        let n = stream.read(&mut buf).await.expect("an answer");
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("ok"), "{answer}");
        let waited = closed_after(&mut stream).await;
        assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    }

    /// Serves an endpoint that answers "slow" after `delay`, until the returned sender fires.
    async fn stoppable(
        delay: Duration,
        drain: Duration,
    ) -> (
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<Result<Drained, String>>,
    ) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        let endpoint = poem::endpoint::make(move |_| async move {
            tokio::time::sleep(delay).await;
            "slow"
        })
        .map_to_response();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let timeouts = Timeouts {
            drain,
            ..Timeouts::default()
        };
        let served = tokio::spawn(serve_until(listener, endpoint, timeouts, async move {
            let _ = stopped.await;
        }));
        (address, stop, served)
    }

    async fn send(address: std::net::SocketAddr) -> tokio::net::TcpStream {
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("a connection");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .expect("a request is sent");
        stream
    }

    #[tokio::test]
    async fn a_stopping_server_finishes_requests_in_progress_and_refuses_new_ones() {
        let (address, stop, served) =
            stoppable(Duration::from_millis(600), Duration::from_secs(10)).await;
        let mut stream = send(address).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        stop.send(()).expect("the server listens for the stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            tokio::net::TcpStream::connect(address).await.is_err(),
            "a stopping server accepts no new connection"
        );
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
            .await
            .expect("the answer and the close come")
            .expect("the connection reads");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("slow"), "{answer}");
        let drained = served.await.expect("the server task ends");
        assert_eq!(drained, Ok(Drained::Completely));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn the_drain_is_bounded() {
        let (address, stop, served) =
            stoppable(Duration::from_secs(30), Duration::from_millis(300)).await;
        let _stream = send(address).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        stop.send(()).expect("the server listens for the stop");
        let drained = tokio::time::timeout(Duration::from_secs(5), served)
            .await
            .expect("the drain ends at its bound")
            .expect("the server task ends");
        assert_eq!(drained, Ok(Drained::TimedOut(1)));
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
