//! Rewrites the infix operators whose meaning differs between nunjitsu and minijinja into
//! one call of [`super::operators`] per chain: `==`/`!=` (JavaScript's loose equality),
//! `===`/`!==` (strict), `+` (a string on either side concatenates), `~` (`null` prints
//! `null`), `-` next to those, `*`, `/`, `//`, `%` (numbers only: `"word " * 3` is `NaN`),
//! `<`, `<=`, `>`, `>=` (`undefined < 1` is false; `3 > 2 > 1` is false). The operands are found with nunjitsu's
//! precedence (low to
//! high: inline `if`, `or`, `and`, `not`, `in`, `is`, equality, relational, additive
//! `+ - ~` (one level, left to right), multiplicative, `**`, filters, unary, postfix);
//! everything a rewrite does not touch is kept byte for byte. Also: the operand of a
//! Python slice goes through `__js_slice_source` (a string slices as a list of characters).

/// Words that end an operand (operators looser than equality).
const BOUNDARY_WORDS: &[&str] = &["if", "else", "or", "and", "not", "in", "is"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ends an operand: `,`, `:`, `=`, a looser keyword, the statement's name.
    Boundary,
    /// An operator symbol.
    Op,
    /// Whitespace.
    Space,
    /// Anything else: names, literals, groups, `.`, `|`.
    Operand,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
}

/// Deepest bracket nesting rewritten (minijinja refuses deeper expressions anyway).
const MAX_NESTING: usize = 128;

const OPS: &[&str] = &[
    "===", "!==", "==", "!=", "<=", ">=", "//", "**", "<", ">", "+", "-", "*", "/", "%", "~",
];

/// The tag body with the operators rewritten (the text itself when nothing changes).
/// `statement` says the body starts with a statement name (`{% if … %}`).
/// Refused as nunjitsu refuses it: a test argument without parentheses (`is equalto 3`).
pub fn rewrite(body: &str, statement: bool) -> Result<String, String> {
    // Whitespace-control markers hug the delimiters: keep them out of the expression.
    let (lead, inner, trail) = split_markers(body);
    let chars: Vec<char> = inner.chars().collect();
    let mut pos = 0;
    let mut problem = None;
    let tokens = tokenize(&chars, &mut pos, None, statement, 0, &mut problem);
    if let Some(problem) = problem {
        return Err(problem);
    }
    Ok(format!("{lead}{}{trail}", emit_level(&tokens)))
}

/// `is [not] name` followed by an operand that is not a parenthesized argument list.
fn bare_test_argument(tokens: &[Token]) -> bool {
    let significant: Vec<&Token> = tokens.iter().filter(|t| t.kind != Kind::Space).collect();
    significant.iter().enumerate().any(|(i, t)| {
        if !(t.kind == Kind::Boundary && t.text == "is") {
            return false;
        }
        let mut j = i + 1;
        if significant.get(j).is_some_and(|t| t.text == "not") {
            j += 1;
        }
        significant.get(j + 1).is_some_and(|next| {
            next.kind == Kind::Operand
                && !next.text.starts_with('(')
                && !matches!(next.text.as_str(), "." | "|")
        })
    })
}

fn split_markers(body: &str) -> (&str, &str, &str) {
    let lead = usize::from(body.starts_with(['-', '+']));
    let rest = &body[lead..];
    let trail = usize::from(rest.ends_with(['-', '+']));
    (
        &body[..lead],
        &rest[..rest.len() - trail],
        &rest[rest.len() - trail..],
    )
}

