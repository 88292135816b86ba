//! Where in a JSON text an error is: the line and column of the value at a
//! path such as `plan.faults[3].fault`, narrowed to the member a message
//! names (an unknown field's key, or an invalid value's text).
//!
//! serde reports an error inside an internally tagged enum (a fault, a
//! partition shape) at the end of the enclosing object, lines after the
//! mistake; this finds the mistake itself. It reads the text again only
//! when there is an error, and gives up (returns `None`) on anything it
//! does not understand rather than point at the wrong place.

/// The deepest nesting it follows.
const MAX_DEPTH: usize = 256;

/// A position: 1-based line and column.
pub type Position = (usize, usize);

/// A cursor over the text.
struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn position(&self, offset: usize) -> Position {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        (line, column)
    }

    fn peek(&mut self) -> Option<u8> {
        while self
            .text
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let here = self.peek() == Some(b);
        if here {
            self.pos += 1;
        }
        here
    }

    /// A string's contents, escapes kept as written.
    fn string(&mut self) -> Option<&'a str> {
        if !self.eat(b'"') {
            return None;
        }
        let start = self.pos;
        while let Some(&b) = self.text.get(self.pos) {
            self.pos += if b == b'\\' { 2 } else { 1 };
            if b == b'"' {
                return std::str::from_utf8(&self.text[start..self.pos - 1]).ok();
            }
        }
        None
    }

    /// Skips a scalar; its text.
    fn scalar(&mut self) -> Option<&'a str> {
        if self.peek()? == b'"' {
            return self.string();
        }
        let start = self.pos;
        let part_of = |b: &u8| !(b",]}:".contains(b) || b.is_ascii_whitespace());
        while self.text.get(self.pos).is_some_and(part_of) {
            self.pos += 1;
        }
        (self.pos > start).then(|| std::str::from_utf8(&self.text[start..self.pos]).ok())?
    }

    /// Skips one value, or finds `hint` in it (a key named so, or a scalar
    /// written so) and returns its offset.
    fn value(&mut self, hint: Option<&str>, depth: usize) -> Result<Option<usize>, ()> {
        if depth > MAX_DEPTH {
            return Err(());
        }
        let start = self.pos;
        match self.peek().ok_or(())? {
            open @ (b'{' | b'[') => self.collection(open, hint, depth),
            _ => {
                let written = self.scalar().ok_or(())?;
                let hit = hint.is_some_and(|h| written == h);
                Ok(hit.then_some(start))
            }
        }
    }

    fn collection(
        &mut self,
        open: u8,
        hint: Option<&str>,
        depth: usize,
    ) -> Result<Option<usize>, ()> {
        let close = if open == b'{' { b'}' } else { b']' };
        self.pos += 1;
        if self.eat(close) {
            return Ok(None);
        }
        loop {
            if open == b'{' {
                self.peek();
                let key_at = self.pos;
                let key = self.string().ok_or(())?;
                if hint == Some(key) {
                    return Ok(Some(key_at));
                }
                if !self.eat(b':') {
                    return Err(());
                }
            }
            self.peek();
            if let Some(hit) = self.value(hint, depth + 1)? {
                return Ok(Some(hit));
            }
            if !self.eat(b',') {
                return if self.eat(close) { Ok(None) } else { Err(()) };
            }
        }
    }

    /// Moves to the value `step` names inside the collection here.
    fn enter(&mut self, step: &str, depth: usize) -> Option<()> {
        let open = self.peek()?;
        let index = step.parse::<usize>().ok();
        match (open, index) {
            (b'[', Some(index)) => {
                self.pos += 1;
                for _ in 0..index {
                    self.peek();
                    self.value(None, depth + 1).ok()?;
                    self.eat(b',').then_some(())?;
                }
                self.peek().filter(|&b| b != b']').map(|_| ())
            }
            (b'{', _) => {
                self.pos += 1;
                loop {
                    let key = self.string()?;
                    self.eat(b':').then_some(())?;
                    if key == step {
                        return self.peek().map(|_| ());
                    }
                    self.peek();
                    self.value(None, depth + 1).ok()?;
                    self.eat(b',').then_some(())?;
                }
            }
            _ => None,
        }
    }
}

/// The position of the value at `path` (serde's form: `a.b[3].c`) in
/// `text`, narrowed to the member whose key or value is written `hint`, if
/// it has one.
pub fn locate(text: &str, path: &str, hint: Option<&str>) -> Option<Position> {
    let mut s = Scanner {
        text: text.as_bytes(),
        pos: 0,
    };
    let steps = path
        .split(['.', '[', ']'])
        .filter(|step| !step.is_empty() && *step != "?");
    for (depth, step) in steps.enumerate() {
        s.enter(step, depth)?;
    }
    s.peek()?;
    let start = s.pos;
    let hit = s.value(hint, 0).ok().flatten();
    Some(s.position(hit.unwrap_or(start)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"plan\": {\"faults\": [\n    {\"at\": 1, \"fault\": {\"kind\": \"heal\"}},\n    {\"at\": 2,\n     \"fault\": {\"kind\": \"crash\",\n       \"node\": -1,\n       \"torn_writes\": true}}\n  ]}\n}";

    #[test]
    fn finds_the_value_at_a_path_and_the_member_a_message_names() {
        assert_eq!(locate(TEXT, "plan.faults[1].fault", None), Some((5, 15)));
        assert_eq!(
            locate(TEXT, "plan.faults[1].fault", Some("-1")),
            Some((6, 16))
        );
        assert_eq!(
            locate(TEXT, "plan.faults[1].fault", Some("torn_writes")),
            Some((7, 8))
        );
        assert_eq!(locate(TEXT, "plan.faults[0].at", None), Some((3, 12)));
        assert_eq!(locate(TEXT, "plan.faults[7]", None), None);
        assert_eq!(
            locate("[[[[", "0.0", None),
            Some((1, 3)),
            "where the value starts"
        );
        let deep = "[".repeat(100_000);
        assert_eq!(
            locate(&deep, "0", Some("x")),
            Some((1, 2)),
            "no stack overflow"
        );
    }
}
