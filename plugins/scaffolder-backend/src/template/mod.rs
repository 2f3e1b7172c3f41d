//! `${{ … }}` templating with Backstage's semantics (nunjucks through its `nunjitsu` engine),
//! on minijinja: custom delimiters, autoescape off, chainable undefined that prints nothing,
//! values printed as JavaScript prints them, nunjucks' filters, Backstage's filters, a fuel
//! and output cap so a hostile template stops with an error.

pub mod backstage;
pub mod filters;
pub mod globals;
pub mod infix;
pub mod js;
pub mod loop_sets;
pub mod methods;
pub mod operators;
pub mod regex_literal;
pub mod urlize;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Value;
use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value as Json;

pub use backstage::Integrations;

/// Bounds on one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// minijinja fuel (roughly, instructions) one render may spend.
    pub fuel: u64,
    /// Longest rendered text, in bytes.
    pub max_output: usize,
    /// Deepest nesting of calls and blocks.
    pub recursion: usize,
    /// Longest template source, in bytes.
    pub max_source: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 5_000_000,
            max_output: 16 * 1024 * 1024,
            recursion: 100,
            max_source: 4 * 1024 * 1024,
        }
    }
}

/// Options of a [`Templater`].
#[derive(Debug, Clone, Default)]
pub struct TemplaterOptions {
    /// `{{ }}` variables, `cookiecutter.x`, the `jsonify` filter (fetch:template).
    pub cookiecutter_compat: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub integrations: Integrations,
    pub limits: Limits,
}

/// A render failure, with the position in the template text when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub message: String,
    /// 1-based line in the template text.
    pub line: Option<usize>,
    /// Byte range in the template text.
    pub range: Option<std::ops::Range<usize>>,
}

impl TemplateError {
    fn new(message: impl Into<String>) -> Self {
        TemplateError {
            message: message.into(),
            line: None,
            range: None,
        }
    }

    fn from_minijinja(err: &minijinja::Error) -> Self {
        let message = match err.detail() {
            Some(detail) => format!("{}: {detail}", kind_text(err.kind())),
            None => kind_text(err.kind()).to_string(),
        };
        TemplateError {
            message,
            line: err.line(),
            range: err.range(),
        }
    }
}

fn kind_text(kind: minijinja::ErrorKind) -> &'static str {
    use minijinja::ErrorKind as K;
    match kind {
        K::SyntaxError => "syntax error",
        K::UnknownFilter => "unknown filter",
        K::UnknownTest => "unknown test",
        K::UnknownFunction => "unknown function",
        K::UnknownMethod => "unknown method",
        K::OutOfFuel => "template too complex (out of fuel)",
        K::InvalidOperation => "invalid operation",
        K::UndefinedError => "undefined value",
        K::TooManyArguments => "too many arguments",
        K::MissingArgument => "missing argument",
        K::BadSerialization => "bad value",
        _ => "template error",
    }
}

/// A renderer for one syntax (Backstage's `${{ }}` or cookiecutter's `{{ }}`).
pub struct Templater {
    normal: Environment<'static>,
    /// The same environment whose formatter writes values as `dump` would (JSON coercion).
    json: Environment<'static>,
    limits: Limits,
    variable_start: &'static str,
}

