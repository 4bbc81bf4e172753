//! Sending the chosen usage file to `POST /usage/import` from the browser, with upload progress
//! (an `XMLHttpRequest`: `fetch` reports no upload progress). The answer is the import's summary,
//! or the server's refusal in its words.

use crate::domain::feed::{ImportSummary, MAX_FILE_BYTES};

/// What an upload came to.
pub type Answer = Result<ImportSummary, String>;

/// The words for an answer that is not a summary.
fn refusal(status: u16, text: String) -> String {
    match status {
        413 => format!(
            "The file is larger than {} MB; split it by period and import each part.",
            MAX_FILE_BYTES / 1_000_000
        ),
        0 => "The server could not be reached. Check your connection and try again.".to_owned(),
        _ if text.trim().is_empty() => format!("The server refused the file (status {status})."),
        _ => text,
    }
}

/// Uploads the file chosen in the input with id `input_id`; `progress` hears the percentage sent,
/// `done` the answer. Does nothing (and says so) when no file is chosen.
#[cfg(feature = "hydrate")]
pub fn send(
    input_id: &str,
    dry_run: bool,
    progress: impl Fn(u32) + 'static,
    done: impl FnOnce(Answer) + 'static,
) {
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{HtmlInputElement, ProgressEvent, XmlHttpRequest};

    let file = leptos::prelude::document()
        .get_element_by_id(input_id)
        .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0));
    let Some(file) = file else {
        done(Err("Please choose a usage file first.".to_owned()));
        return;
    };
    let Ok(request) = XmlHttpRequest::new() else {
        done(Err("This browser can't upload files.".to_owned()));
        return;
    };
    let url = format!("/usage/import?dry_run={dry_run}");
    if request.open_with_async("POST", &url, true).is_err() {
        done(Err("This browser can't upload files.".to_owned()));
        return;
    }
    let _ = request.set_request_header("Content-Type", "text/csv; charset=utf-8");
    if let Ok(upload) = request.upload() {
        let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                let sent = (event.loaded() / event.total() * 100.0).clamp(0.0, 100.0);
                // A whole percentage: the bar and its words need no more.
                progress(sent as u32);
            }
        });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let answered = request.clone();
    let on_end = Closure::once_into_js(move || {
        let status = answered.status().unwrap_or(0);
        let text = answered.response_text().ok().flatten().unwrap_or_default();
        let answer = if status == 200 {
            serde_json::from_str::<ImportSummary>(&text).map_err(|_| {
                "The server answered something unreadable. Please try again.".to_owned()
            })
        } else {
            Err(refusal(status, text))
        };
        done(answer);
    });
    request.set_onloadend(Some(on_end.unchecked_ref()));
    if request.send_with_opt_blob(Some(&file)).is_err() {
        // `loadend` still fires and answers.
    }
}

/// On the server nothing is uploaded (the buttons only act once the page is interactive).
#[cfg(not(feature = "hydrate"))]
pub fn send(
    _input_id: &str,
    _dry_run: bool,
    _progress: impl Fn(u32) + 'static,
    done: impl FnOnce(Answer) + 'static,
) {
    done(Err(refusal(0, String::new())));
}
