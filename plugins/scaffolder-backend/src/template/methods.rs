//! The JavaScript methods nunjitsu lets templates call on strings and arrays
//! (`name.toUpperCase()`, `'a,b'.split(',')`, `list.includes('b')`…), with JavaScript's
//! rules: string positions count UTF-16 units, negative `slice` positions count from the
//! end, `includes`/`indexOf` on arrays use strict equality.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};

use super::js;
use super::operators::strict_eq;
use super::regex_literal::{self, JsRegex};

pub fn register(env: &mut Environment<'static>) {
    env.set_unknown_method_callback(call);
    // What a Python slice reads: a string's UTF-16 units as a list (nunjitsu), else itself.
    env.add_function("__js_slice_source", |v: Value| match v.as_str() {
        Some(s) => Value::from(
            s.encode_utf16()
                .map(|u| from_units(&[u]))
                .collect::<Vec<_>>(),
        ),
        None => v,
    });
}

fn call(_state: &mut State, receiver: &Value, name: &str, args: &[Value]) -> Result<Value, Error> {
    match receiver.kind() {
        ValueKind::String => string_method(receiver.as_str().unwrap_or_default(), name, args),
        ValueKind::Seq => {
            let items: Vec<Value> = receiver.try_iter()?.collect();
            array_method(&items, name, args)
        }
        _ => Err(Error::from(ErrorKind::UnknownMethod)),
    }
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::UNDEFINED)
}

fn text(v: &Value) -> String {
    match v.kind() {
        ValueKind::Undefined => "undefined".into(),
        ValueKind::None => "null".into(),
        _ => js::to_display_string(v),
    }
}

/// An optional integer argument (`ToIntegerOrInfinity`, clamped to `i64`).
fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    let v = arg(args, i);
    if v.is_undefined() {
        return None;
    }
    let n = js::to_number(&v);
    Some(if n.is_nan() { 0 } else { n.trunc() as i64 })
}

/// A relative position (`slice`): negative counts from the end; clamped to `0..=len`.
fn relative(pos: i64, len: usize) -> usize {
    let len = len as i64;
    (if pos < 0 { len + pos } else { pos }).clamp(0, len) as usize
}

fn from_units(units: &[u16]) -> Value {
    Value::from(String::from_utf16_lossy(units))
}

fn find_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from.min(hay.len()));
    }
    (from..hay.len().saturating_sub(needle.len() - 1)).find(|&i| hay[i..].starts_with(needle))
}

fn string_method(s: &str, name: &str, args: &[Value]) -> Result<Value, Error> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let len = units.len();
    let needle = || -> Vec<u16> { text(&arg(args, 0)).encode_utf16().collect() };
    let clamp = |i: usize| int_arg(args, i).map_or(0, |p| p.clamp(0, len as i64) as usize);
    Ok(match name {
        "toUpperCase" => Value::from(s.to_uppercase()),
        "toLowerCase" => Value::from(s.to_lowercase()),
        "trim" => Value::from(s.trim()),
        "trimStart" => Value::from(s.trim_start()),
        "trimEnd" => Value::from(s.trim_end()),
        "includes" => Value::from(find_units(&units, &needle(), clamp(1)).is_some()),
        "startsWith" => Value::from(units[clamp(1)..].starts_with(&needle())),
        "endsWith" => {
            let end = int_arg(args, 1).map_or(len, |p| p.clamp(0, len as i64) as usize);
            Value::from(units[..end].ends_with(&needle()))
        }
        "indexOf" => Value::from(find_units(&units, &needle(), clamp(1)).map_or(-1, |i| i as i64)),
        "slice" => {
            let start = int_arg(args, 0).map_or(0, |p| relative(p, len));
            let end = int_arg(args, 1).map_or(len, |p| relative(p, len));
            from_units(&units[start..end.max(start)])
        }
        "substring" => {
            let a = clamp(0);
            let b = int_arg(args, 1).map_or(len, |p| p.clamp(0, len as i64) as usize);
            from_units(&units[a.min(b)..a.max(b)])
        }
        "charAt" => {
            let i = int_arg(args, 0).unwrap_or(0);
            match usize::try_from(i).ok().filter(|&i| i < len) {
                Some(i) => from_units(&units[i..=i]),
                None => Value::from(""),
            }
        }
        "concat" => Value::from(args.iter().fold(s.to_string(), |acc, v| acc + &text(v))),
        "split" => split(s, &units, args)?,
        "replace" => {
            let replacement = text(&arg(args, 1));
            let search = arg(args, 0);
            let out = match regex_literal::of(&search) {
                Some(regex) => regex.replace(s, &replacement),
                None => JsRegex::literal(&text(&search)).and_then(|r| r.replace(s, &replacement)),
            };
            Value::from(out.map_err(|e| Error::new(ErrorKind::InvalidOperation, e))?)
        }
        _ => return Err(Error::from(ErrorKind::UnknownMethod)),
    })
}

fn split(s: &str, units: &[u16], args: &[Value]) -> Result<Value, Error> {
    let limit = int_arg(args, 1).map_or(u32::MAX as usize, |l| (l as u32) as usize);
    let sep = arg(args, 0);
    let mut parts: Vec<Value> = if sep.is_undefined() {
        vec![Value::from(s)]
    } else if let Some(regex) = regex_literal::of(&sep) {
        regex.split(s).into_iter().map(Value::from).collect()
    } else {
        let sep: Vec<u16> = text(&sep).encode_utf16().collect();
        if sep.is_empty() {
            units.iter().map(|u| from_units(&[*u])).collect()
        } else {
            let mut out = Vec::new();
            let mut start = 0;
            while let Some(i) = find_units(units, &sep, start) {
                out.push(from_units(&units[start..i]));
                start = i + sep.len();
            }
            out.push(from_units(&units[start..]));
            out
        }
    };
    parts.truncate(limit);
    Ok(Value::from(parts))
}

