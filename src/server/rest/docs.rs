//! `GET /api/v1/docs`: the API's reference as one page, drawn from the OpenAPI document (so it
//! cannot say anything the document does not), served by the app itself with its own stylesheet
//! and no script.

use std::{fmt::Write, sync::LazyLock};

use axum::{extract::State, response::Html};
use serde_json::Value;

use crate::server::state::AppState;

static PAGE: LazyLock<String> = LazyLock::new(|| body(&super::document()));

pub async fn serve(State(state): State<AppState>) -> Html<String> {
    let options = &state.leptos_options;
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Billing Reports API</title><link rel=\"stylesheet\" href=\"{stylesheet}\">\
         </head><body><main class=\"main api-docs\">{}</main></body></html>",
        PAGE.as_str()
    ))
}

/// Text made safe for HTML; `code` spans for text between backticks.
fn text(raw: &str) -> String {
    let escaped = raw
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let mut out = String::new();
    for (n, part) in escaped.split('`').enumerate() {
        if n % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn paragraphs(raw: &str) -> String {
    raw.split("\n\n")
        .map(|paragraph| format!("<p>{}</p>", text(paragraph)))
        .collect()
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// A schema's type in a few words, linking to a named one.
fn type_of(schema: &Value) -> String {
    if let Some(name) = str_of(schema, "$ref")
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
    {
        return format!("<a href=\"#schema-{name}\">{name}</a>");
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return options.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    let kinds = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect::<Vec<_>>(),
        Some(Value::String(kind)) => vec![kind.clone()],
        _ => vec!["any".to_owned()],
    };
    kinds
        .iter()
        .map(|kind| match (kind.as_str(), schema.get("items")) {
            ("array", Some(items)) => format!("array of {}", type_of(items)),
            (kind, _) => kind.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

fn body(document: &Value) -> String {
    let info = &document["info"];
    let mut out = format!(
        "<h1>{}</h1>{}<p>The document itself: <a href=\"{}\">{}</a> (OpenAPI {}).</p>",
        text(str_of(info, "title")),
        paragraphs(str_of(info, "description")),
        super::OPENAPI,
        super::OPENAPI,
        text(str_of(document, "openapi")),
    );
    out.push_str("<h2>Operations</h2>");
    if let Some(paths) = document["paths"].as_object() {
        for (path, operations) in paths {
            for (method, operation) in operations.as_object().into_iter().flatten() {
                operation_html(&mut out, path, method, operation);
            }
        }
    }
    out.push_str("<h2 id=\"webhooks\">Webhooks</h2>");
    if let Some(webhooks) = document["webhooks"].as_object() {
        for (event, operations) in webhooks {
            for (method, operation) in operations.as_object().into_iter().flatten() {
                operation_html(
                    &mut out,
                    &format!("to your endpoint: {event}"),
                    method,
                    operation,
                );
            }
        }
    }
    out.push_str("<h2>Shapes</h2>");
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            schema_html(&mut out, name, schema);
        }
    }
    out
}

fn operation_html(out: &mut String, path: &str, method: &str, operation: &Value) {
    let _ = write!(
        out,
        "<section class=\"card api-op\"><h3><code>{} {}</code></h3><p><strong>{}</strong></p>{}",
        method.to_uppercase(),
        text(path),
        text(str_of(operation, "summary")),
        paragraphs(str_of(operation, "description")),
    );
    if let Some(parameters) = operation["parameters"].as_array() {
        out.push_str("<table class=\"reports\"><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Meaning</th></tr></thead><tbody>");
        for parameter in parameters {
            let required = if parameter["required"] == Value::Bool(true) {
                " (required)"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(str_of(parameter, "name")),
                text(str_of(parameter, "in")),
                type_of(&parameter["schema"]),
                text(str_of(parameter, "description")),
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(schema) = operation["requestBody"]["content"]["application/json"].get("schema") {
        let _ = write!(out, "<p>Body (JSON): {}</p>", type_of(schema));
    }
    out.push_str("<table class=\"reports\"><thead><tr><th>Answer</th><th>Meaning</th><th>Body</th></tr></thead><tbody>");
    for (status, response) in operation["responses"].as_object().into_iter().flatten() {
        let body = response["content"]
            .as_object()
            .and_then(|content| content.values().next())
            .map(|media| type_of(&media["schema"]))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{body}</td></tr>",
            text(status),
            text(str_of(response, "description")),
        );
    }
    out.push_str("</tbody></table></section>");
}

fn schema_html(out: &mut String, name: &str, schema: &Value) {
    let _ = write!(
        out,
        "<section class=\"card api-shape\" id=\"schema-{name}\"><h3>{name}</h3>{}",
        paragraphs(str_of(schema, "description")),
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut properties: Vec<(&String, &Value)> = Vec::new();
    for part in std::iter::once(schema).chain(schema["allOf"].as_array().into_iter().flatten()) {
        properties.extend(part["properties"].as_object().into_iter().flatten());
        if part.get("$ref").is_some() {
            let _ = write!(out, "<p>With every field of {}.</p>", type_of(part));
        }
    }
    if !properties.is_empty() {
        out.push_str("<table class=\"reports\"><thead><tr><th>Field</th><th>Type</th><th>Meaning</th></tr></thead><tbody>");
        for (field, property) in properties {
            let optional = if required.contains(&field.as_str()) {
                ""
            } else {
                " (optional)"
            };
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{optional}</td><td>{}</td><td>{}</td></tr>",
                text(field),
                type_of(property),
                text(str_of(property, "description")),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}
