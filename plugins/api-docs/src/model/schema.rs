//! JSON Schema as OpenAPI and AsyncAPI use it, reduced to what the tab shows: a tree of
//! properties with types, and an example value. `$ref`s are followed inside the document;
//! cycles are cut, never followed forever.
//!
//! What a document can cost is bounded, however it is written:
//! - a tree is built [`EAGER_LEVELS`] levels of properties deep; deeper nodes are
//!   *collapsed* ([`SchemaNode::collapsed`]) and build their children only when the user
//!   opens them ([`expand`]). `$ref` fan-out (A has 10 properties of type B, B has 10 of
//!   type C, …) costs what is shown, not the billions of nodes it would unfold to;
//! - one tree (or one expansion) builds at most [`TREE_BUDGET`] units, and one document at
//!   most [`DOCUMENT_BUDGET`] in all its trees, examples and lists ([`Budget`]): a unit is
//!   a node, an example value, a listed item or [`TEXT_UNIT`] bytes of copied text. A tree
//!   that runs out is shown as far as it got, marked [`SchemaNode::too_large`];
//! - texts copied out of the document (descriptions, enum values, defaults, examples) are
//!   clipped, so a value referenced many times is not copied whole many times;
//! - recursion is bounded ([`MAX_NESTING`]) whatever the nesting of the document.

use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::rc::Rc;

use serde_json::{Map, Value};

/// Levels of properties built below a tree's root (or an opened node) at once; nodes at
/// this level and deeper that have properties of their own are collapsed.
pub const EAGER_LEVELS: usize = 2;
/// Units one tree, one expansion or one example may use.
pub const TREE_BUDGET: usize = 1_000;
/// Units one document may use in all its trees, examples and lists.
pub const DOCUMENT_BUDGET: usize = 50_000;
/// Units one made-up example may use.
const EXAMPLE_BUDGET: usize = 500;
/// Bytes of copied text that cost one unit.
pub const TEXT_UNIT: usize = 256;
/// How deep one build recurses (array items and `allOf` parts nest without adding a
/// level of properties, so this is apart from [`EAGER_LEVELS`]).
pub const MAX_NESTING: usize = 32;
/// How many `$ref` hops one reference may take (`A → B → C`).
const MAX_REF_HOPS: usize = 16;
/// Longest description kept, in bytes.
const MAX_DESCRIPTION: usize = 4_000;
/// Longest name, label, enum value or constraint kept, in bytes.
const MAX_LABEL: usize = 200;
/// Most enum values listed.
const MAX_ENUM: usize = 100;
/// Longest example text, in bytes.
pub const MAX_EXAMPLE_TEXT: usize = 64 * 1024;

/// `text`, cut at `max` bytes (on a character boundary) with `…` when longer.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// Collects at most `max` bytes, then refuses (which stops serde_json's writer).
struct Limited {
    buf: Vec<u8>,
    max: usize,
    full: bool,
}

