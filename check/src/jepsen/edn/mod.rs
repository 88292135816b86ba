//! A small EDN reader and writer: enough for Jepsen histories.
//!
//! Supported: `nil`, booleans, integers, floats (kept as their text, so nothing
//! is rounded and no `f64` enters a decision), strings with escapes, characters,
//! keywords, symbols, lists, vectors, maps, sets, tagged literals (`#inst "..."`),
//! `#_` discards, `;` comments, and commas as whitespace. Errors name the line and
//! column: an unclosed collection or string where it opened, a map's key that
//! appears twice where it appears again. Nesting deeper than [`MAX_DEPTH`] is
//! refused with an error rather than overflowing the stack.
//!
//! The writer prints maps as `{:a 1, :b 2}` (Jepsen's style) and preserves map
//! entry order, so reading then writing a canonical history gives the same text.

mod stream;

use std::fmt;
use std::rc::Rc;
pub use stream::{parse_items, visit_input, visit_input_streaming, visit_items};

/// An EDN value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Edn {
    /// `nil`
    Nil,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float, as written.
    Float(String),
    /// A string.
    Str(String),
    /// A character, e.g. `\a`.
    Char(char),
    /// A keyword, without its colon (shared: a history repeats a few
    /// keywords thousands of times).
    Keyword(Rc<str>),
    /// A symbol.
    Symbol(String),
    /// `( ... )`
    List(Vec<Edn>),
    /// `[ ... ]`
    Vector(Vec<Edn>),
    /// `#{ ... }`
    Set(Vec<Edn>),
    /// `{ ... }`, in written order.
    Map(Vec<(Edn, Edn)>),
    /// `#tag value`
    Tagged(String, Box<Edn>),
}

impl Edn {
    /// A keyword value.
    pub fn keyword(name: &str) -> Edn {
        Edn::Keyword(Rc::from(name))
    }

    /// The value stored under keyword `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Edn> {
        match self {
            Edn::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(n) if **n == *key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A syntax error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct EdnError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// The deepest nesting read (a Jepsen event is a few levels deep).
pub const MAX_DEPTH: usize = 200;

/// Reads every top-level form of `text`, each with the line it starts on.
pub fn parse_all(text: &str) -> Result<Vec<(usize, Edn)>, EdnError> {
    let mut forms = Vec::new();
    each_form(Reader::new(text), &mut |line, form| {
        forms.push((line, form));
        Ok::<(), EdnError>(())
    })?;
    Ok(forms)
}

/// Hands every top-level form `r` reads to `f`, with the line it starts on.
fn each_form<E: From<EdnError>>(
    mut r: Reader<'_>,
    f: &mut impl FnMut(usize, Edn) -> Result<(), E>,
) -> Result<(), E> {
    loop {
        r.skip_space();
        if r.peek().is_none() {
            return Ok(());
        }
        let line = r.line;
        if let Some(form) = r.form(0)? {
            f(line, form)?;
        }
    }
}

/// Reads exactly one form.
pub fn parse_one(text: &str) -> Result<Edn, EdnError> {
    let mut forms = parse_all(text)?;
    match forms.len() {
        1 => Ok(forms.remove(0).1),
        n => Err(EdnError {
            line: 1,
            column: 1,
            message: format!("expected one value, found {n}"),
        }),
    }
}

/// `value` as text of at most 60 characters, for messages (a whole
/// 50-megabyte form is never echoed).
pub fn brief(value: &Edn) -> String {
    let text = value.to_string();
    if text.chars().count() <= 60 {
        return text;
    }
    let head: String = text.chars().take(57).collect();
    format!("{head}...")
}

/// A cursor over the text, reading bytes (every delimiter is ASCII, so a
/// slice between delimiters is always whole UTF-8).
struct Reader<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
    /// Where the current line starts.
    line_start: usize,
    /// The keywords read so far (the first 64), shared by every use.
    keywords: Vec<Rc<str>>,
    /// When reading a history: the depth its events are read at (0 for
    /// events one after another, 1 inside a wrapping collection). An event
    /// that starts a line deeper than that is refused at once (see
    /// [`Reader::event_inside`]).
    events_at: Option<usize>,
    /// Where the items of each event's `:value` vector go, one at a time,
    /// when the caller takes them so (see [`visit_input_streaming`]).
    value_items: Option<ItemSink<'t>>,
}

/// A receiver of items, each with the line it starts on.
pub type ItemSink<'s> = &'s mut dyn FnMut(usize, Edn) -> Result<(), EdnError>;

/// The tag of the value left in an event's map for a `:value` whose items
/// went to an [`ItemSink`]; it holds how many there were.
pub const STREAMED: &str = "faultline/streamed-items";

/// Why an event that starts a line inside another form is refused.
const EVENT_LEFT_OPEN: &str = "an event (`{:type …`) starts here, inside another form: \
                               a `[`, `(` or `{` above it is left open";

/// A place in the text, for errors that point back at it.
#[derive(Clone, Copy)]
struct Mark {
    line: usize,
    line_start: usize,
    pos: usize,
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';')
}

