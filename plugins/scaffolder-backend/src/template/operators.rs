//! JavaScript's `+`, `~` (string concatenation), `-`, `*`, `==` and `===` (what nunjitsu's operators do), as the functions
//! [`super::infix`] routes those operators to.

use minijinja::value::{Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use super::js;

pub fn register(env: &mut Environment<'static>) {
    env.add_function("__js_ops", |args: Rest<Value>| -> Result<Value, Error> {
        let mut values = args.iter();
        let mut acc = values.next().cloned().unwrap_or(Value::UNDEFINED);
        while let (Some(op), Some(right)) = (values.next(), values.next()) {
            acc = apply(&acc, op.as_str().unwrap_or_default(), right)?;
        }
        Ok(acc)
    });
}

/// `a op b` as JavaScript evaluates it.
pub fn apply(a: &Value, op: &str, b: &Value) -> Result<Value, Error> {
    let num = |f: f64| js::number_value(f);
    let (x, y) = (js::to_number(a), js::to_number(b));
    Ok(match op {
        "+" => add(a, b),
        "~" => Value::from(plus_text(a) + &plus_text(b)),
        "-" => num(x - y),
        "*" => num(x * y),
        "/" => num(x / y),
        "//" => num((x / y).floor()),
        "%" => num(x % y),
        "==" => Value::from(loose_eq(a, b)),
        "!=" => Value::from(!loose_eq(a, b)),
        "===" => Value::from(strict_eq(a, b)),
        "!==" => Value::from(!strict_eq(a, b)),
        "<" | "<=" | ">" | ">=" => Value::from(compare(a, op, b)),
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("unknown operator {op}"),
            ));
        }
    })
}

/// JavaScript's relational comparison: two strings by UTF-16 units, else as numbers (NaN
/// compares false).
fn compare(a: &Value, op: &str, b: &Value) -> bool {
    use std::cmp::Ordering;
    let primitive = |v: &Value| {
        if is_object(v) {
            Value::from(js::to_display_string(v))
        } else {
            v.clone()
        }
    };
    let (pa, pb) = (primitive(a), primitive(b));
    let ordering = match (pa.as_str(), pb.as_str()) {
        (Some(sa), Some(sb)) => Some(sa.encode_utf16().cmp(sb.encode_utf16())),
        _ => js::to_number(&pa).partial_cmp(&js::to_number(&pb)),
    };
    match (ordering, op) {
        (None, _) => false,
        (Some(o), "<") => o == Ordering::Less,
        (Some(o), "<=") => o != Ordering::Greater,
        (Some(o), ">") => o == Ordering::Greater,
        (Some(o), _) => o != Ordering::Less,
    }
}

fn is_object(v: &Value) -> bool {
    matches!(
        v.kind(),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain
    )
}

/// `String(v)` for `+`: undefined and null are spelled out.
fn plus_text(v: &Value) -> String {
    match v.kind() {
        ValueKind::Undefined => "undefined".into(),
        ValueKind::None => "null".into(),
        _ => js::to_display_string(v),
    }
}

/// JavaScript `a + b`: a string (or an object, printed) on either side concatenates,
/// else numbers add.
pub fn add(a: &Value, b: &Value) -> Value {
    let textual = |v: &Value| v.kind() == ValueKind::String || is_object(v);
    if textual(a) || textual(b) {
        return Value::from(plus_text(a) + &plus_text(b));
    }
    js::number_value(js::to_number(a) + js::to_number(b))
}

/// JavaScript `a === b`. Objects compare by value (JavaScript compares references: the
/// same object read twice is equal either way).
pub fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a.kind(), b.kind()) {
        (ValueKind::Number, ValueKind::Number) => js::to_number(a) == js::to_number(b),
        (ValueKind::Undefined, ValueKind::Undefined) | (ValueKind::None, ValueKind::None) => true,
        (x, y) if x == y => a == b,
        _ => false,
    }
}

