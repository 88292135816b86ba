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

/// The interner: each distinct atom gets the next id, in order of first
/// appearance, so ids are deterministic for a given history.
#[derive(Clone, Debug, Default)]
pub struct Atoms {
    ids: FxMap<Atom, u32>,
    atoms: Vec<Atom>,
}

impl Atoms {
    /// The id of `atom`, interning it if new.
    pub fn intern(&mut self, atom: Atom) -> u32 {
        if let Some(&id) = self.ids.get(&atom) {
            return id;
        }
        let id = u32::try_from(self.atoms.len()).expect("fewer than 2^32 distinct atoms");
        self.atoms.push(atom.clone());
        self.ids.insert(atom, id);
        id
    }

    /// The id of an integer atom (the common case, without an allocation).
    pub fn int(&mut self, i: i64) -> u32 {
        self.intern(Atom::Int(i))
    }

    /// The atom with id `id`.
    ///
    /// # Panics
    /// If `id` was not issued by this interner.
    pub fn get(&self, id: u32) -> &Atom {
        &self.atoms[id as usize]
    }

    /// How many atoms there are.
    pub fn len(&self) -> usize {
        self.atoms.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }
}