/// Tokens of one bracket level, up to `close` (consumed).
fn tokenize(
    chars: &[char],
    pos: &mut usize,
    close: Option<char>,
    statement: bool,
    depth: usize,
    problem: &mut Option<String>,
) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    if depth > MAX_NESTING {
        *problem = Some("expression nested too deeply".into());
        *pos = chars.len();
        return tokens;
    }
    let mut first_word = statement;
    while *pos < chars.len() {
        let c = chars[*pos];
        if Some(c) == close {
            *pos += 1;
            break;
        }
        if c.is_whitespace() {
            let start = *pos;
            while *pos < chars.len() && chars[*pos].is_whitespace() {
                *pos += 1;
            }
            tokens.push(Token {
                kind: Kind::Space,
                text: chars[start..*pos].iter().collect(),
            });
            continue;
        }
        if c == '"' || c == '\'' {
            let start = *pos;
            *pos += 1;
            while *pos < chars.len() && chars[*pos] != c {
                if chars[*pos] == '\\' {
                    *pos += 1;
                }
                *pos += 1;
            }
            *pos = (*pos + 1).min(chars.len());
            tokens.push(operand(chars[start..*pos].iter().collect()));
            continue;
        }
        if let Some(closing) = match c {
            '(' => Some(')'),
            '[' => Some(']'),
            '{' => Some('}'),
            _ => None,
        } {
            *pos += 1;
            let inner = tokenize(chars, pos, Some(closing), false, depth + 1, problem);
            if c == '['
                && inner
                    .iter()
                    .any(|t| t.kind == Kind::Boundary && t.text == ":")
            {
                wrap_slice_source(&mut tokens);
            }
            tokens.push(operand(format!("{c}{}{closing}", emit_level(&inner))));
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let start = *pos;
            while *pos < chars.len() && (chars[*pos].is_alphanumeric() || chars[*pos] == '_') {
                *pos += 1;
            }
            // A number's fraction (`1.5`) stays in the same token.
            if c.is_ascii_digit()
                && chars.get(*pos) == Some(&'.')
                && chars.get(*pos + 1).is_some_and(char::is_ascii_digit)
            {
                *pos += 1;
                while *pos < chars.len() && chars[*pos].is_alphanumeric() {
                    *pos += 1;
                }
            }
            let word: String = chars[start..*pos].iter().collect();
            let after_dot = tokens
                .iter()
                .rev()
                .find(|t| t.kind != Kind::Space)
                .is_some_and(|t| t.text == ".");
            let boundary = first_word || (!after_dot && BOUNDARY_WORDS.contains(&word.as_str()));
            // A prefix `not` (not `not in`) belongs to the operand after it: nunjitsu applies
            // it to the leftmost operand of an arithmetic or comparison chain
            // (`not 1 == 2` is `(not 1) == 2`).
            let prefix_not =
                !first_word && !after_dot && word == "not" && !next_word_is_in(chars, *pos);
            first_word = false;
            tokens.push(Token {
                kind: if prefix_not {
                    Kind::Op
                } else if boundary {
                    Kind::Boundary
                } else {
                    Kind::Operand
                },
                text: word,
            });
            continue;
        }
        first_word = false;
        let rest: String = chars[*pos..(*pos + 3).min(chars.len())].iter().collect();
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            *pos += op.chars().count();
            tokens.push(Token {
                kind: Kind::Op,
                text: (*op).to_string(),
            });
            continue;
        }
        *pos += 1;
        let kind = if matches!(c, ',' | ':' | '=' | ')' | ']' | '}') {
            Kind::Boundary
        } else {
            Kind::Operand
        };
        tokens.push(Token {
            kind,
            text: c.to_string(),
        });
    }
    if bare_test_argument(&tokens) {
        *problem = Some("a test's argument needs parentheses (`is equalto(3)`)".into());
    }
    tokens
}

/// A Python slice (`name[1:3]`) of a string gives a list of its characters in nunjitsu:
/// the sliced operand (the postfix chain right before the `[`) goes through
/// `__js_slice_source` first.
fn wrap_slice_source(tokens: &mut Vec<Token>) {
    let mut start = tokens.len();
    while start > 0 {
        let t = &tokens[start - 1];
        if t.kind != Kind::Operand || t.text == "|" {
            break;
        }
        start -= 1;
    }
    if start == tokens.len() {
        return;
    }
    let chain = text_of(&tokens[start..]);
    tokens.truncate(start);
    tokens.push(operand(format!("__js_slice_source({chain})")));
}

fn next_word_is_in(chars: &[char], mut pos: usize) -> bool {
    while chars.get(pos).is_some_and(|c| c.is_whitespace()) {
        pos += 1;
    }
    chars.get(pos) == Some(&'i')
        && chars.get(pos + 1) == Some(&'n')
        && !chars
            .get(pos + 2)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

fn operand(text: String) -> Token {
    Token {
        kind: Kind::Operand,
        text,
    }
}

fn text_of(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.text.as_str()).collect()
}

/// One bracket level: boundaries split it into independent expressions.
fn emit_level(tokens: &[Token]) -> String {
    let mut out = String::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == Kind::Boundary {
            out.push_str(&equality(&tokens[start..i]));
            out.push_str(&t.text);
            start = i + 1;
        }
    }
    out.push_str(&equality(&tokens[start..]));
    out
}

