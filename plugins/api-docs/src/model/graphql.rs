//! A GraphQL schema (SDL) reader: types, fields with arguments, enums, unions, inputs,
//! scalars, directives and the root operation types. Errors carry line and column.
//! Nesting (list types `[[…]]`, list and object values) is limited to [`MAX_NESTING`]
//! levels: deeper is an error, never a stack overflow.

use std::collections::HashMap;

use super::document::DefinitionError;

/// How deeply list types and list/object values may nest.
pub const MAX_NESTING: usize = 64;
/// Longest name quoted in an error message, in bytes.
const MAX_QUOTED: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    Object,
    Interface,
    Input,
    Enum,
    Union,
    Scalar,
}

impl TypeKind {
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Object => "type",
            Self::Interface => "interface",
            Self::Input => "input",
            Self::Enum => "enum",
            Self::Union => "union",
            Self::Scalar => "scalar",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub query: Option<String>,
    pub mutation: Option<String>,
    pub subscription: Option<String>,
    pub types: Vec<TypeDef>,
    pub directives: Vec<String>,
}

impl Schema {
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Root operation type names, resolved with the defaults (`Query`, `Mutation`, …).
    pub fn root(&self, which: &str) -> Option<&TypeDef> {
        let declared = match which {
            "query" => &self.query,
            "mutation" => &self.mutation,
            _ => &self.subscription,
        };
        let default = match which {
            "query" => "Query",
            "mutation" => "Mutation",
            _ => "Subscription",
        };
        self.get(declared.as_deref().unwrap_or(default))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub kind: TypeKind,
    pub name: String,
    pub description: Option<String>,
    pub implements: Vec<String>,
    pub fields: Vec<Field>,
    /// Enum values.
    pub values: Vec<Field>,
    /// Union members.
    pub members: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Field {
    pub name: String,
    pub description: Option<String>,
    pub args: Vec<Argument>,
    /// As written: `[Film]!`. Empty for enum values.
    pub type_ref: String,
    pub deprecated: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Argument {
    pub name: String,
    pub type_ref: String,
    pub default: Option<String>,
    pub description: Option<String>,
}

impl Field {
    /// The named type at the bottom of the wrappers: `[Film!]!` → `Film`.
    pub fn base_type(&self) -> &str {
        self.type_ref
            .trim_matches(|c| c == '[' || c == ']' || c == '!')
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(String),
    Punct(char),
    Spread,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
    column: usize,
}

fn error(line: usize, column: usize, message: impl Into<String>) -> DefinitionError {
    DefinitionError::GraphQl {
        line,
        column,
        message: message.into(),
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, DefinitionError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let (start_line, start_col) = (line, col);
        if c.is_whitespace() || c == ',' || c == '\u{feff}' {
            advance(&mut i, &mut line, &mut col, c);
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
        } else if c == '"' {
            let block = chars.get(i + 1) == Some(&'"') && chars.get(i + 2) == Some(&'"');
            let mut value = String::new();
            if block {
                for _ in 0..3 {
                    advance(&mut i, &mut line, &mut col, '"');
                }
                loop {
                    if i >= chars.len() {
                        return Err(error(
                            start_line,
                            start_col,
                            "unterminated block string (\"\"\")",
                        ));
                    }
                    if chars[i] == '"'
                        && chars.get(i + 1) == Some(&'"')
                        && chars.get(i + 2) == Some(&'"')
                    {
                        for _ in 0..3 {
                            advance(&mut i, &mut line, &mut col, '"');
                        }
                        break;
                    }
                    if chars[i] == '\\' && chars[i + 1..].starts_with(&['"', '"', '"']) {
                        value.push_str("\"\"\"");
                        for _ in 0..4 {
                            advance(&mut i, &mut line, &mut col, '"');
                        }
                        continue;
                    }
                    value.push(chars[i]);
                    {
                        let ch = chars[i];
                        advance(&mut i, &mut line, &mut col, ch);
                    }
                }
                tokens.push(Token {
                    tok: Tok::Str(dedent_block(&value)),
                    line: start_line,
                    column: start_col,
                });
            } else {
                advance(&mut i, &mut line, &mut col, c);
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(error(start_line, start_col, "unterminated string"));
                        }
                        Some('"') => {
                            advance(&mut i, &mut line, &mut col, '"');
                            break;
                        }
                        Some('\\') => {
                            advance(&mut i, &mut line, &mut col, '\\');
                            if let Some(&e) = chars.get(i) {
                                value.push(match e {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                                advance(&mut i, &mut line, &mut col, e);
                            }
                        }
                        Some(&other) => {
                            value.push(other);
                            advance(&mut i, &mut line, &mut col, other);
                        }
                    }
                }
                tokens.push(Token {
                    tok: Tok::Str(value),
                    line: start_line,
                    column: start_col,
                });
            }
        } else if c == '.' {
            if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') {
                for _ in 0..3 {
                    advance(&mut i, &mut line, &mut col, '.');
                }
                tokens.push(Token {
                    tok: Tok::Spread,
                    line: start_line,
                    column: start_col,
                });
            } else {
                return Err(error(line, col, "unexpected `.`"));
            }
        } else if "!$&()=:@[]{}|".contains(c) {
            advance(&mut i, &mut line, &mut col, c);
            tokens.push(Token {
                tok: Tok::Punct(c),
                line: start_line,
                column: start_col,
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            let mut name = String::new();
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                name.push(chars[i]);
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
            tokens.push(Token {
                tok: Tok::Name(name),
                line: start_line,
                column: start_col,
            });
        } else if c == '-' || c.is_ascii_digit() {
            let mut num = String::new();
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "-+.".contains(chars[i]))
            {
                num.push(chars[i]);
                {
                    let ch = chars[i];
                    advance(&mut i, &mut line, &mut col, ch);
                }
            }
            tokens.push(Token {
                tok: Tok::Num(num),
                line: start_line,
                column: start_col,
            });
        } else {
            return Err(error(line, col, format!("unexpected character `{c}`")));
        }
    }
    Ok(tokens)
}

/// Block strings lose their common indentation and blank first/last lines.
fn dedent_block(raw: &str) -> String {
    let lines: Vec<&str> = raw.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let out: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.trim_start()
            } else {
                l.get(indent..).unwrap_or(l.trim_start())
            }
        })
        .collect();
    out.join("\n").trim().to_string()
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    end: (usize, usize),
}