impl std::fmt::Debug for Templater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templater")
            .field("variable_start", &self.variable_start)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Templater {
    pub fn new(options: &TemplaterOptions) -> Self {
        let variable_start = if options.cookiecutter_compat {
            "{{"
        } else {
            "${{"
        };
        Templater {
            normal: environment(options, variable_start, false),
            json: environment(options, variable_start, true),
            limits: options.limits,
            variable_start,
        }
    }

    /// A renderer with the workflow's status globals: `always()` (true) and `failure()`
    /// (whether a step failed); calling either sets `checked`.
    pub fn with_status(
        options: &TemplaterOptions,
        failed: Arc<AtomicBool>,
        checked: Arc<AtomicBool>,
    ) -> Self {
        let mut templater = Templater::new(options);
        for env in [&mut templater.normal, &mut templater.json] {
            let c = checked.clone();
            env.add_function("always", move || {
                c.store(true, Ordering::SeqCst);
                true
            });
            let (c, f) = (checked.clone(), failed.clone());
            env.add_function("failure", move || {
                c.store(true, Ordering::SeqCst);
                f.load(Ordering::SeqCst)
            });
        }
        templater
    }

    /// Renders `source` to text (`renderer.render`).
    pub fn render(&self, source: &str, context: &Json) -> Result<String, TemplateError> {
        self.render_with(&self.normal, source, context)
    }

    fn render_with(
        &self,
        env: &Environment<'static>,
        source: &str,
        context: &Json,
    ) -> Result<String, TemplateError> {
        if source.len() > self.limits.max_source {
            return Err(TemplateError::new(format!(
                "template is longer than {} bytes",
                self.limits.max_source
            )));
        }
        // Fast path: nothing to render.
        if !source.contains(self.variable_start) && !source.contains("{%") && !source.contains("{#")
        {
            return Ok(source.to_string());
        }
        let source = nunjucks_to_jinja(source, self.variable_start)?;
        let source = loop_sets::mirror(&source, self.variable_start);
        let out = env
            .render_str(&source, js::from_json(context))
            .map_err(|e| TemplateError::from_minijinja(&e))?;
        if out.len() > self.limits.max_output {
            return Err(TemplateError::new(format!(
                "rendered text is longer than {} bytes",
                self.limits.max_output
            )));
        }
        Ok(out)
    }

    /// Renders a value template as Backstage's workflow runner does (`renderValue` with JSON
    /// coercion): a template that is one interpolation, or one block tag, keeps the JSON type
    /// of what it prints; anything else is text. `None` is JavaScript's `undefined` (empty
    /// output).
    pub fn render_value(
        &self,
        source: &str,
        context: &Json,
    ) -> Result<Option<Json>, TemplateError> {
        let shape = root_shape(source, self.variable_start);
        if shape == RootShape::Text {
            let out = self.render(source, context)?;
            return Ok(if out.is_empty() {
                None
            } else {
                Some(Json::String(out))
            });
        }
        let encoded = self.render_with(&self.json, source, context)?;
        if encoded.is_empty() {
            return Ok(None);
        }
        match serde_json::from_str::<Json>(&encoded) {
            Ok(json) => Ok(Some(json)),
            Err(_) => {
                let out = self.render(source, context)?;
                Ok(if out.is_empty() {
                    None
                } else {
                    Some(Json::String(out))
                })
            }
        }
    }
}

fn environment(
    options: &TemplaterOptions,
    variable_start: &str,
    json_mode: bool,
) -> Environment<'static> {
    let mut env = Environment::new();
    let mut syntax = SyntaxConfig::builder();
    syntax
        .block_delimiters("{%", "%}")
        .variable_delimiters(variable_start.to_string(), "}}")
        .comment_delimiters("{#", "#}")
        .trim_blocks(options.trim_blocks)
        .lstrip_blocks(options.lstrip_blocks)
        .keep_trailing_newline(true);
    if let Ok(config) = syntax.build() {
        env.set_syntax(config);
    }
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_fuel(Some(options.limits.fuel));
    env.set_recursion_limit(options.limits.recursion);
    if json_mode {
        env.set_formatter(|out, _state, value| {
            if let minijinja::value::ValueKind::Undefined = value.kind() {
                return Ok(());
            }
            if let Some(json) = js::to_json(value) {
                out.write_str(&js::stringify(&json, ""))?;
            }
            Ok(())
        });
    } else {
        env.set_formatter(|out, _state, value| {
            out.write_str(&js::to_display_string(value))?;
            Ok(())
        });
    }
    filters::register(&mut env);
    operators::register(&mut env);
    regex_literal::register(&mut env);
    methods::register(&mut env);
    urlize::register(&mut env);
    globals::register(&mut env);
    backstage::register(&mut env, &options.integrations);
    if options.cookiecutter_compat {
        env.add_filter("jsonify", filters::dump);
    }
    use minijinja::value::ValueKind as K;
    let definedness = |v: &Value| -> Result<bool, minijinja::Error> {
        if globals::is_callable(v) {
            return Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                "Callable values cannot be coerced",
            ));
        }
        Ok(!v.is_undefined())
    };
    env.add_test("defined", move |v: Value| definedness(&v));
    env.add_test("undefined", move |v: Value| definedness(&v).map(|d| !d));
    env.add_test("null", |v: Value| v.is_none());
    env.add_test("none", |v: Value| v.is_none());
    env.add_test("truthy", |v: Value| js::truthy(&v));
    env.add_test("falsy", |v: Value| !js::truthy(&v));
    env.add_test("callable", |v: Value| globals::is_callable(&v));
    env.add_test("string", |v: Value| v.kind() == K::String);
    env.add_test("number", |v: Value| v.kind() == K::Number);
    env.add_test("mapping", |v: Value| v.kind() == K::Map);
    env.add_test("iterable", |v: Value| {
        matches!(v.kind(), K::Seq | K::String | K::Iterable)
    });
    env
}

