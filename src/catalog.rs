//! Catalogs of models: the built-in one, or a user's, as handed to
//! [`crate::cli::main`]. A catalog is a list of [`Model`]s, each described
//! once next to its code; this file only looks them up.

use sim::model::Model;

/// The built-in catalog: the engine's models (`models::CATALOG`), then, in
/// a build with `--cfg madsim` (the project's default), the madsim host's.
pub fn built_in() -> Vec<&'static dyn Model> {
    let engine = models::CATALOG.iter();
    #[cfg(madsim)]
    let engine = engine.chain(madsim_host::catalog::CATALOG);
    engine.copied().collect()
}

/// What can be wrong with a catalog or a lookup in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// No model of that name.
    #[error("unknown model `{name}` (the models: {known})")]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// The models there are.
        known: String,
    },
    /// Two models share a name.
    #[error("two models in the catalog are named `{0}`")]
    DuplicateName(String),
    /// No model at all.
    #[error("the catalog is empty")]
    Empty,
}

/// Models, looked up by name.
#[derive(Clone, Copy)]
pub struct Catalog<'a> {
    models: &'a [&'a dyn Model],
}

impl<'a> Catalog<'a> {
    /// A catalog of `models`, whose names must be distinct.
    pub fn new(models: &'a [&'a dyn Model]) -> Result<Self, CatalogError> {
        if models.is_empty() {
            return Err(CatalogError::Empty);
        }
        for (i, m) in models.iter().enumerate() {
            if models[..i].iter().any(|o| o.name() == m.name()) {
                return Err(CatalogError::DuplicateName(m.name().to_string()));
            }
        }
        Ok(Catalog { models })
    }

    /// Every model, in catalog order.
    pub fn models(&self) -> impl Iterator<Item = &'a dyn Model> + 'a {
        self.models.iter().copied()
    }

    /// The model named `name`.
    pub fn get(&self, name: &str) -> Result<&'a dyn Model, CatalogError> {
        self.models().find(|m| m.name() == name).ok_or_else(|| {
            let known: Vec<&str> = self.models().map(|m| m.name()).collect();
            CatalogError::UnknownModel {
                name: name.to_string(),
                known: known.join(", "),
            }
        })
    }
}