type PResult<T> = Result<T, DefinitionError>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn here(&self) -> (usize, usize) {
        self.tokens
            .get(self.pos)
            .map_or(self.end, |t| (t.line, t.column))
    }

    fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        let (line, column) = self.here();
        Err(error(line, column, message))
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end of the schema".into(),
            Some(Tok::Name(n)) => format!("`{}`", super::schema::clip(n, MAX_QUOTED)),
            Some(Tok::Str(_)) => "a string".into(),
            Some(Tok::Num(n)) => format!("`{}`", super::schema::clip(n, MAX_QUOTED)),
            Some(Tok::Punct(c)) => format!("`{c}`"),
            Some(Tok::Spread) => "`...`".into(),
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> PResult<()> {
        if self.eat(c) {
            Ok(())
        } else {
            self.fail(format!("expected `{c}`, found {}", self.describe()))
        }
    }

    fn name(&mut self) -> PResult<String> {
        match self.peek() {
            Some(Tok::Name(n)) => {
                let n = n.clone();
                self.pos += 1;
                Ok(n)
            }
            _ => self.fail(format!("expected a name, found {}", self.describe())),
        }
    }

    fn is_name(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }

    fn description(&mut self) -> Option<String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Some(s)
            }
            _ => None,
        }
    }

    /// An error at the current token when `depth` is past [`MAX_NESTING`].
    fn nest(&self, depth: usize, what: &str) -> PResult<()> {
        if depth >= MAX_NESTING {
            return self.fail(format!("{what} nested more than {MAX_NESTING} levels deep"));
        }
        Ok(())
    }

    /// `[Type!]!` as written.
    fn type_ref(&mut self) -> PResult<String> {
        // Iterative: the opening brackets are counted, then matched.
        let mut out = String::new();
        let mut lists = 0usize;
        while self.peek() == Some(&Tok::Punct('[')) {
            self.nest(lists, "list type")?;
            self.pos += 1;
            out.push('[');
            lists += 1;
        }
        out.push_str(&self.name()?);
        if self.eat('!') {
            out.push('!');
        }
        for _ in 0..lists {
            self.expect(']')?;
            out.push(']');
            if self.eat('!') {
                out.push('!');
            }
        }
        Ok(out)
    }

    /// A constant value, returned as written (roughly).
    fn value(&mut self) -> PResult<String> {
        self.value_at(0)
    }

    fn value_at(&mut self, depth: usize) -> PResult<String> {
        match self.peek().cloned() {
            Some(Tok::Name(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(format!("\"{s}\""))
            }
            Some(Tok::Punct('$')) => {
                self.pos += 1;
                Ok(format!("${}", self.name()?))
            }
            Some(Tok::Punct('[')) => {
                self.nest(depth, "list value")?;
                self.pos += 1;
                let mut items = Vec::new();
                while !self.eat(']') {
                    if self.peek().is_none() {
                        return self.fail("unclosed list value");
                    }
                    items.push(self.value_at(depth + 1)?);
                }
                Ok(format!("[{}]", items.join(", ")))
            }
            Some(Tok::Punct('{')) => {
                self.nest(depth, "object value")?;
                self.pos += 1;
                let mut fields = Vec::new();
                while !self.eat('}') {
                    let key = self.name()?;
                    self.expect(':')?;
                    fields.push(format!("{key}: {}", self.value_at(depth + 1)?));
                }
                Ok(format!("{{{}}}", fields.join(", ")))
            }
            _ => self.fail(format!("expected a value, found {}", self.describe())),
        }
    }

    /// Directives after a definition; returns the `@deprecated` reason if present.
    fn directives(&mut self) -> PResult<Option<String>> {
        let mut deprecated = None;
        while self.eat('@') {
            let name = self.name()?;
            let mut reason = None;
            if self.eat('(') {
                while !self.eat(')') {
                    let arg = self.name()?;
                    self.expect(':')?;
                    let value = self.value()?;
                    if arg == "reason" {
                        reason = Some(value.trim_matches('"').to_string());
                    }
                }
            }
            if name == "deprecated" {
                deprecated = Some(reason.unwrap_or_else(|| "No longer supported".into()));
            }
        }
        Ok(deprecated)
    }

    fn arguments(&mut self) -> PResult<Vec<Argument>> {
        let mut args = Vec::new();
        if !self.eat('(') {
            return Ok(args);
        }
        while !self.eat(')') {
            if self.peek().is_none() {
                return self.fail("unclosed argument list: expected `)`");
            }
            let description = self.description();
            let name = self.name()?;
            self.expect(':')?;
            let type_ref = self.type_ref()?;
            let default = if self.eat('=') {
                Some(self.value()?)
            } else {
                None
            };
            self.directives()?;
            args.push(Argument {
                name,
                type_ref,
                default,
                description,
            });
        }
        Ok(args)
    }

    fn fields(&mut self, with_args: bool) -> PResult<Vec<Field>> {
        let mut fields = Vec::new();
        if !self.eat('{') {
            return Ok(fields);
        }
        while !self.eat('}') {
            if self.peek().is_none() {
                return self.fail("unclosed field list: expected `}`");
            }
            let description = self.description();
            let name = self.name()?;
            let args = if with_args {
                self.arguments()?
            } else {
                Vec::new()
            };
            self.expect(':')?;
            let type_ref = self.type_ref()?;
            if self.eat('=') {
                self.value()?;
            }
            let deprecated = self.directives()?;
            fields.push(Field {
                name,
                description,
                args,
                type_ref,
                deprecated,
            });
        }
        Ok(fields)
    }

    fn enum_values(&mut self) -> PResult<Vec<Field>> {
        let mut values = Vec::new();
        if !self.eat('{') {
            return Ok(values);
        }
        while !self.eat('}') {
            if self.peek().is_none() {
                return self.fail("unclosed enum: expected `}`");
            }
            let description = self.description();
            let name = self.name()?;
            let deprecated = self.directives()?;
            values.push(Field {
                name,
                description,
                deprecated,
                ..Default::default()
            });
        }
        Ok(values)
    }

    fn implements(&mut self) -> PResult<Vec<String>> {
        let mut out = Vec::new();
        if self.is_name("implements") {
            self.pos += 1;
            self.eat('&');
            out.push(self.name()?);
            // `A & B`, or the old `A, B` / `A B` (commas are whitespace in GraphQL).
            while self.eat('&')
                || matches!(self.peek(), Some(Tok::Name(n)) if !DEFINITION_KEYWORDS.contains(&n.as_str()))
            {
                out.push(self.name()?);
            }
        }
        Ok(out)
    }
}