/// Rewrites the nunjucks spellings minijinja does not read, inside tags only (outside
/// string literals): `elseif` → `elif`; operators as JavaScript reads them ([`infix`]); unquoted object keys
/// (`{ a: 1 }`) quoted; `True`/`False`/`None` (plain undefined names in nunjucks) made
/// undefined; `for` over an object: one loop variable sees nothing, two see key and value.
fn nunjucks_to_jinja<'s>(
    source: &'s str,
    variable_start: &str,
) -> Result<std::borrow::Cow<'s, str>, TemplateError> {
    let mut out = String::with_capacity(source.len() + 16);
    let mut rest = source;
    let mut changed = false;
    loop {
        let next_var = rest.find(variable_start);
        let next_block = rest.find("{%");
        let next_comment = rest.find("{#");
        let Some(at) = [next_var, next_block, next_comment]
            .into_iter()
            .flatten()
            .min()
        else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (open, close) = if Some(at) == next_var && tail.starts_with(variable_start) {
            (variable_start, "}}")
        } else if tail.starts_with("{%") {
            ("{%", "%}")
        } else {
            ("{#", "#}")
        };
        let Some(end) = find_tag_end(&tail[open.len()..], close) else {
            out.push_str(tail);
            break;
        };
        let body = &tail[open.len()..open.len() + end];
        let tag = &tail[..open.len() + end + close.len()];
        if close == "}}" && unbalanced_braces(body) {
            return Err(TemplateError::new(
                "expected variable end (nunjucks ends a variable at the first `}}`)",
            ));
        }
        if open == "{#" {
            out.push_str(tag);
        } else if open == "{%"
            && let Some(len) = raw_block_len(body, &tail[tag.len()..])
        {
            // `{% raw %}…{% endraw %}` is kept as written.
            out.push_str(tag);
            out.push_str(&tail[tag.len()..tag.len() + len]);
            rest = &tail[tag.len() + len..];
            continue;
        } else {
            let rewritten = infix::rewrite(&rewrite_expression(body)?, open == "{%")
                .map_err(TemplateError::new)?;
            let mut new_tag = format!("{open}{rewritten}{close}");
            if open == "{%" {
                let trimmed = rewritten.trim_start_matches(['-', '+']).trim_start();
                if trimmed.starts_with("elseif") {
                    new_tag = new_tag.replacen("elseif", "elif", 1);
                } else if let Some(loop_tag) = for_loop(&new_tag) {
                    new_tag = loop_tag;
                }
            }
            if new_tag != tag {
                changed = true;
            }
            out.push_str(&new_tag);
        }
        rest = &tail[tag.len()..];
    }
    Ok(if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(source)
    })
}

/// For a `raw` tag body: the length of what follows it up to and including its
/// `{% endraw %}` (everything in between is literal text). `None` for other tags, or when
/// the block is not closed.
fn raw_block_len(body: &str, after: &str) -> Option<usize> {
    let word = body.trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
    if word != "raw" {
        return None;
    }
    let mut searched = 0;
    while let Some(i) = after[searched..].find("{%") {
        let open = searched + i;
        let inner = &after[open + 2..];
        let end = inner.find("%}")?;
        if inner[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace())
            == "endraw"
        {
            return Some(open + 2 + end + 2);
        }
        searched = open + 2;
    }
    None
}