fn array_method(items: &[Value], name: &str, args: &[Value]) -> Result<Value, Error> {
    let len = items.len();
    let from = || int_arg(args, 1).map_or(0, |p| relative(p, len));
    Ok(match name {
        "includes" => {
            let x = arg(args, 0);
            let nan = |v: &Value| v.kind() == ValueKind::Number && js::to_number(v).is_nan();
            Value::from(
                items[from()..]
                    .iter()
                    .any(|v| strict_eq(v, &x) || (nan(v) && nan(&x))),
            )
        }
        "indexOf" => {
            let x = arg(args, 0);
            let start = from();
            Value::from(
                items[start..]
                    .iter()
                    .position(|v| strict_eq(v, &x))
                    .map_or(-1, |i| (i + start) as i64),
            )
        }
        "join" => {
            let sep = arg(args, 0);
            let sep = if sep.is_undefined() {
                ",".into()
            } else {
                text(&sep)
            };
            let parts: Vec<String> = items.iter().map(js::to_display_string).collect();
            Value::from(parts.join(&sep))
        }
        "slice" => {
            let start = int_arg(args, 0).map_or(0, |p| relative(p, len));
            let end = int_arg(args, 1).map_or(len, |p| relative(p, len));
            Value::from(items[start..end.max(start)].to_vec())
        }
        "concat" => {
            let mut out = items.to_vec();
            for a in args {
                match a.kind() {
                    ValueKind::Seq => out.extend(a.try_iter()?),
                    _ => out.push(a.clone()),
                }
            }
            Value::from(out)
        }
        "at" => {
            let i = int_arg(args, 0).unwrap_or(0);
            let i = if i < 0 { len as i64 + i } else { i };
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .unwrap_or(Value::UNDEFINED)
        }
        _ => return Err(Error::from(ErrorKind::UnknownMethod)),
    })
}

#[cfg(test)]
mod tests {
    //! Expected values checked with nunjitsu 0.7.0 (`renderString` under Node 20).
    use crate::template::{Templater, TemplaterOptions};
    use serde_json::json;

    fn r(src: &str) -> String {
        Templater::new(&TemplaterOptions::default())
            .render(
                src,
                &json!({"name": "dark-water", "list": ["a", "b", "c"], "ship": "⚓🚢x"}),
            )
            .unwrap()
    }

    #[test]
    fn string_and_array_methods_are_javascripts() {
        assert_eq!(r("${{ name.toUpperCase() }}"), "DARK-WATER");
        assert_eq!(r("${{ 'a,b,c'.split(',') | dump }}"), "[\"a\",\"b\",\"c\"]");
        assert_eq!(r("${{ 'abc'.split('') | dump }}"), "[\"a\",\"b\",\"c\"]");
        assert_eq!(r("${{ 'a,b,c'.split(',', 2) | dump }}"), "[\"a\",\"b\"]");
        assert_eq!(
            r("${{ 'a1b22c'.split(r/\\d+/) | dump }}"),
            "[\"a\",\"b\",\"c\"]"
        );
        assert_eq!(r("${{ name.startsWith('da') }}"), "true");
        assert_eq!(r("${{ name.endsWith('ter') }}"), "true");
        assert_eq!(r("${{ list.includes('b') }}"), "true");
        assert_eq!(r("${{ list.indexOf('c') }}"), "2");
        assert_eq!(r("${{ list.indexOf('z') }}"), "-1");
        assert_eq!(r("${{ name.indexOf('w') }}"), "5");
        assert_eq!(r("${{ name.replace('d', 'D') }}"), "Dark-water");
        assert_eq!(r("${{ name.replace('a', '[$&]') }}"), "d[a]rk-water");
        assert_eq!(r("${{ name.replace(r/a/g, '4') }}"), "d4rk-w4ter");
        assert_eq!(r("${{ name.slice(1, 3) }}"), "ar");
        assert_eq!(r("${{ name.slice(-5) }}"), "water");
        assert_eq!(r("${{ name.substring(3, 1) }}"), "ar");
        assert_eq!(r("${{ ship.slice(1, 3) }}"), "🚢");
        assert_eq!(r("${{ ship.indexOf('x') }}"), "3");
        assert_eq!(r("${{ list.join('-') }}"), "a-b-c");
        assert_eq!(r("${{ list.slice(-2) | dump }}"), "[\"b\",\"c\"]");
        assert_eq!(r("${{ list.at(-1) }}"), "c");
        assert_eq!(
            r("${{ list.concat(['d'], 'e') | dump }}"),
            "[\"a\",\"b\",\"c\",\"d\",\"e\"]"
        );
        assert_eq!(r("${{ ' x '.trim() }}|"), "x|");
        assert_eq!(r("${{ name.charAt(1) }}"), "a");
        assert_eq!(r("${{ name[1:3] }}"), "a,r");
        assert_eq!(r("${{ list[1:3] | dump }}"), "[\"b\",\"c\"]");
        assert_eq!(r("${{ name[-3:] | join }}"), "ter");
        assert_eq!(r("${{ name[::-1] | join }}"), "retaw-krad");
    }
}