impl Write for Limited {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = self.max - self.buf.len();
        if data.len() > room {
            self.buf.extend_from_slice(&data[..room]);
            self.full = true;
            return Err(std::io::Error::other("long enough"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `value` as JSON text (pretty or compact), at most `max` bytes: the cost is the text
/// kept, not the size of the value.
pub fn json_text(value: &Value, pretty: bool, max: usize) -> String {
    let mut out = Limited {
        buf: Vec::new(),
        max,
        full: false,
    };
    let _ = if pretty {
        serde_json::to_writer_pretty(&mut out, value)
    } else {
        serde_json::to_writer(&mut out, value)
    };
    let valid = match std::str::from_utf8(&out.buf) {
        Ok(text) => text,
        // Cut inside a character: keep what precedes it.
        Err(e) => std::str::from_utf8(&out.buf[..e.valid_up_to()]).unwrap_or_default(),
    };
    if out.full {
        format!("{valid}…")
    } else {
        valid.to_string()
    }
}

/// A document's allowance: taken from by every tree, example and listed item of it.
/// Shared (cloning shares it).
#[derive(Debug, Clone)]
pub struct Budget(Rc<BudgetState>);

#[derive(Debug)]
struct BudgetState {
    left: Cell<usize>,
    refused: Cell<bool>,
}

impl Budget {
    pub fn new(units: usize) -> Self {
        Self(Rc::new(BudgetState {
            left: Cell::new(units),
            refused: Cell::new(false),
        }))
    }

    /// Takes `units` if there are that many left; else answers false, and from then on
    /// the budget is spent (so what is shown stops at one place).
    pub fn take(&self, units: usize) -> bool {
        let left = self.0.left.get();
        if units <= left {
            self.0.left.set(left - units);
            true
        } else {
            self.0.left.set(0);
            self.0.refused.set(true);
            false
        }
    }

    /// Whether something was left out for want of units.
    pub fn exhausted(&self) -> bool {
        self.0.refused.get()
    }
}

/// Units a copy of `value` costs (one per value, plus its text), or `None` past `limit`.
/// Stops counting at the limit, so it costs at most that much.
fn cost_within(value: &Value, limit: usize) -> Option<usize> {
    let mut cost = 0usize;
    let mut text = 0usize;
    let mut pending = vec![value];
    while let Some(v) = pending.pop() {
        cost += 1;
        match v {
            Value::String(s) => text += s.len(),
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => {
                for (k, v) in map {
                    text += k.len();
                    pending.push(v);
                }
            }
            _ => {}
        }
        if cost + text / TEXT_UNIT > limit {
            return None;
        }
    }
    Some(cost + text / TEXT_UNIT)
}

/// The value a local `$ref` (`#/components/schemas/Pet`) points at, if any.
pub fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let path = pointer_path(reference)?;
    at_path(doc, &path)
}

/// The keys of a local `$ref`, decoded (`~1` → `/`, `~0` → `~`, `%20` → space).
fn pointer_path(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    Some(
        fragment
            .strip_prefix('/')?
            .split('/')
            .map(|raw| {
                backlot_text::percent::decode(raw)
                    .replace("~1", "/")
                    .replace("~0", "~")
            })
            .collect(),
    )
}

/// The value at `path` (object keys, array indexes) inside `root`.
fn at_path<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut current = root;
    for key in path {
        current = match current {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The last segment of a reference: `#/components/schemas/Pet` → `Pet`.
pub fn ref_name(reference: &str) -> String {
    let last = reference.rsplit('/').next().unwrap_or(reference);
    clip(&last.replace("~1", "/").replace("~0", "~"), MAX_LABEL)
}

/// A value with its `$ref` chain followed.
pub enum Deref<'a> {
    Found {
        value: &'a Value,
        /// The first reference of the chain (the name shown).
        reference: Option<String>,
        /// The last one (where `value` is in the document).
        target: Option<&'a str>,
    },
    /// A reference that does not resolve inside the document (external or broken).
    Unresolved(String),
    /// A reference chain that loops without reaching a value.
    Loop(String),
}

pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> Deref<'a> {
    let mut current = value;
    let mut first: Option<String> = None;
    let mut target: Option<&'a str> = None;
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Deref::Found {
                value: current,
                reference: first,
                target,
            };
        };
        first.get_or_insert_with(|| reference.to_string());
        match pointer(doc, reference) {
            Some(next) => {
                current = next;
                target = Some(reference);
            }
            None => return Deref::Unresolved(reference.to_string()),
        }
    }
    Deref::Loop(first.unwrap_or_default())
}

/// Follows `$ref`s; an unresolvable one yields `None`.
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match deref(doc, value) {
        Deref::Found { value, .. } => Some(value),
        _ => None,
    }
}

/// One node of a schema as the tab shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaNode {
    /// Property name (`None` for the root).
    pub name: Option<String>,
    /// `integer (int32)`, `array of Pet`, `object`, `string`.
    pub type_label: String,
    /// The named schema this node came from (`Pet`).
    pub ref_name: Option<String>,
    pub required: bool,
    pub description: Option<String>,
    pub enum_values: Vec<String>,
    /// `minimum: 0`, `default: 10`, `read-only`, …
    pub constraints: Vec<String>,
    pub children: Vec<SchemaNode>,
    /// The node refers back to a schema being expanded above it: not expanded again.
    pub recursive: bool,
    /// A `$ref` that does not resolve in this document.
    pub unresolved: Option<String>,
    /// The node has properties that are built when the user opens it ([`expand`]).
    pub collapsed: Option<Collapsed>,
    /// Set on the root of a tree (or of an expansion) that ran out of units: what it shows
    /// is a part of the schema.
    pub too_large: bool,
}

impl SchemaNode {
    /// Every node in the tree (depth first), for searching and tests.
    pub fn walk(&self) -> Vec<&SchemaNode> {
        let mut out = Vec::new();
        let mut pending = vec![self];
        while let Some(node) = pending.pop() {
            out.push(node);
            pending.extend(node.children.iter().rev());
        }
        out
    }
}

/// Where a collapsed node's schema is, to build its children later: a place in the
/// document, or in a copy of a schema that is not in it (kept once, shared).
#[derive(Clone)]
pub struct Collapsed {
    doc: Rc<Value>,
    base: Rc<Value>,
    path: Vec<String>,
    /// The references being expanded above it (cycles stay cut below it).
    stack: Vec<String>,
    /// How many properties it has, when that is known without building them.
    pub properties: Option<usize>,
}

impl PartialEq for Collapsed {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && Rc::ptr_eq(&self.base, &other.base)
            && self.path == other.path
            && self.stack == other.stack
    }
}

impl fmt::Debug for Collapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collapsed")
            .field("path", &self.path)
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

/// Where the schema being built is: known (in the document or a copy), or not (a tree's
/// own root and what is written inline under it, before any `$ref`).
#[derive(Clone)]
enum Pos {
    Unknown,
    At { base: Rc<Value>, path: Vec<String> },
}

