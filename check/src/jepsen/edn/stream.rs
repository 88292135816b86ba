//! A history's EDN events, read a piece at a time from an [`Input`].
//!
//! A scan of each line, which parses nothing, follows the nesting (strings,
//! comments and character literals included) far enough to know where the
//! events end: the forms at the top level, or the items of one vector or
//! list that wraps them all (as Knossos and older Jepsen tests store a
//! history). Whole lines that hold whole events are gathered into a piece
//! of about [`PIECE_BYTES`], and the reader parses that piece. So a history
//! is never held as text, only the events its caller keeps, and an event
//! that starts a line inside an open form stops the read at that line.

use super::{Edn, EdnError, Reader, EVENT_LEFT_OPEN};
use crate::input::{Input, InputError};
use std::io::BufRead;

/// How much text is gathered before it is parsed.
const PIECE_BYTES: usize = 64 << 10;

/// The most text one event (or a form left open) may take.
const MAX_EVENT_BYTES: usize = crate::input::MAX_LINE_BYTES as usize;

/// Reads a history's events, each with the line it starts on: the forms of
/// `text`, or, when `text` is one list or vector, its items.
pub fn parse_items(text: &str) -> Result<Vec<(usize, Edn)>, EdnError> {
    let mut items = Vec::new();
    visit_items(text, |line, item| {
        items.push((line, item));
        Ok::<(), EdnError>(())
    })?;
    Ok(items)
}

/// Like [`parse_items`], but hands each event to `f` as it is read.
pub fn visit_items<E: From<EdnError>>(
    text: &str,
    f: impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    visit_input(&mut Input::text(text), f)
}

/// Hands each event of the history `input` holds to `f`, with the line it
/// starts on, as it is read. A wrapping collection must be the only form.
pub fn visit_input<R: BufRead, E: From<EdnError>>(
    input: &mut Input<R>,
    f: impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    visit(input, None, f)
}

/// Like [`visit_input`], but the items of each event's `:value` vector go
/// to `items` as they are read, before the event goes to `f` with its
/// `:value` as `#faultline/streamed-items n` ([`super::STREAMED`]). So an
/// event of four million micro-operations is never held as one tree.
pub fn visit_input_streaming<'s, R: BufRead, E: From<EdnError>>(
    input: &mut Input<R>,
    items: &mut (dyn FnMut(usize, Edn) -> Result<(), EdnError> + 's),
    f: impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    visit(input, Some(items), f)
}

/// Each piece's reader borrows the sink for as long as it reads.
fn reborrow<'a, 's>(
    items: &'a mut Option<&mut (dyn FnMut(usize, Edn) -> Result<(), EdnError> + 's)>,
) -> Option<&'a mut (dyn FnMut(usize, Edn) -> Result<(), EdnError> + 's)> {
    items.as_mut().map(|s| &mut **s)
}

fn visit<'s, R: BufRead, E: From<EdnError>>(
    input: &mut Input<R>,
    mut items: Option<&mut (dyn FnMut(usize, Edn) -> Result<(), EdnError> + 's)>,
    mut f: impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    let mut scan = Scan::default();
    let (mut piece, mut first, mut line) = (String::new(), 1, String::new());
    loop {
        line.clear();
        if !input.next_line(&mut line).map_err(EdnError::from)? {
            break;
        }
        let number = input.line();
        if piece.is_empty() {
            first = number;
        }
        let event_inside = scan.line(&mut line, number)?;
        if piece.is_empty() {
            std::mem::swap(&mut piece, &mut line); // no copy of a huge line
        } else {
            piece.push_str(&line);
        }
        if piece.len() > MAX_EVENT_BYTES {
            let message = format!(
                "an event (or a form left open) from line {first} is larger than {MAX_EVENT_BYTES} bytes, the most read in one"
            );
            return Err(EdnError {
                line: first,
                column: 1,
                message,
            }
            .into());
        }
        if let Some(column) = event_inside {
            // The reader names the first error in the piece; this one, if
            // the piece reads without it.
            parse(&piece, first, reborrow(&mut items), &mut f)?;
            let message = EVENT_LEFT_OPEN.to_string();
            let (line, column) = (number, column);
            return Err(EdnError {
                line,
                column,
                message,
            }
            .into());
        }
        if scan.at_rest() && piece.len() >= PIECE_BYTES {
            parse(&piece, first, reborrow(&mut items), &mut f)?;
            piece = String::new();
        }
    }
    parse(&piece, first, reborrow(&mut items), &mut f)?;
    scan.finish().map_err(E::from)
}