/// The operator tokens of `ops` in `tokens` that are binary (follow an operand).
fn binary_positions(tokens: &[Token], ops: &[&str]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut prev: Option<Kind> = None;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == Kind::Space {
            continue;
        }
        if t.kind == Kind::Op && prev == Some(Kind::Operand) && ops.contains(&t.text.as_str()) {
            found.push(i);
        }
        prev = Some(t.kind);
    }
    found
}

/// Splits at `ops` (binary ones) and, when `rewrite_chain` says so, writes the chain as one
/// call `__js_ops(p0, "op", p1, "op", p2…)` that folds left with JavaScript's semantics (one
/// call, not nested ones: a long chain stays within minijinja's nesting limit); `next`
/// emits each part.
fn fold(
    tokens: &[Token],
    ops: &[&str],
    rewrite_chain: impl Fn(&[&str]) -> bool,
    next: impl Fn(&[Token]) -> String,
) -> String {
    let at = binary_positions(tokens, ops);
    if at.is_empty() {
        return next(tokens);
    }
    let chain: Vec<&str> = at.iter().map(|&i| tokens[i].text.as_str()).collect();
    let mut parts: Vec<&[Token]> = Vec::new();
    let mut start = 0;
    for &i in &at {
        parts.push(&tokens[start..i]);
        start = i + 1;
    }
    parts.push(&tokens[start..]);
    // `not a < b` is `(not a) < b` in nunjitsu: such a chain is always rewritten.
    let leading_not = parts[0]
        .iter()
        .find(|t| t.kind != Kind::Space)
        .is_some_and(|t| t.kind == Kind::Op && t.text == "not");
    if !leading_not && !rewrite_chain(&chain) {
        let mut out = next(parts[0]);
        for (op, part) in chain.iter().zip(&parts[1..]) {
            out.push_str(op);
            out.push_str(&next(part));
        }
        return out;
    }
    let lead: String = text_of(parts[0])
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let last = text_of(parts[parts.len() - 1]);
    let trail = &last[last.trim_end().len()..];
    let mut out = format!("{lead}__js_ops({}", next(parts[0]).trim());
    for (op, part) in chain.iter().zip(&parts[1..]) {
        out.push_str(&format!(", \"{op}\", {}", next(part).trim()));
    }
    out.push(')');
    out.push_str(trail);
    out
}

fn equality(tokens: &[Token]) -> String {
    fold(tokens, &["==", "===", "!=", "!=="], |_| true, relational)
}

/// JavaScript's comparisons: `undefined < 1` is false (NaN), a chain (`3 > 2 > 1`) folds
/// left.
fn relational(tokens: &[Token]) -> String {
    fold(tokens, &["<", "<=", ">", ">="], |_| true, additive)
}

/// minijinja refuses `'3' + 4`, prints `true` as `True` and reads `~` looser than `-`: a
/// chain with `+` or `~` is JavaScript's (one level, left to right).
fn additive(tokens: &[Token]) -> String {
    fold(
        tokens,
        &["+", "-", "~"],
        |chain| chain.contains(&"+") || chain.contains(&"~"),
        multiplicative,
    )
}

/// `*`, `/`, `//`, `%` on numbers as JavaScript (`'a' * 3` is NaN, `-7 % 3` is -1, `1 / 0`
/// is Infinity).
fn multiplicative(tokens: &[Token]) -> String {
    fold(tokens, &["*", "/", "//", "%"], |_| true, unary_plus)
}

/// minijinja has no unary `+`: `+x` (JavaScript's `Number(x)`) becomes `x * 1`.
fn unary_plus(tokens: &[Token]) -> String {
    let Some(first) = tokens.iter().position(|t| t.kind != Kind::Space) else {
        return text_of(tokens);
    };
    if !(tokens[first].kind == Kind::Op && tokens[first].text == "+") {
        return text_of(tokens);
    }
    let rest = text_of(&tokens[first + 1..]);
    let trail = &rest[rest.trim_end().len()..];
    format!(
        "{}__js_ops({}, \"*\", 1){trail}",
        text_of(&tokens[..first]),
        // Not recursive: `+ +x` stays an error, as in nunjitsu.
        rest.trim()
    )
}

