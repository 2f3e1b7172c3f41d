//! Nunjucks' built-in filters (3.2.4, as Backstage's engine implements them) where Jinja's
//! differ in name, defaults or printing, and the `dump`/`jsonify` pair.

use minijinja::value::{Kwargs, Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use super::js;

/// Largest string a filter may build (padding, repetition), in bytes.
const MAX_FILTER_OUTPUT: usize = 16 * 1024 * 1024;

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn text(value: &Value) -> String {
    js::to_display_string(value)
}

/// `undefined`, `null` and `false` read as `""` (nunjucks' `normalize(value, '')`).
fn normalized_text(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::Bool if !value.is_true() => String::new(),
        _ => text(value),
    }
}

fn keep_safe(input: &Value, out: String) -> Value {
    if input.is_safe() {
        Value::from_safe_string(out)
    } else {
        Value::from(out)
    }
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::UNDEFINED)
}

fn kw_or(kwargs: &Kwargs, name: &str, args: &[Value], i: usize) -> Value {
    match kwargs.get::<Option<Value>>(name) {
        Ok(Some(v)) => v,
        _ => arg(args, i),
    }
}

fn seq_items(value: &Value) -> Option<Vec<Value>> {
    match value.kind() {
        ValueKind::Seq | ValueKind::Iterable => value.try_iter().ok().map(|i| i.collect()),
        ValueKind::String => Some(
            value
                .as_str()
                .unwrap_or_default()
                .chars()
                .map(|c| Value::from(c.to_string()))
                .collect(),
        ),
        _ => None,
    }
}

fn map_values(value: &Value) -> Vec<Value> {
    value
        .try_iter()
        .map(|keys| {
            keys.map(|k| value.get_item(&k).unwrap_or(Value::UNDEFINED))
                .collect()
        })
        .unwrap_or_default()
}

fn spaces(n: f64) -> Result<String, Error> {
    if !n.is_finite() || n <= 0.0 {
        return Ok(String::new());
    }
    let n = n as usize;
    if n > MAX_FILTER_OUTPUT {
        return Err(invalid("padding too large"));
    }
    Ok(" ".repeat(n))
}

/// A dotted attribute path lookup (`a.b`), as nunjucks' getter for `groupby`/`sort`.
fn lookup_path(value: &Value, path: &Value) -> Value {
    if path.is_undefined() || path.is_none() {
        return value.clone();
    }
    let key = text(path);
    let mut current = value.clone();
    for part in key.split('.') {
        current = lookup(&current, part);
    }
    current
}

fn lookup(value: &Value, key: &str) -> Value {
    match value.kind() {
        ValueKind::Map => value.get_attr(key).unwrap_or(Value::UNDEFINED),
        ValueKind::Seq => {
            if key == "length" {
                return Value::from(value.len().unwrap_or(0));
            }
            key.parse::<usize>()
                .ok()
                .and_then(|i| value.get_item(&Value::from(i)).ok())
                .unwrap_or(Value::UNDEFINED)
        }
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default();
            if key == "length" {
                return Value::from(s.encode_utf16().count());
            }
            key.parse::<usize>()
                .ok()
                .and_then(|i| s.chars().nth(i))
                .map_or(Value::UNDEFINED, |c| Value::from(c.to_string()))
        }
        _ => Value::UNDEFINED,
    }
}

fn compare_sort(a: &Value, b: &Value, case_sensitive: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let prim = |v: &Value| -> Value {
        if !case_sensitive && let Some(s) = v.as_str() {
            return Value::from(s.to_lowercase());
        }
        v.clone()
    };
    let (x, y) = (prim(a), prim(b));
    if let (Some(xs), Some(ys)) = (x.as_str(), y.as_str()) {
        return xs.encode_utf16().cmp(ys.encode_utf16());
    }
    let (xn, yn) = (js::to_number(&x), js::to_number(&y));
    xn.partial_cmp(&yn).unwrap_or(Ordering::Equal)
}

