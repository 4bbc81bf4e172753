//! The addresses a reports list makes and reads: a report opened from the list (carrying the
//! list's query so its way back and its next report keep the filters), a page of its lines, the
//! list itself, and the percent-encoding of query values.

use super::line_page::LinePage;
use super::query::ReportFilter;

impl ReportFilter {
    /// A report's address from this list. The list's query rides along (`?list=…`), so the
    /// report's way back and its next report keep the filters.
    pub fn report_href(&self, id: i64) -> String {
        let query = self.to_query();
        if query.is_empty() {
            format!("/reports/{id}")
        } else {
            format!("/reports/{id}?list={}", encode_query_value(&query))
        }
    }

    /// A report's address from this list at one page of its lines (`#lines`: the browser goes
    /// to the table).
    pub fn report_lines_href(&self, id: i64, lines: LinePage) -> String {
        let href = self.report_href(id);
        match lines.query_value() {
            None => format!("{href}#lines"),
            Some(value) if href.contains('?') => format!("{href}&lines={value}#lines"),
            Some(value) => format!("{href}?lines={value}#lines"),
        }
    }

    /// The list's own address for this filter.
    pub fn list_href(&self) -> String {
        match self.to_query() {
            query if query.is_empty() => "/".to_owned(),
            query => format!("/?{query}"),
        }
    }

    /// Reads a query string (`view=todo&sort=deadline`) the way the list reads its URL.
    pub fn from_query(query: &str) -> ReportFilter {
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                Some((decode_query_value(key)?, decode_query_value(value)?))
            })
            .collect();
        ReportFilter::from_params(|key| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, value)| value.clone())
        })
    }
}

/// `%XX` and `+` decoded; `None` for what is not UTF-8 or not well formed.
fn decode_query_value(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(index + 1..index + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub(super) fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_opened_from_a_list_knows_its_way_back() {
        let filter =
            ReportFilter::from_query("view=todo&sort=deadline&partner=Acme%20%26%20Co&page=2");
        assert_eq!(filter.partner.as_deref(), Some("Acme & Co"));
        let href = filter.report_href(42);
        assert!(href.starts_with("/reports/42?list="), "{href}");
        let list = href
            .split_once("?list=")
            .map(|(_, q)| q)
            .unwrap_or_default();
        let back = ReportFilter::from_query(&decode_query_value(list).unwrap_or_default());
        assert_eq!(back, filter);
        assert_eq!(back.list_href(), format!("/?{}", filter.to_query()));
        assert_eq!(ReportFilter::default().report_href(7), "/reports/7");
        assert_eq!(
            ReportFilter::from_query("%zz=1&status=%FF"),
            ReportFilter::from_query("")
        );
    }

    #[test]
    fn a_page_of_lines_keeps_the_list_it_was_opened_from() {
        let plain = ReportFilter::default();
        assert_eq!(
            plain.report_lines_href(7, LinePage::Page(1)),
            "/reports/7#lines"
        );
        assert_eq!(
            plain.report_lines_href(7, LinePage::All),
            "/reports/7?lines=all#lines"
        );
        let filter = ReportFilter::from_query("view=todo");
        let href = filter.report_lines_href(7, LinePage::Page(3));
        assert_eq!(href, format!("{}&lines=3#lines", filter.report_href(7)));
    }
}
