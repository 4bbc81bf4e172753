//! Free text people write (a line's comment, a reason for returning a report, a comment to the
//! vendor): one length limit for all of it, since every such text is kept in the history forever.

use super::format;

/// The most characters a free-text field may hold.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The number of characters of `text` when it is over [`MAX_TEXT_CHARS`].
pub fn too_long(text: &str) -> Option<usize> {
    let len = text.chars().count();
    (len > MAX_TEXT_CHARS).then_some(len)
}

/// "The reason is too long: at most 2,000 characters, this one has 2,001."
pub fn too_long_message(what: &str, len: usize) -> String {
    format!(
        "{what} is too long: at most {} characters, this one has {}.",
        format::units(MAX_TEXT_CHARS as u64),
        format::units(len as u64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(too_long(&"é".repeat(MAX_TEXT_CHARS)), None);
        assert_eq!(too_long(&"x".repeat(MAX_TEXT_CHARS + 1)), Some(2_001));
        assert_eq!(
            too_long_message("The reason", 2_001),
            "The reason is too long: at most 2,000 characters, this one has 2,001."
        );
    }
}