/// JavaScript `a == b` (the abstract equality algorithm).
pub fn loose_eq(a: &Value, b: &Value) -> bool {
    let nullish = |v: &Value| matches!(v.kind(), ValueKind::Undefined | ValueKind::None);
    if nullish(a) || nullish(b) {
        return nullish(a) && nullish(b);
    }
    if a.kind() == b.kind() || (is_object(a) && is_object(b)) {
        return strict_eq(a, b);
    }
    // A boolean or an object becomes a primitive, then strings meet numbers as numbers.
    let primitive = |v: &Value| -> Value {
        if v.kind() == ValueKind::Bool {
            Value::from(js::to_number(v))
        } else if is_object(v) {
            Value::from(js::to_display_string(v))
        } else {
            v.clone()
        }
    };
    let (x, y) = (primitive(a), primitive(b));
    if x.kind() == y.kind() {
        return strict_eq(&x, &y);
    }
    js::to_number(&x) == js::to_number(&y)
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> String {
        let ctx = json!({"list": ["a", "b"], "one": [1], "obj": {"k": 1}, "nothing": null,
            "s": "3", "big": 12345678901234567890u64});
        Templater::new(&TemplaterOptions::default())
            .render(src, &ctx)
            .unwrap()
    }

    #[test]
    fn plus_is_javascripts() {
        assert_eq!(r("${{ '3' + 4 }}"), "34");
        assert_eq!(r("${{ 4 + '3' }}"), "43");
        assert_eq!(r("${{ 1 + 2 + '3' }}"), "33");
        assert_eq!(r("${{ '1' + 2 + 3 }}"), "123");
        assert_eq!(r("${{ s + 1 }}"), "31");
        assert_eq!(r("${{ true + 1 }}"), "2");
        assert_eq!(r("${{ nothing + 1 }}"), "1");
        assert_eq!(r("${{ missing + 1 }}"), "NaN");
        assert_eq!(r("${{ missing + 'x' }}"), "undefinedx");
        assert_eq!(r("${{ list + 1 }}"), "a,b1");
        assert_eq!(r("${{ obj + '' }}"), "[object Object]");
        assert_eq!(r("${{ 0.1 + 0.2 }}"), "0.30000000000000004");
        assert_eq!(r("${{ 'a' ~ 1 + 2 }}"), "a12");
        assert_eq!(r("${{ 2 + 3 * 4 }}"), "14");
        assert_eq!(r("${{ 10 - 2 + 1 }}"), "9");
        assert_eq!(
            r("${{ 'a' ~ nothing ~ missing ~ true ~ list ~ obj ~ 1.0 }}"),
            "anullundefinedtruea,b[object Object]1"
        );
        assert_eq!(r("${{ 1 - 'x' ~ 2 }}"), "NaN2");
        assert_eq!(r("${{ 'a' ~ 2 - 1 }}"), "NaN");
    }

    #[test]
    fn arithmetic_and_chains_are_javascripts() {
        assert_eq!(r("${{ 1 == 2 == false }}"), "true");
        assert_eq!(r("${{ 3 > 2 > 1 }}"), "false");
        assert_eq!(r("${{ 1 < 2 < 3 }}"), "true");
        assert_eq!(r("${{ missing < 1 }}"), "false");
        assert_eq!(r("${{ nothing < 1 }}"), "true");
        assert_eq!(r("${{ 'a' < 'B' }}"), "false");
        assert_eq!(r("${{ '10' < 9 }}"), "false");
        assert_eq!(r("${{ one > 0 }}"), "true");
        assert_eq!(r("${{ -7 % 3 }}"), "-1");
        assert_eq!(r("${{ +1 }}"), "1");
        assert_eq!(r("${{ +s + 1 }}"), "4");
        assert_eq!(r("${{ 2 * +s }}"), "6");
        assert_eq!(r("${{ 1 / 0 }}"), "Infinity");
        assert_eq!(r("${{ 7 // 2 }}"), "3");
        assert_eq!(r("${{ -7 // 2 }}"), "-4");
        assert_eq!(r("${{ 'a' / 2 }}"), "NaN");
        assert_eq!(r("${{ 7 / 2 }}"), "3.5");
        // One call per chain, not nested calls: 200 terms stay within minijinja's nesting.
        let long = format!("${{{{ 0{} }}}}", " + 1".repeat(200));
        assert_eq!(r(&long), "200");
    }

    #[test]
    fn times_is_numeric() {
        assert_eq!(r("${{ 'word ' * 3 }}"), "NaN");
        assert_eq!(r("${{ '3' * '4' }}"), "12");
        assert_eq!(r("${{ 1.1 * 3 }}"), "3.3000000000000003");
    }

    #[test]
    fn equality_is_javascripts() {
        assert_eq!(r("${{ 1 == '1' }}"), "true");
        assert_eq!(r("${{ 1 === '1' }}"), "false");
        assert_eq!(r("${{ 1 != '1' }}"), "false");
        assert_eq!(r("${{ 1 !== '1' }}"), "true");
        assert_eq!(r("${{ nothing == missing }}"), "true");
        assert_eq!(r("${{ nothing === missing }}"), "false");
        assert_eq!(r("${{ nothing == 0 }}"), "false");
        assert_eq!(r("${{ true == 1 }}"), "true");
        assert_eq!(r("${{ true == '1' }}"), "true");
        assert_eq!(r("${{ false == '' }}"), "true");
        assert_eq!(r("${{ '' == 0 }}"), "true");
        assert_eq!(r("${{ one == 1 }}"), "true");
        assert_eq!(r("${{ list == 'a,b' }}"), "true");
        assert_eq!(r("${{ obj == '[object Object]' }}"), "true");
        assert_eq!(r("${{ 1 == 1.0 }}"), "true");
        assert_eq!(r("${{ 'a' == 'A' }}"), "false");
        assert_eq!(r("{% if s == 3 %}yes{% else %}no{% endif %}"), "yes");
        assert_eq!(r("${{ 'x' if 2 + 1 == '3' else 'y' }}"), "x");
        // `not` binds to the leftmost operand of a chain in nunjitsu.
        assert_eq!(r("${{ not 1 == 2 }}"), "false");
        assert_eq!(r("${{ not s == 'x' }}"), "false");
        assert_eq!(r("${{ not 0 + 1 }}"), "2");
        assert_eq!(r("${{ not 3 > 5 }}"), "false");
        assert_eq!(r("${{ not 3 - 1 }}"), "-1");
        assert_eq!(r("${{ not not 1 == 1 }}"), "true");
        assert_eq!(r("${{ 'x' not in s }}"), "true");
        assert_eq!(r("${{ not 'x' in s }}"), "true");
        assert_eq!(r("${{ not s is defined }}"), "false");
    }

    #[test]
    fn big_integers_print_as_javascript_numbers() {
        assert_eq!(r("${{ 12345678901234567890 }}"), "12345678901234567000");
        assert_eq!(r("${{ big }}"), "12345678901234567000");
        assert_eq!(r("${{ 9007199254740993 }}"), "9007199254740992");
        assert_eq!(r("${{ [9007199254740993] | dump }}"), "[9007199254740992]");
        assert_eq!(r("${{ 1.5 + 10 }}"), "11.5");
    }

    #[test]
    fn numeric_literals_are_nunjitsus() {
        let t = Templater::new(&TemplaterOptions::default());
        for src in ["${{ 1e21 }}", "${{ 1_000 }}", "${{ 0x10 }}", "${{ 1.e3 }}"] {
            assert!(t.render(src, &json!({})).is_err(), "{src}");
        }
    }
}
