//! Answers are compressed as the browser asks: a page and a server function's answer in gzip or
//! brotli (and read back whole), nothing for a client that does not ask, and never a PDF (its
//! streams are compressed already). Static files go out as compressed at build, and a browser
//! checks them again on every use (so no older release's bundle runs against a newer server),
//! except the bundle files named after their content, which it keeps for a year.

mod common;

use std::io::Read;

use axum::{
    body::Body,
    http::{Request, Response, header},
};
use billing_reports::server::db::Backend;
use common::{TempGuard, TestApp, durable_db, report_id, server::Server, spawn_app};
use http_body_util::BodyExt;

on_both_backends!(answers_are_compressed_as_asked);

async fn get(app: &TestApp, path: &str, cookie: &str, encoding: Option<&str>) -> Response<Body> {
    let mut request = Request::get(path).header(header::COOKIE, cookie);
    if let Some(encoding) = encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

fn header_of(response: &Response<Body>, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn bytes(response: Response<Body>) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

async fn answers_are_compressed_as_asked(backend: Backend) {
    let app = spawn_app(backend).await;
    let cookie = app.sign_in("dana@summit-tech.example").await;

    let plain = get(&app, "/", &cookie, None).await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
    let plain = String::from_utf8(bytes(plain).await).expect("text");
    assert!(plain.contains("table class=\"reports\""), "the list");

    let gzip = get(&app, "/", &cookie, Some("gzip")).await;
    assert_eq!(header_of(&gzip, header::CONTENT_ENCODING), "gzip");
    assert!(
        header_of(&gzip, header::VARY)
            .to_lowercase()
            .contains("accept-encoding"),
        "caches keep one copy per encoding"
    );
    assert_eq!(header_of(&gzip, header::CACHE_CONTROL), "no-store");
    let compressed = bytes(gzip).await;
    let mut page = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut page)
        .expect("gzip");
    assert!(page.contains("table class=\"reports\""), "the same list");
    assert!(
        compressed.len() * 3 < page.len(),
        "{} bytes for {}",
        compressed.len(),
        page.len()
    );
    println!(
        "the list page: {} bytes, {} in gzip",
        page.len(),
        compressed.len()
    );

    let br = get(&app, "/", &cookie, Some("gzip, deflate, br")).await;
    assert_eq!(header_of(&br, header::CONTENT_ENCODING), "br");

    // A server function's answer too.
    let request = Request::post("/api/reports/list")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::from(r#"{"filter":{"page":1}}"#))
        .expect("request");
    let listed = app.send(request).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(header_of(&listed, header::CONTENT_ENCODING), "gzip");

    // A PDF goes as it is.
    let id = report_id(&app, "Harbor IT Services", "completed").await;
    let pdf = get(
        &app,
        &format!("/reports/{id}/report.pdf"),
        &cookie,
        Some("gzip, br"),
    )
    .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(header_of(&pdf, header::CONTENT_ENCODING), "");
    assert!(bytes(pdf).await.starts_with(b"%PDF"));
}

#[tokio::test]
async fn static_files_go_as_compressed_at_build_and_are_checked_again_on_use() {
    let (_db, url, _guard) = durable_db(Backend::Sqlite).await;
    let site = std::env::temp_dir().join(format!("br-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).expect("a site folder");
    let _site = TempGuard::Dir(site.clone());
    // What the release build writes: the file and its compressed copies beside it (their
    // contents are stand-ins; nothing here decodes them).
    std::fs::write(site.join("pkg/app.js"), "console.log('plain');").expect("write");
    std::fs::write(site.join("pkg/app.js.br"), "BROTLI COPY").expect("write");
    std::fs::write(site.join("pkg/app.js.gz"), "GZIP COPY").expect("write");
    let site_root = site.display().to_string();
    tokio::task::spawn_blocking(move || {
        let server = Server::start_with(&url, &[("LEPTOS_SITE_ROOT", site_root.as_str())]);
        let get =
            |headers: &[(&str, &str)]| server.get_with("/pkg/app.js", headers).expect("answer");
        let lower = |answer: &str| answer.to_lowercase();

        let br = get(&[("Accept-Encoding", "gzip, br")]);
        assert!(br.starts_with("HTTP/1.1 200"), "{br}");
        assert!(lower(&br).contains("content-encoding: br"), "{br}");
        assert!(br.ends_with("BROTLI COPY"), "the build's copy: {br}");
        assert!(lower(&br).contains("cache-control: no-cache"), "{br}");
        let gzip = get(&[("Accept-Encoding", "gzip")]);
        assert!(gzip.ends_with("GZIP COPY"), "{gzip}");
        let plain = get(&[]);
        assert!(plain.ends_with("console.log('plain');"), "{plain}");
        assert!(!lower(&plain).contains("content-encoding"), "{plain}");

        // Checked again: unchanged since the browser's copy, so nothing is sent again.
        let modified = plain
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("last-modified")
                    .then(|| value.trim().to_owned())
            })
            .expect("a modification date");
        let again = get(&[("If-Modified-Since", &modified)]);
        assert!(again.starts_with("HTTP/1.1 304"), "{again}");
    })
    .await
    .expect("the static files");
}

#[tokio::test]
async fn bundle_files_named_after_their_content_are_kept_for_a_year() {
    use billing_reports::server::{assets::Assets, config::Config, router, state::AppState};
    use tower::ServiceExt;

    let (db, url, _guard) = durable_db(Backend::Sqlite).await;
    let site = std::env::temp_dir().join(format!("br-hashed-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).expect("a site folder");
    let _site = TempGuard::Dir(site.clone());
    std::fs::write(site.join("pkg/billing-reports.Q1w-E_2.js"), "hashed();").expect("write");
    std::fs::write(site.join("pkg/billing-reports.js"), "plain();").expect("write");
    let config = Config::for_database(&url);
    let mut state = AppState::new(
        &config,
        db,
        billing_reports::server::vendor::Vendor::Builtin,
    );
    state.leptos_options.site_root = site.display().to_string().into();
    state.assets = Assets::from_list("js: Q1w-E_2\n", "pkg", "billing-reports");
    let app = router::build(state);
    let get = |path: &'static str| {
        let app = app.clone();
        async move {
            app.oneshot(Request::get(path).body(Body::empty()).expect("request"))
                .await
                .expect("answer")
        }
    };

    let hashed = get("/pkg/billing-reports.Q1w-E_2.js").await;
    assert_eq!(hashed.status(), 200);
    assert_eq!(
        header_of(&hashed, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    // A file whose name says nothing of its content is checked again on every use.
    let plain = get("/pkg/billing-reports.js").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(header_of(&plain, header::CACHE_CONTROL), "no-cache");
    // A missing hashed name is no file to keep.
    let missing = get("/pkg/billing-reports.Zz.js").await;
    assert_eq!(missing.status(), 404);
    assert_ne!(
        header_of(&missing, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
}