impl Pos {
    fn child(&self, keys: &[&str]) -> Pos {
        match self {
            Pos::Unknown => Pos::Unknown,
            Pos::At { base, path } => {
                let mut path = path.clone();
                path.extend(keys.iter().map(|k| k.to_string()));
                Pos::At {
                    base: base.clone(),
                    path,
                }
            }
        }
    }
}

/// One document's schemas: its trees and examples, all taking from one [`Budget`].
pub struct Schemas {
    doc: Rc<Value>,
    budget: Budget,
}

impl Schemas {
    pub fn new(doc: Rc<Value>) -> Self {
        Self::with_budget(doc, DOCUMENT_BUDGET)
    }

    pub fn with_budget(doc: Rc<Value>, units: usize) -> Self {
        Self {
            doc,
            budget: Budget::new(units),
        }
    }

    pub fn doc(&self) -> &Value {
        &self.doc
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// The tree for `schema` (which may be a `$ref`).
    pub fn tree(&self, schema: &Value) -> SchemaNode {
        let mut builder = TreeBuilder::new(&self.doc, &self.budget, Vec::new());
        let mut node = builder.node(None, schema, false, Pos::Unknown, 0, 0);
        node.too_large = builder.exhausted;
        node
    }

    /// An example value for `schema`: its own `example`/`examples`/`default`/`enum` where
    /// given, else made up from the types (strings as `"string"`, numbers as 0, …).
    pub fn example(&self, schema: &Value) -> Value {
        let mut builder = ExampleBuilder {
            doc: &self.doc,
            stack: Vec::new(),
            left: EXAMPLE_BUDGET,
            budget: &self.budget,
            done: false,
        };
        builder.value(schema, 0)
    }
}

/// The tree for `schema` in `doc`, alone (the document's budget is its own).
pub fn tree(doc: &Value, schema: &Value) -> SchemaNode {
    Schemas::new(Rc::new(doc.clone())).tree(schema)
}

/// An example for `schema` in `doc`, alone (see [`Schemas::example`]).
pub fn example(doc: &Value, schema: &Value) -> Value {
    Schemas::new(Rc::new(doc.clone())).example(schema)
}

/// The properties of a collapsed node, built now (the user opened it): a node whose
/// children are the collapsed node's, [`EAGER_LEVELS`] levels deep, with a budget of its
/// own ([`TREE_BUDGET`]).
pub fn expand(collapsed: &Collapsed) -> SchemaNode {
    let budget = Budget::new(TREE_BUDGET);
    let mut node = SchemaNode::default();
    let Some(schema) = at_path(&collapsed.base, &collapsed.path) else {
        return node;
    };
    let Some(map) = schema.as_object() else {
        return node;
    };
    let mut builder = TreeBuilder::new(&collapsed.doc, &budget, collapsed.stack.clone());
    let pos = Pos::At {
        base: collapsed.base.clone(),
        path: collapsed.path.clone(),
    };
    builder.fill(&mut node, schema, map, &pos, 0, 0);
    node.too_large = builder.exhausted;
    node
}

fn type_of(schema: &Value) -> Option<String> {
    schema.as_object().and_then(type_of_map)
}

fn type_of_map(map: &Map<String, Value>) -> Option<String> {
    match map.get("type") {
        Some(Value::String(t)) => Some(clip(t, MAX_LABEL)),
        // 3.1: `type: [string, "null"]`
        Some(Value::Array(types)) => {
            let names: Vec<&str> = types.iter().take(8).filter_map(Value::as_str).collect();
            (!names.is_empty()).then(|| clip(&names.join(" | "), MAX_LABEL))
        }
        _ => {
            if map.get("properties").is_some() || map.get("additionalProperties").is_some() {
                Some("object".into())
            } else if map.get("items").is_some() {
                Some("array".into())
            } else {
                None
            }
        }
    }
}

/// `integer (int32)`: the type with its format.
fn type_with_format(schema: &Value) -> String {
    let label = type_of(schema).unwrap_or_else(|| "any".into());
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{label} ({})", clip(format, MAX_LABEL)),
        None => label,
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s, MAX_LABEL),
        other => json_text(other, false, MAX_LABEL),
    }
}

/// Whether `map` has its own properties or parts to show.
fn has_parts(map: &Map<String, Value>) -> bool {
    ["properties", "allOf", "oneOf", "anyOf"]
        .into_iter()
        .any(|key| match map.get(key) {
            Some(Value::Object(m)) => !m.is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            _ => false,
        })
        || matches!(map.get("additionalProperties"), Some(Value::Object(_)))
}

/// Whether `map` has anything shown below it: parts, or items with parts (nested arrays
/// are followed a few steps).
fn has_children(doc: &Value, map: &Map<String, Value>) -> bool {
    if has_parts(map) {
        return true;
    }
    let mut items = map.get("items");
    for _ in 0..8 {
        let Some(next) = items
            .and_then(|i| resolve(doc, i))
            .and_then(Value::as_object)
        else {
            return false;
        };
        if has_parts(next) {
            return true;
        }
        items = next.get("items");
    }
    false
}