/// More `{` than `}` outside string literals.
fn unbalanced_braces(body: &str) -> bool {
    let mut depth = 0i64;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in body.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// After `last_sig`, a `[` or `.` reads a member (not a list literal or a number).
fn member_position(last_sig: Option<char>) -> bool {
    matches!(last_sig, Some('a' | ']' | ')' | '"' | '\''))
}

/// `[-3]` at `chars[i]`: the subscript's end index and its digits.
fn negative_subscript(chars: &[char], i: usize) -> Option<(usize, String)> {
    let mut j = i + 1;
    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    if chars.get(j) != Some(&'-') {
        return None;
    }
    j += 1;
    let start = j;
    while chars.get(j).is_some_and(char::is_ascii_digit) {
        j += 1;
    }
    if j == start {
        return None;
    }
    let digits: String = chars[start..j].iter().collect();
    while chars.get(j).is_some_and(|c| c.is_whitespace()) {
        j += 1;
    }
    (chars.get(j) == Some(&']')).then_some((j, digits))
}

/// Expression-level rewrites outside string literals; also JavaScript's member reads that
/// minijinja answers differently: `x.length` (→ `x | __js_length`) and a negative literal
/// index (`xs[-1]` is the key `"-1"` in JavaScript: undefined for arrays and strings);
/// regex literals (`r/…/g`) become [`regex_literal`] calls.
fn rewrite_expression(body: &str) -> Result<String, TemplateError> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut brackets: Vec<char> = Vec::new();
    let mut i = 0;
    let mut last_sig: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            out.extend(&chars[start..i]);
            last_sig = Some(c);
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word == "r" && chars.get(i) == Some(&'/') && last_sig != Some('.') {
                let (end, source, flags) =
                    regex_literal::scan(&chars, start).map_err(TemplateError::new)?;
                out.push_str(&regex_literal::as_call(&source, &flags));
                i = end;
                last_sig = Some(')');
                continue;
            }
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let in_object = brackets.last() == Some(&'{');
            let key_position = in_object && matches!(last_sig, Some('{') | Some(','));
            if key_position && chars.get(j) == Some(&':') {
                out.push('"');
                out.push_str(&word);
                out.push('"');
            } else if word == "length"
                && last_sig == Some('.')
                && out.ends_with('.')
                && chars.get(j) != Some(&'(')
                && !(chars.get(j) == Some(&'=') && chars.get(j + 1) != Some(&'='))
            {
                out.pop();
                out.push_str(" | __js_length");
            } else if word == "null" && last_sig != Some('.') {
                out.push_str("none");
            } else if matches!(word.as_str(), "True" | "False" | "None") && last_sig != Some('.') {
                out.push_str("__nunjucks_undefined_");
                out.push_str(&word);
            } else {
                out.push_str(&word);
            }
            last_sig = Some('a');
            continue;
        }
        if c.is_ascii_digit() && last_sig != Some('.') {
            // nunjitsu's numbers are `\d+(\.\d*)?`; a letter or `_` right after is an error.
            let start = i;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
            }
            if chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
            {
                return Err(TemplateError::new("Invalid numeric literal"));
            }
            out.extend(&chars[start..i]);
            last_sig = Some('a');
            continue;
        }
        if c == '['
            && member_position(last_sig)
            && let Some((end, digits)) = negative_subscript(&chars, i)
        {
            out.push_str(&format!("[\"-{digits}\"]"));
            i = end + 1;
            last_sig = Some(']');
            continue;
        }
        match c {
            '{' | '[' | '(' => brackets.push(c),
            '}' | ']' | ')' => {
                brackets.pop();
            }
            _ => {}
        }
        if !c.is_whitespace() {
            last_sig = Some(c);
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// `{% for … in EXPR %}` over an object: `for a, b` → `(EXPR) | __pairs`, `for a` →
/// `(EXPR) | __seq`.
fn for_loop(tag: &str) -> Option<String> {
    let open_len = if tag.starts_with("{%-") || tag.starts_with("{%+") {
        3
    } else {
        2
    };
    let close_len = if tag.ends_with("-%}") || tag.ends_with("+%}") {
        3
    } else {
        2
    };
    if tag.len() < open_len + close_len {
        return None;
    }
    let body = &tag[open_len..tag.len() - close_len];
    let rest = body.trim_start().strip_prefix("for ")?;
    let in_at = rest.find(" in ")?;
    let targets = &rest[..in_at];
    if targets.contains('(') {
        return None;
    }
    let filter = if targets.contains(',') {
        "__pairs"
    } else {
        "__seq"
    };
    let expr = rest[in_at + 4..].trim();
    let (expr, recursive) = match expr.strip_suffix(" recursive") {
        Some(e) => (e, " recursive"),
        None => (expr, ""),
    };
    // Nunjucks has no loop filter: `for x in xs if cond` reads as `for x in (xs if cond)`.
    let expr = match expr.find(" if ") {
        Some(i) if !expr[i + 4..].contains(" else ") => {
            format!("(({}) if {})", &expr[..i], &expr[i + 4..])
        }
        _ => format!("({expr})"),
    };
    Some(format!(
        "{}for {targets} in {expr} | {filter}{recursive} {}",
        &tag[..open_len],
        &tag[tag.len() - close_len..]
    ))
}

/// What the template's top level is, as the JSON coercion decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RootShape {
    /// One node that is not literal text: an interpolation or a block statement.
    Single,
    /// Anything else.
    Text,
}

