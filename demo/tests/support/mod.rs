//! What the demo's server tests share.

use serde_json::Value;

/// Sends `method url` with a bearer `token` and an optional JSON `body`; the status and the
/// JSON answer (`null` when the body is not JSON).
pub async fn request(method: &str, url: String, token: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