/// The label of a node whose children are not built, as [`TreeBuilder::fill`] would say
/// it, from the schema and its parts' own types (no deeper).
fn shallow_label(doc: &Value, map: &Map<String, Value>) -> String {
    let part_label = |part: &Value| match deref(doc, part) {
        Deref::Found { value, .. } => type_with_format(value),
        Deref::Unresolved(r) | Deref::Loop(r) => ref_name(&r),
    };
    for (combinator, label) in [("anyOf", "any of"), ("oneOf", "one of")] {
        if let Some(parts) = map.get(combinator).and_then(Value::as_array) {
            let mut labels: Vec<String> = parts.iter().take(8).map(part_label).collect();
            if parts.len() > 8 {
                labels.push("…".into());
            }
            return clip(&format!("{label}: {}", labels.join(", ")), MAX_LABEL);
        }
    }
    if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
        let names: Vec<String> = parts
            .iter()
            .take(8)
            .filter_map(|p| p.get("$ref").and_then(Value::as_str).map(ref_name))
            .collect();
        return if names.is_empty() {
            "object".into()
        } else {
            clip(&format!("object ({})", names.join(" + ")), MAX_LABEL)
        };
    }
    let kind = type_of_map(map);
    if kind.as_deref() == Some("array") {
        return match map.get("items") {
            Some(items) => match items.get("$ref").and_then(Value::as_str) {
                Some(r) => format!("array of {}", ref_name(r)),
                None => format!("array of {}", part_label(items)),
            },
            None => "array".into(),
        };
    }
    let label = kind.unwrap_or_else(|| "any".into());
    match map.get("format").and_then(Value::as_str) {
        Some(format) => format!("{label} ({})", clip(format, MAX_LABEL)),
        None => label,
    }
}

struct TreeBuilder<'a> {
    doc: &'a Rc<Value>,
    budget: &'a Budget,
    /// References being expanded on the current path (cycle detection).
    stack: Vec<String>,
    /// Units this tree may still use.
    left: usize,
    /// Out of units: no more nodes are added.
    exhausted: bool,
}

impl<'a> TreeBuilder<'a> {
    fn new(doc: &'a Rc<Value>, budget: &'a Budget, stack: Vec<String>) -> Self {
        Self {
            doc,
            budget,
            stack,
            left: TREE_BUDGET,
            exhausted: false,
        }
    }

    fn take(&mut self, units: usize) -> bool {
        if self.exhausted {
            return false;
        }
        if units > self.left || !self.budget.take(units) {
            self.exhausted = true;
            return false;
        }
        self.left -= units;
        true
    }