/// Counts top-level nodes as nunjucks' parser makes them: each literal text run, each
/// interpolation, each statement (a block statement with its body is one node). Comments
/// make none.
fn root_shape(source: &str, variable_start: &str) -> RootShape {
    const OPENERS: &[&str] = &[
        "if",
        "for",
        "asyncEach",
        "asyncAll",
        "macro",
        "call",
        "filter",
        "block",
        "switch",
    ];
    let mut nodes = 0usize;
    let mut text_nodes = 0usize;
    let mut depth = 0usize;
    let mut rest = source;
    let mut pending_text = false;
    let flush = |pending: &mut bool, nodes: &mut usize, text_nodes: &mut usize, depth: usize| {
        if *pending && depth == 0 {
            *nodes += 1;
            *text_nodes += 1;
        }
        *pending = false;
    };
    loop {
        let next_var = rest.find(variable_start);
        let next_block = rest.find("{%");
        let next_comment = rest.find("{#");
        let next = [next_var, next_block, next_comment]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else {
            if !rest.is_empty() {
                pending_text = true;
            }
            flush(&mut pending_text, &mut nodes, &mut text_nodes, depth);
            break;
        };
        if at > 0 {
            pending_text = true;
        }
        let tail = &rest[at..];
        if Some(at) == next_comment && !tail.starts_with(variable_start) {
            // A comment: no node, but it does not join the text around it either.
            match tail.find("#}") {
                Some(end) => {
                    rest = &tail[end + 2..];
                    continue;
                }
                None => return RootShape::Text,
            }
        }
        flush(&mut pending_text, &mut nodes, &mut text_nodes, depth);
        if let Some(inner) = tail.strip_prefix(variable_start) {
            let Some(end) = find_tag_end(inner, "}}") else {
                return RootShape::Text;
            };
            if depth == 0 {
                nodes += 1;
            }
            rest = &inner[end + 2..];
            continue;
        }
        let Some(end) = find_tag_end(&tail[2..], "%}") else {
            return RootShape::Text;
        };
        let body =
            tail[2..2 + end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        let word: String = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        rest = &tail[2 + end + 2..];
        if word == "raw" || word == "verbatim" {
            let close = format!("end{word}");
            // Everything up to the closing tag is literal.
            let mut found = None;
            let mut search = rest;
            let mut consumed = 0;
            while let Some(i) = search.find("{%") {
                let after = &search[i + 2..];
                if let Some(e) = after.find("%}")
                    && after[..e].trim_matches(|c: char| c == '-' || c.is_whitespace()) == close
                {
                    found = Some(consumed + i + 2 + e + 2);
                    break;
                }
                consumed += i + 2;
                search = &search[i + 2..];
            }
            match found {
                Some(skip) => rest = &rest[skip..],
                None => return RootShape::Text,
            }
            if depth == 0 {
                nodes += 1;
            }
            continue;
        }
        let opens = OPENERS.contains(&word.as_str()) || (word == "set" && !body.contains('='));
        if opens {
            if depth == 0 {
                nodes += 1;
            }
            depth += 1;
        } else if word.starts_with("end") {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && !matches!(
                word.as_str(),
                "else" | "elif" | "elseif" | "case" | "default"
            )
        {
            nodes += 1;
        }
    }
    if nodes == 1 && text_nodes == 0 {
        RootShape::Single
    } else {
        RootShape::Text
    }
}

/// Where `close` ends a tag body, skipping string literals.
fn find_tag_end(body: &str, close: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' {
                    quote = Some(b);
                } else if body[i..].starts_with(close) {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests;
