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
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        Arc::new(SourceFile {
            path,
            display,
            text,
            redactions: OnceLock::new(),
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

    /// The text with every redacted range replaced by `*` (same byte length, so spans stay valid
    /// where the redacted text is ASCII, and never reveal the value's content).
    pub fn redacted_text(&self) -> String {
        if self.redactions().is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        let mut last = 0;
        for r in self.redactions() {
            if r.start < last || r.end > self.text.len() {
                continue;
            }
            out.push_str(&self.text[last..r.start]);
            // One `*` per character keeps columns of later text on the line unchanged.
            let n = self.text[r.start..r.end].chars().count();
            out.extend(std::iter::repeat_n('*', n));
            last = r.end;
        }
        out.push_str(&self.text[last..]);
        out
    }

    pub fn is_redacted(&self, offset: usize) -> bool {
        self.redactions().iter().any(|r| r.contains(&offset))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = self.text[line_start..offset].chars().count() + 1;
        (line as u32, col as u32)
    }
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