/// Reads every form of `piece`, which starts at line `line`, into `f`.
fn parse<'p, E: From<EdnError>>(
    piece: &'p str,
    line: usize,
    items: Option<&'p mut (dyn FnMut(usize, Edn) -> Result<(), EdnError> + '_)>,
    f: &mut impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = Reader::for_events_from(piece, line);
    reader.value_items = items.map(|s| s as super::ItemSink<'p>);
    super::each_form(reader, f)
}

impl From<InputError> for EdnError {
    fn from(e: InputError) -> Self {
        EdnError {
            line: e.line,
            column: 1,
            message: e.message,
        }
    }
}

/// The collection around all the events, once the first form shows
/// whether there is one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Wrapper {
    /// No form yet.
    #[default]
    Undecided,
    /// The events are one after another.
    Absent,
    /// Inside the collection opened at `line` and `column`.
    Open {
        open: u8,
        close: u8,
        line: usize,
        column: usize,
    },
    /// The collection closed: nothing may follow.
    Closed,
}

/// Where the text scanned so far leaves the nesting.
#[derive(Debug, Default)]
struct Scan {
    /// How many collections are open, the wrapper included.
    depth: usize,
    /// Inside a string.
    in_string: bool,
    /// A `#_` or `#tag` at the events' depth whose form has not begun.
    pending: bool,
    wrapper: Wrapper,
}

impl Scan {
    /// The depth the events are at.
    fn level(&self) -> usize {
        usize::from(matches!(self.wrapper, Wrapper::Open { .. }))
    }

    /// True when every event the text began has ended.
    fn at_rest(&self) -> bool {
        !self.in_string && !self.pending && self.depth <= self.level()
    }

    /// Scans one line, blanking a wrapper's delimiters in it (the reader
    /// reads the events as top-level forms); returns the column of an event
    /// that starts the line inside an open form.
    fn line(&mut self, text: &mut String, number: usize) -> Result<Option<usize>, EdnError> {
        let event_inside = !self.in_string && self.depth > self.level() && starts_event(text);
        let bytes = text.as_bytes();
        let mut blanks = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                i = skip(bytes, i, |b| matches!(b, b'"' | b'\\'));
                match bytes.get(i) {
                    Some(b'\\') => i += 2,
                    Some(_) => {
                        self.in_string = false;
                        i += 1;
                    }
                    None => {}
                }
                continue;
            }
            if self.depth > self.level() {
                // Inside an event only nesting, strings, comments and
                // characters matter.
                i = skip(bytes, i, |b| NESTING[usize::from(b)]);
                if i == bytes.len() {
                    break;
                }
            }
            let b = bytes[i];
            if b == b';' {
                break;
            }
            if is_space(b) {
                i += 1;
                continue;
            }
            if self.wrapper == Wrapper::Closed {
                let message = "more forms follow the collection of events: a history is one \
                               collection of events, or events one after another";
                return Err(error_at(text, number, i, message));
            }
            i = self.token(bytes, i, number, &mut blanks);
        }
        for at in blanks {
            text.replace_range(at..at + 1, " ");
        }
        Ok(event_inside.then(|| text.len() - text.trim_start_matches([' ', '\t', ',']).len() + 1))
    }

    /// Scans the token that starts at `i`; returns where the next begins.
    fn token(&mut self, bytes: &[u8], i: usize, number: usize, blanks: &mut Vec<usize>) -> usize {
        let b = bytes[i];
        match b {
            b'[' | b'(' if self.wrapper == Wrapper::Undecided => {
                let close = if b == b'[' { b']' } else { b')' };
                let column = column_of(bytes, i);
                let (open, line) = (b, number);
                self.wrapper = Wrapper::Open {
                    open,
                    close,
                    line,
                    column,
                };
                self.depth = 1;
                blanks.push(i);
            }
            b'[' | b'(' | b'{' => {
                self.begin();
                self.depth += 1;
            }
            b']' | b')' | b'}' => match self.wrapper {
                Wrapper::Open { close, .. } if self.depth == 1 && b == close => {
                    self.wrapper = Wrapper::Closed;
                    self.depth = 0;
                    blanks.push(i);
                }
                _ => self.depth = self.depth.saturating_sub(1),
            },
            b'"' => {
                self.begin();
                self.in_string = true;
            }
            // A character: `\(` names one, and opens nothing.
            b'\\' => {
                self.begin();
                return (i + 2).min(bytes.len());
            }
            b'#' => {
                self.begin();
                let set = bytes.get(i + 1) == Some(&b'{');
                self.pending = !set && self.depth == self.level();
                return end_of_token(bytes, i + 1);
            }
            _ => {
                self.begin();
                return end_of_token(bytes, i);
            }
        }
        i + 1
    }

    /// A form begins: the wrapper is decided, and a pending `#` has its form.
    fn begin(&mut self) {
        if self.wrapper == Wrapper::Undecided {
            self.wrapper = Wrapper::Absent;
        }
        self.pending = false;
    }

    /// At the end of the input: a wrapper left open is an error where it
    /// opened (a form left open inside it was already refused).
    fn finish(&self) -> Result<(), EdnError> {
        match self.wrapper {
            Wrapper::Open {
                open,
                close,
                line,
                column,
            } => {
                let (open, close) = (char::from(open), char::from(close));
                let message = format!("this `{open}` is never closed with `{close}`");
                Err(EdnError {
                    line,
                    column,
                    message,
                })
            }
            _ => Ok(()),
        }
    }
}