fn is_delimiter_byte(b: u8) -> bool {
    b.is_ascii_whitespace() || b",()[]{}\";".contains(&b)
}

impl<'t> Reader<'t> {
    fn new(text: &'t str) -> Reader<'t> {
        Reader {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
            keywords: Vec::new(),
            events_at: None,
            value_items: None,
        }
    }

    /// A history's reader for a piece of it that starts at line `line`,
    /// with its events at the top level.
    fn for_events_from(text: &'t str, line: usize) -> Reader<'t> {
        Reader {
            events_at: Some(0),
            line,
            ..Reader::new(text)
        }
    }

    /// True when the `{` here starts a line and opens an event
    /// (`{:type …`) deeper than a history's events are read: a collection
    /// above it was left open, and reading on would swallow the rest of the
    /// history into it (an unclosed `[` in the first event of a 50 MB
    /// history would hold all of it), so the reader stops here.
    fn event_inside(&self, depth: usize) -> bool {
        let deeper = self.events_at.is_some_and(|at| depth > at);
        let line_head = &self.text.as_bytes()[self.line_start..self.pos];
        let starts_line = line_head.iter().all(|b| matches!(b, b' ' | b'\t' | b','));
        let rest = self.text[self.pos + 1..].trim_start_matches([' ', '\t']);
        deeper && starts_line && rest.starts_with(":type")
    }

    /// The shared keyword `name`.
    fn keyword(&mut self, name: &str) -> Rc<str> {
        if let Some(k) = self.keywords.iter().find(|k| ***k == *name) {
            return k.clone();
        }
        let k: Rc<str> = Rc::from(name);
        if self.keywords.len() < 64 {
            self.keywords.push(k.clone());
        }
        k
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        let b = *self.text.as_bytes().get(self.pos)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            self.text[self.pos..].chars().next()
        }
    }

    #[inline]
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.line_start = self.pos;
        }
        Some(c)
    }

    fn mark(&self) -> Mark {
        Mark {
            line: self.line,
            line_start: self.line_start,
            pos: self.pos,
        }
    }

    /// An error at `mark`, with its column counted in characters.
    fn error_at(&self, mark: Mark, message: impl Into<String>) -> EdnError {
        let column = self.text[mark.line_start..mark.pos].chars().count() + 1;
        EdnError {
            line: mark.line,
            column,
            message: message.into(),
        }
    }

    fn error(&self, message: impl Into<String>) -> EdnError {
        self.error_at(self.mark(), message)
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                }
                b' ' | b'\t' | b'\r' | b',' | 0x0b | 0x0c => self.pos += 1,
                b';' => {
                    while bytes.get(self.pos).is_some_and(|&b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b if b >= 0x80 && self.peek().is_some_and(char::is_whitespace) => {
                    self.bump();
                }
                _ => break,
            }
        }
    }

    /// One form at nesting `depth`; `None` for a `#_` discard that
    /// consumed its form.
    fn form(&mut self, depth: usize) -> Result<Option<Edn>, EdnError> {
        self.skip_space();
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        let c = self
            .peek()
            .ok_or_else(|| self.error("unexpected end of input"))?;
        let items = |r: &mut Self, close| {
            r.sequence(close, depth)
                .map(|v| v.into_iter().map(|(_, e)| e).collect())
        };
        let value = match c {
            '(' => Edn::List(items(self, ')')?),
            '[' => Edn::Vector(items(self, ']')?),
            '{' if self.event_inside(depth) => {
                return Err(self.error(EVENT_LEFT_OPEN));
            }
            '{' => self.map(depth)?,
            '"' => Edn::Str(self.string()?),
            '\\' => self.character()?,
            '#' => return self.dispatch(depth),
            ')' | ']' | '}' => return Err(self.error(format!("unexpected `{c}`"))),
            _ => self.atom()?,
        };
        Ok(Some(value))
    }

    /// The items of a collection, each with its line; an error names where
    /// the collection opened if it never closes.
    fn sequence(&mut self, close: char, depth: usize) -> Result<Vec<(usize, Edn)>, EdnError> {
        let mark = self.mark();
        self.bump();
        let mut items = Vec::with_capacity(8);
        while let Some(item) = self.next_item(close, mark, depth)? {
            items.push(item);
        }
        Ok(items)
    }

    fn map(&mut self, depth: usize) -> Result<Edn, EdnError> {
        let mark = self.mark();
        self.bump();
        let mut entries: Vec<(Edn, Edn)> = Vec::with_capacity(8);
        // Small maps (an event) compare keys pairwise; large ones keep a set.
        let mut seen = std::collections::BTreeSet::new();
        loop {
            let Some((key_line, k)) = self.next_item('}', mark, depth)? else {
                return Ok(Edn::Map(entries));
            };
            let v = if self.streams_value(&k, depth) {
                self.streamed_items(depth)?
            } else {
                let Some((_, v)) = self.next_item('}', mark, depth)? else {
                    return Err(self.error_at(mark, "a map needs an even number of forms"));
                };
                v
            };
            let twice = if entries.len() < 16 {
                entries.iter().any(|(other, _)| *other == k)
            } else {
                if seen.is_empty() {
                    seen.extend(entries.iter().map(|(other, _)| other.to_string()));
                }
                !seen.insert(k.to_string())
            };
            if twice {
                let line = mark.line;
                return Err(EdnError {
                    line: key_line,
                    column: 1,
                    message: format!(
                        "the map opened at line {line} has the key {} twice",
                        brief(&k)
                    ),
                });
            }
            entries.push((k, v));
        }
    }

    /// Whether the value after key `k` of a map at `depth` is an event's
    /// `:value` vector whose items go to the sink.
    fn streams_value(&mut self, k: &Edn, depth: usize) -> bool {
        if self.value_items.is_none() || self.events_at != Some(depth) {
            return false;
        }
        self.skip_space();
        matches!(k, Edn::Keyword(name) if &**name == "value") && self.peek() == Some('[')
    }

    /// The items of the vector here, each handed to the sink as it is
    /// read; what is left in the map is `#faultline/streamed-items n`.
    fn streamed_items(&mut self, depth: usize) -> Result<Edn, EdnError> {
        let mark = self.mark();
        self.bump();
        let mut count = 0;
        while let Some((line, item)) = self.next_item(']', mark, depth + 1)? {
            let sink = self.value_items.as_mut().expect("streams_value checked");
            sink(line, item)?;
            count += 1;
        }
        Ok(Edn::Tagged(STREAMED.to_string(), Box::new(Edn::Int(count))))
    }

    /// The next item of a collection opened at `mark` (with its line), or
    /// `None` at its `close` (which is consumed); discards are skipped.
    fn next_item(
        &mut self,
        close: char,
        mark: Mark,
        depth: usize,
    ) -> Result<Option<(usize, Edn)>, EdnError> {
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    let open = self.text[mark.pos..].chars().next().unwrap_or(close);
                    let message = format!("this `{open}` is never closed with `{close}`");
                    return Err(self.error_at(mark, message));
                }
                Some(c) if c == close => {
                    self.bump();
                    return Ok(None);
                }
                Some(_) => {
                    let at = self.line;
                    if let Some(item) = self.form(depth + 1)? {
                        return Ok(Some((at, item)));
                    }
                }
            }
        }
    }

    fn string(&mut self) -> Result<String, EdnError> {
        let mark = self.mark();
        self.bump();
        // The common case: no escapes, so the string is one slice.
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let plain = bytes[start..].iter().position(|&b| b == b'"' || b == b'\\');
        if let Some(len) = plain.filter(|&len| bytes[start + len] == b'"') {
            let slice = &self.text[start..start + len];
            for c in slice.chars() {
                self.bump_over(c);
            }
            self.pos += 1; // the closing quote
            return Ok(slice.to_string());
        }
        let mut s = String::new();
        loop {
            let c = self.bump().ok_or_else(|| {
                self.error_at(mark, "this string is never closed (unterminated string)")
            })?;
            match c {
                '"' => return Ok(s),
                '\\' => s.push(self.escape()?),
                c => s.push(c),
            }
        }
    }

    /// Moves past `c`, already known to be next (counting lines).
    #[inline]
    fn bump_over(&mut self, c: char) {
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.line_start = self.pos;
        }
    }

    /// The character a string escape stands for (after its backslash).
    fn escape(&mut self) -> Result<char, EdnError> {
        let e = self
            .bump()
            .ok_or_else(|| self.error("unterminated string escape"))?;
        Ok(match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            '"' => '"',
            'u' => {
                let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.error(format!("bad unicode escape `\\u{hex}`")))?
            }
            other => return Err(self.error(format!("unknown string escape `\\{other}`"))),
        })
    }

    /// The text up to the next delimiter (never a newline, so no lines pass).
    fn token(&mut self) -> &'t str {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while let Some(&b) = bytes.get(self.pos) {
            if is_delimiter_byte(b) {
                break;
            }
            if b >= 0x80 {
                let c = self.peek().expect("a character");
                if is_delimiter(c) {
                    break;
                }
                self.pos += c.len_utf8();
                continue;
            }
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn character(&mut self) -> Result<Edn, EdnError> {
        self.bump();
        let first = self
            .bump()
            .ok_or_else(|| self.error("unterminated character"))?;
        let mut name = first.to_string();
        name.push_str(self.token());
        Ok(Edn::Char(match name.as_str() {
            "newline" => '\n',
            "space" => ' ',
            "tab" => '\t',
            "return" => '\r',
            n if n.chars().count() == 1 => first,
            n => return Err(self.error(format!("unknown character `\\{n}`"))),
        }))
    }

    fn dispatch(&mut self, depth: usize) -> Result<Option<Edn>, EdnError> {
        self.bump();
        match self.peek() {
            Some('{') => {
                let items = self.sequence('}', depth)?;
                Ok(Some(Edn::Set(items.into_iter().map(|(_, e)| e).collect())))
            }
            Some('_') => {
                self.bump();
                self.form(depth + 1)?;
                Ok(None)
            }
            Some(c) if c.is_alphabetic() => {
                let tag = self.token().to_string();
                let value = self
                    .form(depth + 1)?
                    .ok_or_else(|| self.error(format!("#{tag} needs a value")))?;
                Ok(Some(Edn::Tagged(tag, Box::new(value))))
            }
            _ => Err(self.error("unknown `#` dispatch")),
        }
    }

    fn atom(&mut self) -> Result<Edn, EdnError> {
        let mark = self.mark();
        let t = self.token();
        let err = |m: String| self.error_at(mark, m);
        if t.is_empty() {
            return Err(err("empty token".to_string()));
        }
        Ok(match t {
            "nil" => Edn::Nil,
            "true" => Edn::Bool(true),
            "false" => Edn::Bool(false),
            _ if t.starts_with(':') => {
                if t.len() == 1 {
                    return Err(err("a keyword needs a name".to_string()));
                }
                Edn::Keyword(self.keyword(&t[1..]))
            }
            _ if t.starts_with(|c: char| c.is_ascii_digit())
                || (t.len() > 1
                    && t.starts_with(['-', '+'])
                    && t[1..].starts_with(|c: char| c.is_ascii_digit())) =>
            {
                let digits = t.strip_suffix('N').unwrap_or(t);
                if let Ok(i) = digits.parse::<i64>() {
                    Edn::Int(i)
                } else if t.contains(['.', 'e', 'E']) || t.ends_with('M') {
                    Edn::Float(t.to_string())
                } else {
                    return Err(err(format!("`{t}` is not a number that fits in 64 bits")));
                }
            }
            _ => Edn::Symbol(t.to_string()),
        })
    }
}