    /// One node. `level`: levels of properties below the root (collapsing starts at
    /// [`EAGER_LEVELS`]); `nesting`: calls below the root (stops at [`MAX_NESTING`]).
    fn node(
        &mut self,
        name: Option<String>,
        schema: &'a Value,
        required: bool,
        pos: Pos,
        level: usize,
        nesting: usize,
    ) -> SchemaNode {
        self.take(1);
        let mut node = SchemaNode {
            name: name.map(|n| clip(&n, MAX_LABEL)),
            required,
            ..Default::default()
        };
        let (schema, reference, pos) = match deref(self.doc, schema) {
            Deref::Found {
                value,
                reference,
                target,
            } => {
                let pos = match target.and_then(pointer_path) {
                    Some(path) => Pos::At {
                        base: self.doc.clone(),
                        path,
                    },
                    None => pos,
                };
                (value, reference, pos)
            }
            Deref::Unresolved(r) => {
                node.type_label = ref_name(&r);
                node.unresolved = Some(clip(&r, MAX_LABEL));
                return node;
            }
            Deref::Loop(r) => {
                node.type_label = ref_name(&r);
                node.recursive = true;
                return node;
            }
        };
        node.ref_name = reference.as_deref().map(ref_name);
        if let Some(r) = &reference
            && self.stack.contains(r)
        {
            node.type_label = ref_name(r);
            node.recursive = true;
            return node;
        }
        let Some(map) = schema.as_object() else {
            // `true`/`false` schemas, or junk: show what is there.
            node.type_label = if schema.as_bool() == Some(true) {
                "any".into()
            } else {
                scalar_text(schema)
            };
            return node;
        };
        node.description = map
            .get("description")
            .and_then(Value::as_str)
            .map(|d| clip(d, MAX_DESCRIPTION));
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            node.enum_values = values.iter().take(MAX_ENUM).map(scalar_text).collect();
            if values.len() > MAX_ENUM {
                node.enum_values
                    .push(format!("… {} more", values.len() - MAX_ENUM));
            }
        }
        node.constraints = constraints(map);
        let text = node.name.as_ref().map_or(0, String::len)
            + reference.as_ref().map_or(0, String::len)
            + node.description.as_ref().map_or(0, String::len)
            + node.enum_values.iter().map(String::len).sum::<usize>()
            + node.constraints.iter().map(String::len).sum::<usize>();
        self.take(text / TEXT_UNIT);
        if nesting >= MAX_NESTING {
            node.type_label = type_of(schema).unwrap_or_else(|| "any".into());
            node.constraints.push("(not expanded: too deep)".into());
            return node;
        }
        if self.exhausted {
            node.type_label = shallow_label(self.doc, map);
            return node;
        }
        if level >= EAGER_LEVELS && has_children(self.doc, map) {
            node.type_label = shallow_label(self.doc, map);
            node.collapsed = self.collapse(schema, map, pos, reference);
            return node;
        }
        if let Some(r) = &reference {
            self.stack.push(r.clone());
        }
        self.fill(&mut node, schema, map, &pos, level, nesting);
        if reference.is_some() {
            self.stack.pop();
        }
        node
    }

    /// What a collapsed node keeps to be opened later (`None` when out of units).
    fn collapse(
        &mut self,
        schema: &Value,
        map: &Map<String, Value>,
        pos: Pos,
        reference: Option<String>,
    ) -> Option<Collapsed> {
        let (base, path) = match pos {
            Pos::At { base, path } => (base, path),
            // Written inline under the tree's root: a copy, paid for.
            Pos::Unknown => {
                let limit = self.left;
                let Some(cost) = cost_within(schema, limit) else {
                    self.exhausted = true;
                    return None;
                };
                if !self.take(cost) {
                    return None;
                }
                (Rc::new(schema.clone()), Vec::new())
            }
        };
        let mut stack = self.stack.clone();
        stack.extend(reference);
        let text: usize = stack.iter().chain(&path).map(String::len).sum();
        if !self.take(1 + text / TEXT_UNIT) {
            return None;
        }
        Some(Collapsed {
            doc: self.doc.clone(),
            base,
            path,
            stack,
            properties: map
                .get("properties")
                .and_then(Value::as_object)
                .map(Map::len),
        })
    }

    fn fill(
        &mut self,
        node: &mut SchemaNode,
        schema: &'a Value,
        map: &'a Map<String, Value>,
        pos: &Pos,
        level: usize,
        nesting: usize,
    ) {
        let base_type = type_of(schema);
        for (combinator, label) in [
            ("allOf", "all of"),
            ("oneOf", "one of"),
            ("anyOf", "any of"),
        ] {
            let Some(parts) = map.get(combinator).and_then(Value::as_array) else {
                continue;
            };
            if combinator == "allOf" {
                // Merge the parts' properties into this node (same level).
                let mut names = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    if self.exhausted {
                        break;
                    }
                    let at = pos.child(&[combinator, i.to_string().as_str()]);
                    let child = self.node(None, part, false, at, level, nesting + 1);
                    if let Some(n) = &child.ref_name {
                        names.push(n.clone());
                    }
                    if child.recursive || child.unresolved.is_some() {
                        node.children.push(SchemaNode {
                            name: Some("(all of)".into()),
                            ..child
                        });
                    } else {
                        node.children.extend(child.children);
                        if node.description.is_none() {
                            node.description = child.description;
                        }
                    }
                }
                node.type_label = if names.is_empty() {
                    "object".into()
                } else {
                    clip(&format!("object ({})", names.join(" + ")), MAX_LABEL)
                };
            } else {
                let mut variants = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    if self.exhausted {
                        break;
                    }
                    let at = pos.child(&[combinator, i.to_string().as_str()]);
                    let mut child = self.node(None, part, false, at, level + 1, nesting + 1);
                    child.name = Some(
                        child
                            .ref_name
                            .clone()
                            .unwrap_or_else(|| format!("option {}", i + 1)),
                    );
                    variants.push(child);
                }
                let labels: Vec<&str> = variants.iter().map(|v| v.type_label.as_str()).collect();
                node.type_label = clip(&format!("{label}: {}", labels.join(", ")), MAX_LABEL);
                node.children.extend(variants);
            }
        }
        if !node.type_label.is_empty() && map.get("properties").is_none() {
            return;
        }
        match base_type.as_deref() {
            Some("array") => {
                let items = map.get("items");
                match items {
                    Some(items) => {
                        let at = pos.child(&["items"]);
                        let child = self.node(None, items, false, at, level, nesting + 1);
                        let item_label = child
                            .ref_name
                            .clone()
                            .unwrap_or_else(|| child.type_label.clone());
                        node.type_label = clip(&format!("array of {item_label}"), MAX_LABEL);
                        if child.recursive || child.unresolved.is_some() {
                            node.recursive |= child.recursive;
                            node.unresolved = node.unresolved.take().or(child.unresolved);
                        } else {
                            node.enum_values.extend(child.enum_values);
                            node.children = child.children;
                            node.collapsed = node.collapsed.take().or(child.collapsed);
                        }
                    }
                    None => node.type_label = "array".into(),
                }
            }
            other => {
                let mut label = other.unwrap_or("any").to_string();
                if let Some(format) = map.get("format").and_then(Value::as_str) {
                    label = format!("{label} ({})", clip(format, MAX_LABEL));
                }
                if node.type_label.is_empty() {
                    node.type_label = label;
                }
                let required: Vec<&str> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if let Some(props) = map.get("properties").and_then(Value::as_object) {
                    for (key, prop) in props {
                        if self.exhausted {
                            break;
                        }
                        let at = pos.child(&["properties", key.as_str()]);
                        let child = self.node(
                            Some(key.clone()),
                            prop,
                            required.contains(&key.as_str()),
                            at,
                            level + 1,
                            nesting + 1,
                        );
                        node.children.push(child);
                    }
                }
                match map.get("additionalProperties") {
                    Some(extra @ Value::Object(_)) if !self.exhausted => {
                        let at = pos.child(&["additionalProperties"]);
                        let child = self.node(
                            Some("{any key}".into()),
                            extra,
                            false,
                            at,
                            level + 1,
                            nesting + 1,
                        );
                        node.children.push(child);
                    }
                    Some(Value::Bool(true))
                        if other == Some("object") && node.children.is_empty() =>
                    {
                        node.type_label = "object (any keys)".into();
                    }
                    _ => {}
                }
            }
        }
    }
}

