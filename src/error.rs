//! The one error type: everything that stops a run with exit status 2.

use std::fmt;

/// An input problem, with as much context as is known: the file (or `REV:PATH`), the line, and
/// the manifest key path. Displayed as one line: `file:line: key.path: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub file: String,
    pub line: Option<usize>,
    pub key_path: Option<String>,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            file: file.into(),
            line: None,
            key_path: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn key(mut self, key_path: impl Into<String>) -> Self {
        self.key_path = Some(key_path.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(path) = &self.key_path {
            write!(f, ": {path}")?;
        }
        // One line, whatever the message holds (it may quote file content).
        let message: String = self
            .message
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        write!(f, ": {message}")
    }
}

impl std::error::Error for Error {}

/// Makes a line safe to print on stderr, which CI runners and terminals interpret: control
/// characters and bidirectional overrides become visible escapes (the human report's
/// [`sanitize`](crate::report::human::sanitize): no OSC 52 clipboard writes, no OSC 0 titles,
/// no new line to start a workflow command on), and GitHub's workflow-command markers
/// (`::`, and the legacy `##[` the runner finds anywhere in a line) get a backslash inside.
pub fn escape_line(text: &str) -> String {
    let clean = crate::report::human::sanitize(text);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if (c == ':' && out.ends_with(':')) || (c == '[' && out.ends_with("##")) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_line;

    #[test]
    fn escape_line_breaks_workflow_commands_and_terminal_escapes() {
        assert_eq!(
            escape_line("origin/main:manifest.yml"),
            "origin/main:manifest.yml"
        );
        assert_eq!(escape_line("::add-mask::x"), ":\\:add-mask:\\:x");
        assert_eq!(escape_line(":::"), ":\\:\\:");
        assert_eq!(escape_line("a ##[error]b"), "a ##\\[error]b");
        assert_eq!(
            escape_line("f\n::stop-commands::t\x1b]52;c;aGk=\x07"),
            "f\\u{a}:\\:stop-commands:\\:t\\u{1b}]52;c;aGk=\\u{7}"
        );
        assert_eq!(escape_line("\u{9b}31m"), "\\u{9b}31m");
    }
}