const DEFINITION_KEYWORDS: [&str; 9] = [
    "type",
    "interface",
    "input",
    "enum",
    "union",
    "scalar",
    "schema",
    "directive",
    "extend",
];

pub fn parse(text: &str) -> Result<Schema, DefinitionError> {
    let tokens = tokenize(text)?;
    let end = tokens.last().map_or((1, 1), |t| (t.line, t.column));
    let mut p = Parser {
        tokens,
        pos: 0,
        end,
    };
    let mut schema = Schema::default();
    // Type name → index in `schema.types` (for `extend`).
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut add = |schema: &mut Schema, def: TypeDef, extend: bool| {
        if extend && let Some(&i) = index.get(&def.name) {
            let existing = &mut schema.types[i];
            existing.fields.extend(def.fields);
            existing.values.extend(def.values);
            existing.members.extend(def.members);
            existing.implements.extend(def.implements);
            return;
        }
        index.entry(def.name.clone()).or_insert(schema.types.len());
        schema.types.push(def);
    };
    while p.peek().is_some() {
        let description = p.description();
        let (line, _) = p.here();
        let extend = p.is_name("extend");
        if extend {
            p.pos += 1;
        }
        let keyword = p.name()?;
        match keyword.as_str() {
            "schema" => {
                p.directives()?;
                p.expect('{')?;
                while !p.eat('}') {
                    let op = p.name()?;
                    p.expect(':')?;
                    let ty = p.name()?;
                    match op.as_str() {
                        "query" => schema.query = Some(ty),
                        "mutation" => schema.mutation = Some(ty),
                        "subscription" => schema.subscription = Some(ty),
                        other => {
                            return p.fail(format!(
                                "unknown root operation `{}`",
                                super::schema::clip(other, MAX_QUOTED)
                            ));
                        }
                    }
                }
            }
            "type" | "interface" | "input" => {
                let kind = match keyword.as_str() {
                    "type" => TypeKind::Object,
                    "interface" => TypeKind::Interface,
                    _ => TypeKind::Input,
                };
                let name = p.name()?;
                let implements = p.implements()?;
                p.directives()?;
                let fields = p.fields(kind != TypeKind::Input)?;
                add(
                    &mut schema,
                    TypeDef {
                        kind,
                        name,
                        description,
                        implements,
                        fields,
                        values: vec![],
                        members: vec![],
                        line,
                    },
                    extend,
                );
            }
            "enum" => {
                let name = p.name()?;
                p.directives()?;
                let values = p.enum_values()?;
                add(
                    &mut schema,
                    TypeDef {
                        kind: TypeKind::Enum,
                        name,
                        description,
                        implements: vec![],
                        fields: vec![],
                        values,
                        members: vec![],
                        line,
                    },
                    extend,
                );
            }
            "union" => {
                let name = p.name()?;
                p.directives()?;
                let mut members = Vec::new();
                if p.eat('=') {
                    p.eat('|');
                    members.push(p.name()?);
                    while p.eat('|') {
                        members.push(p.name()?);
                    }
                }
                add(
                    &mut schema,
                    TypeDef {
                        kind: TypeKind::Union,
                        name,
                        description,
                        implements: vec![],
                        fields: vec![],
                        values: vec![],
                        members,
                        line,
                    },
                    extend,
                );
            }
            "scalar" => {
                let name = p.name()?;
                p.directives()?;
                add(
                    &mut schema,
                    TypeDef {
                        kind: TypeKind::Scalar,
                        name,
                        description,
                        implements: vec![],
                        fields: vec![],
                        values: vec![],
                        members: vec![],
                        line,
                    },
                    extend,
                );
            }
            "directive" => {
                p.expect('@')?;
                let name = p.name()?;
                p.arguments()?;
                if p.is_name("repeatable") {
                    p.pos += 1;
                }
                if !p.is_name("on") {
                    return p.fail(format!(
                        "expected `on` after directive @{}, found {}",
                        super::schema::clip(&name, MAX_QUOTED),
                        p.describe()
                    ));
                }
                p.pos += 1;
                p.eat('|');
                let mut locations = vec![p.name()?];
                while p.eat('|') {
                    locations.push(p.name()?);
                }
                schema
                    .directives
                    .push(format!("@{name} on {}", locations.join(" | ")));
            }
            other => {
                p.pos -= 1;
                return p.fail(format!(
                    "expected a definition (type, interface, input, enum, union, scalar, schema, directive), found `{}`",
                    super::schema::clip(other, MAX_QUOTED)
                ));
            }
        }
    }
    Ok(schema)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::fixtures;

    #[test]
    fn swapi_types_and_root_query() {
        let schema = parse(&fixtures::definition(fixtures::SWAPI)).unwrap();
        assert_eq!(schema.query.as_deref(), Some("Root"));
        let root = schema.root("query").expect("the Root type");
        let all_films = root.fields.iter().find(|f| f.name == "allFilms").unwrap();
        assert_eq!(all_films.type_ref, "FilmsConnection");
        assert_eq!(
            all_films
                .args
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["after", "first", "before", "last"]
        );
        let film = schema.get("Film").unwrap();
        assert_eq!(film.kind, TypeKind::Object);
        assert_eq!(film.description.as_deref(), Some("A single film."));
        assert_eq!(film.implements, ["Node"]);
        let title = &film.fields[0];
        assert_eq!(
            (title.name.as_str(), title.type_ref.as_str()),
            ("title", "String")
        );
        assert_eq!(
            title.description.as_deref(),
            Some("The title of this film.")
        );
        let id = film.fields.iter().find(|f| f.name == "id").unwrap();
        assert_eq!(id.type_ref, "ID!");
        assert_eq!(schema.get("Node").unwrap().kind, TypeKind::Interface);
        assert!(schema.root("mutation").is_none());
        // Multi-line descriptions are dedented.
        let people = schema
            .get("FilmCharactersConnection")
            .unwrap()
            .fields
            .iter()
            .find(|f| f.name == "totalCount")
            .unwrap();
        assert!(
            people
                .description
                .as_deref()
                .unwrap()
                .starts_with("A count of the total number of objects")
        );
    }

    #[test]
    fn enums_unions_inputs_mutations_and_extensions() {
        let sdl = r#"
            "The root"
            type Query { pet(id: ID!): Pet @deprecated(reason: "use pets") pets(filter: PetFilter = {kind: DOG}): [Pet!]! }
            type Mutation { adopt(id: ID!, note: String = "hi"): Pet }
            enum Kind { DOG CAT @deprecated }
            union Pet = | Dog | Cat
            input PetFilter { kind: Kind = DOG, tags: [String!] }
            type Dog implements Named & Node { name: String }
            scalar Date @specifiedBy(url: "https://example.com")
            directive @auth(role: String) repeatable on FIELD_DEFINITION | OBJECT
            extend type Query { extra: Int }
        "#;
        let schema = parse(sdl).unwrap();
        let query = schema.root("query").unwrap();
        assert_eq!(query.description.as_deref(), Some("The root"));
        assert_eq!(
            query
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["pet", "pets", "extra"]
        );
        assert_eq!(query.fields[0].deprecated.as_deref(), Some("use pets"));
        assert_eq!(
            query.fields[1].args[0].default.as_deref(),
            Some("{kind: DOG}")
        );
        assert_eq!(query.fields[1].base_type(), "Pet");
        assert_eq!(
            schema.root("mutation").unwrap().fields[0].args[1]
                .default
                .as_deref(),
            Some("\"hi\"")
        );
        assert_eq!(
            schema.get("Kind").unwrap().values[1].deprecated.as_deref(),
            Some("No longer supported")
        );
        assert_eq!(schema.get("Pet").unwrap().members, ["Dog", "Cat"]);
        assert_eq!(
            schema.get("PetFilter").unwrap().fields[1].type_ref,
            "[String!]"
        );
        assert_eq!(schema.get("Dog").unwrap().implements, ["Named", "Node"]);
        assert_eq!(schema.directives, ["@auth on FIELD_DEFINITION | OBJECT"]);
    }

    #[test]
    fn errors_point_at_their_line() {
        let err = parse("type A {\n  a: String\n  b String\n}\n").unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
        assert!(err.to_string().contains("expected `:`"), "{err}");
        let err = parse("type A {\n  a: String\n").unwrap_err();
        assert!(
            err.to_string().contains("expected `}`") || err.to_string().contains("unclosed"),
            "{err}"
        );
        let err = parse("\"\"\"never closed\ntype A { a: Int }").unwrap_err();
        assert_eq!(err.line(), Some(1));
        let err = parse("type A { a: Int }\nquery { a }").unwrap_err();
        assert_eq!(err.line(), Some(2), "{err}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let started = std::time::Instant::now();
        let n = 100_000;
        let lists = format!(
            "type Query {{\n  a: {}Int{}\n}}",
            "[".repeat(n),
            "]".repeat(n)
        );
        let err = parse(&lists).unwrap_err();
        assert!(
            err.to_string()
                .contains("list type nested more than 64 levels deep"),
            "{err}"
        );
        assert_eq!((err.line(), err.column()), (Some(2), Some(6 + MAX_NESTING)));
        let values = format!(
            "type Query {{ a(x: [Int] = {}1{}): Int }}",
            "[".repeat(n),
            "]".repeat(n)
        );
        let err = parse(&values).unwrap_err();
        assert!(
            err.to_string().contains("list value nested more than 64"),
            "{err}"
        );
        let objects = format!("input I {{ a: I = {}{} }}", "{a: ".repeat(n), "}".repeat(n));
        let err = parse(&objects).unwrap_err();
        assert!(
            err.to_string().contains("object value nested more than 64"),
            "{err}"
        );
        let directive = format!("type Query {{ a: Int @x(y: {}) }}", "[".repeat(n));
        assert!(
            parse(&directive)
                .unwrap_err()
                .to_string()
                .contains("nested")
        );
        // Unclosed brackets: the end is reported, not a crash.
        assert!(parse(&format!("type Query {{ a: {}", "[".repeat(10))).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // Up to the limit, it reads as before.
        let ok = format!(
            "type Query {{ a: {}Int!{} }}",
            "[".repeat(MAX_NESTING),
            "]!".repeat(MAX_NESTING)
        );
        let schema = parse(&ok).unwrap();
        assert_eq!(schema.types[0].fields[0].base_type(), "Int");
        assert_eq!(
            parse("type Q { a: [[Int!]!]! }").unwrap().types[0].fields[0].type_ref,
            "[[Int!]!]!"
        );
    }

    #[test]
    fn many_extensions_and_long_names_stay_cheap() {
        let mut sdl = String::from("type Query { a: Int }\n");
        for i in 0..20_000 {
            sdl.push_str(&format!("extend type Query {{ f{i}: Int }}\n"));
        }
        let started = std::time::Instant::now();
        let schema = parse(&sdl).unwrap();
        assert_eq!(schema.types.len(), 1);
        assert_eq!(schema.types[0].fields.len(), 20_001);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let err = parse(&format!("{} {{ }}", "x".repeat(100_000))).unwrap_err();
        assert!(err.to_string().len() < 300, "{}", err.to_string().len());
    }
}
