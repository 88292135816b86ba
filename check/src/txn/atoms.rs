//! Keys and values as small integers: a history names them as integers or
//! strings, and the checker compares them millions of times.

use crate::fxhash::FxMap;
use std::fmt;

/// A key or value as the history wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    /// An integer.
    Int(i64),
    /// A string (or keyword, without its colon).
    Str(String),
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Atom::Int(i) => write!(f, "{i}"),
            Atom::Str(s) => write!(f, "{s:?}"),
        }
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
