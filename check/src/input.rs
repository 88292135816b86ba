//! A history's input, read as it is parsed.
//!
//! Every reader of a history form ([`crate::jepsen`], [`crate::txn::format`])
//! takes its text from an [`Input`]: a line at a time, or as bytes for a
//! JSON deserializer. So no reader holds more of a file than the form it is
//! reading and the events it has kept, an error in the first event of a
//! large file is reported before the rest is read, and no read goes past a
//! cap on the whole input (an endless `/dev/zero` ends there).

pub mod json;

use std::io::{BufRead, Read};

/// How much of an input [`Input::head`] reads ahead, at most.
pub const HEAD_BYTES: usize = 1 << 20;

/// The longest line read: a line is held whole while it is read, so this
/// bounds the memory one line takes (an endless `/dev/zero` has no line
/// ends), whatever the cap on the whole input.
pub const MAX_LINE_BYTES: u64 = 256 << 20;

/// Why an input could not be read: past its cap, not UTF-8, or an I/O
/// error, at the line being read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct InputError {
    /// The 1-based line being read.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A history's text from `reader`, at most `max` bytes of it.
pub struct Input<R> {
    reader: R,
    /// Bytes read ahead by [`Input::head`], handed out before the reader's.
    head: Vec<u8>,
    /// How much of `head` was handed out.
    head_used: usize,
    /// Bytes taken from `reader` so far.
    taken: u64,
    /// The cap on `taken`.
    max: u64,
    /// Lines handed out so far.
    lines: usize,
    /// The current line's bytes, reused from line to line.
    scratch: Vec<u8>,
}

impl<'a> Input<&'a [u8]> {
    /// A text already in memory, uncapped.
    pub fn text(text: &'a str) -> Self {
        Input::new(text.as_bytes(), u64::MAX)
    }
}

impl<R: BufRead> Input<R> {
    /// Reads `reader`, refusing it past `max` bytes.
    pub fn new(reader: R, max: u64) -> Self {
        Input {
            reader,
            head: Vec::new(),
            head_used: 0,
            taken: 0,
            max,
            lines: 0,
            scratch: Vec::new(),
        }
    }

    /// The number of the last line [`Input::next_line`] handed out (0
    /// before the first).
    pub fn line(&self) -> usize {
        self.lines
    }

    /// An error at line `line`.
    pub fn error_at(&self, line: usize, message: impl Into<String>) -> InputError {
        InputError {
            line,
            message: message.into(),
        }
    }

    /// The start of the input, read ahead (and handed out again later)
    /// until `enough` says it decides what the caller needs to know, the
    /// input ends, or [`HEAD_BYTES`] are read. Bytes that are not UTF-8
    /// are shown replaced; [`Input::next_line`] refuses them.
    pub fn head(&mut self, enough: impl Fn(&str) -> bool) -> Result<String, InputError> {
        assert_eq!(self.head_used, 0, "the head is read before anything else");
        loop {
            let shown = String::from_utf8_lossy(&self.head).into_owned();
            if enough(&shown) || self.head.len() >= HEAD_BYTES {
                return Ok(shown);
            }
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) => return Err(self.error_at(1, format!("cannot read: {e}"))),
            };
            if chunk.is_empty() {
                return Ok(shown);
            }
            let n = chunk.len().min(HEAD_BYTES - self.head.len());
            self.head.extend_from_slice(&chunk[..n]);
            self.reader.consume(n);
            self.taken += n as u64;
            self.check_cap()?;
        }
    }

    fn check_cap(&self) -> Result<(), InputError> {
        if self.taken > self.max {
            let max = self.max;
            return Err(self.error_at(
                self.lines + 1,
                format!("the input is larger than {max} bytes, the most read"),
            ));
        }
        Ok(())
    }

    /// Appends the next line, with its line ending, to `out`; false at the
    /// end of the input.
    pub fn next_line(&mut self, out: &mut String) -> Result<bool, InputError> {
        let mut bytes = std::mem::take(&mut self.scratch);
        bytes.clear();
        let rest = &self.head[self.head_used..];
        let whole = match rest.iter().position(|&b| b == b'\n') {
            Some(end) => {
                bytes.extend_from_slice(&rest[..=end]);
                self.head_used += end + 1;
                true
            }
            None => {
                bytes.extend_from_slice(rest);
                self.head = Vec::new();
                self.head_used = 0;
                false
            }
        };
        if !whole {
            let room = self.max.saturating_sub(self.taken).saturating_add(1);
            let line_room = (MAX_LINE_BYTES + 1).saturating_sub(bytes.len() as u64);
            let read = (&mut self.reader)
                .take(room.min(line_room))
                .read_until(b'\n', &mut bytes);
            let n = read.map_err(|e| self.error_at(self.lines + 1, format!("cannot read: {e}")))?;
            self.taken += n as u64;
            self.check_cap()?;
            if bytes.len() as u64 > MAX_LINE_BYTES {
                return Err(self.error_at(
                    self.lines + 1,
                    format!(
                        "the line is larger than {MAX_LINE_BYTES} bytes, the most read in one line"
                    ),
                ));
            }
        }
        if bytes.is_empty() {
            self.scratch = bytes;
            return Ok(false);
        }
        self.lines += 1;
        if let Err(e) = std::str::from_utf8(&bytes) {
            let at = e.valid_up_to() + 1;
            return Err(self.error_at(
                self.lines,
                format!("not UTF-8 text (byte {at} of the line is not)"),
            ));
        }
        if bytes.len() > KEEP_SCRATCH && out.is_empty() {
            // A long line (one event of millions of operations) is handed
            // over, not copied, and not kept as scratch.
            *out =
                String::from_utf8(bytes).map_err(|e| self.error_at(self.lines, e.to_string()))?;
            return Ok(true);
        }
        out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
        if bytes.capacity() <= KEEP_SCRATCH {
            self.scratch = bytes;
        }
        Ok(true)
    }
}