fn constraints(map: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for key in [
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "default",
        "const",
    ] {
        if let Some(v) = map.get(key) {
            out.push(format!("{key}: {}", scalar_text(v)));
        }
    }
    for (key, label) in [
        ("readOnly", "read-only"),
        ("writeOnly", "write-only"),
        ("deprecated", "deprecated"),
        ("nullable", "nullable"),
    ] {
        if map.get(key).and_then(Value::as_bool) == Some(true) {
            out.push(label.into());
        }
    }
    out
}

struct ExampleBuilder<'a> {
    doc: &'a Value,
    stack: Vec<String>,
    /// Units this example may still use.
    left: usize,
    budget: &'a Budget,
    /// Out of units: what is left is `null`.
    done: bool,
}

impl ExampleBuilder<'_> {
    fn take(&mut self, units: usize) -> bool {
        if self.done {
            return false;
        }
        if units > self.left || !self.budget.take(units) {
            self.done = true;
            return false;
        }
        self.left -= units;
        true
    }

    /// A value given in the definition, copied if it fits.
    fn given(&mut self, value: &Value) -> Value {
        match cost_within(value, self.left) {
            Some(cost) if self.take(cost) => value.clone(),
            _ => {
                self.done = true;
                Value::Null
            }
        }
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        if !self.take(1) {
            return Value::Null;
        }
        let (schema, reference) = match deref(self.doc, schema) {
            Deref::Found {
                value, reference, ..
            } => (value, reference),
            _ => return Value::Null,
        };
        if depth > 8 || reference.as_ref().is_some_and(|r| self.stack.contains(r)) {
            return Value::Null;
        }
        let Some(map) = schema.as_object() else {
            return Value::Null;
        };
        if let Some(v) = map.get("example") {
            return self.given(v);
        }
        if let Some(v) = map
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return self.given(v);
        }
        for key in ["const", "default"] {
            if let Some(v) = map.get(key) {
                return self.given(v);
            }
        }
        if let Some(v) = map
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return self.given(v);
        }
        if let Some(r) = &reference {
            self.stack.push(r.clone());
        }
        let out = if let Some(parts) = map.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if self.done {
                    break;
                }
                if let Value::Object(m) = self.value(part, depth + 1) {
                    merged.extend(m);
                }
            }
            Value::Object(merged)
        } else if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| {
            map.get(*k)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
        }) {
            self.value(first, depth + 1)
        } else {
            let kind = type_of(schema);
            let kind = kind.as_deref().map(|k| k.split(" | ").next().unwrap_or(k));
            match kind {
                Some("object") => {
                    let mut out = Map::new();
                    if let Some(props) = map.get("properties").and_then(Value::as_object) {
                        for (key, prop) in props {
                            if self.done || !self.take(key.len() / TEXT_UNIT) {
                                break;
                            }
                            let value = self.value(prop, depth + 1);
                            out.insert(key.clone(), value);
                        }
                    }
                    Value::Object(out)
                }
                Some("array") => match map.get("items") {
                    Some(items) => Value::Array(vec![self.value(items, depth + 1)]),
                    None => Value::Array(vec![]),
                },
                Some("integer") => Value::from(0),
                Some("number") => Value::from(0.0),
                Some("boolean") => Value::Bool(true),
                Some("string") => Value::String(match map.get("format").and_then(Value::as_str) {
                    Some("date-time") => "2024-01-01T00:00:00Z".into(),
                    Some("date") => "2024-01-01".into(),
                    Some("email") => "user@example.com".into(),
                    Some("uuid") => "00000000-0000-0000-0000-000000000000".into(),
                    Some("uri" | "url") => "https://example.com".into(),
                    _ => "string".into(),
                }),
                _ => Value::Null,
            }
        };
        if reference.is_some() {
            self.stack.pop();
        }
        out
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_decode_escapes() {
        let doc = json!({"paths": {"/pets/{id}": {"get": 1}}, "a b": [10, 20]});
        assert_eq!(pointer(&doc, "#/paths/~1pets~1{id}/get"), Some(&json!(1)));
        assert_eq!(pointer(&doc, "#/a%20b/1"), Some(&json!(20)));
        assert_eq!(pointer(&doc, "#/nope"), None);
        assert_eq!(pointer(&doc, "other.yaml#/x"), None);
    }

    #[test]
    fn nested_refs_expand_with_required_marks() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "format": "int64"},
                "owner": {"$ref": "#/components/schemas/Owner"}}},
            "Owner": {"type": "object", "properties": {"name": {"type": "string", "description": "Full name"}}},
            "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
        }}});
        let t = tree(&doc, &json!({"$ref": "#/components/schemas/Pets"}));
        assert_eq!(t.type_label, "array of Pet");
        assert_eq!(t.ref_name.as_deref(), Some("Pets"));
        let id = &t.children[0];
        assert_eq!(
            (id.name.as_deref(), id.type_label.as_str(), id.required),
            (Some("id"), "integer (int64)", true)
        );
        let owner = &t.children[1];
        assert_eq!(owner.ref_name.as_deref(), Some("Owner"));
        assert_eq!(owner.children[0].description.as_deref(), Some("Full name"));
    }

    #[test]
    fn cycles_are_cut_not_followed() {
        let doc = json!({"definitions": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/Node"}, "kids": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}},
            "A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}
        }});
        let t = tree(&doc, &json!({"$ref": "#/definitions/Node"}));
        assert!(t.children[0].recursive, "{t:?}");
        assert!(t.children[1].recursive);
        assert_eq!(t.children[1].type_label, "array of Node");
        let looped = tree(&doc, &json!({"$ref": "#/definitions/A"}));
        assert!(looped.recursive);
        // Examples terminate too.
        assert_eq!(
            example(&doc, &json!({"$ref": "#/definitions/Node"})),
            json!({"next": null, "kids": [null]})
        );
    }

    #[test]
    fn unresolved_refs_are_reported() {
        let t = tree(&json!({}), &json!({"$ref": "common.yaml#/Error"}));
        assert_eq!(t.unresolved.as_deref(), Some("common.yaml#/Error"));
    }

    #[test]
    fn examples_prefer_given_values() {
        let doc = json!({});
        let schema = json!({"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string", "example": "doggie"},
            "status": {"type": "string", "enum": ["available", "sold"]}, "at": {"type": "string", "format": "date-time"}}});
        assert_eq!(
            example(&doc, &schema),
            json!({"id": 0, "name": "doggie", "status": "available", "at": "2024-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn all_of_merges_and_one_of_lists_variants() {
        let doc =
            json!({"s": {"Base": {"type": "object", "properties": {"id": {"type": "string"}}}}});
        let t = tree(
            &doc,
            &json!({"allOf": [{"$ref": "#/s/Base"}, {"type": "object", "properties": {"extra": {"type": "boolean"}}}]}),
        );
        let names: Vec<_> = t
            .children
            .iter()
            .filter_map(|c| c.name.as_deref())
            .collect();
        assert_eq!(names, ["id", "extra"]);
        let t = tree(
            &doc,
            &json!({"oneOf": [{"$ref": "#/s/Base"}, {"type": "string"}]}),
        );
        assert_eq!(t.type_label, "one of: object, string");
        assert_eq!(t.children[0].name.as_deref(), Some("Base"));
    }

    /// `S0` has `fan_out` properties of type `S1`, which has as many of type `S2`, … down to
    /// `S{depth}`: unfolded, `fan_out^depth` nodes.
    fn fan_out(fan_out: usize, depth: usize) -> Value {
        let mut schemas = Map::new();
        for level in 0..depth {
            let props: Map<String, Value> = (0..fan_out)
                .map(|i| {
                    (
                        format!("p{i}"),
                        json!({"$ref": format!("#/components/schemas/S{}", level + 1)}),
                    )
                })
                .collect();
            schemas.insert(
                format!("S{level}"),
                json!({"type": "object", "properties": props}),
            );
        }
        schemas.insert(format!("S{depth}"), json!({"type": "string"}));
        json!({"components": {"schemas": schemas}})
    }

    #[test]
    fn deep_fan_out_is_collapsed_and_opened_on_demand() {
        let started = std::time::Instant::now();
        // 2^40 nodes unfolded.
        let doc = fan_out(2, 40);
        let root = json!({"$ref": "#/components/schemas/S0"});
        let t = tree(&doc, &root);
        assert!(!t.too_large);
        // The root, its properties and theirs; those are collapsed.
        assert_eq!(t.walk().len(), 1 + 2 + 4, "{t:?}");
        let level2 = &t.children[0].children[1];
        assert_eq!(
            (level2.name.as_deref(), level2.ref_name.as_deref()),
            (Some("p1"), Some("S2"))
        );
        assert_eq!(level2.type_label, "object");
        let collapsed = level2.collapsed.as_ref().expect("collapsed");
        assert_eq!(collapsed.properties, Some(2));
        assert!(t.children[0].collapsed.is_none());
        // Opening it builds two more levels, and so on down.
        let opened = expand(collapsed);
        assert_eq!(opened.children.len(), 2);
        assert_eq!(opened.children[0].ref_name.as_deref(), Some("S3"));
        let deeper = opened.children[0].children[0].collapsed.as_ref().unwrap();
        let mut next = expand(deeper);
        for _ in 0..40 {
            let Some(c) = next
                .children
                .first()
                .and_then(|c| c.children.first())
                .and_then(|c| c.collapsed.clone())
            else {
                break;
            };
            next = expand(&c);
        }
        // S38 opened: S39, with its property of type S40, a string.
        assert_eq!(next.children[0].ref_name.as_deref(), Some("S39"));
        assert_eq!(
            next.children[0].children[0].type_label, "string",
            "{next:?}"
        );
        // The example stops at its depth too.
        let _ = example(&doc, &root);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn wide_fan_out_runs_out_of_units_and_says_so() {
        let started = std::time::Instant::now();
        let doc = fan_out(40, 12);
        let root = json!({"$ref": "#/components/schemas/S0"});
        let t = tree(&doc, &root);
        assert!(t.too_large);
        let nodes = t.walk().len();
        assert!(
            (TREE_BUDGET / 4..=TREE_BUDGET + MAX_NESTING).contains(&nodes),
            "{nodes}"
        );
        // What is shown starts with the first properties, complete.
        assert_eq!(t.children[0].children.len(), 40);
        // An example is bounded as well.
        let text = json_text(&example(&doc, &root), true, usize::MAX);
        assert!(text.len() < 64 * 1024, "{}", text.len());
        // The document's budget is shared: once spent, trees are labels only.
        let schemas = Schemas::with_budget(Rc::new(doc.clone()), 3 * TREE_BUDGET / 2);
        let first = schemas.tree(&root);
        let second = schemas.tree(&root);
        let third = schemas.tree(&root);
        assert!(first.too_large && second.too_large && third.too_large);
        assert!(second.walk().len() < first.walk().len());
        assert_eq!(
            (third.type_label.as_str(), third.children.len()),
            ("object", 0)
        );
        assert!(schemas.budget().exhausted());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn inline_nesting_is_bounded_and_collapsed_copies_are_paid_for() {
        // Arrays of arrays of … (same level each time) stop at the nesting limit.
        let mut items = json!({"type": "string"});
        for _ in 0..1_000 {
            items = json!({"type": "array", "items": items});
        }
        let t = tree(&json!({}), &items);
        assert!(
            t.type_label.starts_with("array of array of"),
            "{}",
            t.type_label
        );
        // Objects nested inline: collapsed below the eager levels, opened from a copy.
        let mut object = json!({"type": "integer"});
        for i in 0..200 {
            object = json!({"type": "object", "properties": {format!("k{i}"): object}});
        }
        let t = tree(&json!({}), &object);
        assert_eq!(t.walk().len(), 3);
        let level2 = &t.children[0].children[0];
        assert_eq!(level2.name.as_deref(), Some("k198"));
        let opened = expand(level2.collapsed.as_ref().unwrap());
        assert_eq!(opened.children[0].name.as_deref(), Some("k197"));
        assert!(opened.children[0].children[0].collapsed.is_some());
    }

    #[test]
    fn cycles_stay_cut_across_expansions() {
        let doc = json!({"s": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/s/B"}}},
            "B": {"type": "object", "properties": {"c": {"$ref": "#/s/C"}}},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/s/A"}, "d": {"type": "object", "properties": {"x": {"type": "string"}}}}}
        }});
        let t = tree(&doc, &json!({"$ref": "#/s/A"}));
        let c = &t.children[0].children[0];
        assert_eq!(c.ref_name.as_deref(), Some("C"));
        let opened = expand(c.collapsed.as_ref().unwrap());
        let a = &opened.children[0];
        assert!(a.recursive && a.collapsed.is_none(), "{a:?}");
        assert_eq!(opened.children[1].children[0].name.as_deref(), Some("x"));
    }

    #[test]
    fn copied_texts_are_clipped() {
        let long = "é".repeat(100_000);
        let values: Vec<Value> = (0..1_000).map(|i| json!(format!("v{i}"))).collect();
        let schema = json!({"type": "object", "properties": {
            "a": {"type": "string", "description": long, "default": {"big": long}, "enum": values}
        }});
        let t = tree(&json!({}), &schema);
        let a = &t.children[0];
        assert!(a.description.as_ref().unwrap().len() <= MAX_DESCRIPTION + 3);
        assert_eq!(a.enum_values.len(), MAX_ENUM + 1);
        assert_eq!(a.enum_values[MAX_ENUM], "… 900 more");
        assert!(
            a.constraints[0].len() < 2 * MAX_LABEL,
            "{}",
            a.constraints[0]
        );
        let text = json_text(&json!({"s": long}), true, 1_000);
        assert!(text.len() <= 1_000 + 3 && text.ends_with('…'));
        assert_eq!(clip("héllo", 2), "h…");
        assert_eq!(json_text(&json!([1, 2]), false, 100), "[1,2]");
    }
}