pub fn register(env: &mut Environment<'static>) {
    // `for x in obj`: nunjucks iterates arrays (and strings) only with one loop variable.
    env.add_filter("__seq", |v: Value| -> Value {
        if v.kind() == ValueKind::Map {
            Value::from(Vec::<Value>::new())
        } else {
            v
        }
    });
    // `x.length` (rewritten to `x | __js_length`): JavaScript's property — UTF-16 units of a
    // string, items of an array, an object's own `length` key, undefined otherwise.
    env.add_filter("__js_length", |v: Value| -> Value {
        match v.kind() {
            ValueKind::String => Value::from(v.as_str().unwrap_or_default().encode_utf16().count()),
            ValueKind::Seq => v.len().map_or(Value::UNDEFINED, Value::from),
            ValueKind::Undefined | ValueKind::None => Value::UNDEFINED,
            _ => v.get_attr("length").unwrap_or(Value::UNDEFINED),
        }
    });
    // `for k, v in obj`: nunjucks yields [key, value] pairs of an object.
    env.add_filter("__pairs", |v: Value| -> Value {
        if v.kind() == ValueKind::Map {
            let keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
            Value::from(
                keys.into_iter()
                    .map(|k| {
                        let val = v.get_item(&k).unwrap_or(Value::UNDEFINED);
                        Value::from(vec![k, val])
                    })
                    .collect::<Vec<_>>(),
            )
        } else {
            v
        }
    });
    env.add_filter("dump", dump);
    env.add_filter("abs", |v: Value| js::number_value(js::to_number(&v).abs()));
    env.add_filter("batch", batch);
    env.add_filter("capitalize", |v: Value| {
        let t = normalized_text(&v).to_lowercase();
        let mut chars = t.chars();
        let out = match chars.next() {
            Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
            None => String::new(),
        };
        keep_safe(&v, out)
    });
    env.add_filter(
        "center",
        |v: Value, width: Option<Value>| -> Result<Value, Error> {
            let t = normalized_text(&v);
            let width = width.filter(js::truthy).map_or(80.0, |w| js::to_number(&w));
            let len = t.encode_utf16().count() as f64;
            if len >= width {
                return Ok(keep_safe(&v, t));
            }
            let spaces_n = width - len;
            let pre = spaces((spaces_n / 2.0 - spaces_n % 2.0).floor())?;
            let post = spaces((spaces_n / 2.0).floor())?;
            Ok(keep_safe(&v, format!("{pre}{t}{post}")))
        },
    );
    let default = |v: Value, def: Option<Value>, boolean: Option<Value>, kwargs: Kwargs| {
        let boolean = boolean.or_else(|| kwargs.get::<Option<Value>>("boolean").ok().flatten());
        let def = def.unwrap_or(Value::UNDEFINED);
        if boolean.as_ref().is_some_and(js::truthy) {
            if js::truthy(&v) { v } else { def }
        } else if v.is_undefined() {
            def
        } else {
            v
        }
    };
    env.add_filter("default", default);
    env.add_filter("d", default);
    env.add_filter("dictsort", dictsort);
    let escape = |v: Value| -> Value {
        if v.is_safe() {
            v
        } else {
            Value::from_safe_string(escape_html(&text(&v)))
        }
    };
    env.add_filter("escape", escape);
    env.add_filter("e", escape);
    env.add_filter("forceescape", |v: Value| {
        Value::from_safe_string(escape_html(&text(&v)))
    });
    env.add_filter("safe", |v: Value| {
        if v.is_safe() {
            v
        } else {
            Value::from_safe_string(text(&v))
        }
    });
    env.add_filter("first", |v: Value| edge(&v, false));
    env.add_filter("last", |v: Value| edge(&v, true));
    env.add_filter("float", |v: Value, def: Option<Value>| {
        let f = js::parse_float(&text(&v));
        if f.is_nan() {
            def.unwrap_or(Value::UNDEFINED)
        } else {
            js::number_value(f)
        }
    });
    env.add_filter("int", |v: Value, args: Rest<Value>, kwargs: Kwargs| {
        let fallback = kw_or(&kwargs, "default", &args, 0);
        let base = kw_or(&kwargs, "base", &args, 1);
        let base = if base.is_undefined() {
            10
        } else {
            js::to_number(&base).trunc() as i64
        };
        let parsed = if v.kind() == ValueKind::Number && base == 10 {
            let f = js::to_number(&v);
            if f.is_finite() {
                Some(f.trunc() as i64)
            } else {
                None
            }
        } else {
            u32::try_from(base)
                .ok()
                .and_then(|b| js::parse_int(&text(&v), b))
        };
        parsed.map_or(fallback, Value::from)
    });
    env.add_filter("reverse", |v: Value| -> Value {
        match v.kind() {
            ValueKind::String => {
                let r: String = v.as_str().unwrap_or_default().chars().rev().collect();
                keep_safe(&v, r)
            }
            ValueKind::Seq | ValueKind::Iterable => {
                let mut items = seq_items(&v).unwrap_or_default();
                items.reverse();
                Value::from(items)
            }
            ValueKind::Map => {
                let mut items = map_values(&v);
                items.reverse();
                Value::from(items)
            }
            _ => Value::from(Vec::<Value>::new()),
        }
    });
    env.add_filter("groupby", groupby);
    env.add_filter(
        "join",
        |v: Value, sep: Option<Value>, attr: Option<Value>| -> Result<Value, Error> {
            let sep = sep.filter(js::truthy).map(|s| text(&s)).unwrap_or_default();
            let items = match v.kind() {
                ValueKind::Seq | ValueKind::Iterable => seq_items(&v).unwrap_or_default(),
                _ => return Err(invalid("join requires an array")),
            };
            let parts: Vec<String> = items
                .iter()
                .map(|item| {
                    let item = match &attr {
                        Some(a) => lookup(item, &text(a)),
                        None => item.clone(),
                    };
                    if item.is_undefined() || item.is_none() {
                        String::new()
                    } else {
                        text(&item)
                    }
                })
                .collect();
            Ok(Value::from(parts.join(&sep)))
        },
    );
    env.add_filter(
        "sum",
        |v: Value, attr: Option<Value>, start: Option<Value>| -> Result<Value, Error> {
            let items = seq_items(&v)
                .filter(|_| v.kind() != ValueKind::String)
                .ok_or_else(|| invalid("sum requires an array"))?;
            let mut acc = Value::from(0);
            for item in items {
                let item = match attr.as_ref().filter(|a| !a.is_undefined() && !a.is_none()) {
                    Some(a) => lookup(&item, &text(a)),
                    None => item,
                };
                acc = super::operators::add(&acc, &item);
            }
            Ok(super::operators::add(
                &start.unwrap_or(Value::from(0)),
                &acc,
            ))
        },
    );
    env.add_filter("sort", |v: Value, args: Rest<Value>, kwargs: Kwargs| {
        let mut items = match v.kind() {
            ValueKind::Map => map_values(&v),
            _ => seq_items(&v).unwrap_or_default(),
        };
        let reverse = js::truthy(&kw_or(&kwargs, "reverse", &args, 0));
        let case_sensitive = js::truthy(&kw_or(&kwargs, "case_sensitive", &args, 1));
        let attribute = kw_or(&kwargs, "attribute", &args, 2);
        items.sort_by(|a, b| {
            let ord = compare_sort(
                &lookup_path(a, &attribute),
                &lookup_path(b, &attribute),
                case_sensitive,
            );
            if reverse { ord.reverse() } else { ord }
        });
        Value::from(items)
    });
    env.add_filter(
        "selectattr",
        |v: Value, attr: Value, test: Option<Value>, arg: Option<Value>| {
            select_attr(&v, &attr, test.as_ref(), arg.as_ref(), true)
        },
    );
    env.add_filter(
        "rejectattr",
        |v: Value, attr: Value, test: Option<Value>, arg: Option<Value>| {
            select_attr(&v, &attr, test.as_ref(), arg.as_ref(), false)
        },
    );
    env.add_filter("select", |v: Value, args: Rest<Value>| {
        select(&v, &args, true)
    });
    env.add_filter("reject", |v: Value, args: Rest<Value>| {
        select(&v, &args, false)
    });
    env.add_filter(
        "indent",
        |v: Value, width: Option<Value>, first: Option<Value>| -> Result<Value, Error> {
            let t = normalized_text(&v);
            if t.is_empty() {
                return Ok(Value::from(""));
            }
            let width = width.filter(js::truthy).map_or(4.0, |w| js::to_number(&w));
            let pad = spaces(width)?;
            let indent_first = first.as_ref().is_some_and(js::truthy);
            let out: Vec<String> = t
                .split('\n')
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 && !indent_first {
                        line.to_string()
                    } else {
                        format!("{pad}{line}")
                    }
                })
                .collect();
            let out = out.join("\n");
            if out.len() > MAX_FILTER_OUTPUT {
                return Err(invalid("indent result too large"));
            }
            Ok(keep_safe(&v, out))
        },
    );
    env.add_filter("length", |v: Value| -> Value {
        match v.kind() {
            ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => {
                Value::from(v.len().unwrap_or(0))
            }
            ValueKind::String => Value::from(v.as_str().unwrap_or_default().encode_utf16().count()),
            ValueKind::Undefined | ValueKind::None => Value::from(0),
            ValueKind::Bool if !v.is_true() => Value::from(0),
            _ => Value::UNDEFINED,
        }
    });
    env.add_filter("list", |v: Value| -> Result<Value, Error> {
        match v.kind() {
            ValueKind::Seq => Ok(v),
            ValueKind::String => Ok(Value::from(seq_items(&v).unwrap_or_default())),
            ValueKind::Map => {
                let keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
                Ok(Value::from(
                    keys.into_iter()
                        .map(|k| {
                            let value = v.get_item(&k).unwrap_or(Value::UNDEFINED);
                            js::make_map([("key".to_string(), k), ("value".to_string(), value)])
                        })
                        .collect::<Vec<_>>(),
                ))
            }
            _ => Err(invalid("list requires an iterable value")),
        }
    });
    env.add_filter("lower", |v: Value| {
        Value::from(normalized_text(&v).to_lowercase())
    });
    env.add_filter("upper", |v: Value| {
        Value::from(normalized_text(&v).to_uppercase())
    });
    env.add_filter("nl2br", |v: Value| {
        let t = if v.is_undefined() || v.is_none() {
            String::new()
        } else {
            text(&v)
        };
        keep_safe(&v, t.replace("\r\n", "\n").replace('\n', "<br />\n"))
    });
    env.add_filter("random", |v: Value| -> Result<Value, Error> {
        if v.is_undefined() || v.is_none() {
            return Err(invalid("random requires a sequence"));
        }
        let items = match v.kind() {
            ValueKind::Map => map_values(&v),
            _ => seq_items(&v).unwrap_or_default(),
        };
        if items.is_empty() {
            return Ok(Value::UNDEFINED);
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as usize)
            .unwrap_or(0);
        Ok(items[nanos % items.len()].clone())
    });
    env.add_filter("replace", replace);
    env.add_filter(
        "round",
        |v: Value, precision: Option<Value>, method: Option<Value>| {
            let p = precision
                .filter(js::truthy)
                .map_or(0.0, |p| js::to_number(&p));
            let factor = 10f64.powf(p);
            let x = js::to_number(&v) * factor;
            let r = match method.as_ref().and_then(|m| m.as_str()) {
                Some("ceil") => x.ceil(),
                Some("floor") => x.floor(),
                // JavaScript's Math.round rounds halves up.
                _ => (x + 0.5).floor(),
            };
            js::number_value(r / factor)
        },
    );
    env.add_filter("slice", slice);
    env.add_filter("string", |v: Value| -> Result<Value, Error> {
        if v.is_undefined() || v.is_none() {
            return Err(invalid("string requires a value"));
        }
        if v.is_safe() {
            return Ok(v);
        }
        Ok(Value::from(text(&v)))
    });
    env.add_filter(
        "striptags",
        |v: Value, preserve: Option<Value>| -> Result<Value, Error> {
            let stripped = strip_tags(&normalized_text(&v))?;
            let stripped = stripped.trim();
            let out = if preserve.as_ref().is_some_and(js::truthy) {
                let lines: Vec<String> = stripped
                    .split('\n')
                    .map(|l| collapse_spaces(l.trim_matches(' ')))
                    .collect();
                let joined = lines.join("\n").replace("\r\n", "\n");
                collapse_blank_lines(&joined)
            } else {
                stripped.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            Ok(keep_safe(&v, out))
        },
    );
    env.add_filter("title", |v: Value| {
        let words: Vec<String> = normalized_text(&v)
            .split(' ')
            .map(|w| {
                let lower = w.to_lowercase();
                let mut chars = lower.chars();
                match chars.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect();
        keep_safe(&v, words.join(" "))
    });
    env.add_filter("trim", |v: Value| {
        keep_safe(&v, text(&v).trim().to_string())
    });
    env.add_filter(
        "truncate",
        |v: Value, length: Option<Value>, killwords: Option<Value>, end: Option<Value>| {
            let t = normalized_text(&v);
            let length = length
                .filter(js::truthy)
                .map_or(255.0, |l| js::to_number(&l));
            let units: Vec<u16> = t.encode_utf16().collect();
            if (units.len() as f64) <= length {
                return keep_safe(&v, t);
            }
            let len = length.max(0.0) as usize;
            let cut = if killwords.as_ref().is_some_and(js::truthy) {
                len
            } else {
                // lastIndexOf(' ', length)
                let upto = len.min(units.len().saturating_sub(1));
                (0..=upto)
                    .rev()
                    .find(|&i| units[i] == u16::from(b' '))
                    .unwrap_or(len)
            };
            let truncated = String::from_utf16_lossy(&units[..cut.min(units.len())]);
            let end = match &end {
                Some(e) if !e.is_undefined() && !e.is_none() => text(e),
                _ => "...".to_string(),
            };
            keep_safe(&v, truncated + &end)
        },
    );
    env.add_filter("urlencode", |v: Value| -> Value {
        match v.kind() {
            ValueKind::String => Value::from(encode_uri_component(v.as_str().unwrap_or_default())),
            ValueKind::Map => {
                let keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
                Value::from(
                    keys.iter()
                        .map(|k| {
                            let val = v.get_item(k).unwrap_or(Value::UNDEFINED);
                            format!(
                                "{}={}",
                                encode_uri_component(&text(k)),
                                encode_uri_component(&text(&val))
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("&"),
                )
            }
            ValueKind::Seq => Value::from(
                seq_items(&v)
                    .unwrap_or_default()
                    .iter()
                    .map(|pair| {
                        let k = lookup(pair, "0");
                        let val = lookup(pair, "1");
                        format!(
                            "{}={}",
                            encode_uri_component(&text(&k)),
                            encode_uri_component(&text(&val))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
            _ => Value::from(""),
        }
    });
    env.add_filter("wordcount", |v: Value| -> Value {
        let t = normalized_text(&v);
        if t.is_empty() {
            return Value::from(());
        }
        let count = t
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .count();
        if count == 0 {
            Value::from(())
        } else {
            Value::from(count)
        }
    });
}

/// `dump` (`JSON.stringify(value, null, indent)`); undefined dumps to nothing.
pub fn dump(v: Value, indent: Option<Value>) -> Value {
    let gap = match &indent {
        Some(i) if i.kind() == ValueKind::String => {
            i.as_str().unwrap_or_default().chars().take(10).collect()
        }
        Some(i) if i.kind() == ValueKind::Number => {
            let n = js::to_number(i);
            if n.is_nan() || n <= 0.0 {
                String::new()
            } else {
                " ".repeat(n.trunc().min(10.0) as usize)
            }
        }
        _ => String::new(),
    };
    match js::to_json(&v) {
        Some(json) => Value::from(js::stringify(&json, &gap)),
        None => Value::UNDEFINED,
    }
}

fn edge(v: &Value, last: bool) -> Result<Value, Error> {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Err(invalid(if last {
            "last requires a sequence"
        } else {
            "first requires a sequence"
        })),
        ValueKind::Seq | ValueKind::Iterable => {
            let items = seq_items(v).unwrap_or_default();
            Ok(if last { items.last() } else { items.first() }
                .cloned()
                .unwrap_or(Value::UNDEFINED))
        }
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            let c = if last {
                s.chars().last()
            } else {
                s.chars().next()
            };
            Ok(c.map_or(Value::UNDEFINED, |c| Value::from(c.to_string())))
        }
        _ => Ok(Value::UNDEFINED),
    }
}

fn batch(v: Value, width: Value, fill: Option<Value>) -> Result<Value, Error> {
    if v.is_undefined() || v.is_none() {
        return Err(invalid("batch requires a sequence"));
    }
    let w = js::to_number(&width).trunc();
    if !w.is_finite() || w <= 0.0 || w > 1e9 {
        return Err(invalid("Batch size must be a positive integer"));
    }
    let w = w as usize;
    let items = match v.kind() {
        ValueKind::Map => map_values(&v),
        _ => seq_items(&v).unwrap_or_default(),
    };
    let mut out = Vec::new();
    let mut row = Vec::new();
    for item in items {
        row.push(item);
        if row.len() == w {
            out.push(Value::from(std::mem::take(&mut row)));
        }
    }
    if !row.is_empty() {
        if let Some(fill) = fill.filter(js::truthy) {
            while row.len() < w {
                row.push(fill.clone());
            }
        }
        out.push(Value::from(row));
    }
    Ok(Value::from(out))
}

fn dictsort(v: Value, case_sensitive: Option<Value>, by: Option<Value>) -> Result<Value, Error> {
    if v.kind() != ValueKind::Map {
        return Err(invalid("dictsort requires a record"));
    }
    let cs = case_sensitive.as_ref().is_some_and(js::truthy);
    let by_value = match by.as_ref().and_then(|b| b.as_str()) {
        None | Some("key") => false,
        Some("value") => true,
        Some(_) => return Err(invalid("dictsort can only sort by key or value")),
    };
    let keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
    let mut entries: Vec<(Value, Value)> = keys
        .into_iter()
        .map(|k| {
            let val = v.get_item(&k).unwrap_or(Value::UNDEFINED);
            (k, val)
        })
        .collect();
    entries.sort_by(|a, b| {
        if by_value {
            compare_sort(&a.1, &b.1, cs)
        } else {
            compare_sort(&a.0, &b.0, cs)
        }
    });
    Ok(Value::from(
        entries
            .into_iter()
            .map(|(k, v)| Value::from(vec![k, v]))
            .collect::<Vec<_>>(),
    ))
}

fn groupby(v: Value, attr: Value) -> Result<Value, Error> {
    if v.is_undefined() || v.is_none() {
        return Err(invalid("groupby requires a sequence"));
    }
    let items = match v.kind() {
        ValueKind::Map => map_values(&v),
        _ => seq_items(&v).unwrap_or_default(),
    };
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for item in items {
        let key_value = lookup_path(&item, &attr);
        let key = if key_value.is_undefined() {
            "undefined".to_string()
        } else if key_value.is_none() {
            "null".to_string()
        } else {
            text(&key_value)
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(item),
            None => groups.push((key, vec![item])),
        }
    }
    Ok(js::make_map(
        groups.into_iter().map(|(k, list)| (k, Value::from(list))),
    ))
}

fn select_attr(
    v: &Value,
    attr: &Value,
    test: Option<&Value>,
    arg: Option<&Value>,
    keep: bool,
) -> Result<Value, Error> {
    if v.kind() != ValueKind::Seq {
        return Err(invalid(if keep {
            "selectattr requires an array"
        } else {
            "rejectattr requires an array"
        }));
    }
    let key = text(attr);
    Ok(Value::from(
        seq_items(v)
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let value = lookup(&item, &key);
                // Nunjucks 3.2.4's selectattr takes the attribute only: a test is ignored.
                let _ = (test, arg);
                let passed = js::truthy(&value);
                Ok((item, passed))
            })
            .collect::<Result<Vec<_>, Error>>()?
            .into_iter()
            .filter(|(_, passed)| *passed == keep)
            .map(|(item, _)| item)
            .collect::<Vec<_>>(),
    ))
}

fn select(v: &Value, args: &[Value], keep: bool) -> Result<Value, Error> {
    if v.is_undefined() || v.is_none() {
        return Err(invalid(if keep {
            "select requires a sequence"
        } else {
            "reject requires a sequence"
        }));
    }
    let test = args.first().map_or("truthy".to_string(), text);
    let items = match v.kind() {
        ValueKind::Map => map_values(v),
        _ => seq_items(v).unwrap_or_default(),
    };
    let mut out = Vec::new();
    for item in items {
        let passed = if test == "truthy" {
            js::truthy(&item)
        } else if test == "falsy" {
            !js::truthy(&item)
        } else {
            builtin_test(&test, &item, args.get(1))?
        };
        if passed == keep {
            out.push(item);
        }
    }
    Ok(Value::from(out))
}

/// Nunjucks' tests as `select`/`reject` apply them.
fn builtin_test(name: &str, v: &Value, arg: Option<&Value>) -> Result<bool, Error> {
    let other = arg.cloned().unwrap_or(Value::UNDEFINED);
    let n = js::to_number(v);
    Ok(match name {
        "defined" => !v.is_undefined(),
        "undefined" => v.is_undefined(),
        "null" | "none" => v.is_none(),
        "odd" => n % 2.0 == 1.0 || n % 2.0 == -1.0,
        "even" => n % 2.0 == 0.0,
        "number" => v.kind() == ValueKind::Number,
        "string" => v.kind() == ValueKind::String,
        "mapping" => v.kind() == ValueKind::Map,
        "iterable" => matches!(
            v.kind(),
            ValueKind::Seq | ValueKind::String | ValueKind::Map | ValueKind::Iterable
        ),
        "lower" => v.as_str().is_some_and(|s| s.to_lowercase() == s),
        "upper" => v.as_str().is_some_and(|s| s.to_uppercase() == s),
        "eq" | "equalto" | "sameas" => v == &other,
        "ne" => v != &other,
        "gt" | "greaterthan" => n > js::to_number(&other),
        "ge" => n >= js::to_number(&other),
        "lt" | "lessthan" => n < js::to_number(&other),
        "le" => n <= js::to_number(&other),
        "divisibleby" => js::to_number(&other) != 0.0 && n % js::to_number(&other) == 0.0,
        _ => return Err(invalid(format!("Unknown template test {name}"))),
    })
}

fn replace(
    v: Value,
    search: Value,
    replacement: Option<Value>,
    max: Option<Value>,
) -> Result<Value, Error> {
    if let Some(regex) = super::regex_literal::of(&search) {
        let Some(input) = v.as_str() else {
            return Err(invalid("Regular-expression replacement requires a string"));
        };
        let repl = replacement
            .as_ref()
            .map_or_else(|| "undefined".to_string(), text);
        return regex
            .replace(input, &repl)
            .map(|out| keep_safe(&v, out))
            .map_err(invalid);
    }
    if !matches!(search.kind(), ValueKind::String | ValueKind::Number) {
        return Ok(v);
    }
    let input = match v.kind() {
        ValueKind::Number => Value::from(text(&v)),
        ValueKind::String => v.clone(),
        _ => return Ok(v),
    };
    let t = input.as_str().unwrap_or_default().to_string();
    let needle = text(&search);
    let repl_text = replacement
        .as_ref()
        .map(text)
        .unwrap_or_else(|| "undefined".into());
    if needle.is_empty() {
        let sep = if replacement.is_none() {
            ",".to_string()
        } else {
            repl_text.clone()
        };
        let chars: Vec<String> = t.chars().map(|c| c.to_string()).collect();
        let out = format!("{repl_text}{}{repl_text}", chars.join(&sep));
        if out.len() > MAX_FILTER_OUTPUT {
            return Err(invalid("replace result too large"));
        }
        return Ok(keep_safe(&input, out));
    }
    let max_value = max.unwrap_or(Value::from(-1));
    let max_n = js::to_number(&max_value);
    if max_n == 0.0 || !t.contains(&needle) {
        return Ok(input);
    }
    let out = if max_n == -1.0 {
        t.split(needle.as_str())
            .collect::<Vec<_>>()
            .join(&repl_text)
    } else {
        let mut remaining = t.as_str();
        let mut out = String::new();
        let mut count = 0.0;
        while count < max_n {
            match remaining.find(&needle) {
                Some(i) => {
                    out.push_str(&remaining[..i]);
                    out.push_str(&repl_text);
                    remaining = &remaining[i + needle.len()..];
                }
                None => break,
            }
            count += 1.0;
        }
        out.push_str(remaining);
        out
    };
    if out.len() > MAX_FILTER_OUTPUT {
        return Err(invalid("replace result too large"));
    }
    Ok(keep_safe(&v, out))
}

fn slice(v: Value, count: Value, fill: Option<Value>) -> Result<Value, Error> {
    let is_text = v.kind() == ValueKind::String;
    let items = seq_items(&v).ok_or_else(|| invalid("slice requires a sequence"))?;
    let n = js::to_number(&count).trunc();
    if !n.is_finite() || n <= 0.0 || n > 1e6 {
        return Err(invalid("Slice count must be a positive integer"));
    }
    let n = n as usize;
    let base = items.len() / n;
    let extra = items.len() % n;
    let fill = fill.filter(js::truthy);
    let mut out = Vec::new();
    let mut offset = 0;
    for i in 0..n {
        let len = base + usize::from(i < extra);
        let part: Vec<Value> = items[offset..offset + len].to_vec();
        offset += len;
        if is_text {
            if fill.is_some() && i >= extra {
                return Err(invalid("slice cannot append a fill value to a string"));
            }
            out.push(Value::from(part.iter().map(text).collect::<String>()));
        } else {
            let mut part = part;
            if let Some(f) = fill.as_ref().filter(|_| i >= extra) {
                part.push(f.clone());
            }
            out.push(Value::from(part));
        }
    }
    Ok(Value::from(out))
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("&#92;"),
            c => out.push(c),
        }
    }
    out
}

fn strip_tags(input: &str) -> Result<String, Error> {
    // Tags `</?name …>` and comments `<!-- … -->`, repeated while nested markup reveals more.
    fn pass(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find('<') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(body) = tail.strip_prefix("<!--")
                && let Some(end) = body.find("-->")
            {
                rest = &body[end + 3..];
                continue;
            }
            let after = tail[1..].strip_prefix('/').unwrap_or(&tail[1..]);
            let is_tag = after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic());
            if is_tag {
                let name_len = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                let after_name = &after[name_len..];
                let boundary = after_name
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                if boundary && let Some(end) = after_name.find('>') {
                    rest = &after_name[end + 1..];
                    continue;
                }
            }
            out.push('<');
            rest = &tail[1..];
        }
        out.push_str(rest);
        out
    }
    let mut current = input.to_string();
    for _ in 0..8 {
        let next = pass(&current);
        if next == current {
            return Ok(current);
        }
        current = next;
    }
    if pass(&current) != current {
        return Err(invalid(
            "striptags input contains excessively nested markup",
        ));
    }
    Ok(current)
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_space = false;
    for c in s.chars() {
        if c == ' ' {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    out
}

fn collapse_blank_lines(s: &str) -> String {
    let mut out = s.to_string();
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// `encodeURIComponent`.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