/// Whitespace to EDN (a comma is whitespace).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | 0x0b | 0x0c)
}

/// The bytes that matter inside an event: nesting, strings, comments and
/// characters.
static NESTING: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let bytes = b"()[]{}\";\\";
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// The first byte from `i` on that `stop` stops at, or the end.
#[inline]
fn skip(bytes: &[u8], i: usize, stop: impl Fn(u8) -> bool) -> usize {
    bytes[i..]
        .iter()
        .position(|&b| stop(b))
        .map_or(bytes.len(), |at| i + at)
}

/// Where the token that runs from `i` ends: at the next delimiter.
fn end_of_token(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && !super::is_delimiter_byte(bytes[i]) {
        i += 1;
    }
    i
}

/// True when `line` starts with an event, `{:type …`, as the reader sees one.
fn starts_event(line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '\t', ',']);
    rest.strip_prefix('{')
        .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(":type"))
}

/// The 1-based column, in characters, of byte `i` of a line.
fn column_of(bytes: &[u8], i: usize) -> usize {
    String::from_utf8_lossy(&bytes[..i]).chars().count() + 1
}

fn error_at(text: &str, line: usize, i: usize, message: &str) -> EdnError {
    let column = column_of(text.as_bytes(), i);
    let message = message.to_string();
    EdnError {
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<(usize, Edn)>, EdnError> {
        parse_items(text)
    }

    #[test]
    fn events_one_after_another_and_wrapped_read_the_same() {
        let plain = "{:a 1}\n{:a \"[\" :b \\(}\n; {\n{:a #_ {:x\n 1} 2}\n";
        let wrapped = format!("[{}]", plain.trim_end());
        let listed = format!("(\n{plain})");
        let expected: Vec<usize> = vec![1, 2, 4];
        for text in [plain, &wrapped, &listed] {
            let got = events(text).unwrap();
            let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
            let offset = usize::from(text.starts_with("(\n"));
            let want: Vec<usize> = expected.iter().map(|l| l + offset).collect();
            assert_eq!(lines, want, "{text}");
        }
    }

    #[test]
    fn a_string_or_a_form_across_lines_is_one_event() {
        let text = "{:a \"one\ntwo\"}\n{:b [1\n2]}\n";
        let got = events(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].0, 3);
        assert_eq!(got[0].1.get("a"), Some(&Edn::Str("one\ntwo".into())));
    }

    #[test]
    fn pieces_larger_than_one_keep_every_event_and_its_line() {
        let text: String = (0..20_000).map(|i| format!("{{:i {i}}}\n")).collect();
        assert!(text.len() > 2 * PIECE_BYTES);
        let got = events(&text).unwrap();
        assert_eq!(got.len(), 20_000);
        assert!(got.iter().enumerate().all(|(i, (line, _))| *line == i + 1));
    }

    #[test]
    fn a_wrapper_left_open_or_followed_is_refused_where_it_is() {
        let e = events("\n  [{:a 1}\n{:a 2}\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3), "{e}");
        assert!(e.message.contains("never closed"), "{e}");
        let e = events("[{:a 1}]\n{:a 2}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("more forms follow"), "{e}");
    }

    #[test]
    fn an_open_form_is_refused_at_the_next_event_with_the_events_before_it() {
        let text = "{:type :ok}\n{:type :invoke, :value [[:r 1 nil]\n  {:type :ok}\n";
        let mut seen = 0;
        let e = visit_items(text, |_, _| {
            seen += 1;
            Ok::<(), EdnError>(())
        })
        .unwrap_err();
        assert_eq!((e.line, e.column, seen), (3, 3, 1), "{e}");
        assert!(e.message.contains("left open"), "{e}");
    }

    #[test]
    fn an_error_past_the_cap_names_its_line() {
        let text = "{:a 1}\n{:a 2}\n{:a 3}\n";
        let mut input = Input::new(text.as_bytes(), 10);
        let e = visit_input(&mut input, |_, _| Ok::<(), EdnError>(())).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
