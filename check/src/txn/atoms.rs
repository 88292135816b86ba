//! Keys and values as small integers: a history names them as integers or
//! strings, and the checker compares them millions of times.

use crate::fxhash::FxMap;
use std::fmt;

/// A key or value as the history wrote it. Values EDN tells apart stay
/// apart, as Elle reads them: the keyword `:x`, the symbol `x` and the
/// string `"x"` are three keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A keyword, without its colon.
    Keyword(String),
    /// A symbol.
    Symbol(String),
    /// Any other EDN value (a vector key such as `[:anti 3]`, a float, a
    /// boolean), as its canonical EDN text.
    Edn(String),
    /// Any other JSON value (an array key, a float, a boolean), as its
    /// canonical JSON text.
    Json(String),
}

impl Atom {
    /// The atom as EDN writes it.
    pub fn to_edn(&self) -> String {
        match self {
            Atom::Int(i) => i.to_string(),
            Atom::Str(s) => serde_json::to_string(s).unwrap_or_default(),
            Atom::Keyword(k) => format!(":{k}"),
            Atom::Symbol(s) | Atom::Edn(s) | Atom::Json(s) => s.clone(),
        }
    }

    /// The atom as JSON writes it: a keyword or symbol as its name, and an
    /// EDN value JSON has no form for as a string of its text.
    pub fn to_json(&self) -> String {
        match self {
            Atom::Int(i) => i.to_string(),
            Atom::Json(text) => text.clone(),
            Atom::Str(s) | Atom::Keyword(s) | Atom::Symbol(s) | Atom::Edn(s) => {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_edn())
    }
}

/// The interner. An integer from 0 to 2^31 - 1, the common case, is its
/// own id and is not stored (a history of four million appended integers
/// interns nothing); any other atom gets the next id past [`OTHER`], in
/// order of first appearance, so ids are deterministic for a history.
#[derive(Clone, Debug, Default)]
pub struct Atoms {
    others: FxMap<Atom, u32>,
    table: Vec<Atom>,
}

/// The bit that marks an id as an index into the table of other atoms.
pub const OTHER: u32 = 1 << 31;

impl Atoms {
    /// The id of `atom`, interning it if new.
    pub fn intern(&mut self, atom: Atom) -> u32 {
        if let Atom::Int(i) = atom {
            if let Some(id) = small(i) {
                return id;
            }
        }
        if let Some(&id) = self.others.get(&atom) {
            return id;
        }
        let index = u32::try_from(self.table.len()).expect("fewer than 2^31 distinct atoms");
        assert!(index < OTHER - 1, "fewer than 2^31 - 1 distinct atoms");
        let id = OTHER | index;
        self.table.push(atom.clone());
        self.others.insert(atom, id);
        id
    }

    /// The id of an integer atom.
    pub fn int(&mut self, i: i64) -> u32 {
        small(i).unwrap_or_else(|| self.intern(Atom::Int(i)))
    }

    /// The atom with id `id`.
    ///
    /// # Panics
    /// If `id` was not issued by this interner.
    pub fn get(&self, id: u32) -> std::borrow::Cow<'_, Atom> {
        match id & OTHER {
            0 => std::borrow::Cow::Owned(Atom::Int(i64::from(id))),
            _ => std::borrow::Cow::Borrowed(&self.table[(id & !OTHER) as usize]),
        }
    }

    /// How many atoms the table holds (small integers are not in it).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when the table holds none.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// A small non-negative integer's id: itself.
fn small(i: i64) -> Option<u32> {
    u32::try_from(i).ok().filter(|&id| id < OTHER)
}
