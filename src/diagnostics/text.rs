//! Text that reaches a terminal, a CI log or a one-line comment. Folder names, file names,
//! waiver reasons and lines of a spec come from a pull request; printed raw, an ESC sequence
//! recolours or rewrites a terminal (or sets its title, or a hyperlink), a U+202E reverses what
//! a reviewer reads, and a line or paragraph separator starts a new line for some consumers
//! (JavaScript's `^`/`$`, YAML 1.1) but not others. Every such character is written as a
//! visible escape instead: `\u{1b}`, `\u{202e}`, `\u{2028}`.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or a one-line text as is: controls (C0, DEL,
/// C1, among them NEL U+0085), line and paragraph separators, and the invisible format
/// characters that reorder or hide text (bidirectional controls, zero-width characters, the
/// byte-order mark).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// `c` as a visible escape, `\u{202e}`.
pub fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// One line of text: every unsafe character escaped, line breaks and tabs included.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escaped(text, |_| false)
}

/// Text of several lines (a diff, a report): line feeds and tabs kept, every other unsafe
/// character escaped (a carriage return too: it would let a line overwrite what it follows).
pub fn lines(text: &str) -> Cow<'_, str> {
    escaped(text, |c| c == '\n' || c == '\t')
}

fn escaped(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && !keep(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_consumer_takes_for_a_line_break_or_a_command_is_escaped() {
        assert_eq!(
            one_line("a\u{2028}REDIS_HOST=x\u{85}b\u{2029}\r\n"),
            "a\\u{2028}REDIS_HOST=x\\u{85}b\\u{2029}\\u{d}\\u{a}"
        );
        assert_eq!(
            one_line("\u{1b}]8;;http://x\u{7}"),
            "\\u{1b}]8;;http://x\\u{7}"
        );
        assert_eq!(one_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(lines("a\tb\nc\rd"), "a\tb\nc\\u{d}d");
        assert!(matches!(one_line("plain, café"), Cow::Borrowed(_)));
    }
}
