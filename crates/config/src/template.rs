//! A configuration string after `${ENV}` substitution: literal text and unresolved
//! `${secret:NAME}` references. Secrets are resolved only when a request is made, by
//! [`Template::render`]; the loaded configuration never holds a secret's value.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    /// The name inside `${secret:NAME}`.
    Secret(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    pub fn literal(text: impl Into<String>) -> Self {
        let text = text.into();
        if text.is_empty() {
            Self::default()
        } else {
            Self {
                parts: vec![Part::Literal(text)],
            }
        }
    }

    pub(crate) fn from_parts(parts: Vec<Part>) -> Self {
        let mut merged: Vec<Part> = Vec::with_capacity(parts.len());
        for part in parts {
            match (merged.last_mut(), part) {
                (_, Part::Literal(s)) if s.is_empty() => {}
                (Some(Part::Literal(prev)), Part::Literal(s)) => prev.push_str(&s),
                (_, part) => merged.push(part),
            }
        }
        Self { parts: merged }
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    pub fn has_secrets(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Secret(_)))
    }

    /// The secret names referenced, in order of appearance (may repeat).
    pub fn secret_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Secret(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// The text when no secret is referenced.
    pub fn as_plain(&self) -> Option<String> {
        if self.has_secrets() {
            return None;
        }
        Some(
            self.parts
                .iter()
                .map(|p| match p {
                    Part::Literal(s) => s.as_str(),
                    Part::Secret(_) => "",
                })
                .collect(),
        )
    }

    /// Builds the final string, asking `resolve` for each secret's value.
    pub fn render<E>(
        &self,
        mut resolve: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<String, E> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(s) => out.push_str(s),
                Part::Secret(name) => out.push_str(&resolve(name)?),
            }
        }
        Ok(out)
    }
}

/// Shows the template as it could be written in YAML: secrets as `${secret:NAME}`,
/// literal `${` escaped as `$${`. Never contains a secret's value.
impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Literal(s) => f.write_str(&s.replace("${", "$${"))?,
                Part::Secret(name) => write!(f, "${{secret:{name}}}")?,
            }
        }
        Ok(())
    }
}

/// Secret names: what a keychain entry can be called. `[A-Za-z0-9_.-]`, 1–128 chars.
pub fn is_valid_secret_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}
