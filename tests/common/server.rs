//! The real binary as a server process on a free port, spoken to in plain HTTP/1.1 (a test has
//! no HTTP client crate; a request is a few lines of text).

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command as Process, Stdio},
    time::Duration,
};

pub const BINARY: &str = env!("CARGO_BIN_EXE_billing-reports");

/// Runs the binary with `args` on database `url` and waits for it; panics when it fails.
pub fn run(url: &str, args: &[&str]) {
    let status = Process::new(BINARY)
        .args(["--database-url", url, "--log-level", "warn"])
        .args(args)
        .status()
        .expect("run the binary");
    assert!(status.success(), "{args:?} failed: {status}");
}

pub struct Server(Child, u16);

impl Server {
    /// Starts serving `url` and waits until it is ready.
    pub fn start(url: &str) -> Server {
        Server::start_with(url, &[])
    }

    /// [`Server::start`] with more settings in the environment.
    pub fn start_with(url: &str, env: &[(&str, &str)]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Process::new(BINARY)
            .args([
                "--database-url",
                url,
                "--log-level",
                "warn",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("JOBS_EVERY_SECONDS", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the server");
        let server = Server(child, port);
        for _ in 0..300 {
            if server
                .get("/readyz")
                .is_some_and(|body| body.contains("200 OK"))
            {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not become ready");
    }

    /// Where it listens, for a client on another thread.
    pub fn port(&self) -> u16 {
        self.1
    }

    /// Asks the process to stop (SIGTERM), as systemd or a container runtime does.
    pub fn terminate(&self) {
        let status = Process::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "SIGTERM sent");
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if it is still running.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.0.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Ends the process at once (SIGKILL): no request finishes, nothing is flushed.
    pub fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    /// A plain HTTP/1.1 GET; the whole response (head and body) as text.
    pub fn get(&self, path: &str) -> Option<String> {
        request(
            self.1,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Signs in as `email` (a demo account) and returns the session cookie.
    pub fn sign_in(&self, email: &str) -> String {
        let body = format!("email={}&password=demo-password", email.replace('@', "%40"));
        let response = post(
            self.1,
            "/api/auth/sign-in",
            "",
            "application/x-www-form-urlencoded",
            &body,
        )
        .expect("sign-in response");
        response
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("set-cookie")
                    .then_some(value.trim())
            })
            .and_then(|cookie| cookie.split(';').next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no session cookie in:\n{response}"))
    }

    pub fn get_signed_in(&self, path: &str, cookie: &str) -> Option<String> {
        self.get_with(path, &[("Cookie", cookie)])
    }

    /// A GET with more request headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Option<String> {
        let headers: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        request(
            self.1,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
            ),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A POST to the server on `port`; the whole response as text, or `None` when the connection
/// failed or broke (the server is gone).
pub fn post(port: u16, path: &str, cookie: &str, content_type: &str, body: &str) -> Option<String> {
    request(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nCookie: {cookie}\r\n\
             Content-Type: {content_type}\r\nAccept: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn request(port: u16, raw: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream.write_all(raw.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}