/// The longest line whose buffer is kept for the next.
const KEEP_SCRATCH: usize = 1 << 20;

/// The input as bytes, for a deserializer that reads a stream; the cap
/// holds as an I/O error.
impl<R: BufRead> Read for Input<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.head[self.head_used..];
        if !rest.is_empty() {
            let n = rest.len().min(buf.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.head_used += n;
            return Ok(n);
        }
        let room = self.max.saturating_sub(self.taken).saturating_add(1);
        let n = (&mut self.reader).take(room).read(buf)?;
        self.taken += n as u64;
        if self.taken > self.max {
            let max = self.max;
            let message = format!("the input is larger than {max} bytes, the most read");
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                message,
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &mut Input<&[u8]>) -> Result<Vec<String>, InputError> {
        let mut out = Vec::new();
        let mut line = String::new();
        while input.next_line(&mut line)? {
            out.push(std::mem::take(&mut line));
        }
        Ok(out)
    }

    #[test]
    fn the_head_is_handed_out_again_line_by_line() {
        let mut input = Input::text("; a\n{:a 1}\n{:b 2}");
        let head = input.head(|t| t.contains('{')).unwrap();
        assert!(head.starts_with("; a\n{"));
        assert_eq!(lines(&mut input).unwrap(), ["; a\n", "{:a 1}\n", "{:b 2}"]);
        assert_eq!(input.line(), 3);
    }

    #[test]
    fn a_line_past_the_cap_is_refused_at_its_number() {
        let text = "one\ntwo\nthree three three\n";
        let mut input = Input::new(text.as_bytes(), 10);
        let e = lines(&mut input).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("larger than 10 bytes"), "{e}");
        let endless = std::io::BufReader::new(std::io::repeat(b'x').take(1 << 30));
        let mut endless = Input::new(endless, 1 << 16);
        let mut line = String::new();
        assert!(endless.next_line(&mut line).is_err());
        assert!(line.is_empty());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_at_their_line() {
        let mut input = Input::new(&b"ok\nbad \xff\n"[..], 100);
        let e = lines(&mut input).unwrap_err();
        assert_eq!((e.line, e.message.contains("byte 5")), (2, true), "{e}");
    }

    #[test]
    fn read_serves_the_head_then_the_rest_within_the_cap() {
        let mut input = Input::new(&b"[1,\n2]"[..], 100);
        input.head(|t| t.contains('[')).unwrap();
        let mut all = String::new();
        input.read_to_string(&mut all).unwrap();
        assert_eq!(all, "[1,\n2]");
        let mut capped = Input::new(&b"[1,2,3]"[..], 3);
        assert!(capped.read_to_string(&mut String::new()).is_err());
    }
}
