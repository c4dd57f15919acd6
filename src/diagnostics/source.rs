use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A file that diagnostics can point into: its path as the user should read it, its text,
/// and the byte ranges that must never be shown (literal secrets, values of secret-looking keys).
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    display: String,
    text: String,
    redactions: OnceLock<Vec<Range<usize>>>,
    /// Byte offset of the start of every line, computed on first use: a hostile spec can
    /// carry thousands of diagnostics, and each must find its line without rescanning the file.
    line_starts: OnceLock<Vec<usize>>,
}

/// What a diagnostic shows of a source file: the line that holds a span, secrets masked,
/// cut around the span when the line is very long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The text to show (without the line break).
    pub text: String,
    /// 1-based number of the line.
    pub line: usize,
    /// The span within `text`, on char boundaries, never past the end of the line.
    pub span: Range<usize>,
}

/// Lines longer than this are cut around the span they show (a minified or hostile spec
/// can be one line of a megabyte).
const MAX_EXCERPT_BYTES: usize = 512;

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            display,
            text,
            redactions: OnceLock::new(),
            line_starts: OnceLock::new(),
        })
    }

    /// Record what must never be shown; set once, by the loader, after it has walked the file.
    pub fn set_redactions(&self, mut ranges: Vec<Range<usize>>) {
        ranges.sort_by_key(|r| r.start);
        let _ = self.redactions.set(ranges);
    }

    fn redactions(&self) -> &[Range<usize>] {
        self.redactions.get().map(Vec::as_slice).unwrap_or(&[])
    }

    /// The path on disk.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as printed in diagnostics (relative to where cachegen runs, `/` separators).
    pub fn display_path(&self) -> &str {
        &self.display
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line that holds `span.start`, as a diagnostic shows it (see `Excerpt`).
    pub fn excerpt(&self, span: Range<usize>) -> Excerpt {
        let len = self.text.len();
        let start = floor_boundary(&self.text, span.start.min(len));
        let line_index = self.line_index(start);
        let line_start = self.line_starts()[line_index];
        let line_end = self.text[line_start..]
            .find('\n')
            .map(|i| line_start + i)
            .unwrap_or(len);
        // A span that runs past its line is underlined on its first line only.
        let end = ceil_boundary(&self.text, span.end.clamp(start, line_end));
        let (mut from, mut to) = (line_start, line_end);
        if line_end - line_start > MAX_EXCERPT_BYTES {
            let half = MAX_EXCERPT_BYTES / 2;
            from = floor_boundary(&self.text, start.saturating_sub(half).max(line_start));
            to = ceil_boundary(&self.text, (end.max(start) + half).min(line_end));
        }
        let (prefix, suffix) = (
            if from > line_start { "..." } else { "" },
            if to < line_end { "..." } else { "" },
        );
        // A line that holds any part of a secret is masked from there to its end, so that
        // nothing after it (a comment, the rest of a flow mapping) is shown either.
        let mask_from = self
            .redactions()
            .iter()
            .filter(|r| r.start < line_end.max(line_start + 1) && r.end > line_start)
            .map(|r| r.start.max(line_start))
            .min();
        let mut text = String::with_capacity(to - from + 16);
        text.push_str(prefix);
        let (mut span_start, mut span_end) = (None, None);
        for (i, c) in self.text[from..to].char_indices() {
            let at = from + i;
            if at == start {
                span_start = Some(text.len());
            }
            if at == end {
                span_end = Some(text.len());
            }
            if mask_from.is_some_and(|m| at >= m) {
                text.extend(std::iter::repeat_n('*', c.len_utf8()));
            } else if c != '\t' && super::text::is_unsafe(c) {
                // A terminal must not interpret what a spec holds.
                text.push_str(&super::text::escape(c));
            } else {
                text.push(c);
            }
        }
        let body_end = text.len();
        text.push_str(suffix);
        let span_start = span_start.unwrap_or(if start >= to { body_end } else { prefix.len() });
        let span_end = span_end.unwrap_or(if end >= to { body_end } else { span_start });
        Excerpt {
            text,
            line: line_index + 1,
            span: span_start..span_end.max(span_start),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 0-based index of the line that holds a byte offset.
    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn is_redacted(&self, offset: usize) -> bool {
        self.redactions().iter().any(|r| r.contains(&offset))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = floor_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let line_start = self.line_starts()[line];
        let col = self.text[line_start..offset].chars().count() + 1;
        (line as u32 + 1, col as u32)
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A place in a source file. `line` and `column` are 1-based; `column` counts characters.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub line: u32,
    pub column: u32,
    /// Byte range of the value in the file text, for the caret underline.
    pub span: Range<usize>,
}

impl Location {
    /// A location from a byte range.
    pub fn from_span(file: &Arc<SourceFile>, span: Range<usize>) -> Location {
        let (line, column) = file.line_col(span.start);
        Location {
            file: file.clone(),
            line,
            column,
            span,
        }
    }

    /// The start of a file, for problems about the file as a whole.
    pub fn file_start(file: &Arc<SourceFile>) -> Location {
        Location {
            file: file.clone(),
            line: 1,
            column: 1,
            span: 0..0,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file.display_path(),
            self.line,
            self.column
        )
    }
}