fn write_seq(f: &mut fmt::Formatter<'_>, open: &str, items: &[Edn], close: &str) -> fmt::Result {
    f.write_str(open)?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{item}")?;
    }
    f.write_str(close)
}

impl fmt::Display for Edn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edn::Nil => f.write_str("nil"),
            Edn::Bool(b) => write!(f, "{b}"),
            Edn::Int(i) => write!(f, "{i}"),
            Edn::Float(s) | Edn::Symbol(s) => f.write_str(s),
            Edn::Str(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Edn::Char(c) => match c {
                '\n' => f.write_str("\\newline"),
                ' ' => f.write_str("\\space"),
                '\t' => f.write_str("\\tab"),
                '\r' => f.write_str("\\return"),
                c => write!(f, "\\{c}"),
            },
            Edn::Keyword(k) => write!(f, ":{k}"),
            Edn::List(items) => write_seq(f, "(", items, ")"),
            Edn::Vector(items) => write_seq(f, "[", items, "]"),
            Edn::Set(items) => write_seq(f, "#{", items, "}"),
            Edn::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} {v}")?;
                }
                f.write_str("}")
            }
            Edn::Tagged(tag, v) => write!(f, "#{tag} {v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history whose first event leaves a `[` open is refused where the
    /// next event starts, not after the rest of the history was swallowed
    /// into it; a map that is not an event, or that does not start a line,
    /// is read as before.
    #[test]
    fn an_event_inside_an_open_collection_is_refused_where_it_starts() {
        let text = "{:type :invoke, :f :txn, :value [[:r 1 nil]\n{:type :ok, :f :txn}\n";
        let e = parse_items(text).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("left open"), "{e}");
        let wrapped = "[{:type :invoke, :value [[:r 1 nil]\n {:type :ok}]";
        assert_eq!(parse_items(wrapped).unwrap_err().line, 2);
        let mut seen = 0;
        let visited = visit_items(text, |_, _| {
            seen += 1;
            Ok::<(), EdnError>(())
        });
        assert_eq!(visited.unwrap_err().line, 2);
        assert_eq!(seen, 0);
        let fine = "{:type :ok, :value [{:a 1}\n {:b 2}]}\n{:type :ok, :value {:type 1}}";
        assert_eq!(parse_items(fine).unwrap().len(), 2);
        assert_eq!(parse_all(text).unwrap_err().line, 1, "plain EDN reads on");
    }

    #[test]
    fn reads_a_jepsen_event() {
        let e = parse_one(r#"{:process 3, :type :invoke, :f :append, :key "1", :value "x 3 0 y"}"#)
            .unwrap();
        assert_eq!(e.get("process"), Some(&Edn::Int(3)));
        assert_eq!(e.get("f"), Some(&Edn::keyword("append")));
        assert_eq!(e.get("key"), Some(&Edn::Str("1".into())));
    }

    #[test]
    fn round_trips_canonical_text() {
        let text =
            r#"{:a [1 -2 3.5 nil true], :b #{:x}, :c (sym "q\"uote\n"), :d #inst "2020", :e \a}"#;
        let v = parse_one(text).unwrap();
        assert_eq!(v.to_string(), text);
        assert_eq!(parse_one(&v.to_string()).unwrap(), v);
    }

    #[test]
    fn skips_comments_commas_and_discards() {
        let forms = parse_all("; a comment\n1, #_ 2 3\n").unwrap();
        assert_eq!(forms, vec![(2, Edn::Int(1)), (2, Edn::Int(3))]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for open in ["[", "(", "{", "#{", "#_ [", "#inst ["] {
            let text = open.repeat(20_000);
            let e = parse_all(&text).unwrap_err();
            assert!(e.message.contains("nested more than"), "{open}: {e}");
        }
    }

    #[test]
    fn an_unclosed_form_is_reported_where_it_opens() {
        let e = parse_all("{:a 1}\n{:b [1 2]\n\n\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        let e = parse_all("[1\n \"open\n\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 2), "{e}");
    }

    #[test]
    fn a_key_twice_is_an_error_at_its_second_appearance() {
        let e = parse_all("{:a 1\n :b 2\n :a 3}").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains(":a twice"), "{e}");
    }

    #[test]
    fn the_items_of_one_wrapping_collection_keep_their_lines() {
        let items = parse_items("[{:a 1}\n {:a 2}\n {:a 3}]").unwrap();
        let lines: Vec<usize> = items.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2, 3]);
        let items = parse_items("({:a 1}\n {:a 2})").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(parse_items("{:a 1}\n{:a 2}").unwrap().len(), 2);
    }

    #[test]
    fn long_values_are_brief_in_messages() {
        let long = Edn::Vector((0..10_000).map(Edn::Int).collect());
        assert!(brief(&long).len() < 70);
    }

    #[test]
    fn reports_where_the_error_is() {
        let e = parse_all("{:a 1}\n{:b [1 2}").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(parse_all("{:a}").unwrap_err().message.contains("even"));
        assert!(parse_all("\"open")
            .unwrap_err()
            .message
            .contains("unterminated"));
        assert!(parse_all("99999999999999999999999")
            .unwrap_err()
            .message
            .contains("64 bits"));
    }
}