#[cfg(test)]
mod tests {
    fn rewrite(body: &str, statement: bool) -> String {
        super::rewrite(body, statement).unwrap()
    }

    #[test]
    fn operators_become_calls_with_nunjitsu_precedence() {
        assert_eq!(rewrite(" 1 == '1' ", false), " __js_ops(1, \"==\", '1') ");
        assert_eq!(rewrite(" '3' + 4 ", false), " __js_ops('3', \"+\", 4) ");
        assert_eq!(
            rewrite(" a + b + c ", false),
            " __js_ops(a, \"+\", b, \"+\", c) "
        );
        assert_eq!(
            rewrite(" a - b + c ", false),
            " __js_ops(a, \"-\", b, \"+\", c) "
        );
        assert_eq!(
            rewrite(" a + b * c ", false),
            " __js_ops(a, \"+\", __js_ops(b, \"*\", c)) "
        );
        assert_eq!(
            rewrite(" 'a' ~ 1 + 2 ", false),
            " __js_ops('a', \"~\", 1, \"+\", 2) "
        );
        assert_eq!(rewrite(" 'a' ~ b ", false), " __js_ops('a', \"~\", b) ");
        assert_eq!(
            rewrite(" x + 1 == y and not z !== 2 ", false),
            " __js_ops(__js_ops(x, \"+\", 1), \"==\", y) and __js_ops(not z, \"!==\", 2) "
        );
        assert_eq!(rewrite(" -x + 1 ", false), " __js_ops(-x, \"+\", 1) ");
        assert_eq!(rewrite(" x | f + 1 ", false), " __js_ops(x | f, \"+\", 1) ");
        assert_eq!(
            rewrite(" f(a + b, c=1 + 2) ", false),
            " f(__js_ops(a, \"+\", b), c=__js_ops(1, \"+\", 2)) "
        );
        assert_eq!(
            rewrite(" {'k': a == b} ", false),
            " {'k': __js_ops(a, \"==\", b)} "
        );
        assert_eq!(
            rewrite(" 'x' if a == 1 else 'y' ", false),
            " 'x' if __js_ops(a, \"==\", 1) else 'y' "
        );
        assert_eq!(
            rewrite(" set total = total + s.hours ", true),
            " set total = __js_ops(total, \"+\", s.hours) "
        );
        assert_eq!(
            rewrite("- if a == 1 -", true),
            "- if __js_ops(a, \"==\", 1) -"
        );
        assert_eq!(rewrite(" 1.5 + 2 ", false), " __js_ops(1.5, \"+\", 2) ");
        assert_eq!(rewrite(" +x ", false), " __js_ops(x, \"*\", 1) ");
        assert_eq!(
            rewrite(" p.name[1:3] | join ", false),
            " __js_slice_source(p.name)[1:3] | join "
        );
    }

    #[test]
    fn text_without_those_operators_is_kept() {
        for body in [
            " x - 1 ",
            " 2 ** 10 ",
            " xs[1] ",
            " [1, 2] ",
            " for k, v in m ",
            " x is divisibleby(3) ",
            " 'a + b' ",
            " macro m(a, b=\"==\") ",
        ] {
            assert_eq!(rewrite(body, false), body);
        }
    }

    #[test]
    fn hostile_expressions_stay_cheap() {
        // Long chains fold in linear time; deep nesting is refused, not recursed into.
        let long = format!(" 1{} ", " + 1".repeat(200_000));
        let started = std::time::Instant::now();
        let out = super::rewrite(&long, false).unwrap();
        assert!(out.starts_with(" __js_ops(1, \"+\", 1, \"+\""));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(super::rewrite(&format!(" {}x ", "+ ".repeat(100_000)), false).is_ok());
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(super::rewrite(&deep, false).is_err());
    }

    #[test]
    fn test_arguments_need_parentheses() {
        // nunjitsu 0.7.0: `3 is equalto 3` is a syntax error; `is equalto(3)` works.
        assert!(super::rewrite(" 3 is equalto 3 ", false).is_err());
        assert!(super::rewrite(" 3 is not equalto 3 ", false).is_err());
        assert!(super::rewrite(" f(3 is equalto 3) ", false).is_err());
        for ok in [
            " 3 is equalto(3) ",
            " x is defined and y ",
            " x is not none ",
            " 'a' if x is string else 'b' ",
        ] {
            assert!(super::rewrite(ok, false).is_ok(), "{ok}");
        }
    }
}
